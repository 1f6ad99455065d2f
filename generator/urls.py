"""Site-relative URLs of records (directory URLs, trailing slash), as SPEC §5 fixes them."""

from __future__ import annotations

import posixpath
from typing import Any

from generator.kinds import TABLE, names
from generator.records import Record, holds
from generator.schema import Lesson, StatusReport
from generator.slugs import slugify

OWN_PAGES = {k.name: k.own_page for k in TABLE.values() if k.own_page is not None}
"""Kinds whose page sits at `<folder>/<id>/` whatever their source path (`Kind.own_page`)."""
FOLDERS = {k.name: k.folder for k in TABLE.values() if k.folder is not None}
"""Where records written in YAML get their generated page: `<folder>/<id>/` (`Kind.folder`)."""
LOGGED = frozenset(names(logged_as_rows=True))
"""Kinds whose log entries are rows of their register page rather than pages."""
GENERATED_PAGES = (
    "index.md", "portfolios/index.md", "programs/index.md", "projects/index.md", "status.md",
    "dependencies.md", "roadmap.md", "risks.md", "issues.md", "decisions.md", "changes.md",
    "meetings.md", "lessons.md", "people/index.md", "tags.md", "report.md",
)
"""The source names of the generated pages every site has (pages/registry.py plans them,
and asserts this list matches); a hand-written link may name one (`status.md`,
`status/index.md`). Pages per record, person or lesson category come on top."""


def source_url(rel: str) -> str:
    """The URL MkDocs gives a Markdown file, exactly as MkDocs does (`File.url`):
    `a/b.md` -> `a/b/`; only `index` and `README`, in that case, stand for their folder
    (`a/readme.md` -> `a/readme/`)."""
    head, _, filename = rel.rpartition("/")
    stem = posixpath.splitext(filename)[0]
    if stem in ("index", "README"):
        return f"{head}/" if head else ""
    return f"{head}/{stem}/" if head else f"{stem}/"


def record_url(record: Record[Any]) -> str:
    """The page (or anchor on a page) where `record` is shown."""
    if record.kind in OWN_PAGES:
        return f"{OWN_PAGES[record.kind]}/{record.id}/"
    if holds(record, StatusReport):
        return f"projects/{record.model.project}/#status-{record.model.date.isoformat()}"
    if record.parent is not None:
        owner = "projects" if _parent_kind(record) else "programs"
        return f"{owner}/{record.parent}/#{record.kind}-{record.id}"
    if record.source.doc.fmt == "markdown":
        return source_url(record.source.doc.rel)
    if record.source.base and record.kind in LOGGED:
        # An entry of a risk, issue or lesson log is a row, not a page: a portfolio keeps
        # thousands of them and thin pages would swamp the site. Each is a row of its
        # project's (or program's) page; a lesson of neither, of its category's page.
        scope = dict(record.references)
        for field, folder in (("project", "projects"), ("program", "programs")):
            if field in scope:
                return f"{folder}/{scope[field]}/#{record.kind}-{record.id}"
        if holds(record, Lesson):
            return f"lessons/{lesson_category_slug(record.model.category)}/#lesson-{record.id}"
        return f"{FOLDERS[record.kind]}/#{record.kind}-{record.id}"
    return f"{FOLDERS.get(record.kind, record.kind + 's')}/{record.id}/"


def _parent_kind(record: Record[Any]) -> bool:
    """True when an inline risk or issue sits in a project (not a program)."""
    data = record.source.doc.data
    return isinstance(data, dict) and data.get("kind") == "project"


def milestone_url(project: str, milestone: str) -> str:
    return f"projects/{project}/#milestone-{milestone}"


def lesson_category_slug(category: str | None) -> str:
    """The page of a lessons category: `lessons/category-<slug>/` (`category-general`)."""
    if not category or not category.strip():
        return "category-general"
    return f"category-{slugify(category, 'other')}"
