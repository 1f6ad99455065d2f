""""What changed" beyond the dashboard (docs/diff.md): the report opens with it, and each
program and project page lists its own, all from the one list the site plan computed."""

from __future__ import annotations

import dataclasses
import re
from datetime import date

import pytest

import generator.site
from generator.changes import Change
from generator.pages.whatchanged import changes_by_record, concerns
from generator.pipeline import CheckResult, check
from generator.report import standalone_report
from generator.settings import load_settings
from generator.site import SitePlan, plan_site
from tests.conftest import REPO

AS_OF = date(2026, 11, 20)
OVERDUE = ("Data migration dry run #2 (CRM re-platform (Siebel to Dynamics 365)) is overdue "
           "(due 2026-11-13)")
GREEN = "Data-centre exit (Hamburg DC1) turned green (was amber)"
DECISION = ("Decision proposed: Start the CRM pilot with temporary accounts if SSO is not "
            "live")
ISSUE = ("Issue Dry run #2: 14 % of accounts rejected on address validation is overdue "
         "(due 2026-11-13)")
RANGE = ('<time datetime="2026-11-13">2026-11-13</time> – '
         '<time datetime="2026-11-20">2026-11-20</time>, worst first.')


def _result(changes_days: int = 7) -> CheckResult:
    settings = load_settings(REPO / "mkdocs.yml")
    options = dataclasses.replace(settings.options, changes_days=changes_days)
    return check(dataclasses.replace(settings, options=options), AS_OF)


@pytest.fixture(scope="module")
def plan() -> SitePlan:
    return plan_site(_result(), draw=set())


def _section(markdown: str, heading: str) -> str:
    """The text of the `## heading` section (up to the next `## `), "" when absent."""
    start = markdown.find(f"\n## {heading}\n")
    if start < 0:
        return ""
    end = markdown.find("\n## ", start + 1)
    return markdown[start:end if end >= 0 else None]


def _sentences(section: str) -> list[tuple[str, str]]:
    """(direction, sentence) of each listed change."""
    return re.findall(r'<li><span class="trend trend-\w+">\S+ (\w+)</span> <a [^>]*>([^<]*)</a>',
                      section)


def test_the_report_opens_with_what_changed(plan: SitePlan) -> None:
    markdown = plan.markdown("report.md")
    section = _section(markdown, "What changed")
    assert markdown.index("## What changed") < markdown.index("## Summary")
    assert "In the 7 days since" in section
    assert _sentences(section) == [("worse", OVERDUE), ("worse", ISSUE),
                                   ("neutral", DECISION), ("better", GREEN)]


def test_the_standalone_report_shows_it_too() -> None:
    html = standalone_report(_result())
    assert "What changed" in html and GREEN in html
    assert html.index("What changed") < html.index("Summary")
    assert 'class="trend trend-better"' in html


def test_a_project_page_lists_its_own_changes(plan: SitePlan) -> None:
    crm = _section(plan.markdown("projects/crm-replatform.md"), "What changed (last 7 days)")
    assert RANGE in crm
    # The milestone and the issue are the project's; the decision names it as its scope.
    assert _sentences(crm) == [("worse", OVERDUE), ("worse", ISSUE), ("neutral", DECISION)]
    assert 'class="trend trend-worse">▼ worse</span>' in crm
    dc_exit = _section(plan.markdown("projects/dc-exit.md"), "What changed (last 7 days)")
    assert _sentences(dc_exit) == [("better", GREEN)]
    assert 'class="trend trend-better">▲ better</span>' in dc_exit


def test_a_page_without_changes_has_no_section(plan: SitePlan) -> None:
    for page in ("projects/mobile-app.md", "programs/data-analytics.md"):
        assert "What changed" not in plan.markdown(page), page


def test_a_program_page_lists_its_own_and_its_projects_changes(plan: SitePlan) -> None:
    cx = _section(plan.markdown("programs/customer-experience.md"),
                  "What changed (last 7 days)")
    assert RANGE in cx
    assert _sentences(cx) == [("worse", OVERDUE), ("worse", ISSUE), ("neutral", DECISION)]
    infra = _section(plan.markdown("programs/cloud-infra.md"), "What changed (last 7 days)")
    assert _sentences(infra) == [("better", GREEN)]


def test_a_dependency_concerns_both_sides_and_their_programs(plan: SitePlan) -> None:
    model = plan.result.model
    change = Change("dependency-at-risk", "crm-replatform->identity-platform#sso", "t", None,
                    "late", "worse", "CRM needs SSO: now at risk")
    assert concerns(model, change) == {"crm-replatform", "customer-experience",
                                       "identity-platform", "cloud-infra"}
    person = Change("allocation", "ann-lee", "Ann", 0.5, 1.2, "worse", "Ann over")
    assert concerns(model, person) == frozenset()
    index = changes_by_record(model, [change, person])
    assert index["cloud-infra"] == (change,) and "ann-lee" not in index


def test_pages_reuse_the_changes_the_plan_computed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Computed once per site: what the plan got is what every page shows, and the
    engine is not asked again."""
    calls: list[int] = []
    fake = Change("status", "office-move", "Office move", "green", "red", "worse",
                  "Office move <b>turned</b> red (was green)")

    def once(result: CheckResult, days: int) -> tuple[Change, ...]:
        calls.append(days)
        return (fake,)

    monkeypatch.setattr(generator.site, "recent_changes", once)
    plan = plan_site(_result(), draw=set())
    escaped = "Office move &lt;b&gt;turned&lt;/b&gt; red (was green)"
    for page in ("index.md", "report.md", "projects/office-move.md"):
        assert escaped in plan.markdown(page), page
    assert "<b>turned" not in plan.markdown("projects/office-move.md")
    assert "What changed" not in plan.markdown("projects/crm-replatform.md")
    assert escaped.replace("&lt;", "&amp;lt;") not in plan.markdown("report.md")
    assert calls == [7]


def test_changes_days_zero_leaves_every_section_out() -> None:
    plan = plan_site(_result(changes_days=0), draw=set())
    for page in ("index.md", "report.md", "projects/crm-replatform.md",
                 "programs/customer-experience.md"):
        assert "What changed" not in plan.markdown(page), page
