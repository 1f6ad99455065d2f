"""`pmsite new`: scaffold a record from its template, checked against the content first."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from generator.diagnostics import did_you_mean
from generator.errors import ConfigError
from generator.fieldtypes import ID_PATTERN
from generator.kinds import TABLE
from generator.pipeline import CheckResult
from generator.templating import site_environment

KINDS = tuple(k.name for k in TABLE.values() if k.scaffold is not None)
"""Kinds `pmsite new` can scaffold (`Kind.scaffold`)."""
_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class Request:
    """What the author asked for on the command line."""

    kind: str
    id: str | None
    title: str | None
    program: str | None = None
    project: str | None = None
    portfolio: str | None = None
    manager: str | None = None


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:48].strip("-")


def scaffold(result: CheckResult, request: Request) -> Path:
    """Write the new record's file under the docs dir; return its path."""
    model = result.model
    records = model.records
    docs = result.settings.docs_dir
    today = result.as_of
    where = TABLE[request.kind].scaffold
    if where is None:
        raise ConfigError(f"pmsite new cannot scaffold a {request.kind}")
    values: dict[str, Any] = {"today": today, "currency": result.settings.options.currency,
                              "program": None, "project": None, "portfolio": None}
    for name in ("program", "project", "portfolio"):
        ref = getattr(request, name)
        if ref:
            values[name] = _existing(result, ref, name)
    if request.kind == "status":
        project_id = values["project"] or (request.id and _existing(result, request.id,
                                                                     "project"))
        if not project_id:
            raise ConfigError("pmsite new status needs the project: pmsite new status ID")
        project = records.get(project_id)
        assert project is not None
        values.update(_from_latest(result, project_id))
        values["project"] = project_id
        folder = (docs / project.source.doc.rel).parent
        if folder == docs:
            folder = docs / "projects" / project_id
        path = docs / where.format(project_folder=folder.relative_to(docs).as_posix(),
                                   date=today.isoformat())
    else:
        if not request.title:
            raise ConfigError(f"pmsite new {request.kind} needs --title")
        ident = request.id or (f"dec-{slug(request.title)}" if request.kind == "decision"
                               else slug(request.title))
        if not ID_PATTERN.fullmatch(ident):
            raise ConfigError(f"'{ident}' is not a valid id: use letters, digits, '.', '_', "
                              "'-', starting with a letter or digit, at most 64 characters")
        clash = records.get(ident)
        if clash is not None:
            raise ConfigError(f"id '{ident}' is taken by {clash.kind} '{clash.id}' "
                              f"({clash.path}); choose another with --id")
        values.update(id=ident, title=request.title,
                      manager=request.manager or "To be named", end=today + timedelta(days=180))
        if request.kind in ("project", "program") and not values["program"]:
            portfolios = records.by_kind("portfolio")
            if len(portfolios) == 1 and not values["portfolio"]:
                values["portfolio"] = portfolios[0].id
        number = _next_number(docs) if "{number}" in where else ""
        path = docs / where.format(id=ident, slug=slug(request.title), number=number)
    if path.exists():
        raise ConfigError(f"{path.relative_to(result.settings.root)} exists already; "
                          "pmsite new never overwrites")
    env = site_environment(result.settings)
    text = env.get_template(f"new/{request.kind}.md.j2").render(values)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="\n") as handle:
        handle.write(text)
    return path


def _existing(result: CheckResult, ref: str, kind: str) -> str:
    record = result.model.records.get(ref)
    if record is None or record.kind != kind:
        hint = did_you_mean(ref, result.model.records.ids(kind))
        raise ConfigError(f"unknown {kind} '{ref}'" + (f"; {hint}" if hint else ""))
    return record.id


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
