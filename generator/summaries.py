"""Program and portfolio summaries: the rows the dashboard, report and index pages show."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from generator.budget import BudgetFact
from generator.graph import DependencyGraph
from generator.records import Record
from generator.registers import IssueFact, RiskFact
from generator.rollup import Rollup
from generator.schema import Change, Portfolio, Program, Project


@dataclass(frozen=True, slots=True)
class ProgramSummary:
    """A program at a glance: its rolled-up status, what drives it, its size and budget."""

    record: Record[Program]
    rollup: Rollup
    """Its status (with how it came about) and its projects per status."""
    drivers: tuple[Record[Project], ...]
    """The projects that have the rolled-up status (`rollup.drivers`)."""
    projects: tuple[Record[Project], ...]
    """Its projects, by id."""
    budget: BudgetFact
    """Its own planned budget (else its projects' sum) and what its projects spent."""
    portfolio: Record[Portfolio] | None

    @property
    def status(self) -> str:
        return self.rollup.status


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    """A portfolio at a glance: its rolled-up status and what it holds."""

    record: Record[Portfolio]
    rollup: Rollup
    """Its status and every open project below it per status."""
    drivers: tuple[Record[Program | Project], ...]
    """The programs and standalone projects that have the rolled-up status."""
    programs: tuple[Record[Program], ...]
    standalone: tuple[Record[Project], ...]
    """Its projects that are in no program."""

    @property
    def status(self) -> str:
        return self.rollup.status


@dataclass(frozen=True, slots=True)
class Totals:
    """Portfolio-wide counts and sums the dashboard and the logs show, worked out once."""

    open_risks: int
    open_issues: int
    overdue_issues: int
    dependencies: int
    at_risk_dependencies: int
    approved_change_days: float
    """Schedule days of approved or implemented change requests (a re-plan, not slip)."""
    approved_change_cost: float
    """Cost impact of approved or implemented change requests."""


def totals(risks: Sequence[RiskFact], issues: Sequence[IssueFact], graph: DependencyGraph,
           changes: Sequence[Record[Change]]) -> Totals:
    approved = [c.model.impact for c in changes if c.model.impact is not None
                and c.model.status in ("approved", "implemented")]
    days: float = 0  # stays an int when every impact is one (shown without ".0")
    cost: float = 0
    for impact in approved:
        days += impact.schedule_days or 0
        cost += impact.cost or 0
    return Totals(
        open_risks=sum(1 for f in risks if f.open),
        open_issues=sum(1 for f in issues if f.open),
        overdue_issues=sum(1 for f in issues if f.overdue),
        dependencies=len(graph.dependencies),
        at_risk_dependencies=sum(1 for d in graph.dependencies if d.at_risk),
        approved_change_days=days, approved_change_cost=cost)
