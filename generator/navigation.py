"""A curated navigation: section index pages, not every record (which grows quadratically)."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.site import SitePlan

SECTIONS = (
    ("Dashboard", "index.md"),
    ("Status", "status.md"),
    ("Portfolios", "portfolios/index.md"),
    ("Programs", "programs/index.md"),
    ("Projects", "projects/index.md"),
    ("Dependencies", "dependencies.md"),
    ("Roadmap", "roadmap.md"),
    ("Risks", "risks.md"),
    ("Issues", "issues.md"),
    ("Decisions", "decisions.md"),
    ("Changes", "changes.md"),
    ("Meetings", "meetings.md"),
    ("Lessons", "lessons.md"),
    ("People", "people/index.md"),
    ("Tags", "tags.md"),
    ("Report", "report.md"),
)
SECTION_SOURCES = {src.removesuffix("index.md").removesuffix(".md").rstrip("/") or "index": src
                   for _, src in SECTIONS}
"""A page's `section` (`projects`, `risks`...) -> the source of its section's nav entry."""


def curated_nav(plan: SitePlan, files: Files) -> list[Any]:
    """The generated sections, then the site's own pages (not records) by folder."""
    nav: list[Any] = [{title: src} for title, src in SECTIONS if src in plan.pages]
    own: dict[str, list[str]] = {}
    for file in sorted(files.documentation_pages(), key=lambda f: f.src_uri):
        src = file.src_uri
        if src in plan.pages or src in plan.records or src in plan.drop:
            continue
        folder = src.rsplit("/", 1)[0] if "/" in src else ""
        own.setdefault(folder, []).append(src)
    for folder, pages in sorted(own.items()):
        if folder:
            nav.append({folder.replace("-", " ").replace("/", " / ").capitalize(): pages})
        else:
            nav.extend(pages)
    return nav


def _nav_sources(nav: list[Any]) -> set[str]:
    found: set[str] = set()
    for item in nav:
        for value in item.values() if isinstance(item, dict) else [item]:
            found |= _nav_sources(value) if isinstance(value, list) else {str(value)}
    return found


def keep_out_of_nav(plan: SitePlan, files: Files, nav: list[Any]) -> None:
    """Mark the generated pages and record pages `nav` leaves out as meant to be left out,
    so MkDocs builds them without listing each as "not included in the nav"."""
    listed = _nav_sources(nav)
    for file in files.documentation_pages():
        src = file.src_uri
        if src not in listed and (src in plan.pages or src in plan.records):
            file.inclusion = InclusionLevel.NOT_IN_NAV


def section_page(plan: SitePlan, page: Page, nav: Navigation) -> Page | None:
    """The nav entry a page outside the nav belongs under (a project's page: Projects;
    a decision's: Decisions), for the theme to mark as current; None for a nav page."""
    if any(p is page for p in nav.pages):
        return None
    src = page.file.src_uri
    spec = plan.pages.get(src)
    section = spec.section if spec is not None and spec.section else src.split("/", 1)[0]
    target = SECTION_SOURCES.get(section.removesuffix(".md"))
    return next((p for p in nav.pages if p.file.src_uri == target), None)
