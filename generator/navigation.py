"""A curated navigation: section index pages, not every record (which grows quadratically)."""

from __future__ import annotations

from typing import Any

from mkdocs.structure.files import Files

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
