"""Plan the site once: every page, figure and data file, collisions found, then render.

Every front end calls `plan_site` (the plugin under `mkdocs build`/`serve`, `pmsite
build`, `pmsite report`) and only does its last step with the plan: hand its files to
MkDocs, or render one page. Problems found while planning (two sources for one URL, a
diagram that cannot be drawn) join the check's diagnostics.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, MutableMapping
from dataclasses import dataclass, field
from functools import cache, partial
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from generator.changes import Change, recent_changes
from generator.contentfiles import plain_relative
from generator.diagnostics import Diagnostics
from generator.diagrams import diagram_stylesheet
from generator.export import CSV_FILES, export_csv, export_json
from generator.feed import FEED_PATH, atom_feed
from generator.forkmap import Pending, fork_one, forks
from generator.htmlstash import stash, unmark
from generator.jsonschema import schema_names, schemas
from generator.kinds import names
from generator.pages import Context, PageSpec, url_of
from generator.pages.compose import body_markdown, render_page
from generator.pages.figures import draw_figures
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


FileData = str | bytes


class GeneratedFiles(MutableMapping[str, FileData]):
    """The generated files by path; a file given as a function is made when first read.
    Knowing which files there are costs nothing (the live preview compares names after
    every edit, and writes the files only when its background pass is done)."""

    def __init__(self) -> None:
        self._files: dict[str, FileData | Callable[[], FileData]] = {}

    def later(self, name: str, make: Callable[[], FileData]) -> None:
        """`name` is made by `make()`, when it is first read."""
        self._files[name] = make

    def __getitem__(self, name: str) -> FileData:
        data = self._files[name]
        if callable(data):
            data = self._files[name] = data()
        return data

    def __setitem__(self, name: str, data: FileData) -> None:
        self._files[name] = data

    def __delitem__(self, name: str) -> None:
        del self._files[name]

    def __contains__(self, name: object) -> bool:  # (Mapping's would make the file)
        return name in self._files

    def __iter__(self) -> Iterator[str]:
        return iter(self._files)

    def __len__(self) -> int:
        return len(self._files)


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
    files: GeneratedFiles = field(default_factory=GeneratedFiles)
    """Other generated files: data exports and assets, by path."""

    marked: dict[str, str] = field(default_factory=dict)
    """Generated pages rendered by `markdown` and not yet handed to MkDocs, marked (see
    htmlstash): each is rendered once."""
    pending: list[Pending[Any]] = field(default_factory=list)
    """Values child processes are making for this plan (see `_changes`, `_data_files`)."""

    def close(self) -> None:
        """Stop the child processes still making something for this plan (a build that
        failed before it read what they made)."""
        for pending in self.pending:
            pending.close()

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
              draw: Collection[str] | None = None,
              env: jinja2.Environment | None = None, jobs: int = 1) -> SitePlan:
    """Plan every generated page, figure and file; which content files are not published;
    and find two sources for one output path among them and `content` (each content file
    MkDocs found, docs-relative, with how it is shown: see `content_files`).

    `draw` limits the diagrams drawn to these pages (a front end that renders only them).
    `env` is the site's template environment, if one was made before (its templates are
    compiled once, when first used). `jobs` processes draw the diagrams (`draw_figures`).
    """
    env = env or site_environment(result.settings)
    context = Context(result.model, env)
    plan = SitePlan(result, context)
    context.changes = _changes(plan, result, jobs)
    config_path = _shown_config(result.settings)
    for spec in plan_pages(context):
        plan.pages[spec.src_uri] = spec
    plan.figures = draw_figures(
        context, [spec for src_uri, spec in plan.pages.items() if draw is None or src_uri in draw],
        result.diagnostics, config_path, plan.files, jobs)
    for document in _documents(result):
        plan.drop.add(document)
    for record in result.model.records:
        rel = record.source.doc.rel
        if record.source.doc.fmt == "markdown" and record.parent is None:
            if record.kind in GENERATED_OWNERS:
                plan.drop.add(rel)
            else:
                plan.records[rel] = record
    if plan.pending or forks(jobs, len(plan.pages)):
        # Project and program pages ask for what changed: found, or taken from the child
        # that found it, here, before the build's processes fork; not again in each.
        context.changes  # noqa: B018
    _data_files(plan, result, jobs)
    for name in ASSETS:
        text = env.loader.get_source(env, f"assets/{name}")[0]  # type: ignore[union-attr]
        if name == "pmsite.css":  # the diagrams' dark-mode and print rules join the sheet
            text += "\n" + diagram_stylesheet(result.model)
        plan.files[f"{ASSET_FOLDER}/{name}"] = text
    find_collisions(plan, content or {}, config_path, result.diagnostics)
    return plan


def _changes(plan: SitePlan, result: CheckResult,
             jobs: int) -> Callable[[], tuple[Change, ...]]:
    """How to find what changed in the last `changes_days` days (a second model as of
    then, 0.4 s at 1,000 projects), when a page first asks. A build that renders in
    `jobs` processes has a child find it at once (`fork_one`), while it plans the pages
    and draws the diagrams, which do not ask."""
    if result.changes_ahead is not None:  # (begun while the check was finishing)
        plan.pending.append(result.changes_ahead)
        ahead: Callable[[], tuple[Change, ...]] = result.changes_ahead.take
        return ahead
    find = partial(recent_changes, result, result.settings.options.changes_days)
    count = len(result.model.records)
    if not forks(jobs, count):
        return find
    found = fork_one(find, jobs, count)
    plan.pending.append(found)
    return found.take


def _data_files(plan: SitePlan, result: CheckResult, jobs: int = 1) -> None:
    """The exports, the feed and the schemas, each made when first read (see
    `GeneratedFiles`) from the problems known now, as if made now.

    A build that renders in `jobs` processes has them all made by a child at once
    (`fork_one`), while it sets MkDocs up and renders its pages: made here, they took
    half a second at 1,000 projects, with the other cores idle."""
    model, diagnostics, scale = result.model, result.diagnostics.sorted(), result.settings.scale
    context = plan.context
    makers: dict[str, Callable[[], FileData]] = {
        "data/portfolio.json": lambda: export_json(model, diagnostics),
        FEED_PATH: lambda: atom_feed(context),  # from the pages' changes
    }
    tables = cache(lambda: {name: text.encode("utf-8-sig")
                            for name, text in export_csv(model, diagnostics).items()})
    for name in CSV_FILES:
        makers[f"data/{name}"] = partial(_item, tables, name)
    texts = cache(lambda: schemas(scale))  # for editors (docs/schemas.md)
    for name in schema_names():
        makers[f"schemas/{name}"] = partial(_item, texts, name)
    if forks(jobs, len(plan.pages)):
        # (`makers` holds neither the plan nor its files: nothing here keeps the child
        # from being stopped when the plan is let go without reading them)
        made = fork_one(partial(_made_all, dict(makers)), jobs, len(plan.pages))
        plan.pending.append(made)
        makers = {name: partial(_item, made.take, name) for name in makers}
    for name, make in makers.items():
        plan.files.later(name, make)


def _item(table: Callable[[], Mapping[str, FileData]], name: str) -> FileData:
    return table()[name]


def _made_all(makers: Mapping[str, Callable[[], FileData]]) -> dict[str, FileData]:
    return {name: make() for name, make in makers.items()}


def content_files(files: Iterable[Any], settings: Settings) -> dict[str, str]:
    """MkDocs' files from the docs dir (`File`s, unpublishable ones already dropped), by
    docs-relative path, each with its path as diagnostics show it."""
    content = {}
    docs, root = str(settings.docs_dir), str(settings.root)
    for file in files:
        path = file.abs_src_path
        if not path:
            continue
        # (the string test answers for most files; pathlib for the rest)
        shown = plain_relative(path, root) if plain_relative(path, docs) is not None else None
        if shown is not None:
            content[file.src_uri] = shown.replace(os.sep, "/")
        elif Path(path).is_relative_to(docs):
            content[file.src_uri] = Path(path).relative_to(root).as_posix()
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
