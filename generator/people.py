"""People: every role each person holds, their allocation, and their page slug."""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from generator import slugs
from generator.diagnostics import Diagnostics
from generator.records import Record, Records, holds
from generator.rollup import is_open
from generator.schema import Decision, Meeting, Program, Project, StatusReport

_SPACES = re.compile(r"\s+")


@dataclass(frozen=True, slots=True)
class Role:
    """One role a person holds: `manager` of project `crm`, say."""

    role: str
    """manager, sponsor, owner, board, team, attendee, decider, author, action owner."""
    record: str
    """Id of the record where the role is held."""
    where: Record[Any] = field(compare=False)
    """That record."""
    detail: str = ""
    """The team role or allocation, when there is one."""


@dataclass(frozen=True, slots=True)
class Allocation:
    """A share of a person's time on an open project (a `team` entry with `allocation`)."""

    project: Record[Project]
    share: float
    role: str
    """Their role in that project's team (the first entry for them that names one)."""


@dataclass(slots=True)
class Person:
    name: str
    slug: str
    roles: list[Role] = field(default_factory=list)
    email: str | None = None
    title: str | None = None
    """Job role from people.yml."""
    team: str | None = None
    allocation: float = 0.0
    """Sum of `team` allocations over open projects."""
    allocations: list[Allocation] = field(default_factory=list)
    """Their allocations over open projects, by project id."""

    @property
    def over_allocated(self) -> bool:
        return self.allocation > 1.0 + 1e-9


@lru_cache(maxsize=1 << 16)  # a portfolio names the same people thousands of times
def clean_name(name: str) -> str:
    """One spelling per name: NFC accents, single spaces."""
    return _SPACES.sub(" ", unicodedata.normalize("NFC", name)).strip()


@lru_cache(maxsize=1 << 16)
def name_key(name: str) -> str:
    """What makes two spellings one person: `clean_name`, casefolded."""
    return clean_name(name).casefold()


def slugify(name: str) -> str:
    """`Dana Reyes` -> `dana-reyes`, `李雷` -> `lilei`; bounded; never a path.

    The slug a name would have on its own; `gather_people` numbers the ones two people
    share, so a page's slug comes from the model (`PortfolioModel.person`), never from here.
    """
    slug = slugs.slugify(name, "person")
    # `index` and `readme` are the people list's own page.
    return f"{slug}-person" if slug in ("index", "readme") else slug


def assign_slugs(keys: Iterable[str]) -> dict[str, str]:
    """A unique slug for each distinct name key, whatever order the names were met in.

    Names are taken in sorted order; the first of those that share a slug keeps it, the
    others get `-2`, `-3`, ... skipping any slug another name has on its own.
    """
    bases = {key: slugify(key) for key in sorted(set(keys))}
    taken = set(bases.values())
    given: dict[str, str] = {}
    kept: set[str] = set()
    for key, base in bases.items():
        if base not in kept:
            kept.add(base)
            given[key] = base
            continue
        n = 2
        while slugs.numbered(base, n) in taken:
            n += 1
        given[key] = slugs.numbered(base, n)
        taken.add(given[key])
    return given


def index_by_name(people: dict[str, Person]) -> dict[str, Person]:
    """Each person under `name_key` of their name (every spelling of it has that key)."""
    return {name_key(person.name): person for person in people.values()}


def _held(record: Record[Any]) -> list[tuple[str, Any, str, tuple[Any, ...]]]:
    """(role, name, detail, field loc) for each person named in `record`."""
    model = record.model
    fields = type(model).model_fields
    found: list[tuple[str, Any, str, tuple[Any, ...]]] = []
    for role in ("manager", "sponsor", "owner"):
        value = getattr(model, role) if role in fields else None
        if isinstance(value, str):
            found.append((role, value, "", (role,)))
    if isinstance(model, Program) and model.governance is not None:
        found += [("board", n, "", ("governance", "board")) for n in model.governance.board]
    if isinstance(model, Project):
        for i, member in enumerate(model.team):
            detail = member.role or ""
            found.append(("team", member.name, detail, ("team", i)))
    if isinstance(model, Meeting):
        found += [("attendee", n, "", ("attendees",)) for n in model.attendees]
        for i, action in enumerate(model.actions):
            if action.owner:
                found.append(("action owner", action.owner, action.title, ("actions", i)))
    if isinstance(model, Decision):
        for name in list(model.decided_by) + list(model.deciders):
            found.append(("decider", name, "", ("decided_by",)))
    if isinstance(model, StatusReport) and model.author:
        found.append(("author", model.author, "", ("author",)))
    return found


def gather_people(records: Records) -> dict[str, Person]:
    """Every person named anywhere, keyed by slug, with roles and allocations."""
    by_name: dict[str, Person] = {}
    spellings: dict[str, Counter[str]] = {}

    def person(name: str) -> Person:
        cleaned = clean_name(name)
        key = cleaned.casefold()
        holder = by_name.get(key)
        if holder is None:
            holder = by_name[key] = Person(cleaned, "")
            spellings[key] = Counter()
        spellings[key][cleaned] += 1
        return holder

    listed: set[str] = set()
    for entry in sorted(records.people, key=lambda r: (r.path, r.source.line)):
        model = entry.model
        holder = person(model.name)
        holder.email, holder.title, holder.team = model.email, model.role, model.team
        listed.add(holder.name.casefold())
    held: set[tuple[int, str, str, str]] = set()  # (a Role's equality: person, role, id, detail)
    for record in records:
        if record.kind == "person":
            continue
        for role, name, detail, _ in _held(record):
            if clean_name(name):
                holder = person(name)
                fact = (id(holder), role, record.id, detail)
                if fact not in held:
                    held.add(fact)
                    holder.roles.append(Role(role, record.id, record, detail))
        if holds(record, Project) and is_open(record):
            for member in record.model.team:
                if member.allocation:
                    holder = person(member.name)
                    holder.allocations.append(Allocation(record, member.allocation,
                                                         _team_role(record, member.name)))
                    holder.allocation += member.allocation
    for key, holder in by_name.items():
        if key not in listed:  # people.yml spells a name; otherwise the most used spelling
            counts = spellings[key]
            holder.name = min(counts, key=lambda spelling: (-counts[spelling], spelling))
    people: dict[str, Person] = {}
    for key, slug in assign_slugs(by_name).items():
        by_name[key].slug = slug
        people[slug] = by_name[key]
    for holder in people.values():
        holder.roles.sort(key=lambda r: (r.role, r.record, r.detail))
        holder.allocations.sort(key=lambda a: (a.project.id, a.share))
    return dict(sorted(people.items()))


def _team_role(project: Record[Project], name: str) -> str:
    key = name_key(name)
    return next((m.role for m in project.model.team if name_key(m.name) == key and m.role), "")


def warn_over_allocated(holder: Person, diagnostics: Diagnostics) -> None:
    """The `over-allocated` warning of `holder`, at their first project's team entry."""
    first = holder.allocations[0].project
    index = next(i for i, m in enumerate(first.model.team)
                 if clean_name(m.name).casefold() == holder.name.casefold())
    pos = first.source.pos(("team", index))
    spread = ", ".join(f"{a.project.id} {a.share:.0%}" for a in holder.allocations)
    diagnostics.warning(first.path, pos.line, pos.column, "over-allocated",
                        f"{holder.name} is allocated {holder.allocation:.0%} across open "
                        f"projects ({spread})", "rebalance the team allocations")
