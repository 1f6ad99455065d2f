"""Portfolio-wide boards: `/status/`, `/dependencies/` and `/roadmap/` (SPEC §5)."""

from __future__ import annotations

from typing import Any

from generator.kinds import names
from generator.pages import Context, PageSpec, parts
from generator.pages.parts import split_by_program
from generator.pages.views import (
    Link,
    critical_rows,
    dependency_row,
    project_milestone_row,
    project_row,
    record_link,
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
    """At-risk dependencies first with their reasons, then all, then critical paths.

    A large portfolio's page keeps the counts, the diagram and a table of programs; each
    program's page has its dependencies (by the project that needs them) and its
    critical path."""
    model = context.model
    rows = []
    for dep in model.graph.dependencies:
        row = dependency_row(model, dep)
        row["program_id"] = model.program_of.get(dep.downstream.partition("#")[0])
        rows.append(row)
    paths = {}
    for program in model.of_kind("program"):
        path = model.critical_paths[program.id]
        if path.steps:
            paths[program.id] = {"program": record_link(program), "path": path,
                                 "rows": critical_rows(model, path)}
    spec = PageSpec("dependencies.md", "dependencies.md.j2", "Dependencies",
                    {"total": len(rows), "at_risk_total": sum(1 for r in rows if r["at_risk"])},
                    section="dependencies")
    pages = split_by_program(context, spec, rows, lambda row: row["program_id"])
    whole = len(pages) == 1
    for page in pages:
        mine, program = page.values["rows"], page.values["program_id"]
        # The whole portfolio on one page has every critical path; a split one has each
        # on its program's page. Hundreds of dependencies on one page (those outside any
        # program): the at-risk ones are listed, every one on its project's page.
        page.values = {**page.values, "at_risk": [r for r in mine if r["at_risk"]],
                       "rows": mine if len(mine) <= ALL_DEPENDENCIES_ROWS else [],
                       "listed": len(mine),
                       "paths": list(paths.values()) if whole
                       else [paths[program]] if program in paths else []}
    return pages


ALL_DEPENDENCIES_ROWS = 300
"""Above this many dependencies on one page, it lists only the at-risk ones."""


def build_roadmap(context: Context) -> list[PageSpec]:
    """Projects by program with start and end; their milestones in date order."""
    model = context.model
    groups = []
    for summary in model.program_summaries.values():
        groups.append(_roadmap_group(context, record_link(summary.record), summary.record.id,
                                     summary.projects))
    # Standalone projects come in groups of SPLIT_AT, so that a large portfolio's pages
    # of them stay the size of a program's.
    lone = sorted(model.standalone, key=lambda p: (p.model.start or p.model.end or model.as_of,
                                                   p.id))
    for n, start in enumerate(range(0, len(lone), parts.SPLIT_AT), start=1):
        groups.append(_roadmap_group(context, None, "standalone" if n == 1
                                     else f"standalone-{n}", tuple(lone[start:start + parts.SPLIT_AT])))
    dates = [d for g in groups for p in g["projects"] for d in (p["start"], p["end"]) if d]
    spec = PageSpec("roadmap.md", "roadmap.md.j2", "Roadmap",
                    {"first": min(dates, default=None), "last": max(dates, default=None)},
                    section="roadmap")
    return split_by_program(context, spec, groups,
                            lambda g: None if g["program"] is None else g["key"],
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
"""Kinds whose records carry `tags` (`Kind.tagged`), in the order the tags pages list them."""
