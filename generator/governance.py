"""Governance facts as of a date: what supersedes what, and the state of meeting actions."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from generator.records import Record, Records
from generator.schema import Action, Decision, Meeting


@dataclass(frozen=True, slots=True)
class ActionFact:
    """A meeting action with its state as of a date."""

    action: Action
    state: str
    """`done` (done on or before as-of), `overdue` (due before as-of) or `open`."""
    done: date | None
    """The date it was done, if on or before as-of (a later one is not known then)."""


def action_state(action: Action, as_of: date) -> str:
    done = action.done
    if done is True or (isinstance(done, date) and done <= as_of):
        return "done"
    if action.due is not None and action.due < as_of:
        return "overdue"
    return "open"


def action_facts(meetings: Iterable[Record[Meeting]], as_of: date
                 ) -> dict[str, tuple[ActionFact, ...]]:
    """Meeting id -> its actions in the order written, each with its state."""
    return {meeting.id: tuple(
        ActionFact(a, action_state(a, as_of), _done_date(a, as_of))
        for a in meeting.model.actions) for meeting in meetings}


def _done_date(action: Action, as_of: date) -> date | None:
    done = action.done
    return done if isinstance(done, date) and done <= as_of else None


def superseded_by(records: Records) -> dict[str, tuple[Record[Decision], ...]]:
    """Decision id -> the decisions that name it in their `supersedes`, by id (only
    decisions that are superseded are keys)."""
    found: dict[str, list[Record[Decision]]] = {}
    for decision in records.by_kind("decision"):
        named = {target.id: target for ref in decision.model.supersedes
                 if (target := records.get(ref)) is not None and target.kind == "decision"}
        for target_id in named:
            found.setdefault(target_id, []).append(decision)
    return {key: tuple(items) for key, items in found.items()}
