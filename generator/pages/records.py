"""Pages of portfolios, programs and projects, at `/<kind>s/<id>/` (SPEC §5)."""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, partial
from typing import Any

from generator.changes import Change
from generator.kinds import names
from generator.pages import Context, Later, PageSpec
from generator.pages.views import (
    critical_rows,
    dated,
    dependency_row,
    issue_row,
    lesson_row,
    milestone_row,
    person_link,
    program_row,
    project_row,
    record_link,
    risk_row,
)
from generator.pages.whatchanged import changes_by_record, scoped_what_changed
from generator.records import Record
from generator.summaries import ProgramSummary


def related(context: Context, record: Record[Any], kind: str) -> list[Record[Any]]:
    """Records of `kind` that reference `record` or that it references, newest first."""
    return dated(r for r in context.model.linked[record.id] if r.kind == kind)


def backlinks(context: Context, record: Record[Any]) -> list[dict[str, Any]]:
    """Every record that references this one (status reports folded into their project),
    each once."""
    rows = [{"link": record_link(source), "kind": source.kind, "via": via}
            for via, source in context.model.backlinks[record.id] if source.kind != "status"]
    return sorted(one_per_item(rows), key=lambda r: (r["kind"], r["link"].text, r["via"]))


def one_per_item(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows` (each a `link` with the `via` it is named by) with every item once: a record
    named in two fields, or twice in a body, is one row whose `via` lists both ways."""
    merged: dict[tuple[str, str], dict[str, Any]] = {}
    for row in rows:
        key = (row.get("kind", ""), row["link"].url or row["link"].text)
        if key not in merged:
            merged[key] = row | {"via": [row["via"]]}
        elif row["via"] not in merged[key]["via"]:
            merged[key]["via"].append(row["via"])
    return [row | {"via": ", ".join(row["via"])} for row in merged.values()]


def _objectives(context: Context, record: Record[Any]) -> list[dict[str, Any]]:
    """The objectives a program or project aligns to, with their portfolio."""
    return [{"id": objective.id, "title": objective.title, "portfolio": record_link(portfolio)}
            for portfolio, objective in context.model.objectives_of[record.id]]


def _by_score(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return sorted(rows, key=lambda r: (-(r["score"] or 0), r["id"]))


def build_portfolios(context: Context) -> list[PageSpec]:
    model = context.model
    pages = []
    for summary in model.portfolio_summaries.values():
        portfolio = summary.record
        rollup = summary.rollup
        programs = [program_row(model, model.program_summaries[p.id])
                    | {"objectives": _objectives(context, p)} for p in summary.programs]
        aligned = {ident: [record_link(r) for r in records]
                   for ident, records in model.aligned[portfolio.id].items()}
        pages.append(PageSpec(
            f"portfolios/{portfolio.id}.md", "portfolio.md.j2", portfolio.title,
            {"record": portfolio, "rollup": rollup, "programs": programs,
             "drivers": [record_link(d) for d in summary.drivers],
             "standalone": [project_row(model, p) for p in summary.standalone],
             "objectives": portfolio.model.objectives, "aligned": aligned,
             "manager": person_link(model, portfolio.model.manager) if portfolio.model.manager
             else None,
             "backlinks": backlinks(context, portfolio)},
            section="portfolios", source=portfolio.path))
    return pages


def build_programs(context: Context) -> list[PageSpec]:
    model = context.model
    index = cache(lambda: changes_by_record(model, context.changes))
    return [PageSpec(f"programs/{summary.record.id}.md", "program.md.j2", summary.record.title,
                     Later(partial(_program_values, context, summary, index),
                           {"record": summary.record}),
                     section="programs", source=summary.record.path)
            for summary in model.program_summaries.values()]


def _program_values(context: Context, summary: ProgramSummary,
                    index: Callable[[], dict[str, tuple[Change, ...]]]) -> dict[str, Any]:
    model = context.model
    program = summary.record
    projects = summary.projects
    path = model.critical_paths[program.id]
    governance = program.model.governance
    logs = model.program_logs[program.id]
    return {"record": program, "rollup": summary.rollup,
             "drivers": [record_link(d) for d in summary.drivers],
             "portfolio": record_link(summary.portfolio) if summary.portfolio else None,
             "projects": [project_row(model, p) | {"slip": model.project_slip[p.id]}
                          for p in projects],
             "slip": model.program_slip[program.id],
             "baselined": sum(1 for p in projects for f in model.milestones[p.id]
                              if f.baseline is not None),
             "budget": summary.budget,
             "project_budgets": [(record_link(p), model.budgets[p.id]) for p in projects],
             "benefits": list(model.benefits_of[program.id]),
             "board": [person_link(model, n) for n in governance.board] if governance else [],
             "cadence": governance.cadence if governance else None,
             "manager": person_link(model, program.model.manager)
             if program.model.manager else None,
             "sponsor": person_link(model, program.model.sponsor)
             if program.model.sponsor else None,
             **{f"{kind}s": dated(r for r in logs if r.kind == kind)
                for kind in names(program_log=True)},
             "lessons": [lesson_row(model, r) for r in dated(r for r in logs
                                                              if r.kind == "lesson")],
             "risks": _by_score([risk_row(model, f)
                                 for f in model.risks_by_scope[program.id]]),
             "issues": [issue_row(model, f) for f in model.issues_by_scope[program.id]],
             "dependencies": [dependency_row(model, d)
                              for d in model.program_dependencies[program.id]],
             "critical_rows": critical_rows(model, path),
             "objectives": _objectives(context, program),
             "what_changed": scoped_what_changed(context, index(), program.id),
             "backlinks": backlinks(context, program)}


def build_projects(context: Context) -> list[PageSpec]:
    model = context.model
    index = cache(lambda: changes_by_record(model, context.changes))
    return [PageSpec(f"projects/{project.id}.md", "project.md.j2", project.title,
                     Later(partial(_project_values, context, project, index),
                           {"record": project}),
                     section="projects", source=project.path)
            for project in model.of_kind("project")]


def _project_values(context: Context, project: Record[Any],
                    index: Callable[[], dict[str, tuple[Change, ...]]]) -> dict[str, Any]:
    model = context.model
    graph = model.graph
    status = model.statuses[project.id]
    m = project.model
    return {"record": project, "row": project_row(model, project),
             "slip": model.project_slip[project.id],
             "milestones": [milestone_row(f) | {"baseline": f.baseline, "slip": f.slip_days}
                            for f in model.milestones[project.id]],
             "upstream": [dependency_row(model, d) for d in graph.upstream.get(project.id, ())],
             "downstream": [dependency_row(model, d)
                            for d in graph.downstream.get(project.id, ())],
             "risks": _by_score([risk_row(model, f)
                                 for f in model.risks_by_scope[project.id]]),
             "issues": [issue_row(model, f) for f in model.issues_by_scope[project.id]],
             "reports": status.reports, "budget": model.budgets[project.id],
             "team": [{"person": person_link(model, t.name), "role": t.role,
                       "allocation": t.allocation} for t in m.team],
             "stakeholders": m.stakeholders, "scope": m.scope,
             "objectives": _objectives(context, project),
             "sponsor": person_link(model, m.sponsor) if m.sponsor else None,
             "decisions": related(context, project, "decision"),
             "changes": related(context, project, "change"),
             "meetings": related(context, project, "meeting"),
             "lessons": [lesson_row(model, r) for r in related(context, project, "lesson")],
             "what_changed": scoped_what_changed(context, index(), project.id),
             "backlinks": backlinks(context, project)}
