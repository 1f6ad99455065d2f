"""Current status, trend and staleness of projects; rollups to programs and portfolios."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date

from generator.records import Record, Records
from generator.scale import DONE, UNKNOWN, StatusScale
from generator.schema import Project, StatusReport


@dataclass(slots=True)
class ProjectStatus:
    """A project's status as of a date."""

    status: str
    source: str
    """`report` (its latest status report), `field` (its `status:`), or `none`."""
    trend: str | None = None
    """`better`, `same` or `worse` than the report before; None without two ranked reports."""
    stale: bool = False
    last_report: Record[StatusReport] | None = None
    previous_report: Record[StatusReport] | None = None
    reports: list[Record[StatusReport]] = field(default_factory=list)
    """Its status reports dated on or before as-of, newest first."""
    days_since_report: int | None = None


@dataclass(slots=True)
class Rollup:
    """A program's or portfolio's status and how it came about."""

    status: str
    source: str
    """`rollup` or `override`."""
    rolled_up: str
    """What the rollup alone gives (shown beside an override)."""
    drivers: list[str] = field(default_factory=list)
    """Ids of the children that have the rolled-up status (the worst ones)."""
    counts: dict[str, int] = field(default_factory=dict)
    """Children per status (every project below, for a portfolio)."""


def is_open(project: Record[Project]) -> bool:
    return bool(project.model.phase != "closed")


def project_statuses(records: Records, scale: StatusScale, as_of: date,
                     stale_after_days: int) -> dict[str, ProjectStatus]:
    """The status of every project as of `as_of`, keyed by project id."""
    reports: dict[str, list[Record[StatusReport]]] = {}
    for report in records.by_kind("status"):
        target = records.get(report.model.project)
        if target is not None and report.model.date <= as_of:
            reports.setdefault(target.id, []).append(report)
    result: dict[str, ProjectStatus] = {}
    for project in records.by_kind("project"):
        mine = sorted(reports.get(project.id, []), key=lambda r: (r.model.date, r.id),
                      reverse=True)
        if mine:
            latest = mine[0]
            previous = mine[1] if len(mine) > 1 else None
            age = (as_of - latest.model.date).days
            result[project.id] = ProjectStatus(
                status=latest.model.overall, source="report",
                trend=scale.compare(latest.model.overall, previous.model.overall)
                if previous is not None else None,
                stale=is_open(project) and age > stale_after_days,
                last_report=latest, previous_report=previous, reports=mine,
                days_since_report=age)
        elif project.model.status is not None:
            result[project.id] = ProjectStatus(project.model.status, "field")
        elif not is_open(project):
            result[project.id] = ProjectStatus(DONE, "none")
        else:
            result[project.id] = ProjectStatus(UNKNOWN, "none")
    return result


def roll_up(children: list[tuple[str, str]], scale: StatusScale,
            override: str | None = None) -> Rollup:
    """Worst status of `children` ((id, status) of open children), unknown ignored.

    With no ranked child: `unknown` if any child is unknown or there is none, else `done`.
    """
    counts = Counter(status for _, status in children)
    worst = scale.worst(status for _, status in children)
    if worst is not None:
        rolled = worst
    elif counts.get(UNKNOWN) or not children:
        rolled = UNKNOWN
    else:
        rolled = DONE
    drivers = sorted(ident for ident, status in children if status == rolled)
    ordered = {s: counts[s] for s in scale.values if counts.get(s)}
    if override is not None:
        return Rollup(override, "override", rolled, drivers, ordered)
    return Rollup(rolled, "rollup", rolled, drivers, ordered)
