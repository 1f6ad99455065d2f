"""The ordered registry of page builders, and planning every generated page."""

from __future__ import annotations

from generator.pages import Builder, Context, PageSpec, registry
from generator.pages import records

BUILDERS: list[tuple[str, Builder]] = registry([
    ("portfolios", records.build_portfolios),
    ("programs", records.build_programs),
    ("projects", records.build_projects),
])
"""Page builders in the order their pages are planned."""


def plan_pages(context: Context) -> list[PageSpec]:
    """Every generated page, from every registered builder, in registry order."""
    pages: list[PageSpec] = []
    for _, builder in BUILDERS:
        pages.extend(builder(context))
    return pages
