"""Pages of portfolios, programs and projects, at `/<kind>s/<id>/` (SPEC §5)."""

from __future__ import annotations

from typing import Any

from generator.pages import Context, PageSpec
from generator.pages.views import (
    critical_rows,
    dated,
    dependency_row,
    issue_row,
    milestone_row,
    person_link,
    project_row,
    record_link,
    ref_link,
    risk_row,
)
from generator.records import Record


def related(context: Context, record: Record, kind: str) -> list[Record]:
    """Records of `kind` that reference `record` or that it references, newest first."""
    records = context.model.records
    ids = {source for _, source in record.backlinks}
    ids |= {target.partition("#")[0] for _, target in record.references}
    found = [r for i in ids if (r := records.get(i)) is not None and r.kind == kind]
    return dated(found)


def backlinks(context: Context, record: Record) -> list[dict[str, Any]]:
    """Every record that references this one (status reports folded into their project)."""
    rows, seen = [], set()
    for via, source_id in record.backlinks:
        source = context.model.records.get(source_id)
        if source is None or source.kind == "status" or (source.id, via) in seen:
            continue
        seen.add((source.id, via))
        rows.append({"link": record_link(source), "kind": source.kind, "via": via})
    return sorted(rows, key=lambda r: (r["kind"], r["link"].text, r["via"]))


def _objectives(context: Context, ids: list[str]) -> list[dict[str, Any]]:
    found = []
    for portfolio in context.model.records.by_kind("portfolio"):
        for objective in portfolio.model.objectives:
            if objective.id.casefold() in {i.casefold() for i in ids}:
                found.append({"id": objective.id, "title": objective.title,
                              "portfolio": record_link(portfolio)})
    return found


def build_portfolios(context: Context) -> list[PageSpec]:
    model = context.model
    pages = []
    for portfolio in model.records.by_kind("portfolio"):
        rollup = model.portfolio_rollups[portfolio.id]
        programs = [{"link": record_link(p), "rollup": model.program_rollups[p.id],
                     "drivers": [ref_link(model, d) for d in model.program_rollups[p.id].drivers],
                     "projects": len(model.projects_of(p.id)),
                     "objectives": _objectives(context, p.model.aligns_to)}
                    for p in model.programs_of(portfolio.id)]
        aligned = {o.id: [record_link(r) for r in model.records.by_kind("program")
                          + model.records.by_kind("project")
                          if o.id.casefold() in {a.casefold() for a in r.model.aligns_to}]
                   for o in portfolio.model.objectives}
        pages.append(PageSpec(
            f"portfolios/{portfolio.id}.md", "portfolio.md.j2", portfolio.title,
            {"record": portfolio, "rollup": rollup, "programs": programs,
             "drivers": [ref_link(model, d) for d in rollup.drivers],
             "standalone": [project_row(model, p)
                            for p in model.standalone_projects(portfolio.id)],
             "objectives": portfolio.model.objectives, "aligned": aligned,
             "manager": person_link(model, portfolio.model.manager) if portfolio.model.manager
             else None,
             "backlinks": backlinks(context, portfolio)},
            section="portfolios", source=portfolio.path))
    return pages


def build_programs(context: Context) -> list[PageSpec]:
    model = context.model
    pages = []
    for program in model.records.by_kind("program"):
        projects = model.projects_of(program.id)
        ids = {p.id for p in projects}
        deps = [d for d in model.graph.dependencies  # type: ignore[union-attr]
                if d.downstream.partition("#")[0] in ids or d.upstream.partition("#")[0] in ids]
        risks = [f for f in model.risks if f.scope == program.id or f.scope in ids]
        issues = [f for f in model.issues if f.scope == program.id or f.scope in ids]
        path = model.critical_paths.get(program.id)
        portfolio_id = model.portfolio_of.get(program.id)
        portfolio = model.records.get(portfolio_id) if portfolio_id else None
        governance = program.model.governance
        pages.append(PageSpec(
            f"programs/{program.id}.md", "program.md.j2", program.title,
            {"record": program, "rollup": model.program_rollups[program.id],
             "drivers": [ref_link(model, d) for d in model.program_rollups[program.id].drivers],
             "portfolio": record_link(portfolio) if portfolio else None,
             "projects": [project_row(model, p) for p in projects],
             "budget": model.budgets[program.id],
             "project_budgets": [(record_link(p), model.budgets[p.id]) for p in projects],
             "benefits": [f for f in model.benefits if f.program == program.id],
             "board": [person_link(model, n) for n in governance.board] if governance else [],
             "cadence": governance.cadence if governance else None,
             "manager": person_link(model, program.model.manager)
             if program.model.manager else None,
             "sponsor": person_link(model, program.model.sponsor)
             if program.model.sponsor else None,
             "decisions": _scoped(context, "decision", program, ids),
             "changes": _scoped(context, "change", program, ids),
             "meetings": _scoped(context, "meeting", program, ids),
             "lessons": _scoped(context, "lesson", program, ids),
             "risks": sorted((risk_row(model, f) for f in risks),
                             key=lambda r: (-(r["score"] or 0), r["id"])),
             "issues": [issue_row(model, f) for f in issues],
             "dependencies": [dependency_row(model, d) for d in deps],
             "critical_path": [ref_link(model, ref) for ref in path.milestones] if path else [],
             "critical": path,
             "critical_rows": critical_rows(model, path.milestones) if path else [],
             "objectives": _objectives(context, program.model.aligns_to),
             "backlinks": backlinks(context, program)},
            section="programs", source=program.path))
    return pages


def _scoped(context: Context, kind: str, program: Record, project_ids: set[str]) -> list[Record]:
    """Records of `kind` about the program or one of its projects, newest first."""
    found = []
    for record in context.model.records.by_kind(kind):
        m = record.model
        if (getattr(m, "program", None) or "").casefold() == program.id.casefold():
            found.append(record)
        else:
            target = context.model.records.get(getattr(m, "project", None) or "")
            if target is not None and target.id in project_ids:
                found.append(record)
    return dated(found)


def build_projects(context: Context) -> list[PageSpec]:
    model = context.model
    graph = model.graph
    assert graph is not None
    pages = []
    for project in model.records.by_kind("project"):
        status = model.statuses[project.id]
        m = project.model
        risks = [f for f in model.risks if f.scope == project.id]
        issues = [f for f in model.issues if f.scope == project.id]
        pages.append(PageSpec(
            f"projects/{project.id}.md", "project.md.j2", project.title,
            {"record": project, "row": project_row(model, project),
             "milestones": [milestone_row(f) for f in model.milestones[project.id]],
             "upstream": [dependency_row(model, d) for d in graph.upstream_of(project.id)],
             "downstream": [dependency_row(model, d) for d in graph.downstream_of(project.id)],
             "risks": sorted((risk_row(model, f) for f in risks),
                             key=lambda r: (-(r["score"] or 0), r["id"])),
             "issues": [issue_row(model, f) for f in issues],
             "reports": status.reports, "budget": model.budgets[project.id],
             "team": [{"person": person_link(model, t.name), "role": t.role,
                       "allocation": t.allocation} for t in m.team],
             "stakeholders": m.stakeholders, "scope": m.scope,
             "objectives": _objectives(context, m.aligns_to),
             "sponsor": person_link(model, m.sponsor) if m.sponsor else None,
             "decisions": related(context, project, "decision"),
             "changes": related(context, project, "change"),
             "meetings": related(context, project, "meeting"),
             "lessons": related(context, project, "lesson"),
             "backlinks": backlinks(context, project)},
            section="projects", source=project.path))
    return pages
