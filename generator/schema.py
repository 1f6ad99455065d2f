"""The content schema: one pydantic model per record kind (SPEC §3.4); which model
belongs to which kind is declared in kinds.py."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from generator.fieldtypes import (
    DoneMark,
    Fraction,
    Id,
    IsoDate,
    Level,
    Number,
    Percent,
    Ref,
    RefList,
    Status,
    Text,
    TextList,
    Title,
)


class Model(BaseModel):
    """Base of every content model: unknown fields are errors, values are checked."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True, frozen=True)


def _dependency(value: Any) -> Any:
    return {"on": value} if isinstance(value, str) else value


class Dependency(Model):
    """One `depends_on` entry: `crm` or `{on: crm#go-live, note: ..., for: cutover}`."""

    on: Ref
    """The upstream project or `project#milestone`."""
    note: Text | None = None
    for_: Id | None = Field(default=None, alias="for")
    """This project's milestone that needs the upstream item."""


Dependencies = Annotated[
    list[Annotated[Dependency, BeforeValidator(_dependency)]],
    BeforeValidator(lambda v: [] if v is None else [v] if isinstance(v, (str, dict)) else v),
]


class Objective(Model):
    """A strategic objective of the portfolio."""

    id: Id
    title: Title
    description: Text | None = None


class Money(Model):
    """`budget`: planned (and spent) amounts in a currency."""

    planned: Number | None = None
    spent: Number | None = None
    currency: Text | None = None


class Measurement(Model):
    """One measured value of a benefit."""

    date: IsoDate
    value: Number


class Benefit(Model):
    """A benefit a program expects, measured over time."""

    id: Id
    title: Title
    metric: Text | None = None
    unit: Text | None = None
    baseline: Number | None = None
    target: Number
    due: IsoDate | None = None
    owner: Text | None = None
    measurements: list[Measurement] = Field(default_factory=list)


class Governance(Model):
    """A program's governance: board members and meeting cadence."""

    board: TextList = Field(default_factory=list)
    cadence: Text | None = None


class Milestone(Model):
    """A milestone of a project; its id is unique within the project."""

    id: Id
    title: Title
    due: IsoDate
    """The current forecast."""
    done: IsoDate | None = None
    baseline: IsoDate | None = None
    """The approved date; the milestone has slipped by `due` (or `done`) minus it."""
    depends_on: Dependencies = Field(default_factory=list)
    description: Text | None = None


class Stakeholder(Model):
    name: Text
    role: Text | None = None
    interest: Text | None = None
    influence: Text | None = None


class TeamMember(Model):
    name: Text
    role: Text | None = None
    allocation: Fraction | None = None
    """Share of the person's time on this project, 0-1 (`50%` accepted)."""


class Scope(Model):
    in_: TextList = Field(default_factory=list, alias="in")
    out: TextList = Field(default_factory=list)


class Risk(Model):
    """A risk: something that may happen."""

    kind: Literal["risk"] = "risk"
    id: Id
    title: Title
    description: Text | None = None
    project: Ref | None = None
    program: Ref | None = None
    probability: Level | None = None
    impact: Level | None = None
    owner: Text | None = None
    response: Literal["avoid", "mitigate", "transfer", "accept", "escalate"] | None = None
    mitigation: Text | None = None
    status: Literal["open", "closed", "occurred"] = "open"
    raised: IsoDate | None = None
    review: IsoDate | None = None
    tags: TextList = Field(default_factory=list)


class Issue(Model):
    """An issue of the RAID log: a problem that has happened and needs action."""

    kind: Literal["issue"] = "issue"
    id: Id
    title: Title
    description: Text | None = None
    project: Ref | None = None
    program: Ref | None = None
    severity: Literal["low", "medium", "high", "critical"] | None = None
    owner: Text | None = None
    raised: IsoDate | None = None
    due: IsoDate | None = None
    status: Literal["open", "in-progress", "escalated", "resolved", "closed"] = "open"
    resolution: Text | None = None
    from_risk: Ref | None = None
    tags: TextList = Field(default_factory=list)


class Portfolio(Model):
    kind: Literal["portfolio"]
    id: Id
    title: Title
    description: Text | None = None
    manager: Text | None = None
    objectives: list[Objective] = Field(default_factory=list)


class Program(Model):
    kind: Literal["program"]
    id: Id
    title: Title
    description: Text | None = None
    portfolio: Ref | None = None
    manager: Text | None = None
    sponsor: Text | None = None
    aligns_to: RefList = Field(default_factory=list)
    budget: Money | None = None
    status: Status | None = None
    """Overrides the rollup (shown as an override)."""
    governance: Governance | None = None
    benefits: list[Benefit] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    tags: TextList = Field(default_factory=list)


class Project(Model):
    kind: Literal["project"]
    id: Id
    title: Title
    description: Text | None = None
    program: Ref | None = None
    portfolio: Ref | None = None
    manager: Text
    sponsor: Text | None = None
    phase: Literal["initiation", "planning", "execution", "closing", "closed"] | None = None
    start: IsoDate | None = None
    end: IsoDate | None = None
    """The planned (forecast) finish."""
    baseline_end: IsoDate | None = None
    """The approved finish; the project has slipped by `end` minus it."""
    budget: Money | None = None
    aligns_to: RefList = Field(default_factory=list)
    objectives: TextList = Field(default_factory=list)
    scope: Scope | None = None
    milestones: list[Milestone] = Field(default_factory=list)
    depends_on: Dependencies = Field(default_factory=list)
    stakeholders: list[Stakeholder] = Field(default_factory=list)
    team: list[TeamMember] = Field(default_factory=list)
    risks: list[Risk] = Field(default_factory=list)
    issues: list[Issue] = Field(default_factory=list)
    tags: TextList = Field(default_factory=list)
    status: Status | None = None
    """Used only when the project has no status report."""


class StatusReport(Model):
    kind: Literal["status"]
    id: Id | None = None
    project: Ref
    date: IsoDate
    overall: Status
    schedule: Status | None = None
    budget: Status | None = None
    scope: Status | None = None
    resources: Status | None = None
    quality: Status | None = None
    percent_complete: Percent | None = None
    spent: Number | None = None
    summary: Text | None = None
    path_to_green: Text | None = None
    author: Text | None = None


class Decision(Model):
    kind: Literal["decision"]
    id: Id
    title: Title
    date: IsoDate
    status: Literal["proposed", "accepted", "rejected", "superseded", "deprecated"] = "accepted"
    program: Ref | None = None
    project: Ref | None = None
    decided_by: TextList = Field(default_factory=list, alias="decided_by")
    deciders: TextList = Field(default_factory=list)
    """MADR's name for `decided_by`."""
    consulted: TextList = Field(default_factory=list)
    informed: TextList = Field(default_factory=list)
    supersedes: RefList = Field(default_factory=list)
    related: RefList = Field(default_factory=list)
    tags: TextList = Field(default_factory=list)
    description: Text | None = None


class Impact(Model):
    schedule_days: Number | None = None
    cost: Number | None = None
    scope: Text | None = None


class Change(Model):
    kind: Literal["change"]
    id: Id
    title: Title
    project: Ref
    date: IsoDate
    status: Literal["submitted", "approved", "rejected", "implemented"] = "submitted"
    impact: Impact | None = None
    decision: Ref | None = None
    requested_by: Text | None = None
    description: Text | None = None


class Action(Model):
    title: Title
    owner: Text | None = None
    due: IsoDate | None = None
    done: DoneMark | None = None
    """The date it was done, or `true`."""


class Meeting(Model):
    kind: Literal["meeting"]
    id: Id
    title: Title
    date: IsoDate
    program: Ref | None = None
    project: Ref | None = None
    attendees: TextList = Field(default_factory=list)
    decisions: RefList = Field(default_factory=list)
    actions: list[Action] = Field(default_factory=list)
    description: Text | None = None


class Lesson(Model):
    kind: Literal["lesson"]
    id: Id | None = None
    title: Title
    project: Ref | None = None
    program: Ref | None = None
    date: IsoDate | None = None
    category: Text | None = None
    type: Literal["went-well", "improve"] | None = None
    impact: Text | None = None
    recommendation: Text | None = None
    tags: TextList = Field(default_factory=list)
    description: Text | None = None


class Person(Model):
    kind: Literal["person"]
    name: Title
    email: Text | None = None
    role: Text | None = None
    team: Text | None = None


PAGE_META_KEYS = frozenset({"template", "hide", "search", "icon", "status_icon"})
"""MkDocs page settings a Markdown record may carry besides its fields."""


def record_date(model: Model) -> date | None:
    """The date a record is filed under, if it has one."""
    value = getattr(model, "date", None)
    return value if isinstance(value, date) else None
