"""The ordered registry of page builders, and planning every generated page."""

from __future__ import annotations

from generator.pages import (
    Builder,
    Context,
    PageSpec,
    boards,
    dashboard,
    indexes,
    logs,
    people,
    record_pages,
    records,
    registers,
    report,
    tags,
    unique_names,
)
from generator.urls import GENERATED_PAGES

BUILDERS: list[tuple[str, Builder]] = unique_names([
    ("dashboard", dashboard.build_dashboard),
    ("portfolios", records.build_portfolios),
    ("programs", records.build_programs),
    ("projects", records.build_projects),
    ("status", boards.build_status),
    ("dependencies", boards.build_dependencies),
    ("roadmap", boards.build_roadmap),
    ("risks", registers.build_risks),
    ("issues", registers.build_issues),
    ("decisions", logs.build_decisions),
    ("changes", logs.build_changes),
    ("meetings", logs.build_meetings),
    ("lessons", logs.build_lessons),
    ("people", people.build_people),
    ("tags", tags.build_tags),
    ("report", report.build_report),
    ("indexes", indexes.build_indexes),
    ("record pages", record_pages.build_record_pages),
])
"""Page builders in the order their pages are planned."""


def plan_pages(context: Context) -> list[PageSpec]:
    """Every generated page, from every registered builder, in registry order."""
    pages: list[PageSpec] = []
    for _, builder in BUILDERS:
        pages.extend(builder(context))
    assert_generated_pages(pages)
    return pages


def assert_generated_pages(pages: list[PageSpec]) -> None:
    """Resolution knows the generated pages by `urls.GENERATED_PAGES` (it may not plan
    pages): every one of them is planned, and every page planned at the top of the site
    or as a folder's index is one of them."""
    planned = {spec.src_uri for spec in pages}
    fixed = {uri for uri in planned if "/" not in uri or uri.endswith("/index.md")}
    declared = set(GENERATED_PAGES)
    if fixed != declared:
        raise AssertionError(
            f"urls.GENERATED_PAGES is out of date: planned but not declared "
            f"{sorted(fixed - declared)}, declared but not planned {sorted(declared - fixed)}")
