"""Turn parsed documents into validated records: kinds, logs, fields, derived ids."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from pydantic import BaseModel, ValidationError

from generator.adr import is_adr_file, read_adr
from generator.diagnostics import Diagnostic, Diagnostics, did_you_mean
from generator.fieldtypes import ID_PATTERN
from generator.kinds import NESTED_ONLY, SCHEMAS, TABLE, inline_kinds
from generator.load import SourceDocument
from generator.mdlimits import check_markdown
from generator.pagemeta import unsafe_page_meta
from generator.records import Placeholder, Record, Records, Source
from generator.salvage import dropped_placeholders, model_in, placeholder, salvage
from generator.scale import StatusScale
from generator.schema import PAGE_META_KEYS, Model
from generator.urls import OWN_PAGES, record_url
from generator.yamlsafe import Path, Pos

_SLUG = re.compile(r"[^a-z0-9]+")


@dataclass(slots=True)
class Validated:
    """The result of validation: records, ordinary pages, and every document read."""

    records: Records
    pages: list[SourceDocument] = field(default_factory=list)
    """Markdown files that are not records (rendered and link-checked as they are)."""


@dataclass(slots=True)
class _Outcome:
    """What validating one document gives, whatever the others hold."""

    records: list[Record[Any]]
    placeholders: list[Placeholder]
    page: bool
    problems: list[Diagnostic]


class ValidationMemo:
    """What each document validated to, for the live preview: a document read from the
    cache is the same object as last time (`loadcache`), and is not validated again.
    Validating a document depends on it alone (duplicate ids are found across documents
    afterwards), so its outcome is reused as it is, with fresh records."""

    def __init__(self) -> None:
        self._outcomes: dict[int, tuple[SourceDocument, _Outcome]] = {}
        self._levels: tuple[str, ...] = ()
        """The status scale they were validated with (mkdocs.yml may change it)."""

    def outcome(self, doc: SourceDocument, scale: StatusScale) -> _Outcome:
        if scale.levels != self._levels:
            self._outcomes, self._levels = {}, scale.levels
        kept = self._outcomes.get(id(doc))
        if kept is not None and kept[0] is doc:
            return kept[1]
        outcome = _validate_one(doc, {"scale": scale})
        self._outcomes[id(doc)] = (doc, outcome)
        return outcome

    def keep_only(self, documents: list[SourceDocument]) -> None:
        """Forget the documents that are gone or were read again."""
        current = {id(doc) for doc in documents}
        self._outcomes = {k: v for k, v in self._outcomes.items() if k in current}


def validate_documents(documents: list[SourceDocument], scale: StatusScale,
                       diagnostics: Diagnostics,
                       memo: ValidationMemo | None = None) -> Validated:
    """Validate every document; problems become diagnostics, good records are kept."""
    result = Validated(Records())
    context = {"scale": scale}
    for doc in documents:
        if memo is None:
            check_markdown(doc, diagnostics)
            made = _records_of(doc, result, context, diagnostics)
        else:
            made = _reuse(memo.outcome(doc, scale), doc, result, diagnostics)
        for record in made:
            _add(result.records, record, diagnostics)
    if memo is not None:
        memo.keep_only(documents)
    return result


def _reuse(outcome: _Outcome, doc: SourceDocument, result: Validated,
           diagnostics: Diagnostics) -> list[Record[Any]]:
    """What validating `doc` gave, as `_records_of` gives it: the records fresh (resolving
    fills their lists in afresh), the rest added to `result` and `diagnostics`."""
    for made in outcome.placeholders:
        result.records.add_placeholder(made)
    if outcome.page:
        result.pages.append(doc)
    diagnostics.extend(outcome.problems)
    return [r.unresolved() for r in outcome.records]


def _validate_one(doc: SourceDocument, context: dict[str, Any]) -> _Outcome:
    own, alone = Diagnostics(), Validated(Records())
    check_markdown(doc, own)
    records = _records_of(doc, alone, context, own)
    return _Outcome(records, alone.records.placeholders(), bool(alone.pages), own.sorted())


def _add(records: Records, record: Record[Any], diagnostics: Diagnostics) -> None:
    existing = records.add(record)
    if existing is None:
        return
    first = f"{existing.path}:{existing.source.line}"
    hint = ("ids are compared ignoring case; give one of them another id"
            if existing.id != record.id else "give one of them another id")
    if record.derived_id:
        hint = f"give it an explicit `id:` (this one was derived from its fields as '{record.id}')"
    diagnostics.error(record.path, record.source.line, record.source.pos().column,
                      "duplicate-id",
                      f"duplicate id '{record.id}': {existing.kind} '{existing.id}' "
                      f"is already defined at {first}", hint)


def _records_of(doc: SourceDocument, result: Validated, context: dict[str, Any],
                diagnostics: Diagnostics) -> list[Record[Any]]:
    data = doc.data
    records = result.records
    if doc.yaml is not None and data is None and any(
            p.severity == "error" for p in doc.yaml.problems):
        _keep_identity(records, doc.yaml.top_level, Source(doc))
        return []  # unreadable YAML, already reported
    if doc.fmt == "markdown":
        _check_page_meta(doc, diagnostics)
        if is_adr_file(doc) and (data is None or (isinstance(data, dict) and "kind" not in data)):
            raw, synthetic = read_adr(doc, data)
            source = Source(doc, synthetic=synthetic)
            return _build(doc, raw, source, context, records, diagnostics)
        if data is None:
            result.pages.append(doc)
            return []
        if not isinstance(data, dict):
            diagnostics.error(doc.path, 2, 1, "front-matter-not-mapping",
                              "front matter must be a mapping of `field: value` lines")
            return []
        if "kind" not in data:
            result.pages.append(doc)
            return []
        return _build(doc, data, Source(doc), context, records, diagnostics)
    if data is None:
        diagnostics.warning(doc.path, 1, 1, "empty-file", "YAML file is empty",
                            "remove it, or add a record with `kind:`")
        return []
    if not isinstance(data, dict) or "kind" not in data:
        diagnostics.error(doc.path, 1, 1, "missing-kind",
                          "a YAML file must hold one record or log: a mapping with `kind:`",
                          f"add e.g. `kind: risk`; kinds: {', '.join(SCHEMAS)}")
        return []
    if "entries" in data:
        return _build_log(doc, data, context, records, diagnostics)
    return _build(doc, data, Source(doc), context, records, diagnostics)


def _build_log(doc: SourceDocument, data: dict[str, Any], context: dict[str, Any],
               known: Records, diagnostics: Diagnostics) -> list[Record[Any]]:
    entries = data["entries"]
    assert doc.yaml is not None
    if not isinstance(entries, list):
        pos = doc.yaml.pos(("entries",))
        diagnostics.error(doc.path, pos.line, pos.column, "invalid-type",
                          "`entries` must be a list of records", "start each entry with '- '")
        return []
    defaults = {k: v for k, v in data.items() if k != "entries"}
    records: list[Record[Any]] = []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            pos = doc.yaml.pos(("entries", index))
            diagnostics.error(doc.path, pos.line, pos.column, "invalid-type",
                              f"entry {index + 1} of the log must be a mapping of fields")
            continue
        if "kind" in entry and entry["kind"] != data["kind"]:
            pos = doc.yaml.pos(("entries", index, "kind"))
            diagnostics.error(doc.path, pos.line, pos.column, "invalid-value",
                              f"entry kind '{entry['kind']}' differs from the log's "
                              f"kind '{data['kind']}'", "keep one kind per log")
            continue
        inherited = frozenset(k for k in defaults if k not in entry)
        merged = {**defaults, **entry}
        source = Source(doc, base=("entries", index), inherited=inherited)
        records.extend(_build(doc, merged, source, context, known, diagnostics, index + 1))
    return records


def _build(doc: SourceDocument, data: dict[str, Any], source: Source, context: dict[str, Any],
           known: Records, diagnostics: Diagnostics, entry: int = 0) -> list[Record[Any]]:
    kind = data.get("kind")
    if not isinstance(kind, str) or kind not in SCHEMAS:
        _unknown_kind(doc, kind, source, diagnostics)
        return []
    cls = SCHEMAS[kind]
    fields = {k: v for k, v in data.items()
              if not (isinstance(k, str) and k.startswith("x-"))
              and not (doc.fmt == "markdown" and k in PAGE_META_KEYS)}
    salvaged = None
    try:
        model = cls.model_validate(fields, context=context)
    except ValidationError as exc:
        _report_validation(exc, cls, kind, source, diagnostics)
        salvaged = salvage(cls, kind, fields, exc, context)
        if salvaged is None or salvaged.model is None:
            _keep_identity(known, fields, source)
            return []
        model = salvaged.model
        source.kept = salvaged.kept or None
    ident, derived = _identify(model, kind, doc, entry)
    record = Record(kind, ident, model, source, doc.body if doc.fmt == "markdown" else "",
                    doc.body_line, derived_id=derived, salvaged=salvaged is not None)
    if salvaged is not None:
        for made in dropped_placeholders(salvaged, ident, doc.path, source.line):
            known.add_placeholder(made)
    _check_reserved(record, diagnostics)
    records = [record]
    for inline in inline_kinds(kind):
        list_name = inline.nested_field
        assert list_name is not None
        for index, item in enumerate(getattr(model, list_name)):
            inner = source.child((list_name, index))
            records.append(Record(item.kind, item.id, item, inner, parent=ident))
    return records


def _keep_identity(records: Records, values: dict[str, Any], source: Source) -> None:
    """Keep the id of a record that could not be read, so references to it stay quiet."""
    kind = values.get("kind")
    if isinstance(kind, str) and kind in SCHEMAS:
        made = placeholder(kind, values, source.path, source.line)
        if made is not None:
            records.add_placeholder(made)


def _check_page_meta(doc: SourceDocument, diagnostics: Diagnostics) -> None:
    """`template:` and `icon:` name files of the theme: plain names only (no `../`)."""
    if doc.yaml is None or not isinstance(doc.data, dict):
        return
    for key, message, hint in unsafe_page_meta(doc.data):
        pos = doc.yaml.pos((key,))
        diagnostics.error(doc.path, pos.line, pos.column, "unsafe-front-matter", message, hint)


def _check_reserved(record: Record[Any], diagnostics: Diagnostics) -> None:
    """An id that would make the record's page take the place of a generated page: its
    folder's index (`index`, `README`) or a lessons category page (`category-...`)."""
    if record.kind not in OWN_PAGES and record.source.doc.fmt != "yaml":
        return  # a Markdown record keeps the page of its source path
    url = record_url(record)
    if "#" in url or not url.endswith(f"/{record.id}/"):
        return
    folder, name = url[:-len(record.id) - 1], record.id.casefold()
    if name not in ("index", "readme") and not (folder == "lessons/"
                                                and name.startswith("category-")):
        return
    pos = record.source.pos(("id",))
    hint = (f"give it an explicit `id:` (this one was derived as '{record.id}')"
            if record.derived_id else "choose another id")
    diagnostics.error(record.path, pos.line if record.derived_id else pos.value_line,
                      pos.column if record.derived_id else pos.value_column, "reserved-id",
                      f"id '{record.id}' is reserved: its page /{url} would take the place "
                      f"of a generated page", hint)


def _identify(model: Any, kind: str, doc: SourceDocument, entry: int) -> tuple[str, bool]:
    if kind == "person":
        return model.name, False
    ident = getattr(model, "id", None)
    if isinstance(ident, str):
        return ident, False
    if kind == "status":
        return f"{model.project}-status-{model.date.isoformat()}", True
    if entry == 0 and ID_PATTERN.fullmatch(doc.stem):
        return doc.stem, True
    scope = getattr(model, "project", None) or getattr(model, "program", None) or doc.stem
    slug = _SLUG.sub("-", getattr(model, "title", "").lower()).strip("-") or str(entry)
    derived = f"{scope}-{kind}-{slug}"[:64].rstrip("-._")
    if not ID_PATTERN.fullmatch(derived):
        derived = f"{kind}-{entry}"
    return derived, True


def _unknown_kind(doc: SourceDocument, kind: Any, source: Source,
                  diagnostics: Diagnostics) -> None:
    pos = source.pos(("kind",))
    if isinstance(kind, str) and kind in NESTED_ONLY:
        owner = NESTED_ONLY[kind]
        diagnostics.error(doc.path, pos.line, pos.column, "unknown-kind",
                          f"a {kind} is not a record of its own",
                          f"list it under `{TABLE[kind].nested_field}:` inside its {owner}")
        return
    shown = kind if isinstance(kind, str) else repr(kind)
    hint = did_you_mean(shown, SCHEMAS) or f"kinds are: {', '.join(SCHEMAS)}"
    diagnostics.error(doc.path, pos.line, pos.column, "unknown-kind",
                      f"unknown kind '{shown}'", hint)


_TYPE_WORDS = {
    "dict_type": "a mapping of fields", "model_type": "a mapping of fields",
    "list_type": "a list", "string_type": "text", "float_parsing": "a number",
    "int_parsing": "a whole number", "bool_parsing": "true or false",
    "float_type": "a number", "int_type": "a whole number",
}
_CODES = {
    "invalid_id": "invalid-id", "invalid_reference": "invalid-reference",
    "invalid_date": "invalid-date", "invalid_status": "invalid-status",
    "invalid_level": "invalid-value", "invalid_number": "invalid-value",
    "invalid_text": "invalid-value", "invalid_type": "invalid-type",
    "literal_error": "invalid-value",
}


def _report_validation(exc: ValidationError, cls: type[Model], kind: str, source: Source,
                       diagnostics: Diagnostics) -> None:
    for error in exc.errors(include_url=False):
        loc = _clean_loc(error["loc"])
        kind_of_error = error["type"]
        where = _dotted(loc)
        if kind_of_error == "missing":
            pos = source.pos(loc[:-1])
            diagnostics.error(source.path, pos.line, pos.column, "missing-field",
                              f"{kind} is missing required field '{where}'",
                              f"add `{loc[-1]}:`")
            continue
        pos = source.pos(loc)
        if kind_of_error == "extra_forbidden":
            known = _fields_at(cls, loc[:-1])
            hint = did_you_mean(str(loc[-1]), known) or f"known fields: {', '.join(known)}"
            diagnostics.error(source.path, pos.line, pos.column, "unknown-field",
                              f"unknown field '{where}' for a {kind}", hint)
            continue
        line, column = (pos.value_line, pos.value_column) if loc else (pos.line, pos.column)
        if kind_of_error in _TYPE_WORDS:
            diagnostics.error(source.path, line, column, "invalid-type",
                              f"'{where}' must be {_TYPE_WORDS[kind_of_error]}, "
                              f"got {_describe(error.get('input'))}")
            continue
        message = error["msg"]
        hint = ""
        if kind_of_error == "literal_error":
            expected = error.get("ctx", {}).get("expected", "")
            message = f"'{_short(error.get('input'))}' is not a valid {where}"
            hint = f"use one of: {expected.replace(' or ', ', ')}"
        code = _CODES.get(kind_of_error, "invalid-value")
        diagnostics.error(source.path, line, column, code,
                          f"{where}: {message}" if loc and kind_of_error != "literal_error"
                          else message, hint)


def _clean_loc(loc: tuple[Any, ...]) -> tuple[Any, ...]:
    """Drop pydantic's internal steps (function validators, tagged unions)."""
    return tuple(p for p in loc if isinstance(p, int) or not str(p).startswith(("function-",
                                                                                   "lax-")))


def _dotted(loc: tuple[Any, ...]) -> str:
    text = ""
    for part in loc:
        text += f"[{part + 1}]" if isinstance(part, int) else (f".{part}" if text else str(part))
    return text or "record"


def _describe(value: Any) -> str:
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    if value is None:
        return "nothing"
    return f"'{_short(value)}'"


def _short(value: Any) -> str:
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _fields_at(cls: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    """Field names (as written in content) of the model found at `loc` under `cls`."""
    current: type[BaseModel] | None = cls
    for part in loc:
        if isinstance(part, int) or current is None:
            continue
        info = current.model_fields.get(part) or next(
            (f for f in current.model_fields.values() if f.alias == part), None)
        current = model_in(info.annotation) if info is not None else None
    if current is None:
        return []
    return sorted((f.alias or name) for name, f in current.model_fields.items())


def positions_of(record: Record[Any], loc: tuple[Any, ...]) -> Pos:
    """The position of field `loc` of `record` (used by later stages' diagnostics)."""
    return record.source.pos(loc)


__all__ = ["Path", "Validated", "positions_of", "validate_documents"]
