"""`pmsite new risk|issue|milestone|benefit|person`: an entry appended to a list.

A risk or issue goes where its project (or program) keeps them: its log (a YAML file
`kind: risk`, `project: <id>`, `entries:`), else the `risks:`/`issues:` list of its own
file, else a new log. A milestone goes to its project's `milestones:`, a benefit to its
program's `benefits:`, a person to the `kind: person` log (people.yml). The entry is
added as text (yamlappend.py): no other byte of the file changes, and a file whose YAML
does not read is refused, located, with nothing written.
"""

from __future__ import annotations

import os
import re
import tempfile
from datetime import timedelta
from pathlib import Path
from typing import Any

from generator.contentfiles import scan_docs
from generator.errors import ConfigError, ContentError
from generator.fieldtypes import ID_PATTERN
from generator.kinds import TABLE
from generator.pipeline import CheckResult
from generator.scaffold_base import Request, derived_id, folder_of, new_id, render, slug
from generator.yamlappend import append_to_list
from generator.yamlsafe import read_yaml


def append_entry(result: CheckResult, request: Request, values: dict[str, Any]) -> Path:
    """Append the entry `request` asks for; return the file it was written to."""
    kind = request.kind
    if not request.title:
        what = "--title NAME" if kind == "person" else "--title"
        raise ConfigError(f"pmsite new {kind} needs {what}")
    today = result.as_of
    values.update(title=request.title, in_days=lambda days: today + timedelta(days=days))
    if kind == "person":
        return _person(result, request, values)
    owner_kind = TABLE[kind].nested_in[0] if not TABLE[kind].standalone else None
    if owner_kind is not None:  # milestone, benefit: only inside their owner
        owner = values[owner_kind]
        if not owner:
            raise ConfigError(f"pmsite new {kind} needs the {owner_kind}: --{owner_kind} ID")
        values["id"] = _local_id(result, request, owner, TABLE[kind].nested_field or "")
        return _into_owner(result, kind, owner, values)
    scope_kind = "project" if values["project"] else "program" if values["program"] else ""
    if not scope_kind:
        raise ConfigError(f"pmsite new {kind} needs the project (--project ID) or the "
                          "program (--program ID) it belongs to")
    scope = values[scope_kind]
    values["id"] = new_id(result, request, derived_id(kind, request.title))
    log = _find_log(result, kind, scope_kind, scope)
    if log is not None:
        return _write(result, log, "entries", render(result, f"new/{kind}.yml.j2", values))
    if _owner_keeps(result, scope, TABLE[kind].nested_field or ""):
        return _into_owner(result, kind, scope, values)
    folder = folder_of(result, scope, "")
    if folder.rsplit("/", 1)[-1] != scope:
        folder = f"{TABLE[kind].folder}/{scope}"
    where = (TABLE[kind].scaffold or "").format(scope_folder=folder)
    return _new_log(result, where, kind, f"{scope_kind}: {scope}\n", values)


def _local_id(result: CheckResult, request: Request, owner: str, field: str) -> str:
    """An id unique among the owner's items (milestone ids are local to their project)."""
    ident = request.id or slug(request.title or "")
    record = result.model.records.get(owner)
    taken = {str(getattr(item, "id", "")).casefold()
             for item in getattr(record.model, field, [])} if record is not None else set()
    if ident.casefold() in taken:
        raise ConfigError(f"'{owner}' already has an item with id '{ident}' in `{field}:`; "
                          "choose another with --id")
    if not ID_PATTERN.fullmatch(ident):
        raise ConfigError(f"'{ident}' is not a valid id: use letters, digits, '.', '_', "
                          "'-', starting with a letter or digit, at most 64 characters")
    return ident


def _into_owner(result: CheckResult, kind: str, owner: str, values: dict[str, Any]) -> Path:
    """Append to the list `Kind.nested_field` of the owner's own file (made if absent)."""
    record = result.model.records.get(owner)
    assert record is not None  # (checked by `existing`)
    field = TABLE[kind].nested_field or ""
    entry = render(result, f"new/{kind}.yml.j2", values)
    return _write(result, result.settings.docs_dir / record.source.doc.rel, field, entry)


def _owner_keeps(result: CheckResult, owner: str, field: str) -> bool:
    """Whether the owner's own file has the list `field` (even an empty one)."""
    record = result.model.records.get(owner)
    data = record.source.doc.data if record is not None else None
    return isinstance(data, dict) and field in data


def _find_log(result: CheckResult, kind: str, scope_kind: str, scope: str) -> Path | None:
    """The YAML log of `kind` for this scope (`kind: risk`, `project: crm`, `entries:`);
    a file that looks like it but does not read is refused, located."""
    docs = result.settings.docs_dir
    mine = re.compile(rf"(?m)^{scope_kind}:[ \t]*['\"]?{re.escape(scope)}['\"]?[ \t]*(#.*)?\r?$")
    kind_line = re.compile(rf"(?m)^kind:[ \t]*['\"]?{kind}['\"]?[ \t]*(#.*)?\r?$")
    for rel in scan_docs(docs).files:
        if not rel.lower().endswith((".yml", ".yaml")):
            continue
        path = docs / rel
        text = _read(path)
        if not (mine.search(text) and kind_line.search(text)):
            continue
        document = read_yaml(text)
        data = document.data
        if not document.ok or not isinstance(data, dict):
            problem = document.problems[0] if document.problems else None
            where = f"{problem.line}:{problem.column}: {problem.message}" if problem else "1:1"
            raise ContentError(f"{_shown(result, path)}:{where}; fix the YAML first "
                               "(pmsite check shows every problem); nothing written")
        if data.get("kind") == kind and data.get(scope_kind) == scope and "entries" in data:
            return path
    return None


def _person(result: CheckResult, request: Request, values: dict[str, Any]) -> Path:
    name = (request.title or "").strip()
    known = {p.model.name.casefold(): p for p in result.model.records.people}
    if name.casefold() in known:
        raise ConfigError(f"'{name}' is already listed ({known[name.casefold()].path})")
    entry = render(result, "new/person.yml.j2", values)
    for person in result.model.records.people:
        doc = person.source.doc
        if doc.fmt == "yaml" and person.source.base[:1] == ("entries",):
            return _write(result, result.settings.docs_dir / doc.rel, "entries", entry)
    return _new_log(result, TABLE["person"].scaffold or "people.yml", "person", "", values)


def _new_log(result: CheckResult, where: str, kind: str, defaults: str,
             values: dict[str, Any]) -> Path:
    path = result.settings.docs_dir / where
    if path.exists():
        raise ConfigError(f"{_shown(result, path)} exists already and is not a {kind} log "
                          "of this scope; pmsite new never overwrites")
    entry = render(result, f"new/{kind}.yml.j2", values)
    text = append_to_list(f"kind: {kind}\n{defaults}entries: []\n", "entries", entry,
                          shown=_shown(result, path))
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "x", encoding="utf-8", newline="") as handle:
        handle.write(text)
    return path


def _write(result: CheckResult, path: Path, field: str, entry: str) -> Path:
    """Append `entry` to the list `field` of `path`, replacing the file atomically."""
    text = _read(path)
    updated = append_to_list(text, field, entry, shown=_shown(result, path),
                             markdown=path.suffix.lower() == ".md")
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=".pmsite-new-")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(updated)
        os.chmod(temp, path.stat().st_mode & 0o777)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
    return path


def _read(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _shown(result: CheckResult, path: Path) -> str:
    root = result.settings.root
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
