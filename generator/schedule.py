"""Milestone states, slip against baselines and project schedule facts as of a date."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from generator.records import Record
from generator.schema import Milestone, Project


@dataclass(frozen=True, slots=True)
class MilestoneFact:
    """A milestone of a project with its state as of a date."""

    project: str
    milestone: Milestone
    state: str
    """`done`, `late`, `overdue`, `due-soon` or `planned`."""
    done: date | None
    """The done date if it is on or before as-of (later ones are not yet known then)."""
    index: int
    """Position in the project's `milestones:` list (for locating it in the file)."""
    record: Record[Project]
    """The project record (`project` is its id)."""
    baseline: date | None = None
    """The approved date (`baseline:`); `due` is the current forecast."""
    slip_days: int | None = None
    """Days past the baseline: `done` (once done as of the date), else `due`, minus
    `baseline`; negative when ahead; None without a baseline (SPEC §4 "Slip")."""

    ref: str = field(init=False)
    """`project#milestone`: how references, dependencies and changes name it (made once:
    a check and a preview update ask for it a hundred thousand times)."""

    def __post_init__(self) -> None:
        object.__setattr__(self, "ref", f"{self.project}#{self.milestone.id}")

    @property
    def due(self) -> date:
        return self.milestone.due


def milestone_state(due: date, done: date | None, as_of: date, due_soon_days: int) -> str:
    """The state of a milestone as of a date (SPEC §6.1)."""
    if done is not None and done <= as_of:
        return "done" if done <= due else "late"
    if due < as_of:
        return "overdue"
    if (due - as_of).days <= due_soon_days:
        return "due-soon"
    return "planned"


def slip(planned: date | None, baseline: date | None) -> int | None:
    """Days `planned` lies after `baseline` (negative: before); None without both."""
    if planned is None or baseline is None:
        return None
    return (planned - baseline).days


def milestones_of(project: Record[Project], as_of: date,
                  due_soon_days: int) -> list[MilestoneFact]:
    """The project's milestones in the order written, each with its state and slip."""
    facts = []
    for index, milestone in enumerate(project.model.milestones):
        done = milestone.done if milestone.done is not None and milestone.done <= as_of else None
        facts.append(MilestoneFact(project.id, milestone,
                                   milestone_state(milestone.due, done, as_of, due_soon_days),
                                   done, index, project, milestone.baseline,
                                   slip(done or milestone.due, milestone.baseline)))
    return facts


def project_slip(project: Record[Project]) -> int | None:
    """Days the planned `end` lies after `baseline_end`; None without either."""
    return slip(project.model.end, project.model.baseline_end)


def program_slip(facts: Iterable[MilestoneFact]) -> int:
    """The sum of the slips of the milestones that have a baseline (0 when none has)."""
    return sum(f.slip_days for f in facts if f.slip_days is not None)


def project_done(project: Record[Project]) -> bool:
    return bool(project.model.phase == "closed")


def project_overdue(project: Record[Project], as_of: date) -> bool:
    """An open project whose planned end has passed."""
    end = project.model.end
    return end is not None and end < as_of and not project_done(project)
