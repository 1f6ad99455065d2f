"""The picture a diff compares: the facts of one model as of its date, keyed by subject.

Records that carry a date (risks and issues by `raised`, decisions, change requests and
lessons by `date`) are in the picture only from that date on, so comparing one content
tree as of two dates shows what was raised or decided between them (SPEC §4.1).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from generator.diagnostics import Diagnostic
from generator.model import PortfolioModel
from generator.scale import StatusScale

_DIGITS = re.compile(r"\d+")


@dataclass(frozen=True, slots=True)
class StatusFact:
    level: str
    """`project`, `program` or `portfolio`."""
    title: str
    status: str


@dataclass(frozen=True, slots=True)
class MilestoneFact:
    title: str
    """`Wave 2 (CRM replatform)`: the milestone's title and its project's."""
    due: date
    done: date | None
    """The done date, if on or before as-of."""
    state: str


@dataclass(frozen=True, slots=True)
class DependencyFact:
    downstream: str
    """Title of the item that needs the other."""
    upstream: str
    at_risk: bool
    reasons: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class RegisterFact:
    """A risk or an issue."""

    title: str
    scope: str
    """Title of the project or program it belongs to ("" when none)."""
    status: str
    open: bool
    score: int | None = None
    band: str | None = None
    overdue: bool = False
    due: date | None = None


@dataclass(frozen=True, slots=True)
class LogFact:
    """A decision, change request or lesson."""

    title: str
    status: str
    date: date | None


@dataclass(frozen=True, slots=True)
class BenefitFact:
    title: str
    unit: str
    measured: date | None
    value: float | None
    progress: float | None


@dataclass(frozen=True, slots=True)
class BudgetFact:
    title: str
    planned: float | None
    spent: float | None
    currency: str

    @property
    def over(self) -> bool:
        return self.planned is not None and self.spent is not None and self.spent > self.planned


@dataclass(frozen=True, slots=True)
class PersonFact:
    name: str
    allocation: float
    over: bool


@dataclass(frozen=True, slots=True)
class Picture:
    """Everything a diff compares, from one model (and its diagnostics)."""

    as_of: date
    scale: StatusScale
    statuses: dict[str, StatusFact]
    milestones: dict[str, MilestoneFact]
    dependencies: dict[tuple[str, str], DependencyFact]
    risks: dict[str, RegisterFact]
    issues: dict[str, RegisterFact]
    decisions: dict[str, LogFact]
    changes: dict[str, LogFact]
    lessons: dict[str, LogFact]
    benefits: dict[str, BenefitFact]
    budgets: dict[str, BudgetFact]
    people: dict[str, PersonFact]
    diagnostics: dict[tuple[str, str, str, str], list[str]]
    """(path, severity, code, message with every number as `#`) -> the messages, sorted.
    Lines are left out, since an edit above a problem moves it without changing it."""


def _known(day: date | None, as_of: date) -> bool:
    return day is None or day <= as_of


def item_title(model: PortfolioModel, ref: str) -> str:
    """A project's title, or `Milestone (Project)` for a `project#milestone` ref."""
    project_id, _, milestone_id = ref.partition("#")
    project = model.records.get(project_id)
    title = project.title if project is not None else project_id
    if not milestone_id:
        return title
    target = model.target(ref)
    name = target.milestone.title if target is not None and target.milestone else milestone_id
    return f"{name} ({title})"


def picture(model: PortfolioModel, diagnostics: list[Diagnostic]) -> Picture:
    """The facts of `model` a diff compares."""
    as_of = model.as_of
    statuses: dict[str, StatusFact] = {}
    for level in ("portfolio", "program", "project"):
        for record in model.of_kind(level):
            statuses[record.id] = StatusFact(level, record.title, model.status_of(record.id))
    milestones = {
        fact.ref: MilestoneFact(f"{fact.milestone.title} ({fact.record.title})", fact.due,
                                fact.done, fact.state)
        for fact in model.by_due}
    dependencies = {
        (dep.downstream, dep.upstream): DependencyFact(
            item_title(model, dep.downstream), item_title(model, dep.upstream), dep.at_risk,
            tuple(dep.reasons))
        for dep in model.graph.dependencies}
    risks = {
        f.record.id: RegisterFact(
            f.record.title, f.scope_record.title if f.scope_record is not None else "",
            f.record.model.status, f.open, f.score, f.band)
        for f in model.risks if _known(f.record.model.raised, as_of)}
    issues = {
        f.record.id: RegisterFact(
            f.record.title, f.scope_record.title if f.scope_record is not None else "",
            f.record.model.status, f.open, overdue=f.overdue, due=f.record.model.due)
        for f in model.issues if _known(f.record.model.raised, as_of)}
    logs = {kind: {r.id: LogFact(r.title, str(getattr(r.model, "status", "") or ""),
                                 r.model.date)
                   for r in model.of_kind(kind) if _known(r.model.date, as_of)}
            for kind in ("decision", "change", "lesson")}
    benefits = {
        f"{f.program}#{f.benefit.id}": BenefitFact(
            f.benefit.title, f.benefit.unit or "",
            f.latest.date if f.latest is not None else None,
            f.latest.value if f.latest is not None else None, f.progress)
        for f in model.benefits}
    budgets = {}
    for ident, fact in model.budgets.items():
        owner = model.records.get(ident)
        budgets[ident] = BudgetFact(owner.title if owner is not None else ident,
                                    fact.planned, fact.spent, fact.currency)
    people = {slug: PersonFact(p.name, p.allocation, p.over_allocated)
              for slug, p in model.people.items()}
    found: dict[tuple[str, str, str, str], list[str]] = {}
    for item in sorted(diagnostics, key=lambda d: (d.path, d.code, d.message)):
        key = (item.path, item.severity, item.code, _DIGITS.sub("#", item.message))
        found.setdefault(key, []).append(item.message)
    return Picture(as_of, model.scale, statuses, milestones, dependencies, risks, issues,
                   logs["decision"], logs["change"], logs["lesson"], benefits, budgets,
                   people, found)
