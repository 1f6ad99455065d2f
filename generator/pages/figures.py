"""The diagrams of each page, by template: drawn for the page's place in the site."""

from __future__ import annotations

import re
from collections.abc import Callable

from markupsafe import Markup

from generator import diagrams
from generator.diagnostics import Diagnostics
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


def _roadmap(context: Context, spec: PageSpec, root: str) -> dict[str, str]:
    """The whole roadmap, or one program's when the page is split by program."""
    program = spec.values.get("program_id")
    if spec.values.get("parts"):  # the index of a split roadmap: its programs have theirs
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
    "dependencies.md.j2": _portfolio,
    "roadmap.md.j2": _roadmap,
    "risks.md.j2": _risks,
}
"""Which diagrams each page template shows."""


def figures_for(context: Context, spec: PageSpec, diagnostics: Diagnostics,
                config_path: str) -> dict[str, Markup]:
    """The page's diagrams as markup. One that cannot be drawn is left out with a
    `diagram-failed` warning; without Graphviz none is drawn, with one warning."""
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
    # Our own SVG, built by autoescaping templates with every label escaped. Its <style>
    # (dark mode, print) is in the site's stylesheet already, and the sanitizer would
    # remove it anyway: leaving it out saves every page its weight.
    return {name: Markup(_STYLE.sub("", svg)) for name, svg in drawn.items() if svg}


_STYLE = re.compile(r"<style>.*?</style>\n?", re.DOTALL)
