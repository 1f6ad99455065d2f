"""Plan the site once: every page, figure and data file, collisions found, then render.

Every front end calls `plan_site` (the plugin under `mkdocs build`/`serve`, `pmsite
build`, `pmsite report`) and only does its last step with the plan: hand its files to
MkDocs, or render one page. Problems found while planning (two sources for one URL, a
diagram that cannot be drawn) join the check's diagnostics.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from markupsafe import Markup

from generator.changes import recent_changes
from generator.diagnostics import Diagnostics
from generator.diagrams import diagram_stylesheet
from generator.export import export_csv, export_json
from generator.feed import FEED_PATH, atom_feed
from generator.htmlstash import stash, unmark
from generator.jsonschema import schemas
from generator.kinds import names
from generator.pages import Context, PageSpec, url_of
from generator.pages.compose import body_markdown, render_page
from generator.pages.figures import figures_for
from generator.pages.record_pages import decorate_record
from generator.pages.registry import plan_pages
from generator.pipeline import CheckResult
from generator.records import Record
from generator.settings import Settings
from generator.templating import site_environment

GENERATED_OWNERS = frozenset(names(source_not_a_page=True))
"""Kinds whose source files are not pages: their content appears on generated pages."""
ASSETS = ("pmsite.css", "pmsite.js")
ASSET_FOLDER = "assets/pmsite"


@dataclass(slots=True)
class SitePlan:
    """Everything the site adds to, and takes from, the files MkDocs found."""

    result: CheckResult
    """The check it was planned from; planning adds its own problems to the diagnostics."""
    context: Context
    pages: dict[str, PageSpec] = field(default_factory=dict)
    """Generated pages by src_uri."""
    figures: dict[str, dict[str, Markup]] = field(default_factory=dict)
    """The diagrams drawn for each generated page, by src_uri and name."""
    drop: set[str] = field(default_factory=set)
    """Content files (docs-relative) that are not published as they are."""
    records: dict[str, Record[Any]] = field(default_factory=dict)
    """Markdown records that keep their page at their source path, by src_uri."""
    files: dict[str, str | bytes] = field(default_factory=dict)
    """Other generated files: data exports and assets, by path."""

    marked: dict[str, str] = field(default_factory=dict)
    """Generated pages rendered by `markdown` and not yet handed to MkDocs, marked (see
    htmlstash): each is rendered once."""

    def markdown(self, src_uri: str) -> str:
        """The Markdown of the generated page `src_uri`, with its diagrams."""
        marked = render_page(self.context, self.pages[src_uri], self.figures.get(src_uri, {}),
                             marked=True)
        self.marked[src_uri] = marked
        return unmark(marked)

    def page_markdown(self, src_uri: str, markdown: str) -> str:
        """What MkDocs would render for the page `src_uri`, given the Markdown it read."""
        return unmark(self._marked(src_uri, markdown))

    def page_source(self, src_uri: str, markdown: str) -> tuple[str, list[str]]:
        """What MkDocs renders for the page `src_uri`, given the Markdown it read, with the
        HTML blocks of generated pages stashed (`htmlstash.restore` puts them back)."""
        marked = self._marked(src_uri, markdown)
        if src_uri in self.pages or src_uri in self.records:
            return stash(marked)
        return marked, []

    def _marked(self, src_uri: str, markdown: str) -> str:
        if src_uri in self.pages:
            return self.marked.pop(src_uri, None) or render_page(
                self.context, self.pages[src_uri], self.figures.get(src_uri, {}), marked=True)
        if src_uri in self.records:
            return decorate_record(self.context, self.records[src_uri], src_uri, markdown,
                                   marked=True)
        return body_markdown(self.context, markdown, src_uri, src_uri)


def plan_site(result: CheckResult, content: Mapping[str, str] | None = None,
              draw: Collection[str] | None = None) -> SitePlan:
    """Plan every generated page, figure and file; which content files are not published;
    and find two sources for one output path among them and `content` (each content file
    MkDocs found, docs-relative, with how it is shown: see `content_files`).

    `draw` limits the diagrams drawn to these pages (a front end that renders only them).
    """
    env = site_environment(result.settings)
    context = Context(result.model, env)
    context.changes = recent_changes(result, result.settings.options.changes_days)
    plan = SitePlan(result, context)
    config_path = _shown_config(result.settings)
    for spec in plan_pages(context):
        plan.pages[spec.src_uri] = spec
    for src_uri, spec in plan.pages.items():
        if draw is None or src_uri in draw:
            plan.figures[src_uri] = figures_for(context, spec, result.diagnostics, config_path,
                                                plan.files)
    for document in _documents(result):
        plan.drop.add(document)
    for record in result.model.records:
        rel = record.source.doc.rel
        if record.source.doc.fmt == "markdown" and record.parent is None:
            if record.kind in GENERATED_OWNERS:
                plan.drop.add(rel)
            else:
                plan.records[rel] = record
    diagnostics = result.diagnostics.sorted()
    plan.files["data/portfolio.json"] = export_json(result.model, diagnostics)
    plan.files[FEED_PATH] = atom_feed(context)  # from the same changes as the pages
    for name, text in export_csv(result.model, diagnostics).items():
        plan.files[f"data/{name}"] = text.encode("utf-8-sig")
    for name, text in schemas(result.settings.scale).items():  # for editors (docs/schemas.md)
        plan.files[f"schemas/{name}"] = text
    for name in ASSETS:
        text = env.loader.get_source(env, f"assets/{name}")[0]  # type: ignore[union-attr]
        if name == "pmsite.css":  # the diagrams' dark-mode and print rules join the sheet
            text += "\n" + diagram_stylesheet(result.model)
        plan.files[f"{ASSET_FOLDER}/{name}"] = text
    find_collisions(plan, content or {}, config_path, result.diagnostics)
    return plan


def content_files(files: Iterable[Any], settings: Settings) -> dict[str, str]:
    """MkDocs' files from the docs dir (`File`s, unpublishable ones already dropped), by
    docs-relative path, each with its path as diagnostics show it."""
    content = {}
    for file in files:
        if file.abs_src_path and Path(file.abs_src_path).is_relative_to(settings.docs_dir):
            shown = Path(file.abs_src_path).relative_to(settings.root).as_posix()
            content[file.src_uri] = shown
    return content


def _shown_config(settings: Settings) -> str:
    """mkdocs.yml as diagnostics show it: relative to the site repository."""
    if settings.config_file.is_relative_to(settings.root):
        return settings.config_file.relative_to(settings.root).as_posix()
    return settings.config_file.name


def _documents(result: CheckResult) -> list[str]:
    """Every YAML content file: data, never published raw."""
    seen = {r.source.doc.rel for r in result.model.records}
    seen |= {p.source.doc.rel for p in result.model.records.people}
    return sorted(rel for rel in seen if rel.lower().endswith((".yml", ".yaml")))


def dest_of(src_uri: str) -> str:
    """The output path of a docs file under directory URLs."""
    if src_uri.endswith(".md"):
        return url_of(src_uri) + "index.html"
    return src_uri


def find_collisions(plan: SitePlan, content: Mapping[str, str], root_prefix: str,
                    diagnostics: Diagnostics) -> None:
    """Two sources for one output path is an error naming both (STYLE: plan first).

    `content` maps each content file's docs-relative path to how it is shown.
    """
    owners: dict[str, list[str]] = {}
    for rel in sorted(content):
        if rel in plan.drop:
            continue
        owners.setdefault(dest_of(rel), []).append(content[rel])
    for src_uri, spec in plan.pages.items():
        what = f"generated page /{spec.url}" + (f" (from {spec.source})" if spec.source else "")
        owners.setdefault(dest_of(src_uri), []).append(what)
    for name in plan.files:
        owners.setdefault(name, []).append(f"generated file /{name}")
    for dest, sources in sorted(owners.items()):
        if len(sources) < 2:
            continue
        shown = [s for s in sources if not s.startswith("generated")] or sources
        path = shown[0] if not shown[0].startswith("generated") else root_prefix
        diagnostics.error(path, 0, 0, "url-collision",
                          f"{' and '.join(sources)} would both be written to {dest}",
                          "rename or move one of them")
