"""Plan the site before anything is written: generated pages, dropped sources, collisions."""

from __future__ import annotations

from dataclasses import dataclass, field

from generator.diagnostics import Diagnostics
from generator.diagrams import diagram_stylesheet
from generator.export import export_csv, export_json
from generator.pages import Context, PageSpec, url_of
from generator.pages.compose import render_page
from generator.pages.registry import plan_pages
from generator.pipeline import CheckResult
from generator.records import Record
from generator.templating import site_environment

GENERATED_OWNERS = frozenset({"portfolio", "program", "project", "status"})
"""Kinds whose source files are not pages: their content appears on generated pages."""
ASSETS = ("pmsite.css", "pmsite.js")
ASSET_FOLDER = "assets/pmsite"


@dataclass(slots=True)
class SitePlan:
    """Everything the site adds to, and takes from, the files MkDocs found."""

    context: Context
    pages: dict[str, PageSpec] = field(default_factory=dict)
    """Generated pages by src_uri."""
    drop: set[str] = field(default_factory=set)
    """Content files (docs-relative) that are not published as they are."""
    records: dict[str, Record] = field(default_factory=dict)
    """Markdown records that keep their page at their source path, by src_uri."""
    files: dict[str, str | bytes] = field(default_factory=dict)
    """Other generated files: data exports and assets, by path."""

    def markdown(self, src_uri: str) -> str:
        return render_page(self.context, self.pages[src_uri])


def plan_site(result: CheckResult) -> SitePlan:
    """Plan every generated page and file; which content files are not published."""
    env = site_environment(result.settings)
    context = Context(result.model, env)
    plan = SitePlan(context)
    for spec in plan_pages(context):
        plan.pages[spec.src_uri] = spec
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
    for name, text in export_csv(result.model, diagnostics).items():
        plan.files[f"data/{name}"] = text.encode("utf-8-sig")
    for name in ASSETS:
        text = env.loader.get_source(env, f"assets/{name}")[0]  # type: ignore[union-attr]
        if name == "pmsite.css":  # the diagrams' dark-mode and print rules join the sheet
            text += "\n" + diagram_stylesheet(result.model)
        plan.files[f"{ASSET_FOLDER}/{name}"] = text
    return plan


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


def find_collisions(plan: SitePlan, content: dict[str, str], root_prefix: str,
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
