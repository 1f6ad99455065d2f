"""Risk and issue registers: scores, bands, heat-map cells, overdue reviews and issues."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Protocol, TypeVar

from generator.records import Record
from generator.schema import Issue, Portfolio, Program, Project, Risk
from generator.scopes import RecordScope

CLOSED_ISSUE = frozenset({"resolved", "closed"})


@dataclass(frozen=True, slots=True)
class Band:
    """One risk score band of the `risk_bands` option, with the scores it holds."""

    name: str
    low: int
    """Lowest score in the band."""
    high: int
    """Highest score in the band (the option's upper bound)."""

    @property
    def text(self) -> str:
        """How a legend names it: `medium (5–9)`."""
        scores = str(self.low) if self.low == self.high else f"{self.low}–{self.high}"
        return f"{self.name} ({scores})"


def risk_bands(limits: Mapping[str, int]) -> tuple[Band, ...]:
    """The bands of the `risk_bands` option (name -> upper bound), lowest first."""
    bands, low = [], 1
    for name, high in sorted(limits.items(), key=lambda item: item[1]):
        bands.append(Band(name, low, high))
        low = high + 1
    return tuple(bands)


def band(score: int, limits: Mapping[str, int]) -> str:
    """The band of a risk score (or of a heat-map cell's probability x impact): the first,
    lowest first, whose upper bound it does not exceed (SPEC §4)."""
    bands = risk_bands(limits)
    return next((b.name for b in bands if score <= b.high), bands[-1].name)


@dataclass(frozen=True, slots=True)
class RiskFact:
    """A risk with what is derived from it as of a date."""

    record: Record[Risk]
    scope: str | None
    """Id of the project or program it belongs to (the portfolio's when neither)."""
    scope_record: Record[Project | Program | Portfolio] | None
    """That record (None when the id it names does not resolve)."""
    score: int | None
    """probability x impact, when both are known."""
    band: str | None
    """The band of `score` (see `band`)."""
    review_overdue: bool

    @property
    def open(self) -> bool:
        return bool(self.record.model.status == "open")

    @property
    def cell(self) -> tuple[int, int] | None:
        """(probability, impact) on the heat map, when both are known."""
        model = self.record.model
        if model.probability is None or model.impact is None:
            return None
        return model.probability, model.impact


@dataclass(frozen=True, slots=True)
class IssueFact:
    record: Record[Issue]
    scope: str | None
    """Id of the project or program it belongs to (the portfolio's when neither)."""
    scope_record: Record[Project | Program | Portfolio] | None
    """That record (None when the id it names does not resolve)."""
    overdue: bool

    @property
    def open(self) -> bool:
        return self.record.model.status not in CLOSED_ISSUE


def _scope(scope: RecordScope
           ) -> tuple[str | None, Record[Project | Program | Portfolio] | None]:
    """What a register entry belongs to: what it names, else the only portfolio."""
    if scope.written is not None:
        return (scope.owner.id if scope.owner is not None else scope.written), scope.owner
    portfolio = scope.portfolio
    return (portfolio.id if portfolio is not None else None), portfolio


def risk_facts(risks: Iterable[Record[Risk]], scopes: dict[str, RecordScope],
               as_of: date, limits: Mapping[str, int]) -> list[RiskFact]:
    facts = []
    for risk in risks:
        model = risk.model
        score = (model.probability * model.impact
                 if model.probability is not None and model.impact is not None else None)
        overdue = model.status == "open" and model.review is not None and model.review < as_of
        facts.append(RiskFact(risk, *_scope(scopes[risk.id]), score,
                              band(score, limits) if score is not None else None, overdue))
    return facts


def issue_facts(issues: Iterable[Record[Issue]], scopes: dict[str, RecordScope],
                as_of: date) -> list[IssueFact]:
    facts = []
    for issue in issues:
        model = issue.model
        overdue = (model.status not in CLOSED_ISSUE and model.due is not None
                   and model.due < as_of)
        facts.append(IssueFact(issue, *_scope(scopes[issue.id]), overdue))
    return facts


class _Scoped(Protocol):
    @property
    def scope(self) -> str | None: ...


F = TypeVar("F", bound=_Scoped)


def by_scope(facts: Iterable[F], program_of: dict[str, str | None],
             keys: Iterable[str]) -> dict[str, tuple[F, ...]]:
    """`keys` (project and program ids) -> the facts of each, in register order; a
    program's include those of its projects."""
    found: dict[str, list[F]] = {key: [] for key in keys}
    for fact in facts:
        if fact.scope is None:
            continue
        found.setdefault(fact.scope, []).append(fact)
        program = program_of.get(fact.scope)
        if program is not None:
            found.setdefault(program, []).append(fact)
    return {key: tuple(items) for key, items in found.items()}
