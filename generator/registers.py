"""Risk and issue registers: scores, heat-map cells, overdue reviews and issues."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.records import Record, Records

CLOSED_ISSUE = frozenset({"resolved", "closed"})


@dataclass(frozen=True, slots=True)
class RiskFact:
    """A risk with what is derived from it as of a date."""

    record: Record
    scope: str | None
    """Id of the project or program it belongs to (the portfolio's when neither)."""
    score: int | None
    """probability x impact, when both are known."""
    review_overdue: bool

    @property
    def cell(self) -> tuple[int, int] | None:
        """(probability, impact) on the heat map, when both are known."""
        model = self.record.model
        if model.probability is None or model.impact is None:
            return None
        return model.probability, model.impact


@dataclass(frozen=True, slots=True)
class IssueFact:
    record: Record
    scope: str | None
    overdue: bool

    @property
    def open(self) -> bool:
        return self.record.model.status not in CLOSED_ISSUE


def scope_of(record: Record, records: Records) -> str | None:
    """The project or program a risk or issue belongs to, spelled as its id is defined."""
    if record.parent is not None:
        return record.parent
    for name in ("project", "program"):
        value = getattr(record.model, name, None)
        if value:
            target = records.get(value)
            return target.id if target is not None else value
    portfolios = records.by_kind("portfolio")
    return portfolios[0].id if len(portfolios) == 1 else None


def risk_facts(records: Records, as_of: date) -> list[RiskFact]:
    facts = []
    for risk in records.by_kind("risk"):
        model = risk.model
        score = (model.probability * model.impact
                 if model.probability is not None and model.impact is not None else None)
        overdue = model.status == "open" and model.review is not None and model.review < as_of
        facts.append(RiskFact(risk, scope_of(risk, records), score, overdue))
    return facts


def issue_facts(records: Records, as_of: date) -> list[IssueFact]:
    facts = []
    for issue in records.by_kind("issue"):
        model = issue.model
        overdue = (model.status not in CLOSED_ISSUE and model.due is not None
                   and model.due < as_of)
        facts.append(IssueFact(issue, scope_of(issue, records), overdue))
    return facts
