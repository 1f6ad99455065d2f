"""A JSON Schema per kind, generated from the pydantic models the validator uses.

Editors validate and complete YAML with them (yaml-language-server); the build publishes
them as `/schemas/<kind>.json`. Every field type of fieldtypes.py is validated by a
function before its plain type, so the schema of each is written here, keyed by that
function: what the function accepts, as a JSON Schema (a date is a `YYYY-MM-DD` string,
a level 1-5 or low/medium/high, a list may be one value). A schema accepts a record of
the kind or a log of it (`kind`, shared defaults, `entries:`), plus keys starting `x-`.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, ClassVar

from pydantic.json_schema import GenerateJsonSchema, JsonSchemaValue
from pydantic_core import core_schema

from generator import fieldtypes
from generator.kinds import SCHEMAS
from generator.scale import StatusScale
from generator.schema import PAGE_META_KEYS

DIALECT = "https://json-schema.org/draft/2020-12/schema"
_ID = "[A-Za-z0-9][A-Za-z0-9._-]{0,63}"
_DATE = {"type": "string", "pattern": r"^\s*\d{4}-\d{2}-\d{2}\s*$"}
_NUMBER_TEXT = r"^\s*[-+]?(\d[\d_]*)?(\.\d+)?([eE][-+]?\d+)?\s*$"


def _any_case(word: str) -> str:
    return "".join(f"[{c.lower()}{c.upper()}]" if c.isalpha() else c for c in word)


def _words(words: list[str]) -> str:
    return r"^\s*(" + "|".join(_any_case(w) for w in words) + r")\s*$"


def _one_or_many(inner: JsonSchemaValue) -> JsonSchemaValue:
    """`_listify`: a list, one item of it, or nothing."""
    return {"anyOf": [inner, inner.get("items", {}), {"type": "null"}]}


def _field_types(scale: StatusScale) -> dict[Callable[..., Any], Callable[[JsonSchemaValue],
                                                                           JsonSchemaValue]]:
    """Each validating function of fieldtypes.py, and the schema of what it accepts
    (given the schema of the plain type it validates to)."""
    number = {"anyOf": [{"type": "number"}, {"type": "string", "pattern": _NUMBER_TEXT}]}
    spellings = sorted({*scale.values, *(s for s in _spellings(scale))})
    return {
        fieldtypes._id: lambda _: {"type": "string", "pattern": f"^{_ID}$"},
        fieldtypes._ref: lambda _: {"type": "string",
                                    "pattern": rf"^\s*{_ID}(#{_ID})?\s*$"},
        fieldtypes._date: lambda _: dict(_DATE),
        fieldtypes._status: lambda _: {"type": "string", "pattern": _words(spellings)},
        fieldtypes._level: lambda _: {"anyOf": [
            {"type": "integer", "minimum": 1, "maximum": 5},
            {"type": "string",
             "pattern": _words(["1", "2", "3", "4", "5", "low", "medium", "high"])}]},
        fieldtypes._number: lambda _: number,
        fieldtypes._fraction: lambda _: {"anyOf": [
            {"type": "number", "minimum": 0, "maximum": 1},
            {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"}]},
        fieldtypes._percent: lambda _: {"anyOf": [
            {"type": "number", "minimum": 0, "maximum": 100},
            {"type": "string", "pattern": r"^\s*\d+(\.\d+)?\s*%?\s*$"}]},
        fieldtypes._text: lambda _: {"type": "string"},
        fieldtypes._title: lambda _: {"type": "string", "pattern": r"\S"},
        fieldtypes._listify: _one_or_many,
        fieldtypes._flag_or_date: lambda _: {"anyOf": [
            {"type": "boolean"}, dict(_DATE),
            {"type": "string", "pattern": _words(["true", "yes", "false", "no"])}]},
    }


def _spellings(scale: StatusScale) -> list[str]:
    """Every word the scale reads as a status (`g` for green, `n/a` for unknown)."""
    return sorted(getattr(scale, "_spellings", {}))


class _Generator(GenerateJsonSchema):
    """Pydantic's generator, with each field type's schema taken from `_field_types`."""

    field_types: ClassVar[dict[Callable[..., Any],
                               Callable[[JsonSchemaValue], JsonSchemaValue]]] = {}

    def function_before_schema(
            self, schema: core_schema.BeforeValidatorFunctionSchema) -> JsonSchemaValue:
        inner = self.generate_inner(schema["schema"])
        function = schema["function"]["function"]
        known = self.field_types.get(function)
        if known is not None:
            return known(inner)
        # `depends_on` (and one dependency): a reference, a mapping, or a list of them.
        return {"anyOf": [inner, inner.get("items", {"type": "string"}), {"type": "string"},
                          {"type": "null"}]}


def kind_schema(kind: str, scale: StatusScale | None = None) -> dict[str, Any]:
    """The JSON Schema of a record of `kind`, or of a log of it."""
    model = SCHEMAS[kind]
    generator = type("Generator", (_Generator,),
                     {"field_types": _field_types(scale or StatusScale())})
    record = model.model_json_schema(schema_generator=generator, mode="validation")
    definitions = record.pop("$defs", {})
    _open_to_x(record)
    for definition in definitions.values():
        _open_to_x(definition)
    record.pop("title", None)
    record["properties"].update({key: {} for key in sorted(PAGE_META_KEYS)})
    entry = {**record, "required": [r for r in record.get("required", [])
                                    if r in ("id", "title", "name")]}
    entry["properties"] = {**record["properties"], "kind": {"const": kind}}
    log = {"type": "object", "required": ["kind", "entries"],
           "properties": {**record["properties"],
                          "kind": {"const": kind},
                          "entries": {"type": "array", "items": entry}},
           "patternProperties": {"^x-": {}}, "additionalProperties": False}
    single = {**record, "required": sorted({"kind", *record.get("required", [])})}
    single["properties"] = {**record["properties"], "kind": {"const": kind}}
    return {"$schema": DIALECT, "$id": f"{kind}.json",
            "title": f"pmsite {kind}",
            "description": f"A pmsite `{kind}` record, or a log of them (`entries:`).",
            "anyOf": [{"$ref": "#/$defs/record"}, {"$ref": "#/$defs/log"}],
            "$defs": {**definitions, "record": single, "log": log}}


def _open_to_x(schema: dict[str, Any]) -> None:
    """Keys starting `x-` are the author's own data, anywhere a record is."""
    if schema.get("type") == "object" and "properties" in schema:
        schema["patternProperties"] = {"^x-": {}}
        schema.pop("title", None)


def schema_names() -> list[str]:
    """The names `schemas` gives its files, in its order."""
    return [f"{kind}.json" for kind in SCHEMAS]


def schemas(scale: StatusScale | None = None) -> dict[str, str]:
    """`<kind>.json` -> its schema as text, for every kind that stands on its own."""
    return {f"{kind}.json": json.dumps(kind_schema(kind, scale), indent=2, sort_keys=True,
                                       ensure_ascii=False) + "\n"
            for kind in SCHEMAS}
