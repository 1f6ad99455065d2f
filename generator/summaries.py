"""Program and portfolio summaries: the rows the dashboard, report and index pages show."""

from __future__ import annotations

from dataclasses import dataclass

from generator.budget import BudgetFact
from generator.records import Record
from generator.rollup import Rollup
from generator.schema import Portfolio, Program, Project


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
