"""Diagnostic codes: declared once, documented, enforced, set per site, shown on GitHub."""

from __future__ import annotations

import ast
import json
import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.codes import CODES
from generator.diagnostics import Diagnostic, Diagnostics, format_diagnostics
from generator.mkdocs_plugin import PmsitePlugin
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site

DOC = REPO / "docs" / "diagnostics.md"
SECTIONS = {"## Errors": "error", "## Warnings": "warning"}


def documented() -> dict[str, str]:
    """`code: severity` from the tables of docs/diagnostics.md (severity by section)."""
    table: dict[str, str] = {}
    severity = ""
    for line in DOC.read_text(encoding="utf-8").splitlines():
        if line.startswith("## "):
            severity = SECTIONS.get(line.strip(), "")
        match = re.match(r"\|\s*`([^`]+)`\s*\|", line)
        if match:
            assert severity, f"docs/diagnostics.md: `{match[1]}` is in no Errors/Warnings table"
            assert match[1] not in table, f"docs/diagnostics.md: `{match[1]}` listed twice"
            table[match[1]] = severity
    return table


# Where a code reaches Diagnostics.error/warning through a variable: the variable, and
# where its codes are written (checked below as constructor arguments or a table).
INDIRECT = {("load.py", "problem.code"), ("validate.py", "code")}
CODE_ARGUMENT = {"error": 3, "warning": 3, "YamlProblem": 2, "FileProblem": 1}


def emitted() -> dict[str, list[str]]:
    """Every code string the program passes to a diagnostic, with where (`file:line`)."""
    found: dict[str, list[str]] = {}
    for path in sorted((REPO / "generator").rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        names = {target.id: node.value.value for node in tree.body
                 if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant)
                 for target in node.targets if isinstance(target, ast.Name)}
        for node in ast.walk(tree):
            where = f"{path.relative_to(REPO)}:{getattr(node, 'lineno', 0)}"
            if (isinstance(node, ast.Assign) and isinstance(node.value, ast.Dict)
                    and any(isinstance(t, ast.Name) and t.id == "_CODES" for t in node.targets)):
                for value in node.value.values:
                    assert isinstance(value, ast.Constant), where
                    found.setdefault(value.value, []).append(where)
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            index = CODE_ARGUMENT.get(called)
            if index is None or len(node.args) <= index:
                continue
            arg = node.args[index]
            if isinstance(arg, ast.Constant):
                found.setdefault(arg.value, []).append(where)
            elif isinstance(arg, ast.Name) and arg.id in names:
                found.setdefault(names[arg.id], []).append(where)
            elif not (isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name)
                      and func.value.id == "log"):
                assert (path.name, ast.unparse(arg)) in INDIRECT, \
                    f"{where}: code passed as `{ast.unparse(arg)}`; declare where it comes from"
    return found


# ------------------------------------------------------------------ declared, documented


def test_every_code_passed_to_a_diagnostic_is_declared() -> None:
    found = emitted()
    assert {"unknown-reference", "yaml-comment", "symlink", "invalid-id",
            "markdown-too-complex"} <= set(found)
    undeclared = {code: where for code, where in found.items() if code not in CODES}
    assert undeclared == {}


def test_every_declared_code_is_emitted_somewhere() -> None:
    assert sorted(set(CODES) - set(emitted())) == []


def test_documented_codes_are_the_declared_codes() -> None:
    assert sorted(documented()) == sorted(CODES)


def test_documented_severity_is_the_declared_default() -> None:
    assert documented() == {name: code.severity for name, code in CODES.items()}


def test_every_declaration_has_a_one_line_summary() -> None:
    for name, code in CODES.items():
        assert code.name == name
        assert re.fullmatch(r"[a-z]+(-[a-z]+)*", name)
        assert code.summary and "\n" not in code.summary


def test_an_undeclared_code_is_refused() -> None:
    diagnostics = Diagnostics()
    with pytest.raises(ValueError, match="'no-such-code' is not declared"):
        diagnostics.error("content/a.md", 1, 1, "no-such-code", "message")
    with pytest.raises(ValueError, match="'no-such-code' is not declared"):
        diagnostics.warning("content/a.md", 1, 1, "no-such-code", "message")
    assert len(diagnostics) == 0


def test_a_code_emitted_with_the_other_severity_is_refused() -> None:
    diagnostics = Diagnostics()
    with pytest.raises(ValueError, match="'stale-status' is declared as warning, not error"):
        diagnostics.error("content/a.md", 1, 1, "stale-status", "message")
    with pytest.raises(ValueError, match="'url-collision' is declared as error, not warning"):
        diagnostics.warning("content/a.md", 1, 1, "url-collision", "message")


# ---------------------------------------------------------------- the diagnostics: option

CLEAN = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
         "projects/a.md": project("a"),
         "projects/a-2026-06-20.md": ("---\nkind: status\nproject: a\ndate: 2026-06-20\n"
                                      "overall: green\n---\nAll fine.\n")}
# An overdue milestone (a warning; `due:` on line 10) and an unknown id (an error, line 8).
MIXED = {**CLEAN, "projects/a.md": project(
    "a", "depends_on:\n  - nowhere\nmilestones:\n  - id: m1\n    title: M one\n"
         "    due: 2026-06-01")}


def pmsite(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
           options: str, *args: str) -> tuple[int, str, str]:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    write_site(tmp_path / "site", MIXED, options)
    monkeypatch.chdir(tmp_path / "site")
    code = main([*args, "--as-of", "2026-06-30"])
    out, err = capsys.readouterr()
    return code, out, err


def test_without_the_option_the_defaults_hold(tmp_path, monkeypatch, capsys) -> None:
    code, out, _ = pmsite(tmp_path, monkeypatch, capsys, "", "check")
    assert code == 1
    assert [line.split(": [")[0] for line in out.splitlines()] == [
        "content/projects/a.md:8:5: error", "content/projects/a.md:12:10: warning"]


def test_the_option_raises_a_warning_to_an_error(tmp_path, monkeypatch, capsys) -> None:
    options = "diagnostics: {overdue-milestone: error}"
    code, out, err = pmsite(tmp_path, monkeypatch, capsys, options, "check")
    assert code == 1
    assert [line.split(": [")[0] for line in out.splitlines()] == [
        "content/projects/a.md:8:5: error", "content/projects/a.md:12:10: error"]
    assert "2 errors, 0 warnings" in err


@pytest.mark.parametrize("off", ["off", "'off'"])
def test_off_drops_a_code_and_a_bare_yaml_off_means_off(tmp_path, monkeypatch, capsys,
                                                         off: str) -> None:
    options = f"diagnostics: {{overdue-milestone: {off}, stale-status: warning}}"
    code, out, err = pmsite(tmp_path, monkeypatch, capsys, options, "check")
    assert code == 1
    assert [line.split(": [")[0] for line in out.splitlines()] == [
        "content/projects/a.md:8:5: error"]
    assert "1 error, 0 warnings" in err


def test_export_sees_the_same_severities(tmp_path, monkeypatch, capsys) -> None:
    options = "diagnostics: {overdue-milestone: error}"
    code, out, _ = pmsite(tmp_path, monkeypatch, capsys, options, "export")
    assert code == 1
    shown = [(d["code"], d["severity"]) for d in json.loads(out)["diagnostics"]]
    assert shown == [("unknown-reference", "error"), ("overdue-milestone", "error")]


NOT_A_CHOICE = "is not one of error, warning, off"
NOT_LOWERED = ("an error cannot be lowered (the site would be wrong or unsafe without it); "
               "only warnings can be raised or turned off")


@pytest.mark.parametrize(("options", "message"), [
    ("diagnostics: {overallocated: off}",
     ("unknown code 'overallocated'; did you mean 'over-allocated'? "
      "(docs/diagnostics.md lists them)")),
    ("diagnostics: {overdue-milestone: fatal}", f"overdue-milestone: 'fatal' {NOT_A_CHOICE}"),
    ("diagnostics: {overdue-milestone: on}", f"overdue-milestone: 'True' {NOT_A_CHOICE}"),
    ("diagnostics: [stale-status]", "expected a mapping of code: error, warning or off"),
    ("diagnostics: {unknown-reference: warning}", f"unknown-reference: {NOT_LOWERED}"),
    ("diagnostics: {markdown-too-complex: off}", f"markdown-too-complex: {NOT_LOWERED}"),
])
def test_a_wrong_diagnostics_option_exits_2(tmp_path, monkeypatch, capsys, options,
                                            message) -> None:
    code, out, err = pmsite(tmp_path, monkeypatch, capsys, options, "check")
    assert (code, out) == (2, "")
    assert err.strip() == f"pmsite: error: mkdocs.yml: plugins: pmsite: diagnostics: {message}"


def test_the_plugin_accepts_the_option() -> None:
    plugin = PmsitePlugin()
    errors, warnings = plugin.load_config({"diagnostics": {"stale-status": "error"}})
    assert (errors, warnings) == ([], [])
    assert plugin.config["diagnostics"] == {"stale-status": "error"}


def test_severities_apply_to_what_is_added_after_the_check() -> None:
    diagnostics = Diagnostics()
    diagnostics.warning("content/a.md", 3, 1, "stale-status", "old")
    diagnostics.error("content/a.md", 4, 1, "unknown-reference", "nowhere")
    diagnostics.set_severities({"stale-status": "error", "unknown-reference": "off"})
    diagnostics.error("content/b.md", 0, 0, "unknown-reference", "gone too")
    diagnostics.warning("content/b.md", 0, 0, "stale-status", "old too")
    assert [d.to_text() for d in diagnostics] == [
        "content/a.md:3:1: error: [stale-status] old",
        "content/b.md: error: [stale-status] old too"]


# ------------------------------------------------------------------------ --format github


def _many(errors: int, warnings: int) -> list[Diagnostic]:
    items = [Diagnostic(f"content/e{i:02}.md", 1, 0, "error", "unknown-reference", "x")
             for i in range(errors)]
    items += [Diagnostic(f"content/a{i:02}.md", 2, 0, "warning", "stale-status", "y")
              for i in range(warnings)]
    return sorted(items, key=Diagnostic.sort_key)  # warnings come first by path


def test_github_puts_errors_before_warnings() -> None:
    lines = format_diagnostics(_many(2, 1), "github").splitlines()
    assert lines == [
        "::error file=content/e00.md,line=1,title=pmsite unknown-reference::x",
        "::error file=content/e01.md,line=1,title=pmsite unknown-reference::x",
        "::warning file=content/a00.md,line=2,title=pmsite stale-status::y"]


def test_github_shows_ten_of_a_kind_the_tenth_saying_how_many_more() -> None:
    lines = format_diagnostics(_many(35, 11), "github").splitlines()
    assert lines == (
        [f"::error file=content/e{i:02}.md,line=1,title=pmsite unknown-reference::x"
         for i in range(9)]
        + ["::error::and 26 more errors; run pmsite check for all of them"]
        + [f"::warning file=content/a{i:02}.md,line=2,title=pmsite stale-status::y"
           for i in range(9)]
        + ["::warning::and 2 more warnings; run pmsite check for all of them"])


def test_github_shows_exactly_ten_of_a_kind_without_a_count() -> None:
    lines = format_diagnostics(_many(10, 0), "github").splitlines()
    assert len(lines) == 10
    assert lines[-1] == "::error file=content/e09.md,line=1,title=pmsite unknown-reference::x"
