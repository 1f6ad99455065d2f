"""What every `pmsite new` needs: the request, ids made and checked, references checked."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from generator.diagnostics import did_you_mean
from generator.errors import ConfigError, ContentError
from generator.fieldtypes import ID_PATTERN
from generator.pipeline import CheckResult
from generator.templating import site_environment

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
    milestone: str | None = None


def slug(text: str) -> str:
    return _SLUG.sub("-", text.lower()).strip("-")[:48].strip("-")


def render(result: CheckResult, template: str, values: dict[str, Any]) -> str:
    return site_environment(result.settings).get_template(template).render(values)


def new_id(result: CheckResult, request: Request, derived: str) -> str:
    """The id asked for, or `derived`: valid, and taken by no record."""
    ident = request.id or derived
    if not ID_PATTERN.fullmatch(ident):
        raise ConfigError(f"'{ident}' is not a valid id: use letters, digits, '.', '_', "
                          "'-', starting with a letter or digit, at most 64 characters")
    records = result.model.records
    clash = records.get(ident)
    if clash is not None:
        raise ConfigError(f"id '{ident}' is taken by {clash.kind} '{clash.id}' "
                          f"({clash.path}); choose another with --id")
    hidden = records.unreadable(ident)
    if hidden is not None:
        raise ConfigError(f"id '{ident}' is taken by {hidden.kind} '{hidden.ref}' "
                          f"({hidden.path}:{hidden.line}); choose another with --id")
    return ident


def derived_id(kind: str, title: str, suffix: str = "") -> str:
    """An id made from the title (`dec-adopt-kafka`), at most 64 characters."""
    # Ids of decisions, changes, risks and issues say what they are, as the example's do.
    prefix = {"decision": "dec-", "change": "cr-"}.get(kind, f"{kind}-")
    if kind not in ("decision", "change", "risk", "issue"):
        prefix = ""
    base = (prefix + slug(title))[:64 - len(suffix)].strip("-")
    return base + suffix


def existing(result: CheckResult, ref: str, kind: str) -> str:
    """The id of the `kind` record `ref` names; a usage error (with the closest) if none."""
    records = result.model.records
    record = records.get(ref)
    hidden = records.unreadable(ref) if record is None else None
    if hidden is not None and hidden.kind == kind:
        raise ContentError(f"{hidden.path}:{hidden.line}: {kind} '{hidden.ref}' cannot be "
                           "read; fix it first (pmsite check shows how); nothing written")
    if record is None or record.kind != kind:
        hint = did_you_mean(ref, result.model.records.ids(kind))
        raise ConfigError(f"unknown {kind} '{ref}'" + (f"; {hint}" if hint else ""))
    return record.id


def folder_of(result: CheckResult, ident: str, fallback: str) -> str:
    """The docs-relative folder a record's file sits in, or `fallback` when that is the
    docs dir itself (records of a project share its folder only when it has one)."""
    record = result.model.records.get(ident)
    folder = record.source.doc.folder if record is not None else ""
    return folder or fallback
