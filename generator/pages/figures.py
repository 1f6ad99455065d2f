"""The diagrams of each page, by template: drawn for the page's place in the site."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, MutableMapping
from dataclasses import dataclass

from markupsafe import Markup, escape

from generator import diagrams
from generator.diagnostics import Diagnostic, Diagnostics
from generator.forkmap import fork_map, forks
from generator.htmlstash import CAPTION_END, CAPTION_START, FIGURE_START
from generator.pages import Context, PageSpec, relative

Figures = Callable[[Context, PageSpec, str], dict[str, str]]


def _project(context: Context, spec: PageSpec, root: str) -> dict[str, str]:
    model, ident = context.model, spec.values["record"].id
    return {"history": diagrams.history_svg(model, ident, root),
            "dependencies": diagrams.project_dependencies_svg(model, ident, root)}


def _program(context: Context, spec: PageSpec, root: str) -> dict[str, str]:
    model, ident = context.model, spec.values["record"].id
    found = {"dependencies": diagrams.program_dependencies_svg(model, ident, root),
             "roadmap": diagrams.roadmap_svg(model, root, program_id=ident)}
    for fact in model.benefits:
        if fact.program == ident:
            found[f"benefit-{fact.benefit.id}"] = diagrams.benefit_svg(model, fact)
    return found


GRAPH_LIMIT = 200
"""Projects above which the portfolio-wide graph is left out: it stays readable up to
about this size, and each program's graph carries the detail."""


def _portfolio(context: Context, spec: PageSpec, root: str) -> dict[str, str]:
    if len(context.model.records.by_kind("project")) > GRAPH_LIMIT:
        return {}
    return {"dependencies": diagrams.portfolio_dependencies_svg(context.model, root)}


def _dependencies(context: Context, spec: PageSpec, root: str) -> dict[str, str]:
    """The portfolio's graph on the page; a program's part of a split page has none (its
    program's page has the program's graph)."""
    return {} if spec.values.get("part_of") else _portfolio(context, spec, root)


def _roadmap(context: Context, spec: PageSpec, root: str) -> dict[str, str]:
    """The whole roadmap, or one program's when the page is split by program."""
    program = spec.values.get("program_id")
    if spec.values.get("parts"):  # the index of a split roadmap: its programs have theirs
        return {}
    if program is None and spec.values.get("part_of"):  # a page of standalone projects
        return {}
    return {"roadmap": diagrams.roadmap_svg(context.model, root, program_id=program)}


def _risks(context: Context, spec: PageSpec, root: str) -> dict[str, str]:
    open_risks = [f for f in context.model.risks if f.record.model.status == "open"]
    return {"heatmap": diagrams.heatmap_svg(context.model, open_risks, root,
                                            lambda p, i: f"#cell-{p}-{i}")}


FIGURES: dict[str, Figures] = {
    "project.md.j2": _project,
    "program.md.j2": _program,
    "portfolio.md.j2": _portfolio,
    "dependencies.md.j2": _dependencies,
    "roadmap.md.j2": _roadmap,
    "risks.md.j2": _risks,
}
"""Which diagrams each page template shows."""


def figures_for(context: Context, spec: PageSpec, diagnostics: Diagnostics,
                config_path: str, files: MutableMapping[str, str | bytes] | None = None
                ) -> dict[str, Markup]:
    """The page's diagrams as markup, each fitted to the column (`fit`). One that cannot
    be drawn is left out with a `diagram-failed` warning; without Graphviz none is drawn,
    with one warning. Each diagram is also added to `files` as a standalone SVG next to
    the page, which the figure links to ("Open full size")."""
    draw = FIGURES.get(spec.template)
    if draw is None or context.no_diagrams:
        return {}
    try:
        drawn = draw(context, spec, relative(spec.url, "") if spec.url else "")
    except diagrams.NoLayoutEngine as exc:
        context.no_diagrams = True
        diagnostics.warning(config_path, 0, 0, "diagram-failed",
                            f"no diagrams are drawn: {exc}")
        return {}
    except diagrams.LayoutError as exc:
        diagnostics.warning(spec.source or config_path, 0, 0, "diagram-failed",
                            f"the diagrams of /{spec.url} are left out: {exc}",
                            "the page is built without them; please report the content "
                            "that causes this")
        return {}
    found = {}
    for name, svg in drawn.items():
        if not svg:
            continue
        file_name = standalone_name(name)
        if files is not None:
            files[spec.url + file_name] = standalone(svg)
        found[name] = fit(svg, file_name if files is not None else "")
    return found


@dataclass(frozen=True, slots=True)
class _Drawn:
    """One page's diagrams as one of the processes drew them (see `draw_figures`)."""

    figures: dict[str, Markup]
    files: dict[str, str | bytes]
    problems: list[Diagnostic]
    no_diagrams: bool


def draw_figures(context: Context, specs: Iterable[PageSpec], diagnostics: Diagnostics,
                 config_path: str, files: MutableMapping[str, str | bytes],
                 jobs: int = 1) -> dict[str, dict[str, Markup]]:
    """`figures_for` of every page, by src_uri, drawn in `jobs` processes (`fork_map`):
    the same figures, files and problems, in the same order, as drawing them one by one."""
    specs = [spec for spec in specs if spec.template in FIGURES]
    no_engine = context.no_diagrams

    def draw(spec: PageSpec) -> _Drawn:
        found, made = Diagnostics(), dict[str, str | bytes]()
        figures = figures_for(context, spec, found, config_path, made)
        return _Drawn(figures, made, list(found), context.no_diagrams)

    if forks(jobs, len(specs)) and not no_engine:
        diagrams.warm_up()
    figures: dict[str, dict[str, Markup]] = {}
    for spec, drawn in zip(specs, fork_map(draw, specs, jobs), strict=True):
        # One by one, the first page to find no engine says so, and no later page is
        # drawn: so here, whichever process drew it. (Each process finds out on its own
        # first page; the build's own share starts with the first page of all.)
        if no_engine:
            figures[spec.src_uri] = {}
            continue
        figures[spec.src_uri] = drawn.figures
        diagnostics.extend(drawn.problems)
        files.update(drawn.files)
        no_engine = drawn.no_diagrams
    context.no_diagrams = no_engine
    return figures


_STYLE = re.compile(r"<style>.*?</style>\n?", re.DOTALL)
_ROOT = re.compile(r"<svg [^>]*>")
_WIDTH = re.compile(r' width="([0-9.]+)"')
_SIZES = re.compile(r' font-size="([0-9.]+)"')
_TITLE = re.compile(r"<title[^>]*>([^<]*)</title>")
MIN_TEXT_PX = 10.0
"""No diagram text is drawn smaller than this: a diagram narrower than its column scales
down only as far as this allows, and scrolls sideways below that."""
PHONE = 340.0
"""Diagrams wider than this (at their smallest legible size) may scroll on a phone."""
HINT_STEP = 50
"""The scroll hint shows while the column is narrower than the diagram's smallest
legible width rounded up to this (`pm-fit-hint-<width>`, one container query each)."""




def standalone_name(name: str) -> str:
    """The file name of a diagram's standalone SVG, next to its page."""
    return f"diagram-{re.sub(r'[^a-z0-9-]+', '-', name.lower()).strip('-') or 'x'}.svg"


def standalone(svg: str) -> str:
    """`svg` as a file of its own: an XML declaration, the <style> kept (dark mode, font)."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + svg + "\n"


def fit(svg: str, file_name: str) -> Markup:
    """The figure's body: the SVG (without its <style>, which is in the site's stylesheet)
    in a sideways scroller, held at least as wide as keeps every text `MIN_TEXT_PX` or
    larger, then a caption linking the standalone file.

    Our own SVG, built by autoescaping templates with every label escaped: it is markup.
    How it fits is plain CSS on these classes (`diagrams.css.j2`, no JavaScript): the
    SVG takes the column's width up to its natural width; the empty `pm-fit-floor` SVG
    holds the scroller's content at least `floor` px wide, and the scroller scrolls.
    """
    root = _ROOT.search(svg)
    head = root.group(0) if root else ""
    width_match = _WIDTH.search(head)
    width = float(width_match.group(1)) if width_match else 0.0
    smallest = min([float(size) for size in _SIZES.findall(svg)] or [MIN_TEXT_PX])
    floor = math.ceil(width * min(1.0, MIN_TEXT_PX / smallest)) if width else 0
    title_match = _TITLE.search(svg)
    title = title_match.group(1) if title_match else "Diagram"
    bucket = math.ceil(floor / HINT_STEP) * HINT_STEP
    hint = ""
    if floor > PHONE:
        hint = (f'<span class="pm-fit-hint pm-fit-hint-{bucket}"> \u00b7 wider than the '
                "column: scroll sideways to see all of it</span>")
    link = (f'<a class="pm-fit-open" href="{escape(file_name)}">Open full size</a>'
            if file_name else "")
    caption = f'{CAPTION_START}>{link}{hint}{CAPTION_END}' if link or hint \
        else ""
    # The title was escaped by the template; Markup keeps it as it is.
    return Markup(
        f'{FIGURE_START} tabindex="0" role="region" '
        f'aria-label="{title}">'
        f'<div class="pm-fit">'
        f'<svg class="pm-fit-floor" width="{floor}" height="0" aria-hidden="true" '
        f'focusable="false"></svg>\n'
        f"{_STYLE.sub('', svg)}\n</div></div>{caption}")
