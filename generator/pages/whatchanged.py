"""The "what changed" lists of the dashboard, the report and each program and project page.

The changes of the last `changes_days` days are computed once per site (`Context.changes`,
filled by the site plan); this module only links, filters and cuts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import timedelta
from typing import Any

from generator.changes import Change
from generator.model import PortfolioModel
from generator.pages import Context
from generator.pages.views import Link, ref_link


def change_link(model: PortfolioModel, change: Change) -> Link:
    """The change's sentence, linking to its subject (a person's page for an allocation,
    the downstream side of a dependency); plain text when the subject has no page."""
    if change.kind == "allocation":
        return Link(f"people/{change.subject}/", change.message)
    target = ref_link(model, change.subject.partition("->")[0])
    return Link(target.url, change.message, target.title)


def concerns(model: PortfolioModel, change: Change) -> frozenset[str]:
    """The ids of the records a change is about: its subject's record (both sides of a
    dependency, the project of a milestone, the program of a benefit) and the project and
    program that record belongs to. Empty for a person's allocation and a diagnostic."""
    if change.kind in ("allocation", "diagnostic"):
        return frozenset()
    found: set[str] = set()
    for ref in change.subject.split("->"):
        ident = ref.partition("#")[0]
        found.add(ident)
        scope = model.scopes.get(ident)
        if scope is not None:
            found.update(r.id for r in (scope.project, scope.program) if r is not None)
    return frozenset(found)


def changes_by_record(model: PortfolioModel,
                      changes: Iterable[Change]) -> dict[str, tuple[Change, ...]]:
    """Record id -> the changes about it, or about anything it owns (a program: its
    projects'), in the order given (worst first)."""
    found: dict[str, list[Change]] = {}
    for change in changes:
        for ident in sorted(concerns(model, change)):
            found.setdefault(ident, []).append(change)
    return {ident: tuple(items) for ident, items in found.items()}


def what_changed(context: Context, changes: tuple[Change, ...],
                 limit: int | None = None) -> dict[str, Any]:
    """The values `pages/_what_changed.md.j2` reads: at most `limit` rows (all when None),
    how many more there are, the window's length and first day."""
    model = context.model
    days = model.settings.options.changes_days
    shown = changes if limit is None else changes[:limit]
    rows = [{"direction": c.direction, "kind": c.kind, "link": change_link(model, c)}
            for c in shown]
    return {"changes": rows, "changes_days": days,
            "changes_more": len(changes) - len(shown),
            "changes_since": model.as_of - timedelta(days=days)}


def scoped_what_changed(context: Context, index: Mapping[str, tuple[Change, ...]],
                        ident: str) -> dict[str, Any]:
    """The "What changed (last N days)" section of the program or project `ident`."""
    return what_changed(context, index.get(ident, ())) | {"changes_scope": ident}
