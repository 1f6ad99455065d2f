"""Where each record belongs: the project, program and portfolio above it, resolved once."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.kinds import names
from generator.records import Record, Records
from generator.schema import Portfolio, Program, Project

LOG_KINDS = names(program_log=True)
"""Kinds a program page lists when they are about it or one of its projects."""


@dataclass(frozen=True, slots=True)
class RecordScope:
    """Which project, program and portfolio a record belongs to, each resolved."""

    written: str | None = None
    """What the record names as its own scope: the record it is written inside, else its
    `project`, else its `program`, as written (None for portfolios, programs, projects)."""
    owner: Record[Project | Program | Portfolio] | None = None
    """`written`, resolved (None when it does not resolve)."""
    project: Record[Project] | None = None
    """The project it belongs to (None for a project itself)."""
    program: Record[Program] | None = None
    """The program it belongs to: its owner if that is a program, else its project's."""
    portfolio: Record[Portfolio] | None = None
    """The portfolio above it; the only portfolio when it names no scope at all."""


def record_scopes(records: Records, program_of: Mapping[str, str | None],
                  portfolio_of: Mapping[str, str | None]) -> dict[str, RecordScope]:
    """The scope of every record, by id."""
    portfolios = records.by_kind("portfolio")
    only = portfolios[0] if len(portfolios) == 1 else None
    scopes: dict[str, RecordScope] = {}
    for record in records:
        if record.kind == "portfolio":
            scopes[record.id] = RecordScope()
        elif record.kind == "program":
            scopes[record.id] = RecordScope(
                portfolio=_get(records, portfolio_of.get(record.id)))
        elif record.kind == "project":
            scopes[record.id] = RecordScope(
                program=_get(records, program_of.get(record.id)),
                portfolio=_get(records, portfolio_of.get(record.id)))
        else:
            scopes[record.id] = _named_scope(record, records, program_of, portfolio_of, only)
    return scopes


def _get(records: Records, ident: str | None) -> Record[Any] | None:
    return records.get(ident) if ident else None


def _named_scope(record: Record[Any], records: Records, program_of: Mapping[str, str | None],
                 portfolio_of: Mapping[str, str | None],
                 only: Record[Portfolio] | None) -> RecordScope:
    written = record.parent
    if written is None:
        written = next((value for name in ("project", "program")
                        if (value := getattr(record.model, name, None))), None)
    if written is None:
        return RecordScope(portfolio=only)
    owner = records.get(written)
    if owner is None:
        return RecordScope(written)
    if owner.kind == "project":
        return RecordScope(written, owner, owner, _get(records, program_of.get(owner.id)),
                           _get(records, portfolio_of.get(owner.id)))
    if owner.kind == "program":
        return RecordScope(written, owner, None, owner,
                           _get(records, portfolio_of.get(owner.id)))
    return RecordScope(written, owner, portfolio=owner if owner.kind == "portfolio" else None)


def program_logs(records: Records, program_of: Mapping[str, str | None]
                 ) -> dict[str, tuple[Record[Any], ...]]:
    """Program id -> the decisions, changes, meetings and lessons about it (its `program`)
    or about one of its projects (its `project`), by kind and id."""
    found: dict[str, list[Record[Any]]] = {p.id: [] for p in records.by_kind("program")}
    for kind in LOG_KINDS:
        for record in records.by_kind(kind):
            programs: list[str] = []
            named = records.get(getattr(record.model, "program", None) or "")
            if named is not None and named.kind == "program":
                programs.append(named.id)
            project = records.get(getattr(record.model, "project", None) or "")
            if project is not None and project.kind == "project":
                program = program_of.get(project.id)
                if program is not None and program not in programs:
                    programs.append(program)
            for program in programs:
                found[program].append(record)
    return {key: tuple(items) for key, items in found.items()}
