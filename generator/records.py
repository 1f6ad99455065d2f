"""Validated records and their collection, with lookups by id and by kind."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from generator.load import SourceDocument
from generator.schema import Model
from generator.yamlsafe import Path, Pos


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

    @property
    def path(self) -> str:
        return self.doc.path

    def pos(self, loc: tuple[Any, ...] = ()) -> Pos:
        """The position of field `loc` of this record (or its nearest located parent)."""
        loc = tuple(loc)
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
class Record:
    """One validated record of any kind."""

    kind: str
    id: str
    model: Any
    """The validated pydantic model of the kind (see schema.KINDS)."""
    source: Source
    body: str = ""
    body_line: int = 1
    parent: str | None = None
    """For risks and issues written inside a project or program: that record's id."""
    derived_id: bool = False
    """True when the id was made up from other fields (status reports, lessons)."""
    references: list[tuple[str, str]] = field(default_factory=list)
    """(field, target id) for every resolved reference this record makes."""
    backlinks: list[tuple[str, str]] = field(default_factory=list)
    """(field, source id) for every record that references this one."""

    @property
    def title(self) -> str:
        title = getattr(self.model, "title", None)
        return title if isinstance(title, str) else self.id

    @property
    def path(self) -> str:
        return self.source.path


class Records:
    """Every record of a run; ids are looked up case-insensitively."""

    def __init__(self) -> None:
        self._by_key: dict[str, Record] = {}
        self._by_kind: dict[str, list[Record]] = {}
        self.people: list[Record] = []
        """`person` records (people.yml); named, not identified by id."""

    def add(self, record: Record) -> Record | None:
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
        return None

    def get(self, ident: str) -> Record | None:
        return self._by_key.get(ident.casefold())

    def by_kind(self, kind: str) -> list[Record]:
        """Records of `kind`, sorted by id."""
        return sorted(self._by_kind.get(kind, []), key=lambda r: r.id)

    def ids(self, *kinds: str) -> list[str]:
        chosen = kinds or tuple(self._by_kind)
        return [r.id for k in chosen for r in self._by_kind.get(k, [])]

    def __iter__(self) -> Iterator[Record]:
        return iter(sorted(self._by_key.values(), key=lambda r: (r.kind, r.id)))

    def __len__(self) -> int:
        return len(self._by_key)


def model_of(record: Record) -> Model:
    model: Model = record.model
    return model
