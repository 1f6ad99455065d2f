"""Milestone states and the overdue-milestone warning (SPEC §4, §6.1), as of 2026-06-30."""

from __future__ import annotations

from datetime import date

from generator.schedule import milestone_state
from tests.conftest import AS_OF, PORTFOLIO, PROGRAM, codes

# Line numbers of this charter are part of the expectations below.
CHARTER = """\
---
kind: project
id: a
title: Project a
program: cx
manager: Sam Patel
milestones:
  - id: early
    title: Done before due
    due: 2026-06-10
    done: 2026-06-05
  - id: ontime
    title: Done on the due date
    due: 2026-06-10
    done: 2026-06-10
  - id: late
    title: Done after due
    due: 2026-06-10
    done: 2026-06-12
  - id: overdue
    title: Due yesterday, not done
    due: 2026-06-29
  - id: today
    title: Due on the as-of date
    due: 2026-06-30
  - id: soon14
    title: Due in exactly 14 days
    due: 2026-07-14
  - id: planned15
    title: Due in 15 days
    due: 2026-07-15
  - id: future-done
    title: Due before as-of, done date after as-of
    due: 2026-06-20
    done: 2026-07-02
  - id: future-both
    title: Due and done after as-of
    due: 2026-07-20
    done: 2026-07-02
---
Charter.
"""
# line of `due:` of milestone `overdue`: 22; of `future-done`: 34

EXPECTED = {
    "early": "done", "ontime": "done", "late": "late", "overdue": "overdue",
    "today": "due-soon", "soon14": "due-soon", "planned15": "planned",
    "future-done": "overdue", "future-both": "planned",
}


def _site(charter: str = CHARTER) -> dict[str, str]:
    return {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM, "projects/a.md": charter}


def test_milestone_states(run):
    result = run(_site())
    facts = result.model.milestones["a"]
    assert {f.milestone.id: f.state for f in facts} == EXPECTED
    assert [f.milestone.id for f in facts] == list(EXPECTED)  # order as written


def test_done_date_after_as_of_is_not_yet_done(run):
    facts = {f.milestone.id: f for f in run(_site()).model.milestones["a"]}
    assert facts["future-done"].done is None
    assert facts["future-both"].done is None
    assert facts["late"].done == date(2026, 6, 12)
    assert facts["early"].done == date(2026, 6, 5)


def test_overdue_milestone_warnings_at_due_line(run):
    result = run(_site())
    warnings = [d for d in result.diagnostics.sorted() if d.code == "overdue-milestone"]
    assert [(d.path, d.line, d.severity) for d in warnings] == [
        ("content/projects/a.md", 22, "warning"),
        ("content/projects/a.md", 34, "warning"),
    ]
    assert "a#overdue" in warnings[0].message
    assert "2026-06-29" in warnings[0].message
    assert "a#future-done" in warnings[1].message


def test_no_overdue_warning_once_as_of_reaches_the_done_date(run):
    result = run(_site(), as_of=date(2026, 7, 2))
    states = {f.milestone.id: f.state for f in result.model.milestones["a"]}
    assert states["future-done"] == "late"  # done 07-02, due 06-20
    assert states["future-both"] == "done"  # done 07-02, due 07-20
    assert states["today"] == "overdue"
    assert states["planned15"] == "due-soon"  # 13 days ahead
    messages = [d.message for d in result.diagnostics.sorted() if d.code == "overdue-milestone"]
    assert len(messages) == 2
    assert all("future-done" not in m for m in messages)


def test_due_soon_days_option(run):
    charter = CHARTER.split("milestones:")[0] + (
        "milestones:\n"
        "  - id: in3\n    title: In three days\n    due: 2026-07-03\n"
        "  - id: in4\n    title: In four days\n    due: 2026-07-04\n"
        "---\nCharter.\n")
    result = run(_site(charter), options="due_soon_days: 3")
    states = {f.milestone.id: f.state for f in result.model.milestones["a"]}
    assert states == {"in3": "due-soon", "in4": "planned"}


def test_clean_schedule_has_no_warning(run):
    charter = CHARTER.split("milestones:")[0] + (
        "milestones:\n"
        "  - id: m1\n    title: Done\n    due: 2026-06-01\n    done: 2026-05-30\n"
        "  - id: m2\n    title: Later\n    due: 2026-09-01\n"
        "---\nCharter.\n")
    assert codes(run(_site(charter))) == []


def test_milestone_state_function_boundaries():
    due_soon = 14
    assert milestone_state(date(2026, 6, 30), None, AS_OF, due_soon) == "due-soon"
    assert milestone_state(date(2026, 6, 29), None, AS_OF, due_soon) == "overdue"
    assert milestone_state(date(2026, 7, 14), None, AS_OF, due_soon) == "due-soon"
    assert milestone_state(date(2026, 7, 15), None, AS_OF, due_soon) == "planned"
    assert milestone_state(date(2026, 6, 1), date(2026, 6, 1), AS_OF, due_soon) == "done"
    assert milestone_state(date(2026, 6, 1), date(2026, 6, 2), AS_OF, due_soon) == "late"
    # done on the as-of date itself is known
    assert milestone_state(date(2026, 7, 1), date(2026, 6, 30), AS_OF, due_soon) == "done"
