"""What changed between two pictures (SPEC §4.1, §6.2): sentences people read, worst first.

One engine for `pmsite diff` (two as-of dates, or a git revision against the working
tree) and the dashboard's "what changed". Each change names its subject by id and its
title, says what it was and is, and whether that is worse, better or neutral.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import TypeVar

from generator.diagnostics import Diagnostics
from generator.forkmap import Pending, fork_one, forks
from generator.load import SourceDocument
from generator.model import build_model
from generator.picture import LogFact, Picture, RegisterFact, picture
from generator.pipeline import CheckResult
from generator.records import Records
from generator.resolve import Links
from generator.scale import DONE, UNKNOWN
from generator.settings import Settings

Value = str | int | float | bool | None
"""What `before` and `after` hold (JSON scalars)."""
DIRECTIONS = ("worse", "neutral", "better")
"""The sort order of directions: worst first."""
KINDS = ("status", "milestone-overdue", "milestone-slipped", "milestone-done",
         "milestone-added", "milestone-removed", "dependency-at-risk", "dependency-cleared",
         "risk-opened", "risk-rescored", "risk-closed", "issue-opened", "issue-overdue",
         "issue-resolved", "budget", "allocation", "benefit", "decision", "change-request",
         "lesson", "diagnostic")
"""Every kind of change (SPEC §6.2), in the order ties on subject are broken."""


@dataclass(frozen=True, slots=True)
class Change:
    """One change of the picture."""

    kind: str
    subject: str
    """Id of what changed (a project, `project#milestone`, a risk, a file for a
    diagnostic, `downstream->upstream` for a dependency)."""
    title: str
    """Its title, for people."""
    before: Value
    after: Value
    direction: str
    """`worse`, `better` or `neutral`."""
    message: str
    """One sentence: `Network refresh turned red (was amber)`."""

    def sort_key(self) -> tuple[int, bool, str, int, str]:
        """Worst first, then by subject; diagnostics (about files, not the portfolio)
        after the other changes of their direction."""
        return (DIRECTIONS.index(self.direction), self.kind == "diagnostic", self.subject,
                KINDS.index(self.kind), self.message)

    def to_dict(self) -> dict[str, Value]:
        return {"kind": self.kind, "subject": self.subject, "title": self.title,
                "before": self.before, "after": self.after, "direction": self.direction,
                "message": self.message}


def changes_between(base: CheckResult, head: CheckResult) -> tuple[Change, ...]:
    """The changes from `base` to `head`, worst first, then by subject."""
    return compare(picture(base.model, base.diagnostics.sorted()),
                   picture(head.model, head.diagnostics.sorted()))


def recent_changes(result: CheckResult, days: int) -> tuple[Change, ...]:
    """What changed in the last `days` days (the dashboard's "what changed"): the same
    records as of `days` days earlier against `result`. Diagnostics are left out: the
    dashboard is about the portfolio, and `pmsite check` lists the problems. () for 0."""
    if days <= 0:
        return ()
    model = result.model
    earlier = build_model(result.settings, model.as_of - timedelta(days=days), model.records,
                          model.links, model.pages, Diagnostics(), rules=False, like=model)
    return compare(picture(earlier, []), picture(model, []))


def changes_ahead(settings: Settings, as_of: date, records: Records, links: Links,
                  pages: list[SourceDocument], jobs: int) -> Pending[tuple[Change, ...]] | None:
    """`recent_changes` begun now in a child process (`fork_one`), from what the model is
    about to be built from: the child builds it too (the same model: it depends on those
    alone), then the second one. A build calls this once the content is resolved
    (`check`'s `after_resolving`), so the work runs on the core the rest of the check
    leaves idle instead of beside the diagrams. None where the build would not fork, or
    shows no changes."""
    days = settings.options.changes_days
    if days <= 0 or not forks(jobs, len(records)):
        return None

    def make() -> tuple[Change, ...]:
        model = build_model(settings, as_of, records, links, pages, Diagnostics())
        return recent_changes(CheckResult(settings, as_of, model, Diagnostics()), days)

    return fork_one(make, jobs, len(records))


def compare(base: Picture, head: Picture) -> tuple[Change, ...]:
    found: list[Change] = []
    for finder in (_statuses, _milestones, _dependencies, _risks, _issues, _logs, _benefits,
                   _budgets, _people, _diagnostics):
        found.extend(finder(base, head))
    return tuple(sorted(found, key=Change.sort_key))


def number(value: float | None, unit: str = "") -> str:
    """`1234567.0` -> `1,234,567`; at most 2 decimals; the unit after a space."""
    if value is None:
        return "none"
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    text = "0" if text == "-0" else text
    return f"{text} {unit}".rstrip()


def _days(n: int) -> str:
    return f"{n} day{'s' * (n != 1)}"


K = TypeVar("K")
F = TypeVar("F")


def _pairs(before: dict[K, F], after: dict[K, F]) -> Iterator[tuple[K, F | None, F | None]]:
    for key in dict.fromkeys([*before, *after]):
        yield key, before.get(key), after.get(key)


def _statuses(base: Picture, head: Picture) -> Iterator[Change]:
    scale = head.scale
    for ident, old, new in _pairs(base.statuses, head.statuses):
        fact = new or old
        assert fact is not None
        name = fact.title if fact.level == "project" else f"{fact.title} ({fact.level})"
        if old is None and new is not None:
            yield Change("status", ident, fact.title, None, new.status, "neutral",
                         f"New {fact.level} {fact.title} ({new.status})")
        elif new is None and old is not None:
            yield Change("status", ident, fact.title, old.status, None, "neutral",
                         f"{fact.level.capitalize()} {fact.title} removed (was {old.status})")
        elif old is not None and new is not None and old.status != new.status:
            moved = scale.compare(new.status, old.status)
            direction = ("better" if new.status == DONE else
                         "neutral" if moved is None or UNKNOWN in (old.status, new.status)
                         else moved)
            verb = "is done" if new.status == DONE else f"turned {new.status}"
            yield Change("status", ident, fact.title, old.status, new.status, direction,
                         f"{name} {verb} (was {old.status})")


def _milestones(base: Picture, head: Picture) -> Iterator[Change]:
    for ref, old, new in _pairs(base.milestones, head.milestones):
        if old is None and new is not None:
            yield Change("milestone-added", ref, new.title, None, new.due.isoformat(), "neutral",
                         f"New milestone {new.title}, due {new.due.isoformat()}")
            continue
        if new is None and old is not None:
            yield Change("milestone-removed", ref, old.title, old.due.isoformat(), None,
                         "neutral", f"Milestone {old.title} removed (was due "
                         f"{old.due.isoformat()})")
            continue
        assert old is not None and new is not None
        if new.due != old.due:
            moved = (new.due - old.due).days
            verb = f"slipped {_days(moved)}" if moved > 0 else f"moved {_days(-moved)} earlier"
            yield Change("milestone-slipped", ref, new.title, old.due.isoformat(),
                         new.due.isoformat(), "worse" if moved > 0 else "better",
                         f"{new.title} {verb}, now due {new.due.isoformat()}")
        if new.done is not None and old.done is None:
            late = (new.done - new.due).days
            when = f" ({_days(late)} late)" if late > 0 else ""
            yield Change("milestone-done", ref, new.title, None, new.done.isoformat(), "better",
                         f"{new.title} done on {new.done.isoformat()}{when}")
        elif new.done is None and old.done is not None:
            yield Change("milestone-done", ref, new.title, old.done.isoformat(), None, "worse",
                         f"{new.title} is no longer done (was done {old.done.isoformat()})")
        elif new.state == "overdue" and old.state != "overdue":
            yield Change("milestone-overdue", ref, new.title, old.state, new.state, "worse",
                         f"{new.title} is overdue (due {new.due.isoformat()})")


def _dependencies(base: Picture, head: Picture) -> Iterator[Change]:
    for (down, up), old, new in _pairs(base.dependencies, head.dependencies):
        was = old is not None and old.at_risk
        now = new is not None and new.at_risk
        fact = new or old
        assert fact is not None
        subject, title = f"{down}->{up}", f"{fact.downstream} needs {fact.upstream}"
        if now and not was and new is not None:
            reasons = "; ".join(new.reasons)
            yield Change("dependency-at-risk", subject, title, None, reasons, "worse",
                         f"{title}: now at risk" + (f" because {reasons}" if reasons else ""))
        elif was and not now and old is not None:
            why = ("the dependency was removed" if new is None else "no longer at risk")
            yield Change("dependency-cleared", subject, title, "; ".join(old.reasons), None,
                         "better", f"{title}: {why}")


def _risks(base: Picture, head: Picture) -> Iterator[Change]:
    for ident, old, new in _pairs(base.risks, head.risks):
        was, now = old is not None and old.open, new is not None and new.open
        if now and not was and new is not None:
            verb = "Risk reopened" if old is not None else "New risk"
            where = f" on {new.scope}" if new.scope else ""
            yield Change("risk-opened", ident, new.title, old.status if old else None,
                         new.status, "worse", f"{verb}{where}: {new.title}{_score(new)}")
        elif was and not now and old is not None:
            yield _risk_closed(ident, old, new)
        elif was and now and old is not None and new is not None and old.score != new.score:
            up = (new.score or 0) > (old.score or 0)
            yield Change("risk-rescored", ident, new.title, old.score, new.score,
                         "worse" if up else "better",
                         f"Risk {new.title} rescored {number(old.score)} -> "
                         f"{number(new.score)}{_band(new)}")


def _score(fact: RegisterFact) -> str:
    return f" (score {fact.score}{', ' + fact.band if fact.band else ''})" if fact.score else ""


def _band(fact: RegisterFact) -> str:
    return f" ({fact.band})" if fact.band else ""


def _risk_closed(ident: str, old: RegisterFact, new: RegisterFact | None) -> Change:
    if new is None:
        return Change("risk-closed", ident, old.title, old.status, None, "neutral",
                      f"Risk {old.title} removed from the register (was open)")
    if new.status == "occurred":
        return Change("risk-closed", ident, new.title, old.status, new.status, "worse",
                      f"Risk {new.title} occurred")
    return Change("risk-closed", ident, new.title, old.status, new.status, "better",
                  f"Risk {new.title} closed")


def _issues(base: Picture, head: Picture) -> Iterator[Change]:
    for ident, old, new in _pairs(base.issues, head.issues):
        was, now = old is not None and old.open, new is not None and new.open
        if now and not was and new is not None:
            where = f" on {new.scope}" if new.scope else ""
            verb = "Issue reopened" if old is not None else "New issue"
            yield Change("issue-opened", ident, new.title, old.status if old else None,
                         new.status, "worse", f"{verb}{where}: {new.title}")
        elif was and not now and old is not None:
            if new is None:
                yield Change("issue-resolved", ident, old.title, old.status, None, "neutral",
                             f"Issue {old.title} removed from the log (was {old.status})")
            else:
                yield Change("issue-resolved", ident, new.title, old.status, new.status,
                             "better", f"Issue {new.title} {new.status} (was {old.status})")
        elif (now and new is not None and old is not None and new.overdue
              and not old.overdue and new.due is not None):
            yield Change("issue-overdue", ident, new.title, False, True, "worse",
                         f"Issue {new.title} is overdue (due {new.due.isoformat()})")


_LOG_KINDS = (("decision", "decisions", "Decision"),
              ("change-request", "changes", "Change request"))


def _logs(base: Picture, head: Picture) -> Iterator[Change]:
    for kind, field_name, noun in _LOG_KINDS:
        before: dict[str, LogFact] = getattr(base, field_name)
        after: dict[str, LogFact] = getattr(head, field_name)
        for ident, old, new in _pairs(before, after):
            if old is None and new is not None:
                yield Change(kind, ident, new.title, None, new.status, "neutral",
                             f"{noun} {new.status}: {new.title}")
            elif new is None and old is not None:
                yield Change(kind, ident, old.title, old.status, None, "neutral",
                             f"{noun} removed: {old.title} (was {old.status})")
            elif old is not None and new is not None and old.status != new.status:
                yield Change(kind, ident, new.title, old.status, new.status, "neutral",
                             f"{noun} {new.status}: {new.title} (was {old.status})")
    for ident, old, new in _pairs(base.lessons, head.lessons):
        if old is None and new is not None:
            yield Change("lesson", ident, new.title, None, new.title, "neutral",
                         f"Lesson added: {new.title}")


def _benefits(base: Picture, head: Picture) -> Iterator[Change]:
    for ident, old, new in _pairs(base.benefits, head.benefits):
        if new is None or new.measured is None:
            continue
        if old is not None and (old.measured, old.value) == (new.measured, new.value):
            continue
        before = old.value if old is not None else None
        direction = "neutral"
        if old is not None and old.progress is not None and new.progress is not None:
            direction = ("better" if new.progress > old.progress else
                         "worse" if new.progress < old.progress else "neutral")
        was = f" (was {number(before, new.unit)})" if before is not None else ""
        yield Change("benefit", ident, new.title, before, new.value, direction,
                     f"{new.title} measured {number(new.value, new.unit)} on "
                     f"{new.measured.isoformat()}{was}")


def _budgets(base: Picture, head: Picture) -> Iterator[Change]:
    for ident, old, new in _pairs(base.budgets, head.budgets):
        if new is None:
            continue
        was = old is not None and old.over
        if new.over and not was:
            yield Change("budget", ident, new.title, old.spent if old else None, new.spent,
                         "worse", f"{new.title} spend passed plan: "
                         f"{number(new.spent, new.currency)} of {number(new.planned)} planned")
        elif was and not new.over:
            yield Change("budget", ident, new.title, old.spent if old else None, new.spent,
                         "better", f"{new.title} spend is back within plan: "
                         f"{number(new.spent, new.currency)} of {number(new.planned)} planned")


def _people(base: Picture, head: Picture) -> Iterator[Change]:
    for slug, old, new in _pairs(base.people, head.people):
        was = old is not None and old.over
        now = new is not None and new.over
        fact = new or old
        assert fact is not None
        share = f"{round(fact.allocation * 100)}%"
        if now and not was:
            yield Change("allocation", slug, fact.name, old.allocation if old else None,
                         fact.allocation, "worse", f"{fact.name} is over-allocated ({share})")
        elif was and not now:
            after = new.allocation if new else None
            yield Change("allocation", slug, fact.name, old.allocation if old else None,
                         after, "better", f"{fact.name} is no longer over-allocated"
                         + (f" ({share})" if new else ""))


def _diagnostics(base: Picture, head: Picture) -> Iterator[Change]:
    """A problem is the same while its file, severity, code and message but for numbers
    stay (`... is 16 days old` later reads `... is 35 days old`)."""
    for key in sorted(set(base.diagnostics) | set(head.diagnostics)):
        path, severity, code, _ = key
        new, old = head.diagnostics.get(key, []), base.diagnostics.get(key, [])
        for message in new[len(old):]:
            yield Change("diagnostic", path, code, None, severity, "worse",
                         f"New {severity}: {path}: [{code}] {message}")
        for message in old[len(new):]:
            yield Change("diagnostic", path, code, severity, None, "better",
                         f"Fixed {severity}: {path}: [{code}] {message}")
