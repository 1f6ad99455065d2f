"""`pmsite new`: scaffold a record from its template, checked against the content first.

A kind written in a file of its own gets a new file (never an existing one); a kind kept
in lists (risks, issues, milestones, benefits, people) gets an entry appended to the list
its scope keeps (scaffold_entries.py). What the author must still write is marked
`[TODO: ...]`, which `pmsite check` reports (`placeholder-text`) until it is replaced.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Any

from generator.diagnostics import did_you_mean
from generator.errors import ConfigError
from generator.kinds import TABLE, scaffold_kinds
from generator.pipeline import CheckResult
from generator.scaffold_base import (
    Request,
    derived_id,
    existing,
    folder_of,
    new_id,
    render,
    slug,
)
from generator.scaffold_entries import append_entry

__all__ = ["KINDS", "Request", "scaffold", "slug"]

KINDS = scaffold_kinds()
"""Kinds `pmsite new` can scaffold (`Kind.scaffold`)."""
APPENDED = tuple(k.name for k in TABLE.values()
                 if k.scaffold is not None and (k.nested_in or k.name == "person"))
"""Kinds whose new record is an entry appended to a list (scaffold_entries.py)."""


def scaffold(result: CheckResult, request: Request) -> Path:
    """Write the new record (a new file, or an entry added to a list); return the file."""
    if TABLE[request.kind].scaffold is None:
        raise ConfigError(f"pmsite new cannot scaffold a {request.kind}")
    values: dict[str, Any] = {"today": result.as_of,
                              "currency": result.settings.options.currency,
                              "program": None, "project": None, "portfolio": None}
    for name in ("program", "project", "portfolio"):
        ref = getattr(request, name)
        if ref:
            values[name] = existing(result, ref, name)
    if request.kind in APPENDED:
        return append_entry(result, request, values)
    if request.kind == "status":
        path = _status(result, request, values)
    else:
        path = _titled(result, request, values)
    if path.exists():
        raise ConfigError(f"{path.relative_to(result.settings.root)} exists already; "
                          "pmsite new never overwrites")
    text = render(result, f"new/{request.kind}.md.j2", values)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path


def _status(result: CheckResult, request: Request, values: dict[str, Any]) -> Path:
    project_id = values["project"] or (request.id and existing(result, request.id, "project"))
    if not project_id:
        raise ConfigError("pmsite new status needs the project: pmsite new status ID")
    values.update(_from_latest(result, project_id))
    values["project"] = project_id
    folder = folder_of(result, project_id, f"projects/{project_id}")
    where = TABLE["status"].scaffold or ""
    return result.settings.docs_dir / where.format(project_folder=folder,
                                                   date=result.as_of.isoformat())


def _titled(result: CheckResult, request: Request, values: dict[str, Any]) -> Path:
    """A record named by `--title`: its id, and what its template needs."""
    kind = request.kind
    if not request.title:
        raise ConfigError(f"pmsite new {kind} needs --title")
    suffix = f"-{result.as_of.isoformat()}" if kind == "meeting" else ""
    ident = new_id(result, request, derived_id(kind, request.title, suffix))
    today = result.as_of
    values.update(id=ident, title=request.title,
                  manager=request.manager or "[TODO: who manages it]",
                  end=today + timedelta(days=180), milestone=None)
    if kind == "change":
        if not values["project"]:
            raise ConfigError("pmsite new change needs the project it changes: --project ID")
        values["milestone"] = _milestone(result, values["project"], request.milestone)
    elif request.milestone:
        raise ConfigError("--milestone is for a change request (pmsite new change)")
    if kind in ("project", "program") and not values["program"]:
        portfolios = result.model.records.by_kind("portfolio")
        if len(portfolios) == 1 and not values["portfolio"]:
            values["portfolio"] = portfolios[0].id
    where = TABLE[kind].scaffold or ""
    number = _next_number(result.settings.docs_dir) if "{number}" in where else ""
    return result.settings.docs_dir / where.format(
        id=ident, slug=slug(request.title), number=number, date=today.isoformat())


def _milestone(result: CheckResult, project_id: str, ref: str | None) -> str | None:
    """`project#milestone` for the milestone a change re-plans, checked to exist."""
    if not ref:
        return None
    owner, _, name = ref.rpartition("#")
    if owner and owner.casefold() != project_id.casefold():
        raise ConfigError(f"--milestone {ref}: the change is to '{project_id}', "
                          f"not '{owner}'")
    project = result.model.records.get(project_id)
    ids = [m.id for m in getattr(project.model, "milestones", [])] if project else []
    if name not in ids:
        hint = did_you_mean(name, ids)
        raise ConfigError(f"'{project_id}' has no milestone '{name}'"
                          + (f"; {hint}" if hint else ""))
    return f"{project_id}#{name}"


def _from_latest(result: CheckResult, project_id: str) -> dict[str, Any]:
    """Start a status report from the latest one, so only what changed needs editing."""
    status = result.model.statuses[project_id]
    last = status.last_report.model if status.last_report is not None else None
    names = ("schedule", "budget", "scope", "resources", "quality")
    values: dict[str, Any] = {name: (getattr(last, name) or "") if last else "" for name in names}
    values.update(overall=last.overall if last else "unknown",
                  percent="" if last is None or last.percent_complete is None
                  else f"{last.percent_complete:g}",
                  summary=(last.summary or "") if last else "",
                  path_to_green=(last.path_to_green or "") if last else "")
    return values


def _next_number(docs: Path) -> str:
    numbers = [int(m.group(1)) for p in (docs / "decisions").glob("*.md")
               if (m := re.match(r"(\d+)-", p.name))]
    return f"{max(numbers, default=0) + 1:04d}"
