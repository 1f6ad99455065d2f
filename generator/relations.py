"""What records name and what names them, resolved once: ids, backlinks, objectives."""

from __future__ import annotations

from typing import Any

from generator.records import Record, Records, Target, holds
from generator.schema import Objective, Portfolio, Program, Project


def ref_key(ref: str) -> str:
    """The key of an id or `project#milestone` in `targets` (`crm#` stands for `crm`)."""
    record, _, milestone = ref.partition("#")
    return f"{record}#{milestone}".casefold() if milestone else record.casefold()


def targets(records: Records) -> dict[str, Target]:
    """`ref_key` of every id and every `project#milestone` -> what it names."""
    found: dict[str, Target] = {}
    for record in records:
        found[record.id.casefold()] = Target(record)
        if holds(record, Project):
            for milestone in record.model.milestones:
                found.setdefault(ref_key(f"{record.id}#{milestone.id}"),
                                 Target(record, milestone))
    return found


def backlinks(records: Records) -> dict[str, tuple[tuple[str, Record[Any]], ...]]:
    """Record id -> (field, record) for each record that references it, as resolved."""
    found: dict[str, tuple[tuple[str, Record[Any]], ...]] = {}
    for record in records:
        found[record.id] = tuple((via, source) for via, ident in record.backlinks
                                 if (source := records.get(ident)) is not None)
    return found


def linked(records: Records, kind: str) -> dict[str, tuple[Record[Any], ...]]:
    """Id of each record of `kind` -> the records that reference it or that it references
    (the project of a milestone it references), each once, by kind and id."""
    found: dict[str, tuple[Record[Any], ...]] = {}
    for record in records.by_kind(kind):
        ids = {ident for _, ident in record.backlinks}
        ids |= {ref.partition("#")[0] for _, ref in record.references}
        near = {id(r): r for i in ids if (r := records.get(i)) is not None}
        found[record.id] = tuple(sorted(near.values(), key=lambda r: (r.kind, r.id)))
    return found


def objectives(records: Records
               ) -> tuple[dict[str, tuple[tuple[Record[Portfolio], Objective], ...]],
                          dict[str, dict[str, tuple[Record[Program | Project], ...]]]]:
    """The strategic alignment, both ways:

    * program or project id -> (portfolio, objective) for each objective it `aligns_to`,
      by portfolio, then as the portfolio lists them;
    * portfolio id -> objective id -> the programs, then the projects, aligned to it.
    """
    aligning: tuple[Record[Program | Project], ...] = (records.by_kind("program")
                                                      + records.by_kind("project"))
    wanted = {r.id: {a.casefold() for a in r.model.aligns_to} for r in aligning}
    of: dict[str, list[tuple[Record[Portfolio], Objective]]] = {r.id: [] for r in aligning}
    aligned: dict[str, dict[str, tuple[Record[Program | Project], ...]]] = {}
    for portfolio in records.by_kind("portfolio"):
        mine = aligned.setdefault(portfolio.id, {})
        for objective in portfolio.model.objectives:
            key = objective.id.casefold()
            members = tuple(r for r in aligning if key in wanted[r.id])
            mine[objective.id] = members
            for record in members:
                of[record.id].append((portfolio, objective))
    return {k: tuple(v) for k, v in of.items()}, aligned
