"""Program and portfolio summaries: the rows the dashboard, report and index pages show."""

from __future__ import annotations

from dataclasses import dataclass

from generator.budget import BudgetFact
from generator.records import Record
from generator.rollup import Rollup


@dataclass(frozen=True, slots=True)
class ProgramSummary:
    """A program at a glance: its rolled-up status, what drives it, its size and budget."""

    record: Record
    rollup: Rollup
    """Its status (with how it came about) and its projects per status."""
    drivers: tuple[Record, ...]
    """The projects that have the rolled-up status (`rollup.drivers`)."""
    projects: tuple[Record, ...]
    """Its projects, by id."""
    budget: BudgetFact
    """Its own planned budget (else its projects' sum) and what its projects spent."""
    portfolio: Record | None

    @property
    def status(self) -> str:
        return self.rollup.status


@dataclass(frozen=True, slots=True)
class PortfolioSummary:
    """A portfolio at a glance: its rolled-up status and what it holds."""

    record: Record
    rollup: Rollup
    """Its status and every open project below it per status."""
    drivers: tuple[Record, ...]
    """The programs and standalone projects that have the rolled-up status."""
    programs: tuple[Record, ...]
    standalone: tuple[Record, ...]
    """Its projects that are in no program."""

    @property
    def status(self) -> str:
        return self.rollup.status
