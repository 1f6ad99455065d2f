"""One table of kinds: every fact about a kind is declared once, in generator/kinds.py,
and every other module reads it from there (STYLE.md: registries are plain data)."""

from __future__ import annotations

import ast
from collections import Counter
from pathlib import Path

import pytest

from generator import kinds, resolve, rules, salvage, scaffold, schema, scopes, site, urls
from generator.kinds import TABLE, Kind, unique_kinds
from generator.pages import boards, record_pages

GENERATOR = Path(__file__).resolve().parents[1] / "generator"

SPEC_KINDS = ("portfolio", "program", "project", "status", "milestone", "risk", "issue",
              "decision", "change", "meeting", "lesson", "benefit")
"""SPEC §3.1, in its order; `person` (people.yml, SPEC §3.2) is a kind too."""


def test_every_spec_kind_is_declared_exactly_once() -> None:
    assert set(TABLE) == {*SPEC_KINDS, "person"}
    assert all(name == kind.name for name, kind in TABLE.items())
    assert all(isinstance(kind, Kind) for kind in TABLE.values())
    assert [k for k in TABLE if k in SPEC_KINDS] == list(SPEC_KINDS)


def test_registering_a_kind_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="'risk' registered twice"):
        unique_kinds([TABLE["risk"], TABLE["issue"], TABLE["risk"]])


def test_every_kind_names_its_schema_class() -> None:
    for kind in TABLE.values():
        assert issubclass(kind.schema, schema.Model)
        if "kind" in kind.schema.model_fields:  # records of their own say which kind
            assert kind.schema.model_fields["kind"].annotation.__args__ == (kind.name,)
    assert kinds.SCHEMAS == {k.name: k.schema for k in TABLE.values() if k.standalone}
    assert kinds.NESTED_ONLY == {"milestone": "project", "benefit": "program"}


def test_facts_agree_with_the_schema() -> None:
    for kind in TABLE.values():
        for owner in kind.nested_in:
            assert kind.nested_field in TABLE[owner].schema.model_fields
        for field, _ in kind.references:
            assert field in kind.schema.model_fields, (kind.name, field)
        for field in kind.id_from:
            assert field in kind.schema.model_fields, (kind.name, field)
        for field in kind.local_ids:
            assert field in kind.schema.model_fields, (kind.name, field)
        assert kind.tagged == ("tags" in kind.schema.model_fields), kind.name
        assert kind.may_omit_id == (kind.name == "person"
                                    or not kind.schema.model_fields["id"].is_required())
        assert not (kind.own_page and kind.folder), kind.name
        assert not kind.logged_as_rows or kind.folder, kind.name


def test_old_tables_are_views_of_the_one_table() -> None:
    assert urls.OWN_PAGES == {"portfolio": "portfolios", "program": "programs",
                              "project": "projects"}
    assert urls.OWN_PAGES == {k.name: k.own_page for k in TABLE.values() if k.own_page}
    assert urls.FOLDERS == {k.name: k.folder for k in TABLE.values() if k.folder}
    assert urls.LOGGED == frozenset({"risk", "issue", "lesson"})
    assert urls.LOGGED == {k.name for k in TABLE.values() if k.logged_as_rows}
    assert site.GENERATED_OWNERS == frozenset({"portfolio", "program", "project", "status"})
    assert site.GENERATED_OWNERS == {k.name for k in TABLE.values() if k.source_not_a_page}
    assert record_pages.RECORD_KINDS == tuple(urls.FOLDERS)
    assert boards.TAGGED_KINDS == ("program", "project", "risk", "issue", "decision", "lesson")
    assert scopes.LOG_KINDS == ("decision", "change", "meeting", "lesson")
    assert scaffold.KINDS == tuple(k.name for k in TABLE.values() if k.scaffold)
    assert set(scaffold.KINDS) == set(TABLE)  # `pmsite new` scaffolds every kind
    assert salvage._DERIVED_FROM == {k.name: frozenset(k.id_from)
                                     for k in TABLE.values() if k.id_from}
    assert {k.name for k in TABLE.values() if k.body_expected} == {
        "project", "program", "decision", "change", "meeting"}


def test_scaffold_templates_exist() -> None:
    templates = GENERATOR.parent / "templates" / "new"
    for name in scaffold.KINDS:
        suffix = "yml" if name in scaffold.APPENDED else "md"
        assert (templates / f"{name}.{suffix}.j2").is_file(), name


def test_modules_read_the_table_rather_than_keep_their_own() -> None:
    # The modules that used to hold a table of kinds now import the one table.
    for module in (urls, site, resolve, rules, salvage, scaffold, scopes, boards,
                   record_pages):
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        assert "from generator.kinds import" in source, module.__name__


def _kind_keyed_tables(path: Path) -> list[str]:
    """Module-level assignments of a literal dict keyed by two or more kind names, or of a
    literal set, frozenset, tuple or list made only of (two or more) kind names."""
    names = set(TABLE)
    found = []
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    for node in tree.body:
        if isinstance(node, ast.Assign):
            value, targets = node.value, [ast.unparse(t) for t in node.targets]
        elif isinstance(node, ast.AnnAssign) and node.value is not None:
            value, targets = node.value, [ast.unparse(node.target)]
        else:
            continue
        if (isinstance(value, ast.Call) and isinstance(value.func, ast.Name)
                and value.func.id in ("frozenset", "set", "tuple") and value.args):
            value = value.args[0]
        if isinstance(value, ast.Dict):
            keys = [k.value for k in value.keys
                    if isinstance(k, ast.Constant) and isinstance(k.value, str)]
            if sum(1 for k in keys if k in names) >= 2:
                found.append(f"{path.name}: {', '.join(targets)}")
        elif isinstance(value, (ast.Set, ast.Tuple, ast.List)):
            items = [e.value if isinstance(e, ast.Constant) else None for e in value.elts]
            if len(items) >= 2 and all(isinstance(i, str) and i in names for i in items):
                found.append(f"{path.name}: {', '.join(targets)}")
    return found


def test_no_other_module_keeps_a_table_keyed_by_kind() -> None:
    found = [hit for path in sorted(GENERATOR.rglob("*.py")) if path.name != "kinds.py"
             for hit in _kind_keyed_tables(path)]
    assert found == [], "declare kind facts in generator/kinds.py: " + "; ".join(found)


def test_the_scan_finds_a_table_keyed_by_kind(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text('A = {"risk": 1, "issue": 2}\nB = frozenset({"project", "program"})\n'
                      'C: tuple[str, ...] = ("decision", "lesson")\nD = ("done", "status")\n'
                      'E = {"x": "risk"}\n', encoding="utf-8")
    assert _kind_keyed_tables(sample) == ["sample.py: A", "sample.py: B", "sample.py: C"]


def test_kind_names_are_unique_in_the_source_table() -> None:
    source = (GENERATOR / "kinds.py").read_text(encoding="utf-8")
    tree = ast.parse(source)
    declared = Counter(
        node.args[0].value if isinstance(node.args[0], ast.Constant) else node.args[0].id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name)
        and node.func.id == "Kind" and node.args)
    declared = Counter({("milestone" if k == "MILESTONE" else k): n
                        for k, n in declared.items()})
    assert declared == Counter(list(TABLE))  # each kind once, so none is silently replaced
