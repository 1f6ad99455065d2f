"""Keep a record with a bad field: leave out what is invalid, keep its identity and facts.

SPEC §7, one fault, one error: once validation errors are reported, the record is
validated again without the parts that failed, so references to it still resolve and
its own warnings still show. Nothing here reports anything.

For each error, from the bad value outwards, the first rule that applies:

* a list item (a milestone, a team member, a tag) is left out, with what it holds;
* an optional field is left out (as if it were not written), except an item's `done`
  or `status`: left out, it would say "not done" or "open" (an overdue milestone, an
  at-risk dependency), so the item goes instead;
* a required top-level field that is not part of the identity gets a value that
  states nothing: `""` for text (no person is named), `unknown` for a status (no
  data), the record's id for its title.

An identity field (`kind`, `id`, and the fields an id is derived from when there is
none) or a required field nothing neutral fits (a date, a reference) gives up: the
record is left out, but its id stays known (see `placeholder`).
"""

from __future__ import annotations

import copy
import typing
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError
from pydantic.fields import FieldInfo

from generator.fieldtypes import ID_PATTERN, Status, Text, Title
from generator.kinds import TABLE
from generator.records import Placeholder
from generator.scale import UNKNOWN
from generator.schema import Model
from generator.yamlsafe import Path

MAX_ROUNDS = 4
"""Validations tried after the first failed one; each round mends every error it saw."""

_IDENTITY = frozenset({"kind", "id"})
_DERIVED_FROM = {k.name: frozenset(k.id_from) for k in TABLE.values() if k.id_from}
"""Fields an id is made from when the record has none (`Kind.id_from`, see
validate._identify)."""
_CLAIMS = frozenset({"done", "status"})
"""Fields of list items whose absence states something (not done, open)."""
_NESTED = {"milestones": "milestone", "risks": "risk", "issues": "issue",
           "objectives": "objective"}
"""Lists whose items have ids other records refer to, and the kind of those items."""
_TITLE: TypeAdapter[str] = TypeAdapter(Title)


@dataclass(slots=True)
class Salvaged:
    """A record validated without its invalid parts."""

    model: Model | None = None
    kept: dict[Path, tuple[int, ...]] = field(default_factory=dict)
    """List path -> indices (as written) of the items kept, where items were left out."""
    dropped: list[tuple[str, Any]] = field(default_factory=list)
    """(list name, item as written) of each item of a top-level list left out."""


def salvage(cls: type[Model], kind: str, data: dict[str, Any], error: ValidationError,
            context: dict[str, Any]) -> Salvaged | None:
    """`data` validated without what `error` found invalid; None if that cannot be done
    without touching its identity (or within MAX_ROUNDS)."""
    identity = _IDENTITY | (_DERIVED_FROM.get(kind, frozenset())
                            if data.get("id") is None else frozenset())
    work = copy.deepcopy(data)
    mended = Salvaged()
    for _ in range(MAX_ROUNDS):
        actions: dict[tuple[Any, ...], Any] = {}
        for item in error.errors(include_url=False):
            loc = tuple(p for p in item["loc"]
                        if isinstance(p, int) or not str(p).startswith(("function-", "lax-")))
            action = _mend(cls, loc, item["type"], identity, work)
            if action is None:
                return None
            actions.setdefault(action[0], action[1])
        for loc in sorted(actions, key=_order, reverse=True):
            _apply(work, loc, actions[loc], mended)
        try:
            mended.model = cls.model_validate(work, context=context)
        except ValidationError as again:
            error = again
            continue
        return mended
    return None


_DROP = object()
"""Marks an action that leaves the value at its location out."""


def _mend(cls: type[Model], loc: tuple[Any, ...], error_type: str, identity: frozenset[str],
          data: dict[str, Any]) -> tuple[tuple[Any, ...], Any] | None:
    """(location, new value or _DROP) that mends one error; None to give up."""
    if not loc:
        return None
    if error_type == "extra_forbidden":
        return (loc, _DROP) if loc[0] not in identity else None
    for depth in range(len(loc), 0, -1):
        at = loc[:depth]
        if isinstance(at[-1], int):
            return at, _DROP
        info = _field_at(cls, at)
        if depth == 1 and at[0] in identity:
            return None
        if info is None:
            continue
        if not info.is_required() and not (depth > 1 and at[-1] in _CLAIMS):
            return at, _DROP
        if depth == 1:
            neutral = _neutral(info, data)
            return (at, neutral) if neutral is not None else None
    return None


def _neutral(info: FieldInfo, data: dict[str, Any]) -> str | None:
    """A value for a required field that names no person, date or status."""
    metadata = list(info.metadata)
    if metadata == list(typing.get_args(Text)[1:]):
        return ""
    if metadata == list(typing.get_args(Status)[1:]):
        return UNKNOWN
    ident = data.get("id")
    if metadata == list(typing.get_args(Title)[1:]) and isinstance(ident, str):
        return ident
    return None


def _apply(data: dict[str, Any], loc: tuple[Any, ...], value: Any, mended: Salvaged) -> None:
    parent: Any = data
    for part in loc[:-1]:
        try:
            parent = parent[part]
        except (KeyError, IndexError, TypeError):
            return  # already left out with an enclosing item
    last = loc[-1]
    if value is not _DROP:
        if isinstance(parent, dict):
            parent[last] = value
        return
    if isinstance(last, int) and isinstance(parent, list) and 0 <= last < len(parent):
        written = _written(mended.kept, loc[:-1])
        items = mended.kept.setdefault(written, tuple(range(len(parent))))
        mended.kept[written] = items[:last] + items[last + 1:]
        item = parent.pop(last)
        if len(loc) == 2 and isinstance(loc[0], str):
            mended.dropped.append((loc[0], item))
    elif isinstance(parent, dict):
        parent.pop(last, None)


def _written(kept: dict[Path, tuple[int, ...]], loc: tuple[Any, ...]) -> Path:
    """`loc` in the mended data as a path in the data as written."""
    out: list[Any] = []
    for part in loc:
        items = kept.get(tuple(out)) if isinstance(part, int) else None
        out.append(items[part] if items is not None and 0 <= part < len(items) else part)
    return tuple(out)


def _order(loc: tuple[Any, ...]) -> tuple[tuple[int, Any], ...]:
    """Sort key: deeper and later items first, so earlier indices stay valid."""
    return tuple((1, p) if isinstance(p, int) else (0, str(p)) for p in loc)


def _field_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> FieldInfo | None:
    """The schema field at `loc` (list indices skipped), if the schema has one."""
    current: type[BaseModel] | None = cls
    info: FieldInfo | None = None
    for part in loc:
        if isinstance(part, int):
            continue
        if current is None:
            return None
        info = current.model_fields.get(str(part)) or next(
            (f for f in current.model_fields.values() if f.alias == part), None)
        if info is None:
            return None
        current = model_in(info.annotation)
    return info


def model_in(annotation: Any) -> type[BaseModel] | None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return annotation
    for arg in typing.get_args(annotation):
        found = model_in(arg)
        if found is not None:
            return found
    return None


def placeholder(kind: str, values: dict[str, Any], path: str, line: int,
                scope: str = "") -> Placeholder | None:
    """The placeholder of an unreadable record (or item of `scope`, a project's
    milestone), if its `id` is a valid id."""
    ident = values.get("id")
    if not isinstance(ident, str) or not ID_PATTERN.fullmatch(ident):
        return None
    title = values.get("title")
    try:
        shown = _TITLE.validate_python(title) if isinstance(title, str) else None
    except ValidationError:
        shown = None
    return Placeholder(f"{scope}#{ident}" if scope else ident, kind, shown, path, line)


def dropped_placeholders(salvaged: Salvaged, ident: str, path: str,
                         line: int) -> list[Placeholder]:
    """Placeholders of the items with ids that `salvaged` left out of record `ident`."""
    found = []
    for list_name, item in salvaged.dropped:
        kind = _NESTED.get(list_name)
        if kind is None or not isinstance(item, dict):
            continue
        made = placeholder(kind, item, path, line, ident if kind == "milestone" else "")
        if made is not None:
            found.append(made)
    return found
