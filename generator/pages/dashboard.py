"""The portfolio dashboard, the home page `/` (SPEC §5): what needs attention today."""

from __future__ import annotations

from datetime import timedelta
from functools import partial
from typing import Any

from generator.pages import Context, Later, PageSpec, parts, report
from generator.pages.views import (
    dated,
    log_row,
    portfolio_row,
    program_row,
    project_milestone_row,
    project_row,
    risk_row,
)
from generator.pages.whatchanged import what_changed

TOP_CHANGES = 25
"""How many of the last `changes_days` days' changes the dashboard lists, worst first."""
TOP_RISKS = 10
"""How many risks the dashboard lists (the register has them all)."""
DASHBOARD_ROWS = 25
"""Rows of each list a large portfolio's dashboard shows at most."""
RECENT_DAYS = 60
"""Decisions and changes dated within this many days before as-of are recent."""


def build_dashboard(context: Context) -> list[PageSpec]:
    return [PageSpec("index.md", "dashboard.md.j2", "Portfolio dashboard",
                     Later(partial(_values, context)))]


def _values(context: Context) -> dict[str, Any]:
    model = context.model
    as_of = model.as_of
    projects = model.of_kind("project")
    milestones = {state: [project_milestone_row(model, f) for f in model.by_due
                          if f.state == state]
                  for state in ("overdue", "due-soon")}
    stale = [project_row(model, p) for p in projects if model.statuses[p.id].stale]
    stale.sort(key=lambda r: (-(r["days_since"] or 0), r["id"]))
    risks = sorted((risk_row(model, f) for f in model.risks if f.open and f.score is not None),
                   key=lambda r: (-r["score"], r["id"]))
    since = as_of - timedelta(days=RECENT_DAYS)
    recent = [r for r in model.of_kind("decision") + model.of_kind("change")
              if since <= r.model.date <= as_of]
    programs = [program_row(model, s) for s in model.program_summaries.values()]
    standalone = [project_row(model, p) for p in model.standalone]
    values: dict[str, Any] = {
        "portfolios": [portfolio_row(model, s) for s in model.portfolio_summaries.values()],
        "programs": programs, "standalone": standalone,
        "counts": dict(model.status_counts),
        "open_projects": model.open_projects, "total_projects": len(projects),
        "milestones": milestones, "due_soon_days": model.settings.options.due_soon_days,
        "stale": stale, "risks": risks[:TOP_RISKS],
        "open_risks": model.totals.open_risks,
        "recent": [log_row(model, r) for r in dated(recent)], "recent_days": RECENT_DAYS,
        "at_risk": model.totals.at_risk_dependencies,
        "dependencies": model.totals.dependencies,
        "overdue_issues": model.totals.overdue_issues, "open_issues": model.totals.open_issues,
        **_what_changed(context),
    }
    values["more"] = {}
    if len(projects) > parts.SPLIT_AT:
        # A large portfolio's home page names the first DASHBOARD_ROWS of each list
        # (worst or most urgent first) and says how many more there are, and where.
        if len(programs) > report.REPORT_ROWS:
            values["programs"] = report.worst_programs(model, programs)
        for key in ("standalone", "stale"):
            values[key], values["more"][key] = _cap(values[key])
        for state in ("overdue", "due-soon"):
            milestones[state], values["more"][state] = _cap(milestones[state])
        values["more"]["programs"] = len(programs) - len(values["programs"])
    return values


def _cap(rows: list[dict[str, Any]]) -> tuple[list[dict[str, Any]], int]:
    return rows[:DASHBOARD_ROWS], max(0, len(rows) - DASHBOARD_ROWS)


def _what_changed(context: Context) -> dict[str, Any]:
    """The "what changed" section: the last `changes_days` days, worst first."""
    return what_changed(context, context.changes, TOP_CHANGES)
