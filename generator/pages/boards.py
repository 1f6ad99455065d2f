"""Portfolio-wide boards: `/status/`, `/dependencies/`, `/roadmap/` and `/tags/` (SPEC §5)."""

from __future__ import annotations

from typing import Any

from generator.kinds import names
from generator.pages import Context, PageSpec
from generator.pages.parts import split_by_program
from generator.pages.views import (
    Link,
    critical_rows,
    dependency_row,
    project_milestone_row,
    project_row,
    record_link,
    tag_slug,
)
from generator.records import Record
from generator.schema import Project

DIMENSIONS = ("schedule", "budget", "scope", "resources", "quality")


def build_status(context: Context) -> list[PageSpec]:
    """Every project: status, dimensions, trend, staleness, last report, percent complete."""
    model = context.model
    scale = model.scale
    rows = [project_row(model, p) | {"slip": model.project_slip[p.id]}
            for p in model.of_kind("project")]

    def worst_first(row: dict[str, Any]) -> tuple[int, int, str]:
        rank = scale.rank(row["status"])
        closed = row["phase"] == "closed"
        return (int(closed), -(rank if rank is not None else -1), row["id"])

    rows.sort(key=worst_first)
    spec = PageSpec("status.md", "status.md.j2", "Status board",
                    {"dimensions": DIMENSIONS, "counts": dict(model.status_counts),
                     "stale": sum(1 for r in rows if r["stale"]),
                     "stale_after": model.settings.options.stale_after_days},
                    section="status")
    return split_by_program(context, spec, rows, lambda row: model.program_of.get(row["id"]))


def build_dependencies(context: Context) -> list[PageSpec]:
    """At-risk dependencies first with their reasons, then all, then critical paths."""
    model = context.model
    rows = [dependency_row(model, d) for d in model.graph.dependencies]
    paths = []
    for program in model.of_kind("program"):
        path = model.critical_paths[program.id]
        if path.steps:
            paths.append({"program": record_link(program), "path": path,
                          "rows": critical_rows(model, path)})
    # A portfolio of hundreds of projects lists its at-risk dependencies here and every
    # dependency on its program's and project's pages (one table of all would be megabytes).
    shown = rows if len(rows) <= ALL_DEPENDENCIES_ROWS else []
    return [PageSpec("dependencies.md", "dependencies.md.j2", "Dependencies",
                     {"at_risk": [r for r in rows if r["at_risk"]], "rows": shown,
                      "total": len(rows), "paths": paths}, section="dependencies")]


ALL_DEPENDENCIES_ROWS = 300
"""Above this many dependencies, the page lists only the at-risk ones."""


def build_roadmap(context: Context) -> list[PageSpec]:
    """Projects by program with start and end; their milestones in date order."""
    model = context.model
    groups = []
    for summary in model.program_summaries.values():
        groups.append(_roadmap_group(context, record_link(summary.record), summary.record.id,
                                     summary.projects))
    if model.standalone:
        groups.append(_roadmap_group(context, None, "standalone", model.standalone))
    dates = [d for g in groups for p in g["projects"] for d in (p["start"], p["end"]) if d]
    spec = PageSpec("roadmap.md", "roadmap.md.j2", "Roadmap",
                    {"first": min(dates, default=None), "last": max(dates, default=None)},
                    section="roadmap")
    return split_by_program(context, spec, groups,
                            lambda g: None if g["key"] == "standalone" else g["key"],
                            weight=lambda g: len(g["projects"]))


def _roadmap_group(context: Context, program: Link | None, key: str,
                   projects: tuple[Record[Project], ...]) -> dict[str, Any]:
    model = context.model
    rows = []
    for project in sorted(projects, key=lambda p: (p.model.start or p.model.end or model.as_of,
                                                   p.id)):
        row = project_row(model, project)
        row["start"] = project.model.start
        facts = model.milestones[project.id]
        row["milestones_total"] = len(facts)
        row["milestones_done"] = sum(1 for f in facts if f.done is not None)
        rows.append(row)
    facts = sorted((f for p in projects for f in model.milestones[p.id]),
                   key=lambda f: (f.due, f.ref))
    milestones = [project_milestone_row(model, f) for f in facts]
    return {"program": program, "key": key, "projects": rows, "milestones": milestones}


TAGGED_KINDS = names(tagged=True)
"""Kinds whose records carry `tags` (`Kind.tagged`), in the order the tags page lists them."""


def build_tags(context: Context) -> list[PageSpec]:
    """Every tag with the records carrying it, under `#tag-<slug>` anchors."""
    model = context.model
    found: dict[str, dict[str, Any]] = {}
    for kind in TAGGED_KINDS:
        for record in model.of_kind(kind):
            for tag in getattr(record.model, "tags", None) or []:
                slug = tag_slug(tag)
                entry = found.setdefault(slug, {"slug": slug, "names": set(), "records": {}})
                entry["names"].add(tag)
                entry["records"].setdefault(kind, [])
                if record not in entry["records"][kind]:
                    entry["records"][kind].append(record)
    tags = []
    for slug in sorted(found):
        entry = found[slug]
        tags.append({"slug": slug, "name": min(entry["names"]),
                     "count": sum(len(v) for v in entry["records"].values()),
                     "groups": [(kind, [record_link(r) for r in
                                        sorted(entry["records"][kind], key=_by_title)])
                                for kind in TAGGED_KINDS if kind in entry["records"]]})
    return [PageSpec("tags.md", "tags.md.j2", "Tags", {"tags": tags}, section="tags")]


def _by_title(record: Record[Any]) -> tuple[str, str]:
    return (record.title.casefold(), record.id)
