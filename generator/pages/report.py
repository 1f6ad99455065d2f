"""The printable portfolio report `/report/` as of the date (also `pmsite report`'s content)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from generator.pages import Context, Later, PageSpec
from generator.pages.parts import SPLIT_AT
from generator.pages.views import (
    dated,
    dependency_row,
    log_row,
    portfolio_row,
    program_row,
    project_milestone_row,
    project_row,
    risk_row,
)
from generator.pages.whatchanged import what_changed

TOP_RISKS = 10
TOP_CHANGES = 25
"""How many of the last `changes_days` days' changes the report lists, worst first."""
DECISION_DAYS = 30
"""Decisions dated within this many days before as-of are listed."""


def report_values(context: Context) -> dict[str, Any]:
    """Everything the report shows; the site page and the standalone report share it."""
    model = context.model
    as_of = model.as_of
    rows = [project_row(model, p) for p in model.of_kind("project")]
    for row in rows:
        program = row["program"]
        row["group"] = program.text if program is not None else ""
    rows.sort(key=lambda r: (r["group"] == "", r["group"].casefold(), r["link"].text.casefold()))
    deps = model.graph.dependencies
    risks = sorted((risk_row(model, f) for f in model.risks if f.open and f.score is not None),
                   key=lambda r: (-r["score"], r["id"]))
    since = as_of - timedelta(days=DECISION_DAYS)
    decisions = [log_row(model, d) for d in dated(model.of_kind("decision"))
                 if since <= d.model.date <= as_of]
    return {
        "site_name": model.settings.site_name,
        "portfolios": [portfolio_row(model, s) for s in model.portfolio_summaries.values()],
        "counts": dict(model.status_counts),
        "open_projects": model.open_projects,
        "programs": [program_row(model, s) for s in model.program_summaries.values()],
        "projects": rows if len(rows) <= SPLIT_AT else [r for r in rows if _exception(model, r)],
        "projects_total": len(rows),
        "at_risk": [dependency_row(model, d) for d in deps if d.at_risk],
        "dependencies": len(deps), "risks": risks[:TOP_RISKS], "open_risks": len(risks),
        "overdue": [project_milestone_row(model, f) for f in model.by_due
                    if f.state == "overdue"],
        "stale": sum(1 for r in rows if r["stale"]),
        "open_issues": sum(1 for f in model.issues if f.open),
        "overdue_issues": sum(1 for f in model.issues if f.overdue),
        "decisions": decisions, "decision_days": DECISION_DAYS,
        **what_changed(context, context.changes, TOP_CHANGES),
    }


def _exception(model: Any, row: dict[str, Any]) -> bool:
    """A project a large portfolio's report names: not at the best status, stale,
    late with a milestone, or worse than last time."""
    best = model.scale.best
    return bool(row["phase"] != "closed" and (row["status"] != best or row["stale"]
                                               or row["overdue"] or row["trend"] == "worse"))


def build_report(context: Context) -> list[PageSpec]:
    return [PageSpec("report.md", "report.md.j2", "Portfolio report",
                     Later(partial(report_values, context)), section="report")]
