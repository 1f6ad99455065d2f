"""Resolve every reference between records (fields and wiki-links); fill backlinks."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostics, did_you_mean
from generator.kinds import ANY, MILESTONE, OBJECTIVE, TABLE
from generator.load import SourceDocument
from generator.mdlinks import LinkTargets, resolve_links
from generator.records import Record, Records, Target, holds
from generator.schema import Objective, Portfolio, Project
from generator.wikilinks import find_wikilinks

# The reference fields of each kind are declared in kinds.py (`Kind.references`);
# `depends_on` (and milestones' `depends_on`) are walked in refs_of.


@dataclass(slots=True)
class Links:
    """Resolved wiki-links of records and ordinary pages, for the site to render."""

    by_record: dict[str, list[tuple[str, Target]]] = field(default_factory=dict)
    """Record id -> (link text as written, target)."""
    by_page: dict[str, list[tuple[str, Target]]] = field(default_factory=dict)
    """Page path (docs-relative) -> (link text as written, target)."""
    targets: dict[str, Target] = field(default_factory=dict)
    """Every wiki-link target as written (`crm`, `crm#go-live`) -> what it resolved to:
    the one place the site looks a wiki-link up."""
    paths: dict[str, dict[str, str]] = field(default_factory=dict)
    """Content file (docs-relative) -> each relative Markdown link of its body that leads
    to a page, as written (`../status.md#late`) -> the page's URL (`status/#late`): the one
    place the site looks a link up. Links to other files (images) are not listed."""

    def target(self, ref: str) -> Target | None:
        return self.targets.get(ref)


class Resolver:
    """Looks references up in the records, reporting unknown ones with suggestions."""

    def __init__(self, records: Records, diagnostics: Diagnostics) -> None:
        self.records = records
        self.diagnostics = diagnostics
        self.objectives: dict[str, tuple[Record[Portfolio], Objective]] = {}
        for portfolio in records.by_kind("portfolio"):
            for objective in portfolio.model.objectives:
                self.objectives.setdefault(objective.id.casefold(), (portfolio, objective))

    def lookup(self, ref: str, kinds: tuple[str, ...], where: Record[Any], loc: tuple[Any, ...],
               column_of_value: bool = True) -> Target | None:
        """Resolve `ref` to one of `kinds`, or report why it cannot be resolved."""
        pos = where.source.pos(loc)
        line, column = (pos.value_line, pos.value_column) if column_of_value else (pos.line,
                                                                                   pos.column)
        if "#" in ref:
            project_id, milestone_id = ref.split("#", 1)
            if MILESTONE not in kinds and ANY not in kinds:
                self._error(where, line, column, f"'{ref}' names a milestone; "
                            f"{_field(loc)} needs a {_kinds(kinds)}", "")
                return None
            target = self._find(project_id, ("project",), where, line, column, loc)
            if target is None:
                return None
            project = target.record
            if not holds(project, Project):  # (never: `_find` gives a record of `kinds`)
                return None
            milestones = {m.id.casefold(): m for m in project.model.milestones}
            found = milestones.get(milestone_id.casefold())
            if found is None and self.records.unreadable(f"{project.id}#{milestone_id}"):
                return None  # an invalid milestone: its error is reported already
            if found is None:
                hint = did_you_mean(milestone_id, [m.id for m in project.model.milestones])
                self._error(where, line, column,
                            f"project '{project.id}' has no milestone '{milestone_id}'",
                            hint or "milestones: " + ", ".join(
                                sorted(m.id for m in project.model.milestones)))
                return None
            self._case(where, line, column, milestone_id, found.id)
            return Target(project, found)
        if kinds == (OBJECTIVE,):
            hit = self.objectives.get(ref.casefold())
            if hit is None and self.records.unreadable(ref, objective=True):
                return None
            if hit is None:
                hint = did_you_mean(ref, [o.id for _, o in self.objectives.values()])
                self._error(where, line, column, f"unknown objective '{ref}'",
                            hint or "objectives are listed in the portfolio's `objectives:`")
                return None
            return Target(hit[0], None)
        wanted = tuple(k for k in kinds if k != MILESTONE)
        return self._find(ref, wanted, where, line, column, loc)

    def _find(self, ref: str, kinds: tuple[str, ...], where: Record[Any], line: int, column: int,
              loc: tuple[Any, ...]) -> Target | None:
        record = self.records.get(ref)
        if record is None and self.records.unreadable(ref):
            return None  # a record that could not be read: its error is reported already
        if record is None or (ANY not in kinds and record.kind not in kinds):
            pool = [i for i in self.records.ids(*([] if ANY in kinds else kinds))
                    if i != where.id]
            hint = did_you_mean(ref, pool)
            if record is not None:
                if not hint and pool:
                    shown = sorted(pool)[:5]
                    hint = f"{_kinds(kinds)} ids: {', '.join(shown)}" + (
                        ", ..." if len(pool) > 5 else "")
                self._error(where, line, column,
                            f"'{ref}' is a {record.kind}, not a {_kinds(kinds)}", hint)
            else:
                self._error(where, line, column, f"unknown {_kinds(kinds)} '{ref}'", hint)
            return None
        self._case(where, line, column, ref, record.id)
        return Target(record)

    def _case(self, where: Record[Any], line: int, column: int, written: str, actual: str) -> None:
        if written != actual:
            self.diagnostics.warning(where.path, line, column, "reference-case",
                                     f"'{written}' refers to '{actual}' by a different case",
                                     f"write it as '{actual}'")

    def _error(self, where: Record[Any], line: int, column: int, message: str, hint: str) -> None:
        self.diagnostics.error(where.path, line, column, "unknown-reference", message, hint)


def _kinds(kinds: tuple[str, ...]) -> str:
    return "record" if ANY in kinds else " or ".join(kinds)


def _field(loc: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in loc if not isinstance(p, int))


def refs_of(record: Record[Any]) -> Iterator[tuple[tuple[Any, ...], str, tuple[str, ...]]]:
    """(field location, reference, kinds it may name) for each reference field of `record`."""
    model = record.model
    for name, kinds in TABLE[record.kind].references:
        if record.parent is not None and name in ("project", "program"):
            continue
        value = getattr(model, name, None)
        if isinstance(value, str):
            yield (name,), value, kinds
        elif isinstance(value, list):
            for index, item in enumerate(value):
                yield (name, index), item, kinds
    if record.kind == "project":
        for index, dep in enumerate(model.depends_on):
            yield ("depends_on", index, "on"), dep.on, ("project", MILESTONE)
        for m_index, milestone in enumerate(model.milestones):
            for index, dep in enumerate(milestone.depends_on):
                yield (("milestones", m_index, "depends_on", index, "on"), dep.on,
                       ("project", MILESTONE))


def resolve(records: Records, pages: list[SourceDocument], diagnostics: Diagnostics,
            docs_dir: Path | None = None) -> Links:
    """Check every reference, wiki-link and relative link; record references and backlinks
    on records. `docs_dir` is where linked files (images) are looked for."""
    resolver = Resolver(records, diagnostics)
    links = Links()
    for record in records:
        _check_nested_ids(record, records, diagnostics)
        for loc, ref, kinds in refs_of(record):
            target = resolver.lookup(ref, kinds, record, loc)
            if target is not None and kinds != (OBJECTIVE,):
                record.targets[loc] = target
                _link(record, target, _field(loc))
        if record.body:
            found = _wikilinks(resolver, record, record.body, record.body_line)
            if found:
                links.by_record[record.id] = found
                links.targets.update((ref, target) for ref, target in found)
                for _, target in found:
                    _link(record, target, "body")
    for page in pages:
        found = _page_wikilinks(resolver, page)
        if found:
            links.by_page[page.rel] = found
            links.targets.update((ref, target) for ref, target in found)
    # After the references: a link that is also a reference (an ADR's `Supersedes`) and
    # leads nowhere is reported once, as the reference.
    _relative_links(links, LinkTargets(records, pages, docs_dir), records, pages, diagnostics)
    for record in records:
        record.backlinks.sort()
        record.references.sort()
    return links


def _relative_links(links: Links, targets: LinkTargets, records: Records,
                    pages: list[SourceDocument], diagnostics: Diagnostics) -> None:
    faults: set[tuple[str, int]] | None = None

    def reported(path: str, line: int) -> bool:
        nonlocal faults
        if faults is None:  # only once a link leads nowhere
            faults = {(d.path, d.line) for d in diagnostics.errors
                      if d.code == "unknown-reference"}
        return (path, line) in faults

    for record in records:
        if record.body:
            rel = record.source.doc.rel
            found = resolve_links(targets, record.path, rel, record.body, record.body_line,
                                  diagnostics, reported)
            if found:
                links.paths.setdefault(rel, {}).update(found)
    for page in pages:
        if page.body:
            found = resolve_links(targets, page.path, page.rel, page.body, page.body_line,
                                  diagnostics)
            if found:
                links.paths.setdefault(page.rel, {}).update(found)


def _link(source: Record[Any], target: Target, via: str) -> None:
    if target.record is source:
        return
    if (via, target.ref) not in source.references:
        source.references.append((via, target.ref))
    if (via, source.id) not in target.record.backlinks:
        target.record.backlinks.append((via, source.id))


def _wikilinks(resolver: Resolver, record: Record[Any], body: str,
               body_line: int) -> list[tuple[str, Target]]:
    found = []
    for link in find_wikilinks(body):
        line = body_line + link.line - 1
        target = _lookup_link(resolver, record.path, line, link.column, link.target)
        if target is not None:
            found.append((link.target, target))
    return found


def _page_wikilinks(resolver: Resolver, page: SourceDocument) -> list[tuple[str, Target]]:
    found = []
    for link in find_wikilinks(page.body):
        line = page.body_line + link.line - 1
        target = _lookup_link(resolver, page.path, line, link.column, link.target)
        if target is not None:
            found.append((link.target, target))
    return found


def _lookup_link(resolver: Resolver, path: str, line: int, column: int,
                 ref: str) -> Target | None:
    records = resolver.records
    if "#" in ref:
        project_id, milestone_id = ref.split("#", 1)
        project = records.get(project_id)
        if project is not None and holds(project, Project):
            for milestone in project.model.milestones:
                if milestone.id.casefold() == milestone_id.casefold():
                    return Target(project, milestone)
            if records.unreadable(f"{project.id}#{milestone_id}"):
                return None
            hint = did_you_mean(milestone_id, [m.id for m in project.model.milestones])
            resolver.diagnostics.error(path, line, column, "unknown-reference",
                                       f"project '{project.id}' has no milestone "
                                       f"'{milestone_id}'", hint)
            return None
        ref = project_id
    record = records.get(ref)
    if record is None and records.unreadable(ref):
        return None
    if record is None:
        resolver.diagnostics.error(path, line, column, "unknown-reference",
                                   f"wiki-link to unknown id '{ref}'",
                                   did_you_mean(ref, records.ids()))
        return None
    return Target(record)


def _check_nested_ids(record: Record[Any], records: Records, diagnostics: Diagnostics) -> None:
    """Milestone, benefit and objective ids are unique within their record."""
    for list_name in TABLE[record.kind].local_ids:
        seen: dict[str, int] = {}
        for index, item in enumerate(getattr(record.model, list_name)):
            key = item.id.casefold()
            if key in seen:
                pos = record.source.pos((list_name, index, "id"))
                first = record.source.pos((list_name, seen[key], "id"))
                diagnostics.error(record.path, pos.line, pos.value_column, "duplicate-id",
                                  f"duplicate {list_name[:-1]} id '{item.id}' in "
                                  f"{record.kind} '{record.id}' (first on line {first.line})",
                                  f"give each of its {list_name} its own id")
            else:
                seen[key] = index
    if not holds(record, Project):
        return
    milestones = record.model.milestones
    own = {m.id.casefold() for m in milestones}
    for index, dep in enumerate(record.model.depends_on):
        if (dep.for_ is not None and dep.for_.casefold() not in own
                and not records.unreadable(f"{record.id}#{dep.for_}")):
            pos = record.source.pos(("depends_on", index, "for"))
            hint = (did_you_mean(dep.for_, [m.id for m in milestones])
                    or (f"its milestones: {', '.join(sorted(m.id for m in milestones))}"
                        if milestones else "the project has no milestones yet"))
            diagnostics.error(record.path, pos.line, pos.value_column, "unknown-reference",
                              f"'for: {dep.for_}' names no milestone of project '{record.id}'",
                              hint)
