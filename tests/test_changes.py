"""The change engine (SPEC §4.1, §6.2): two dates on the example, two commits of a repo,
and each kind of change on a small site."""

from __future__ import annotations

import dataclasses
from datetime import date
from pathlib import Path

import pytest

from generator.changes import DIRECTIONS, KINDS, Change, changes_between, recent_changes
from generator.diagnostics import Diagnostics
from generator.export import export_json
from generator.gitsource import revision_docs
from generator.model import PortfolioModel, build_model
from generator.pipeline import CheckResult, check
from generator.settings import load_settings
from generator.site import plan_site
from tests.conftest import REPO, write_site
from tests.support.diffrepo import make_repo

AS_OF = date(2026, 11, 20)


def _rows(changes: tuple[Change, ...]) -> list[tuple[str, str, str]]:
    return [(c.direction, c.kind, c.subject) for c in changes]


def _at(config: Path, as_of: date) -> CheckResult:
    return check(load_settings(config), as_of)


def test_the_example_between_two_dates() -> None:
    """Hand-checked: from 13 to 20 November the CRM dry run (due the 13th, not done) and
    the issue due the same day become overdue, and each gets its warning; a decision
    dated the 18th is proposed; dc-exit's report of the 20th is green after amber."""
    config = REPO / "mkdocs.yml"
    changes = changes_between(_at(config, date(2026, 11, 13)), _at(config, AS_OF))
    assert _rows(changes) == [
        ("worse", "milestone-overdue", "crm-replatform#data-migration-dryrun"),
        ("worse", "issue-overdue", "issue-crm-dryrun-rejects"),
        ("worse", "diagnostic", "content/projects/crm-replatform/charter.md"),
        ("worse", "diagnostic", "content/projects/crm-replatform/issues.yml"),
        ("neutral", "decision", "dec-crm-pilot-temporary-accounts"),
        ("better", "status", "dc-exit"),
    ]
    messages = [c.message for c in changes]
    assert messages[0] == ("Data migration dry run #2 (CRM re-platform (Siebel to Dynamics "
                           "365)) is overdue (due 2026-11-13)")
    assert messages[-1] == "Data-centre exit (Hamburg DC1) turned green (was amber)"
    assert (changes[-1].before, changes[-1].after) == ("amber", "green")


def test_same_picture_has_no_changes() -> None:
    config = REPO / "mkdocs.yml"
    assert changes_between(_at(config, AS_OF), _at(config, AS_OF)) == ()


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("diff") / "site")


def _revision_against_tree(repo: Path, revision: str) -> tuple[Change, ...]:
    settings = load_settings(repo / "mkdocs.yml")
    with revision_docs(settings.docs_dir, revision) as docs:
        base = check(dataclasses.replace(settings, docs_dir=docs), AS_OF)
    return changes_between(base, check(settings, AS_OF))


def test_a_commit_of_known_edits_gives_exactly_those_changes(repo: Path) -> None:
    changes = _revision_against_tree(repo, "HEAD~1")
    assert _rows(changes) == [
        ("worse", "dependency-at-risk", "gdpr-retention->data-lakehouse"),
        ("worse", "status", "office-move"),
        ("worse", "milestone-slipped", "office-move#cabling-complete"),
        ("worse", "risk-opened", "risk-move-lift-capacity"),
        ("worse", "diagnostic", "content/projects/gdpr-retention/charter.md"),
        ("neutral", "decision", "dec-office-move-second-contractor"),
        ("better", "risk-closed", "risk-move-cabling-contractor"),
    ]
    by_kind = {c.kind: c for c in changes}
    office = "Office move Rotterdam: Maashaven & workplace refresh"
    assert by_kind["status"].message == f"{office} turned red (was green)"
    assert by_kind["milestone-slipped"].message == (
        f"Structured cabling & Wi-Fi installed ({office}) slipped 14 days, now due 2027-01-29")
    assert (by_kind["milestone-slipped"].before, by_kind["milestone-slipped"].after) == (
        "2027-01-15", "2027-01-29")
    assert by_kind["dependency-at-risk"].message == (
        "GDPR retention & deletion needs Data lakehouse: now at risk because Data lakehouse "
        "is planned for 2027-07-30, after it is needed on 2027-06-30")
    assert by_kind["risk-opened"].message == (
        f"New risk on {office}: Goods lift at Maashaven too small for the network racks "
        "(score 15, high)")
    assert by_kind["risk-closed"].message == (
        "Risk Cabling contractor not available in January because of other projects closed")
    assert by_kind["decision"].message == (
        "Decision accepted: Hire the second-ranked cabling contractor for the Rotterdam move")


def test_the_same_revision_has_no_changes(repo: Path) -> None:
    assert _revision_against_tree(repo, "HEAD") == ()


def test_the_reverse_edits_are_the_opposite_directions(repo: Path) -> None:
    """HEAD~1 as the head and HEAD as the base: what got worse got better."""
    settings = load_settings(repo / "mkdocs.yml")
    with revision_docs(settings.docs_dir, "HEAD~1") as docs:
        old = check(dataclasses.replace(settings, docs_dir=docs), AS_OF)
    changes = {(c.kind, c.subject): c for c in changes_between(check(settings, AS_OF), old)}
    assert changes[("status", "office-move")].direction == "better"
    assert changes[("milestone-slipped", "office-move#cabling-complete")].message.endswith(
        "moved 14 days earlier, now due 2027-01-15")
    assert changes[("dependency-cleared", "gdpr-retention->data-lakehouse")].direction == "better"
    assert changes[("risk-opened", "risk-move-cabling-contractor")].message.startswith(
        "Risk reopened on Office move")
    assert changes[("risk-closed", "risk-move-lift-capacity")].direction == "neutral"


SMALL = {
    "portfolio.md": """
        ---
        kind: portfolio
        id: pf
        title: Portfolio
        ---
        """,
    "projects/a.md": """
        ---
        kind: project
        id: a
        title: Alpha
        portfolio: pf
        manager: Ann Lee
        end: 2026-12-31
        budget: {planned: 100, spent: 50}
        team: [{name: Ann Lee, allocation: 0.6}]
        milestones:
          - {id: m1, title: First, due: 2026-06-01, done: 2026-06-05}
          - {id: m2, title: Second, due: 2026-09-01}
        issues:
          - {id: iss-1, title: Broken build, raised: 2026-06-10, status: open}
        ---
        Alpha.
        """,
    "projects/b.md": """
        ---
        kind: project
        id: b
        title: Beta
        portfolio: pf
        manager: Bo Chen
        team: [{name: Ann Lee, allocation: 0.6}]
        ---
        Beta.
        """,
    "projects/a-status.yml": """
        kind: status
        project: a
        entries:
          - {date: 2026-05-01, overall: green, spent: 50}
          - {date: 2026-06-20, overall: amber, spent: 120, path_to_green: more money}
        """,
    "lessons.yml": """
        kind: lesson
        project: a
        entries:
          - {title: Book the lab early, date: 2026-06-15}
        """,
}


def test_each_kind_seen_between_two_dates(tmp_path: Path) -> None:
    """Dated facts appear on their dates: a milestone done, spend passing plan, an issue
    raised, a lesson added; the report of 20 June turns Alpha amber."""
    config = write_site(tmp_path, SMALL)
    changes = changes_between(_at(config, date(2026, 5, 31)), _at(config, date(2026, 6, 30)))
    rows = {(c.kind, c.subject): c for c in changes}
    assert rows[("status", "a")].message == "Alpha turned amber (was green)"
    assert rows[("status", "pf")].message == "Portfolio (portfolio) turned amber (was green)"
    assert rows[("milestone-done", "a#m1")].message == (
        "First (Alpha) done on 2026-06-05 (4 days late)")
    assert rows[("milestone-done", "a#m1")].direction == "better"
    assert rows[("budget", "a")].message == "Alpha spend passed plan: 120 EUR of 100 planned"
    assert rows[("issue-opened", "iss-1")].direction == "worse"
    lessons = [c for c in changes if c.kind == "lesson"]
    assert [c.message for c in lessons] == ["Lesson added: Book the lab early"]
    # Allocation does not depend on the date: 1.2 both times, no change.
    assert not [c for c in changes if c.kind == "allocation"]


def test_allocation_and_rescoring_between_two_trees(tmp_path: Path) -> None:
    base = write_site(tmp_path / "base", {**SMALL, "projects/b.md": SMALL["projects/b.md"]
                                          .replace("allocation: 0.6", "allocation: 0.3")})
    files = dict(SMALL)
    head = write_site(tmp_path / "head", files)
    changes = changes_between(_at(base, AS_OF), _at(head, AS_OF))
    people = [c for c in changes if c.kind == "allocation"]
    assert [(c.subject, c.direction, c.message) for c in people] == [
        ("ann-lee", "worse", "Ann Lee is over-allocated (120%)")]
    assert [c.kind for c in changes if c.kind != "allocation"] == ["diagnostic"]


def test_order_is_worse_then_neutral_then_better_then_subject() -> None:
    def change(direction: str, subject: str, kind: str = "status") -> Change:
        return Change(kind, subject, subject, None, None, direction, subject)

    items = [change("better", "a"), change("worse", "z"), change("neutral", "b"),
             change("worse", "content/x.md", "diagnostic"), change("worse", "b")]
    ordered = sorted(items, key=Change.sort_key)
    assert [(c.direction, c.subject) for c in ordered] == [
        ("worse", "b"), ("worse", "z"), ("worse", "content/x.md"), ("neutral", "b"),
        ("better", "a")]
    assert DIRECTIONS == ("worse", "neutral", "better")
    assert len(set(KINDS)) == len(KINDS)


def test_recent_changes_leave_the_model_as_it_was() -> None:
    result = _at(REPO / "mkdocs.yml", AS_OF)
    before = export_json(result.model, result.diagnostics.sorted())
    changes = recent_changes(result, 7)
    assert export_json(result.model, result.diagnostics.sorted()) == before
    assert _rows(changes) == [
        ("worse", "milestone-overdue", "crm-replatform#data-migration-dryrun"),
        ("worse", "issue-overdue", "issue-crm-dryrun-rejects"),
        ("neutral", "decision", "dec-crm-pilot-temporary-accounts"),
        ("better", "status", "dc-exit"),
    ]  # the 13-to-20 November changes above, without the diagnostics
    assert recent_changes(result, 0) == ()


@pytest.mark.parametrize("as_of", [date(2026, 11, 13), date(2026, 6, 1), date(2027, 3, 1)])
def test_a_model_like_another_is_the_model_derived_afresh(as_of: date) -> None:
    """`build_model(like=...)` takes the facts of the records alone from the other model
    (what-changed derives the same records twice): every exported fact is the same as
    deriving all of them afresh, at dates before, around and after the example's."""
    result = _at(REPO / "mkdocs.yml", AS_OF)
    model = result.model

    def derive(like: PortfolioModel | None) -> PortfolioModel:
        return build_model(result.settings, as_of, model.records, model.links, model.pages,
                           Diagnostics(), rules=False, like=like)

    afresh, like = derive(None), derive(model)
    assert export_json(like, []) == export_json(afresh, [])
    assert like.people is model.people  # taken, not derived again
    assert afresh.people is not model.people
    other = _at(REPO / "mkdocs.yml", AS_OF).model  # the same files, other record objects
    with pytest.raises(ValueError, match="same records"):
        build_model(result.settings, as_of, model.records, model.links, model.pages,
                    Diagnostics(), like=other)


def test_the_dashboard_says_what_changed_in_the_last_days(tmp_path: Path) -> None:
    result = _at(REPO / "mkdocs.yml", AS_OF)
    page = plan_site(result).markdown("index.md")
    section = page[page.index("## What changed"):page.index("## Programs")]
    assert 'In the 7 days since <time datetime="2026-11-13">2026-11-13</time>' in section
    items = [line for line in section.splitlines() if line.startswith("<li>")]
    assert len(items) == 4
    assert items[0].startswith('<li><span class="trend trend-worse">▼ worse</span> <a href="')
    assert "turned green (was amber)</a></li>" in items[-1]
    assert 'href="projects/dc-exit/"' in items[-1]
    quiet = write_site(tmp_path, SMALL, options="changes_days: 0")
    assert "## What changed" not in plan_site(_at(quiet, AS_OF)).markdown("index.md")
    calm = write_site(tmp_path / "calm", SMALL)
    assert "<p class=\"note\">Nothing changed in the 7 days since" in plan_site(
        _at(calm, AS_OF)).markdown("index.md")


def test_hostile_titles_are_escaped_on_the_dashboard(tmp_path: Path) -> None:
    files = dict(SMALL)
    files["projects/a.md"] = files["projects/a.md"].replace(
        "title: Alpha", 'title: "<script>alert(1)</script> [x](javascript:alert(1))"')
    config = write_site(tmp_path, files)
    result = _at(config, date(2026, 6, 30))
    page = plan_site(result).markdown("index.md")
    section = page[page.index("## What changed"):]
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in section
    assert "<script>" not in section
