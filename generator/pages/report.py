"""The printable portfolio report `/report/` as of the date (also `pmsite report`'s content)."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from generator.pages import Context, Later, PageSpec, parts
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
REPORT_ROWS = 50
"""Rows of each list a large portfolio's report shows at most (worst first)."""
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
    programs = [program_row(model, s) for s in model.program_summaries.values()]
    at_risk = [dependency_row(model, d) for d in deps if d.at_risk]
    overdue = [project_milestone_row(model, f) for f in model.by_due if f.state == "overdue"]
    large = len(rows) > parts.SPLIT_AT
    # A large portfolio's report names what needs attention, worst first, and at most
    # REPORT_ROWS of each list; the status board, roadmap, dependencies page and decision
    # log hold the rest (a report of thousands of rows is read by no one).
    exceptions = [r for r in rows if _exception(model, r)]
    if large:
        exceptions.sort(key=lambda r: _worst_first(model, r))
    return {
        "site_name": model.settings.site_name,
        "portfolios": [portfolio_row(model, s) for s in model.portfolio_summaries.values()],
        "counts": dict(model.status_counts),
        "open_projects": model.open_projects,
        "programs": worst_programs(model, programs) if len(programs) > REPORT_ROWS else programs,
        "programs_total": len(programs),
        "projects": exceptions[:REPORT_ROWS] if large else rows,
        "projects_total": len(rows), "exceptions": len(exceptions),
        "at_risk": at_risk[:REPORT_ROWS] if large else at_risk, "at_risk_total": len(at_risk),
        "dependencies": len(deps), "risks": risks[:TOP_RISKS], "open_risks": len(risks),
        "overdue": overdue[:REPORT_ROWS] if large else overdue, "overdue_total": len(overdue),
        "stale": sum(1 for r in rows if r["stale"]),
        "open_issues": sum(1 for f in model.issues if f.open),
        "overdue_issues": sum(1 for f in model.issues if f.overdue),
        "decisions": decisions[:REPORT_ROWS] if large else decisions,
        "decisions_total": len(decisions), "decision_days": DECISION_DAYS,
        **what_changed(context, context.changes, TOP_CHANGES),
    }


def worst_programs(model: Any, programs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The programs of a large portfolio the report and dashboard name: below the best
    status, worst first, at most REPORT_ROWS."""
    best = model.scale.best
    below = [p for p in programs if p["rollup"].status != best]
    below.sort(key=lambda p: (-_rank(model, p["rollup"].status), p["link"].text.casefold()))
    return below[:REPORT_ROWS]


def _rank(model: Any, status: str | None) -> int:
    rank = model.scale.rank(status)
    return rank if rank is not None else -1


def _worst_first(model: Any, row: dict[str, Any]) -> tuple[int, int, int, str]:
    return (-_rank(model, row["status"]), int(row["trend"] != "worse"),
            -(row["days_since"] or 0), row["link"].text.casefold())


def _exception(model: Any, row: dict[str, Any]) -> bool:
    """A project a large portfolio's report names: not at the best status, stale,
    late with a milestone, or worse than last time."""
    best = model.scale.best
    return bool(row["phase"] != "closed" and (row["status"] != best or row["stale"]
                                               or row["overdue"] or row["trend"] == "worse"))


def build_report(context: Context) -> list[PageSpec]:
    return [PageSpec("report.md", "report.md.j2", "Portfolio report",
                     Later(partial(report_values, context)), section="report")]
