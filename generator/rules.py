"""The warnings the model implies: an ordered list of named rules, each reading the model.

A rule is named for the diagnostic code it emits; `RULES` runs them in order once the
model is built. The order decides only the order of emission: every view sorts the
diagnostics (by path, line, column, code and message).
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise
from typing import TYPE_CHECKING

from generator.diagnostics import Diagnostics
from generator.kinds import TABLE
from generator.people import warn_over_allocated
from generator.placeholders import placeholders
from generator.registries import unique

if TYPE_CHECKING:
    from generator.model import PortfolioModel
    from generator.records import Record
    from generator.schema import StatusReport

Rule = Callable[["PortfolioModel", Diagnostics], None]


def stale_status(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    """An open project whose latest status report is older than `stale_after_days`."""
    for project in model.of_kind("project"):
        status = model.statuses[project.id]
        if status.stale and status.last_report is not None:
            report = status.last_report
            pos = report.source.pos(("date",))
            diagnostics.warning(report.path, pos.line, pos.column, "stale-status",
                                f"latest status report of '{project.id}' is "
                                f"{status.days_since_report} days old (stale after "
                                f"{model.settings.options.stale_after_days})",
                                "add a current status report")


def overdue_milestone(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    for project in model.of_kind("project"):
        for fact in model.milestones[project.id]:
            if fact.state == "overdue":
                pos = project.source.pos(("milestones", fact.index, "due"))
                diagnostics.warning(project.path, pos.line, pos.value_column,
                                    "overdue-milestone",
                                    f"milestone '{fact.ref}' was due {fact.due.isoformat()} "
                                    "and is not done", "set `done:` or re-plan `due:`")


def invalid_dates(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    for project in model.of_kind("project"):
        start, end = project.model.start, project.model.end
        if start is not None and end is not None and end < start:
            pos = project.source.pos(("end",))
            diagnostics.warning(project.path, pos.line, pos.value_column, "invalid-dates",
                                f"end {end.isoformat()} is before start {start.isoformat()}")


_DIMENSIONS = ("overall", "schedule", "budget", "scope", "resources", "quality")


def missing_path_to_green(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    """A status report (up to as-of) below the best status that says nothing of getting
    back to it."""
    scale = model.scale
    for report in model.of_kind("status"):
        fields = report.model
        if fields.date > model.as_of or (fields.path_to_green or "").strip():
            continue
        below = [name for name in _DIMENSIONS
                 if (scale.rank(getattr(fields, name) or "") or 0) > 0]
        if below:
            pos = report.source.pos(("overall",))
            diagnostics.warning(report.path, pos.line, pos.column, "missing-path-to-green",
                                f"status report is {fields.overall} "
                                f"({', '.join(below)} below {scale.best}) but has no "
                                "path_to_green",
                                f"add `path_to_green:` saying what gets it back to {scale.best}")


def at_risk_dependency(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    for dep in model.graph.dependencies:
        if dep.at_risk:
            pos = dep.pos
            diagnostics.warning(dep.record.path, pos.line, pos.column, "at-risk-dependency",
                                f"'{dep.downstream}' depends on '{dep.upstream}', which is at "
                                f"risk: {'; '.join(dep.reasons)}")


def overdue_review(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    for risk in model.risks:
        review = risk.record.model.review
        if risk.review_overdue and review is not None:  # (an overdue review has a date)
            pos = risk.record.source.pos(("review",))
            diagnostics.warning(risk.record.path, pos.line, pos.value_column, "overdue-review",
                                f"review of risk '{risk.record.id}' was due "
                                f"{review.isoformat()}",
                                "review it and set the next `review:` date")


def overdue_issue(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    for issue in model.issues:
        due = issue.record.model.due
        if issue.overdue and due is not None:  # (an overdue issue has a due date)
            pos = issue.record.source.pos(("due",))
            diagnostics.warning(issue.record.path, pos.line, pos.value_column, "overdue-issue",
                                f"issue '{issue.record.id}' was due "
                                f"{due.isoformat()} and is "
                                f"{issue.record.model.status}", "resolve it or re-plan `due:`")


def over_allocated(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    for person in model.people.values():
        if person.over_allocated:
            warn_over_allocated(person, diagnostics)


def empty_body(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    """A record written in Markdown whose text says nothing."""
    for record in model.records:
        if (TABLE[record.kind].body_expected and record.source.doc.fmt == "markdown"
                and record.parent is None and not record.body.strip()):
            diagnostics.warning(record.path, record.source.line, 1, "empty-body",
                                f"{record.kind} '{record.id}' has no text below its front matter",
                                "describe it: context, purpose, what was decided")


def status_copied(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    """A status report that repeats its project's previous one word for word: every field
    but the date, and the text."""
    reports: dict[str, list[Record[StatusReport]]] = {}
    for report in model.of_kind("status"):
        reports.setdefault(report.model.project.casefold(), []).append(report)
    for series in reports.values():
        series.sort(key=lambda r: (r.model.date, r.path))
        for previous, report in pairwise(series):
            if (report.model.date != previous.model.date
                    and _said(report) == _said(previous)):
                pos = report.source.pos(("date",))
                diagnostics.warning(report.path, pos.line, pos.column, "status-copied",
                                    f"status report of {report.model.date.isoformat()} "
                                    "repeats the report of "
                                    f"{previous.model.date.isoformat()} word for word "
                                    f"({previous.path})",
                                    "say what changed since the last report")


def _said(report: Record[StatusReport]) -> tuple[object, str]:
    """What a status report says, apart from its date (and the id made from it)."""
    fields = report.model.model_dump(exclude={"date", "id"})
    return sorted(fields.items()), " ".join(report.body.split())


def placeholder_text(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    """`[TODO: ...]` left from a `pmsite new` template, in any content file."""
    documents = {r.source.doc.path: r.source.doc for r in model.records}
    documents.update((p.source.doc.path, p.source.doc) for p in model.records.people)
    documents.update((doc.path, doc) for doc in model.pages)
    for path in sorted(documents):
        for line, column, text in placeholders(documents[path]):
            diagnostics.warning(path, line, column, "placeholder-text",
                                f"placeholder left from pmsite new: {text}",
                                "replace it with what it asks for")


def unique_rules(entries: list[tuple[str, Rule]]) -> list[tuple[str, Rule]]:
    """Check a list of `(name, ...)`: a name given twice is an error."""
    return unique(entries, "model rule")


RULES: list[tuple[str, Rule]] = unique_rules([
    ("stale-status", stale_status),
    ("overdue-milestone", overdue_milestone),
    ("invalid-dates", invalid_dates),
    ("missing-path-to-green", missing_path_to_green),
    ("at-risk-dependency", at_risk_dependency),
    ("overdue-review", overdue_review),
    ("overdue-issue", overdue_issue),
    ("over-allocated", over_allocated),
    ("empty-body", empty_body),
    ("status-copied", status_copied),
    ("placeholder-text", placeholder_text),
])
"""The model's warning rules, in the order they run; each is named for its code."""


def apply_rules(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    """Run every rule of `RULES` on `model`, in order."""
    for _, rule in RULES:
        rule(model, diagnostics)
