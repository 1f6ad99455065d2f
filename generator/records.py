"""Validated records and their collection, with lookups by id and by kind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any, Generic, Literal, TypeGuard, TypeVar, overload

from generator.load import SourceDocument
from generator.schema import (
    Change,
    Decision,
    Issue,
    Lesson,
    Meeting,
    Milestone,
    Model,
    Person,
    Portfolio,
    Program,
    Project,
    Risk,
    StatusReport,
)
from generator.yamlsafe import Path, Pos

M_co = TypeVar("M_co", bound=Model, covariant=True)
"""The pydantic model of a record's kind: `Record[Project]` is a project record."""
T = TypeVar("T", bound=Model)


@dataclass(slots=True)
class Source:
    """Where a record was written: its file, and where its mapping sits in that file."""

    doc: SourceDocument
    base: Path = ()
    """Path of the record's mapping inside the file's YAML (e.g. `('entries', 3)`)."""
    inherited: frozenset[str] = frozenset()
    """Fields taken from a log's shared defaults rather than the entry itself."""
    synthetic: dict[Path, Pos] | None = None
    """Positions of fields read from a Markdown body (adr-tools decisions)."""
    kept: dict[Path, tuple[int, ...]] | None = None
    """For a salvaged record: list path -> the indices, as written, of the items kept."""

    @property
    def path(self) -> str:
        return self.doc.path

    def written(self, loc: tuple[Any, ...]) -> tuple[Any, ...]:
        """`loc` with list indices of the salvaged model turned into indices as written."""
        if not self.kept:
            return loc
        out: list[Any] = []
        for part in loc:
            items = self.kept.get(tuple(out)) if isinstance(part, int) else None
            out.append(items[part] if items is not None and 0 <= part < len(items) else part)
        return tuple(out)

    def child(self, loc: tuple[Any, ...]) -> Source:
        """The source of the item at `loc` of this record (a risk inside a project)."""
        at = self.written(loc)
        kept = {path[len(at):]: items for path, items in (self.kept or {}).items()
                if path[:len(at)] == at}
        return Source(self.doc, base=self.base + at, kept=kept or None)

    def pos(self, loc: tuple[Any, ...] = ()) -> Pos:
        """The position of field `loc` of this record (or its nearest located parent)."""
        loc = self.written(tuple(loc))
        if self.synthetic is not None:
            if loc[:1] in self.synthetic and loc:
                return self.synthetic[loc[:1]]
            if self.doc.yaml is None and () in self.synthetic:
                return self.synthetic[()]
        if loc and loc[0] in self.inherited:
            return self._yaml_pos((loc[0],))
        return self._yaml_pos(self.base + loc)

    def _yaml_pos(self, path: Path) -> Pos:
        if self.doc.yaml is None:
            return Pos(1, 1, 1, 1)
        return self.doc.yaml.pos(path)

    @property
    def line(self) -> int:
        return self.pos().line


@dataclass(slots=True, eq=False)
class Record(Generic[M_co]):
    """One validated record; `Record[Project]` is one of kind `project` (`Record[Any]`:
    one of any kind)."""

    kind: str
    id: str
    model: M_co
    """The validated pydantic model of the kind (see `Kind.schema` in kinds.py)."""
    source: Source
    body: str = ""
    body_line: int = 1
    parent: str | None = None
    """For risks and issues written inside a project or program: that record's id."""
    derived_id: bool = False
    """True when the id was made up from other fields (status reports, lessons)."""
    salvaged: bool = False
    """True when invalid parts were left out so the record keeps its identity (its errors
    are reported; see salvage.py)."""
    references: list[tuple[str, str]] = field(default_factory=list)
    """(field, target id) for every resolved reference this record makes."""
    backlinks: list[tuple[str, str]] = field(default_factory=list)
    """(field, source id) for every record that references this one."""
    targets: dict[tuple[Any, ...], Target] = field(default_factory=dict)
    """What each reference field resolved to, by its location (`("depends_on", 0, "on")`):
    later stages read this instead of looking the id up again."""

    def unresolved(self) -> Record[M_co]:
        """This record as validation made it, before resolving filled in its links
        (`dataclasses.replace` with the three lists empty, without its per-call
        introspection: the live preview reuses every unchanged record this way)."""
        return Record(self.kind, self.id, self.model, self.source, self.body, self.body_line,
                      self.parent, self.derived_id, self.salvaged)

    @property
    def title(self) -> str:
        title = getattr(self.model, "title", None)
        return title if isinstance(title, str) else self.id

    @property
    def path(self) -> str:
        return self.source.path


@dataclass(frozen=True, slots=True)
class Target:
    """What a reference resolved to: a record, or a milestone of a project record."""

    record: Record[Any]
    milestone: Milestone | None = None
    """For `project#milestone` references: the milestone (`record` is its project)."""

    @property
    def ref(self) -> str:
        return f"{self.record.id}#{self.milestone.id}" if self.milestone else self.record.id


@dataclass(frozen=True, slots=True)
class Placeholder:
    """An id known but unreadable (its file does not parse, or the item was invalid):
    references to it are neither resolved nor reported, since its errors already are."""

    ref: str
    """The id, `project#milestone`, or a portfolio objective's id."""
    kind: str
    """The record kind, `milestone` or `objective`."""
    title: str | None
    path: str
    line: int


class Records:
    """Every record of a run; ids are looked up case-insensitively."""

    def __init__(self) -> None:
        self._by_key: dict[str, Record[Any]] = {}
        self._by_kind: dict[str, list[Record[Any]]] = {}
        self._sorted: dict[str, tuple[Record[Any], ...]] = {}
        """`by_kind` answers, sorted once (adding a record of the kind forgets its answer)."""
        self._all: tuple[Record[Any], ...] | None = None
        """Every record by kind and id, sorted once (adding any record forgets it)."""
        self._unreadable: dict[tuple[bool, str], Placeholder] = {}
        self.people: list[Record[Person]] = []
        """`person` records (people.yml); named, not identified by id."""

    def add_placeholder(self, placeholder: Placeholder) -> None:
        """Remember an unreadable id (the first one met wins; a real record wins always)."""
        key = (placeholder.kind == "objective", placeholder.ref.casefold())
        self._unreadable.setdefault(key, placeholder)

    def placeholders(self) -> list[Placeholder]:
        """Every unreadable id remembered, in the order met."""
        return list(self._unreadable.values())

    def unreadable(self, ref: str, objective: bool = False) -> Placeholder | None:
        """The placeholder of `ref` (an id or `project#milestone`) if no record holds it."""
        if not objective and self.get(ref) is not None:
            return None
        return self._unreadable.get((objective, ref.casefold()))

    def add(self, record: Record[Any]) -> Record[Any] | None:
        """Add `record`; return the record already holding its id, if any."""
        if record.kind == "person":
            self.people.append(record)
            return None
        key = record.id.casefold()
        existing = self._by_key.get(key)
        if existing is not None:
            return existing
        self._by_key[key] = record
        self._by_kind.setdefault(record.kind, []).append(record)
        self._sorted.pop(record.kind, None)
        self._all = None
        return None

    def get(self, ident: str) -> Record[Any] | None:
        return self._by_key.get(ident.casefold())

    @overload
    def by_kind(self, kind: Literal["portfolio"]) -> tuple[Record[Portfolio], ...]: ...
    @overload
    def by_kind(self, kind: Literal["program"]) -> tuple[Record[Program], ...]: ...
    @overload
    def by_kind(self, kind: Literal["project"]) -> tuple[Record[Project], ...]: ...
    @overload
    def by_kind(self, kind: Literal["status"]) -> tuple[Record[StatusReport], ...]: ...
    @overload
    def by_kind(self, kind: Literal["risk"]) -> tuple[Record[Risk], ...]: ...
    @overload
    def by_kind(self, kind: Literal["issue"]) -> tuple[Record[Issue], ...]: ...
    @overload
    def by_kind(self, kind: Literal["decision"]) -> tuple[Record[Decision], ...]: ...
    @overload
    def by_kind(self, kind: Literal["change"]) -> tuple[Record[Change], ...]: ...
    @overload
    def by_kind(self, kind: Literal["meeting"]) -> tuple[Record[Meeting], ...]: ...
    @overload
    def by_kind(self, kind: Literal["lesson"]) -> tuple[Record[Lesson], ...]: ...
    @overload
    def by_kind(self, kind: str) -> tuple[Record[Any], ...]: ...
    def by_kind(self, kind: str) -> tuple[Record[Any], ...]:
        """Records of `kind`, sorted by id (sorted once, not on every call)."""
        found = self._sorted.get(kind)
        if found is None:
            found = tuple(sorted(self._by_kind.get(kind, []), key=lambda r: r.id))
            self._sorted[kind] = found
        return found

    def ids(self, *kinds: str) -> list[str]:
        chosen = kinds or tuple(self._by_kind)
        return [r.id for k in chosen for r in self._by_kind.get(k, [])]

    def __iter__(self) -> Iterator[Record[Any]]:
        """Every record by kind, then id (sorted once: a check iterates them ten times)."""
        if self._all is None:
            self._all = tuple(sorted(self._by_key.values(), key=lambda r: (r.kind, r.id)))
        return iter(self._all)

    def __len__(self) -> int:
        return len(self._by_key)


def holds(record: Record[Any], schema: type[T]) -> TypeGuard[Record[T]]:
    """Whether `record` is of the kind whose model is `schema` (`holds(r, Project)`: a
    project), narrowing it for the type checker: every kind has its own schema class."""
    return isinstance(record.model, schema)
