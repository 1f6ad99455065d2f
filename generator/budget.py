"""Budget: spent against planned, variance, and program totals."""

from __future__ import annotations

from dataclasses import dataclass

from generator.records import Record
from generator.rollup import ProjectStatus
from generator.schema import Project


@dataclass(frozen=True, slots=True)
class BudgetFact:
    planned: float | None
    spent: float | None
    currency: str
    projects_planned: float | None = None
    """For a program: the sum of its projects' planned budgets (its own may differ)."""

    @property
    def variance(self) -> float | None:
        """planned - spent: positive is under budget."""
        if self.planned is None or self.spent is None:
            return None
        return self.planned - self.spent

    @property
    def used(self) -> float | None:
        """spent / planned."""
        if not self.planned or self.spent is None:
            return None
        return self.spent / self.planned


def project_budget(project: Record[Project], status: ProjectStatus, currency: str) -> BudgetFact:
    """Planned from the charter; spent from the latest report that says, else the charter."""
    budget = project.model.budget
    planned = budget.planned if budget is not None else None
    spent = budget.spent if budget is not None else None
    for report in status.reports:
        if report.model.spent is not None:
            spent = report.model.spent
            break
    own = budget.currency if budget is not None and budget.currency else currency
    return BudgetFact(planned, spent, own)


def total(facts: list[BudgetFact], currency: str) -> BudgetFact:
    """The sum over `facts` in `currency` (amounts in other currencies are left out)."""
    same = [f for f in facts if f.currency == currency]
    planned = [f.planned for f in same if f.planned is not None]
    spent = [f.spent for f in same if f.spent is not None]
    return BudgetFact(sum(planned) if planned else None, sum(spent) if spent else None, currency)
