"""The printable portfolio report `/report/` as of the date (also `pmsite report`'s content)."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from generator.pages import Context, PageSpec
from generator.pages.parts import SPLIT_AT
from generator.pages.views import (
    dated,
    dependency_row,
    log_row,
    project_milestone_row,
    project_row,
    record_link,
    ref_link,
    risk_row,
)
from generator.rollup import is_open

TOP_RISKS = 10
DECISION_DAYS = 30
"""Decisions dated within this many days before as-of are listed."""


def report_values(context: Context) -> dict[str, Any]:
    """Everything the report shows; the site page and the standalone report share it."""
    model = context.model
    as_of = model.as_of
    projects = model.records.by_kind("project")
    rows = [project_row(model, p) for p in projects]
    for row in rows:
        program = row["program"]
        row["group"] = program.text if program is not None else ""
    rows.sort(key=lambda r: (r["group"] == "", r["group"].casefold(), r["link"].text.casefold()))
    open_statuses = [model.statuses[p.id].status for p in projects if is_open(p)]
    programs = [{"link": record_link(p), "rollup": model.program_rollups[p.id],
                 "drivers": [ref_link(model, d) for d in model.program_rollups[p.id].drivers],
                 "projects": len(model.projects_of(p.id)), "budget": model.budgets[p.id]}
                for p in model.records.by_kind("program")]
    deps = model.graph.dependencies if model.graph is not None else []
    risks = sorted((risk_row(model, f) for f in model.risks
                    if f.record.model.status == "open" and f.score is not None),
                   key=lambda r: (-r["score"], r["id"]))
    overdue = sorted((f for p in projects for f in model.milestones[p.id]
                      if f.state == "overdue"), key=lambda f: (f.due, f.ref))
    since = as_of - timedelta(days=DECISION_DAYS)
    decisions = [log_row(model, d) for d in dated(model.records.by_kind("decision"))
                 if since <= d.model.date <= as_of]
    return {
        "site_name": model.settings.site_name,
        "portfolios": [{"link": record_link(p), "rollup": model.portfolio_rollups[p.id]}
                       for p in model.records.by_kind("portfolio")],
        "counts": {s: open_statuses.count(s) for s in model.scale.values},
        "open_projects": len(open_statuses), "programs": programs,
        "projects": rows if len(rows) <= SPLIT_AT else [r for r in rows if _exception(model, r)],
        "projects_total": len(rows),
        "at_risk": [dependency_row(model, d) for d in deps if d.at_risk],
        "dependencies": len(deps), "risks": risks[:TOP_RISKS], "open_risks": len(risks),
        "overdue": [project_milestone_row(model, f) for f in overdue],
        "stale": sum(1 for r in rows if r["stale"]),
        "open_issues": sum(1 for f in model.issues if f.open),
        "overdue_issues": sum(1 for f in model.issues if f.overdue),
        "decisions": decisions, "decision_days": DECISION_DAYS,
    }


def _exception(model: Any, row: dict[str, Any]) -> bool:
    """A project a large portfolio's report names: not at the best status, stale,
    late with a milestone, or worse than last time."""
    best = model.scale.best
    return bool(row["phase"] != "closed" and (row["status"] != best or row["stale"]
                                               or row["overdue"] or row["trend"] == "worse"))


def build_report(context: Context) -> list[PageSpec]:
    return [PageSpec("report.md", "report.md.j2", "Portfolio report", report_values(context),
                     section="report")]
