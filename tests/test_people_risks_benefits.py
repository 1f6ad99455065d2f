"""People and allocation, risk and issue registers, benefits and budgets (SPEC §4)."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

import pytest

from generator.people import slugify
from tests.conftest import PORTFOLIO, PROGRAM, codes, only, project


def line_of(text: str, needle: str) -> int:
    found = [i for i, line in enumerate(text.splitlines(), 1) if line.strip() == needle]
    assert len(found) == 1, (needle, found)
    return found[0]


# ----------------------------------------------------------------------------- people

PEOPLE_PROGRAM = """\
---
kind: program
id: cx
title: Customer Experience
portfolio: pf
manager: Dana Reyes
sponsor: Omar Haddad
governance:
  board: [Omar Haddad, "dana  reyes"]
  cadence: monthly
---
The program.
"""

PA = project("a", """\
sponsor: Omar Haddad
team:
  - {name: Lee Chan, role: Developer, allocation: 0.6}
  - {name: Kim Park, allocation: 0.5}
  - {name: Pat Low, allocation: 0.8}
  - {name: José Álvarez, allocation: 0.1}
  - {name: Zed Ray, allocation: 0.1}
risks:
  - id: r-a
    title: Vendor slips
    owner: "Lee  Chan"
""")
PB = project("b", """\
team:
  - {name: lee chan, allocation: 0.5}
  - {name: Kim Park, allocation: 50%}
  - {name: Zed Ray, allocation: 0.2}
""")
PC = project("c", """\
phase: closed
team:
  - {name: Pat Low, allocation: 0.5}
""")
PD = project("d", """\
team:
  - {name: Zed  Ray, allocation: 0.7}
""")
MEETING = """\
---
kind: meeting
id: m1
title: Steering committee
date: 2026-06-15
program: cx
attendees: [Dana Reyes, LEE CHAN, dana reyes]
actions:
  - {title: Send the plan, owner: Kim Park, due: 2026-07-10}
---
Minutes.
"""


@pytest.fixture
def people_result(run):
    return run({"portfolio.md": PORTFOLIO, "programs/cx.md": PEOPLE_PROGRAM,
                "projects/a.md": PA, "projects/b.md": PB, "projects/c.md": PC,
                "projects/d.md": PD, "meetings/m1.md": MEETING})


def roles(person) -> set[tuple[str, str]]:
    return {(r.role, r.record) for r in person.roles}


def test_people_are_one_per_name_ignoring_case_and_spaces(people_result):
    people = people_result.model.people
    assert codes(people_result, "error") == []
    assert sorted(people) == ["dana-reyes", "jose-alvarez", "kim-park", "lee-chan",
                              "omar-haddad", "pat-low", "sam-patel", "zed-ray"]


def test_roles_collected_from_every_place(people_result):
    people = people_result.model.people
    assert roles(people["dana-reyes"]) == {("manager", "cx"), ("board", "cx"),
                                           ("attendee", "m1")}
    assert people["dana-reyes"].name == "Dana Reyes"
    for person in people.values():  # (each once: Dana attends m1 under two spellings)
        held = [(r.role, r.record, r.detail) for r in person.roles]
        assert len(held) == len(set(held)), person.name
    assert roles(people["omar-haddad"]) == {("sponsor", "cx"), ("sponsor", "a"),
                                            ("board", "cx")}
    assert roles(people["sam-patel"]) == {("manager", "a"), ("manager", "b"),
                                          ("manager", "c"), ("manager", "d")}
    lee = roles(people["lee-chan"])
    assert {("team", "a"), ("team", "b"), ("owner", "r-a"), ("attendee", "m1")} <= lee
    kim = people["kim-park"]
    assert any(r.record == "m1" and "owner" in r.role for r in kim.roles)
    assert ("team", "b") in roles(kim)


def test_allocation_totals_over_open_projects(people_result):
    people = people_result.model.people
    assert people["lee-chan"].allocation == pytest.approx(1.1)
    assert people["kim-park"].allocation == pytest.approx(1.0)
    assert people["pat-low"].allocation == pytest.approx(0.8)  # c is closed
    assert people["zed-ray"].allocation == pytest.approx(1.0)  # 0.1 + 0.2 + 0.7
    assert people["lee-chan"].over_allocated is True
    assert people["kim-park"].over_allocated is False
    assert people["pat-low"].over_allocated is False
    assert people["zed-ray"].over_allocated is False


def test_over_allocation_warning_names_the_projects(people_result):
    warning = only(people_result, "over-allocated")
    assert warning.severity == "warning"
    assert (warning.path, warning.line) == (
        "content/projects/a.md", line_of(PA, "- {name: Lee Chan, role: Developer, allocation: 0.6}"))
    assert "lee chan" in warning.message.lower()
    assert re.search(r"\ba\b", warning.message) and re.search(r"\bb\b", warning.message)
    assert not re.search(r"\bc\b", warning.message)


def test_people_yml_adds_details_and_spelling(run):
    people_yml = ("kind: person\nentries:\n"
                  "  - {name: Lee Chan, email: lee@example.org, role: Architect, team: Apps}\n")
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PEOPLE_PROGRAM,
                  "projects/a.md": PA, "projects/b.md": PB, "meetings/m1.md": MEETING,
                  "people.yml": people_yml})
    lee = result.model.people["lee-chan"]
    assert (lee.name, lee.email, lee.title, lee.team) == (
        "Lee Chan", "lee@example.org", "Architect", "Apps")
    assert ("attendee", "m1") in roles(lee)


def test_unicode_normalisation_does_not_split_a_person(run):
    # The same name typed on two systems: precomposed (NFC) and decomposed (NFD) accents.
    nfc = unicodedata.normalize("NFC", "José Álvarez")
    nfd = unicodedata.normalize("NFD", nfc)
    assert nfc != nfd
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "projects/a.md": project("a", f"team:\n  - {{name: {nfc}, allocation: 0.6}}"),
                  "projects/b.md": project("b", f"team:\n  - {{name: {nfd}, allocation: 0.6}}")})
    people = result.model.people
    assert [slug for slug in people if slug.startswith("jose")] == ["jose-alvarez"]
    assert people["jose-alvarez"].allocation == pytest.approx(1.2)
    assert only(result, "over-allocated").path == "content/projects/a.md"


def test_slugs():
    assert slugify("Dana Reyes") == "dana-reyes"
    assert slugify("José Álvarez") == "jose-alvarez"
    assert slugify("  Mary-Ann  O'Neil ") == "mary-ann-o-neil"
    assert slugify("../../etc/passwd") == "etc-passwd"
    assert "/" not in slugify("a/b") and slugify("...") != ""


# ------------------------------------------------------------------------------ risks

RISKY = project("r", """\
risks:
  - id: r-high
    title: Vendor slips
    probability: 4
    impact: 5
    owner: Lee Chan
    review: 2026-06-29
  - id: r-words
    title: Key person leaves
    probability: high
    impact: medium
    review: 2026-06-30
  - id: r-closed
    title: Old risk
    probability: low
    impact: low
    status: closed
    review: 2026-01-01
issues:
  - id: i-late
    title: Broken build
    severity: high
    due: 2026-06-01
  - id: i-done
    title: Fixed already
    status: resolved
    due: 2026-06-01
  - id: i-today
    title: Due today
    due: 2026-06-30
  - id: i-prog
    title: Being worked on
    status: in-progress
    due: 2026-06-29
""")
RISK_LOG = """\
kind: risk
project: r
entries:
  - id: r-log
    title: Logged risk
    probability: 2
    impact: 3
    review: 2026-05-01
"""


@pytest.fixture
def risk_result(run):
    return run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                "projects/r.md": RISKY, "risks/log.yml": RISK_LOG})


def test_risk_scores(risk_result):
    scores = {f.record.id: f.score for f in risk_result.model.risks}
    assert scores == {"r-high": 20, "r-words": 15, "r-closed": 1, "r-log": 6}
    scopes = {f.record.id: f.scope for f in risk_result.model.risks}
    assert scopes == {"r-high": "r", "r-words": "r", "r-closed": "r", "r-log": "r"}
    cells = {f.record.id: f.cell for f in risk_result.model.risks}
    assert cells["r-words"] == (5, 3)


def test_overdue_risk_reviews(risk_result):
    overdue = {f.record.id for f in risk_result.model.risks if f.review_overdue}
    assert overdue == {"r-high", "r-log"}  # r-words is due today; r-closed is closed
    warnings = [d for d in risk_result.diagnostics.sorted() if d.code == "overdue-review"]
    assert [(d.path, d.line) for d in warnings] == [
        ("content/projects/r.md", line_of(RISKY, "review: 2026-06-29")),
        ("content/risks/log.yml", 8),
    ]
    assert "r-high" in warnings[0].message and "r-log" in warnings[1].message


def test_overdue_issues(risk_result):
    overdue = {f.record.id for f in risk_result.model.issues if f.overdue}
    assert overdue == {"i-late", "i-prog"}
    warnings = [d for d in risk_result.diagnostics.sorted() if d.code == "overdue-issue"]
    due_lines = [i for i, line in enumerate(RISKY.splitlines(), 1)
                 if line.strip() in ("due: 2026-06-01", "due: 2026-06-29")]
    # i-late's due (first 06-01) and i-prog's due; not i-done's (second 06-01).
    assert [(d.path, d.line) for d in warnings] == [
        ("content/projects/r.md", due_lines[0]), ("content/projects/r.md", due_lines[2])]
    assert "i-late" in warnings[0].message and "i-prog" in warnings[1].message
    open_issues = {f.record.id for f in risk_result.model.issues if f.open}
    assert open_issues == {"i-late", "i-today", "i-prog"}


# --------------------------------------------------------------------------- benefits

BENEFIT_PROGRAM = """\
---
kind: program
id: cx
title: Customer Experience
portfolio: pf
manager: Dana Reyes
benefits:
  - id: nps
    title: Raise NPS
    baseline: 20
    target: 40
    due: 2026-12-31
    measurements:
      - {date: 2026-01-01, value: 20}
      - {date: 2026-06-01, value: 30}
      - {date: 2026-08-01, value: 45}
  - id: cost
    title: Cut cost per call
    baseline: 100
    target: 50
    measurements:
      - {date: 2026-03-01, value: 75}
  - id: met
    title: Already met
    baseline: 0
    target: 10
    measurements: [{date: 2026-02-01, value: 12}]
  - id: slow
    title: Behind
    baseline: 0
    target: 100
    due: 2026-07-31
    measurements:
      - {date: 2026-01-01, value: 0}
      - {date: 2026-06-01, value: 5}
  - id: later
    title: Measured only after as-of
    baseline: 0
    target: 5
    measurements: [{date: 2026-09-01, value: 1}]
---
The program.
"""


def test_benefits_latest_progress_and_on_track(run):
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": BENEFIT_PROGRAM})
    assert codes(result, "error") == []
    facts = {f.benefit.id: f for f in result.model.benefits}
    nps = facts["nps"]
    assert (nps.latest.date, nps.latest.value) == (date(2026, 6, 1), 30)  # 08-01 not yet
    assert nps.progress == pytest.approx(0.5)  # (30-20)/(40-20)
    assert facts["cost"].progress == pytest.approx(0.5)  # (75-100)/(50-100)
    assert facts["met"].progress == pytest.approx(1.2)
    assert facts["met"].on_track is True
    assert facts["slow"].progress == pytest.approx(0.05)
    assert facts["slow"].on_track is False
    assert facts["later"].latest is None
    assert facts["later"].progress is None
    assert facts["later"].on_track is None


# ----------------------------------------------------------------------------- budget


def test_budget_variance_and_program_totals(run):
    result = run({
        "portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
        "projects/a.md": project("a", "budget: {planned: 100000, spent: 40000}"),
        "projects/b.md": project("b", "budget: {planned: 50000, spent: 60000}"),
        "projects/c.md": project("c"),
    })
    budgets = result.model.budgets
    assert (budgets["a"].planned, budgets["a"].spent, budgets["a"].variance) == (
        100000, 40000, 60000)
    assert budgets["b"].variance == -10000
    assert budgets["c"].variance is None
    total = budgets["cx"]
    assert (total.planned, total.spent, total.variance) == (150000, 100000, 50000)
    assert total.currency == "EUR"


def test_spent_taken_from_latest_report_that_says(run):
    def report(day: str, spent: str) -> str:
        return ("---\nkind: status\nproject: b\ndate: " + day + "\noverall: green\n"
                + spent + "---\nNarrative.\n")
    result = run({
        "portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
        "projects/a.md": project("a", "budget: {planned: 100000, spent: 40000}"),
        "projects/b.md": project("b", "budget: {planned: 50000, spent: 60000}"),
        "projects/b1.md": report("2026-06-20", "spent: 65000\n"),
        "projects/b2.md": report("2026-06-25", ""),
        "projects/b3.md": report("2026-07-10", "spent: 90000\n"),  # after as-of
    })
    budgets = result.model.budgets
    assert budgets["b"].spent == 65000
    assert budgets["b"].variance == -15000
    assert (budgets["cx"].planned, budgets["cx"].spent) == (150000, 105000)


def test_currency_option_used_for_budgets(run):
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "projects/a.md": project("a", "budget: {planned: 10}")},
                 options="currency: GBP")
    assert result.model.budgets["a"].currency == "GBP"
    assert result.model.budgets["cx"].currency == "GBP"
