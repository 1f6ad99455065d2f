"""The `pmsite` command line: exit codes (G1), output formats, as-of, export paths (SPEC §6)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.cli import main
from generator.settings import load_settings
from generator.templating import site_writes_pages
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site

REPORT = ("---\nkind: status\nproject: a\ndate: 2026-06-20\noverall: green\n---\n"
          "All fine.\n")
CLEAN = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
         "projects/a.md": project("a"), "projects/a-2026-06-20.md": REPORT}
# An overdue milestone: a warning only. Its `due:` is on line 10.
WARNED = {**CLEAN, "projects/a.md": project(
    "a", "milestones:\n  - id: m1\n    title: M one\n    due: 2026-06-01")}
# An unknown reference on line 8 of content/projects/a.md: an error.
BROKEN = {**CLEAN, "projects/a.md": project("a", "depends_on:\n  - identity-platfrom"),
          "projects/identity-platform.md": project("identity-platform")}


@pytest.fixture
def site(tmp_path, monkeypatch):
    """`site(files, options="")` writes a site in tmp_path/site and makes it the cwd."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)

    def make(files: dict[str, str | bytes], options: str = "") -> Path:
        root = tmp_path / "site"
        write_site(root, files, options)
        monkeypatch.chdir(root)
        return root
    return make


def pmsite(capsys, *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    return code, out, err


# ------------------------------------------------------------------------- exit codes


def test_clean_site_exits_0(site, capsys):
    site(CLEAN)
    code, out, err = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert code == 0
    assert out.strip() == ""
    assert "0 errors" in err and "0 warnings" in err


def test_warnings_exit_0_and_1_with_strict(site, capsys):
    site(WARNED)
    code, out, _ = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert code == 0
    assert out.startswith("content/projects/a.md:10:")
    assert "warning: [overdue-milestone]" in out
    code, _, _ = pmsite(capsys, "check", "--as-of", "2026-06-30", "--strict")
    assert code == 1


def test_content_error_exits_1_with_located_message(site, capsys):
    site(BROKEN)
    code, out, err = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert code == 1
    [line] = out.strip().splitlines()
    assert re.match(r"content/projects/a\.md:8:\d+: error: \[unknown-reference\] ", line)
    assert "identity-platform" in line  # the did-you-mean hint
    assert "1 error" in err


def test_github_format(site, capsys):
    site(BROKEN)
    code, out, _ = pmsite(capsys, "check", "--as-of", "2026-06-30", "--format", "github")
    assert code == 1
    [line] = out.strip().splitlines()
    assert line.startswith("::error file=content/projects/a.md,line=8,")
    assert "title=pmsite unknown-reference::" in line


def test_github_format_warning(site, capsys):
    site(WARNED)
    _, out, _ = pmsite(capsys, "check", "--as-of", "2026-06-30", "--format", "github")
    assert out.strip().startswith("::warning file=content/projects/a.md,line=10,")


def test_json_format(site, capsys):
    site(BROKEN)
    code, out, _ = pmsite(capsys, "check", "--as-of", "2026-06-30", "--format", "json")
    assert code == 1
    [item] = json.loads(out)
    assert {k: item[k] for k in ("path", "line", "severity", "code")} == {
        "path": "content/projects/a.md", "line": 8, "severity": "error",
        "code": "unknown-reference"}
    assert isinstance(item["message"], str) and "identity-platform" in item["hint"]


def test_json_format_clean_is_empty_list(site, capsys):
    site(CLEAN)
    code, out, _ = pmsite(capsys, "check", "--as-of", "2026-06-30", "--format", "json")
    assert code == 0
    assert json.loads(out) == []


# ------------------------------------------------------------------------ usage errors


@pytest.mark.parametrize("as_of", ["2026-13-45", "yesterday", "30/06/2026"])
def test_bad_as_of_exits_2(site, capsys, as_of):
    site(CLEAN)
    code, _, err = pmsite(capsys, "check", "--as-of", as_of)
    assert code == 2
    assert "--as-of" in err


def test_unknown_command_line_option_exits_2(site, capsys):
    site(CLEAN)
    code, _, _ = pmsite(capsys, "check", "--bogus")
    assert code == 2
    code, _, _ = pmsite(capsys, "frobnicate")
    assert code == 2


def test_missing_mkdocs_yml_exits_2(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    code, _, err = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert code == 2
    assert "mkdocs.yml" in err


@pytest.mark.parametrize("options", [
    "status_scale: green",
    "status_scale: [green]",
    "status_scale: [green, amber, green]",
    "status_scale: [green, unknown, red]",
    "stale_after_days: -1",
    "stale_after_days: soon",
    "due_soon_days: 1.5",
    "stale_days: 3",
])
def test_bad_plugin_options_exit_2(site, capsys, options):
    site(CLEAN, options)
    code, out, err = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert code == 2, (options, out, err)
    assert "pmsite" in err


def test_missing_docs_dir_exits_2(site, capsys):
    root = site(CLEAN)
    (root / "mkdocs.yml").write_text("site_name: x\ndocs_dir: nowhere\nplugins: [pmsite]\n",
                                     encoding="utf-8")
    code, _, err = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert code == 2
    assert "nowhere" in err


def test_invalid_mkdocs_yml_exits_2(site, capsys):
    root = site(CLEAN)
    (root / "mkdocs.yml").write_text("site_name: [unclosed\n", encoding="utf-8")
    code, _, _ = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert code == 2


@pytest.mark.parametrize(("main_html", "where", "error"), [
    ('{% extends "base.html" %}\n{% block content %}\n{% if %}{% endblock %}\n',
     "overrides/main.html:3", "TemplateSyntaxError: Expected an expression"),
    (('{% extends "base.html" %}\n{% block content %}\n{{ page.meta.owner.name }}'
      '{% endblock %}\n'), "overrides/main.html:3", "UndefinedError: 'dict object' has no"),
    ('{% extends "base.html" %}\n{% block content %}\n\n{{ 1 // 0 }}{% endblock %}\n',
     "overrides/main.html:4", "ZeroDivisionError: integer division or modulo by zero"),
])
def test_a_failing_template_of_the_site_is_a_located_usage_error(
        site, capsys, main_html, where, error):
    """The site's own theme override is the author's to fix, not a bug in pmsite."""
    root = site(CLEAN)
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text() + "theme:\n  name: mkdocs\n  custom_dir: overrides\n",
        encoding="utf-8")
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text('{% extends "base.html" %}\n')
    assert pmsite(capsys, "build", "--as-of", "2026-06-30")[0] == 0
    before = (root / "site" / "index.html").read_bytes()
    (root / "overrides" / "main.html").write_text(main_html, encoding="utf-8")
    code, _, err = pmsite(capsys, "build", "--as-of", "2026-06-30")
    assert code == 2, err
    assert f"pmsite: error: {where}: the site's template failed: {error}" in err
    assert "internal error" not in err
    assert (root / "site" / "index.html").read_bytes() == before


_OLD_MACROS = (Path(__file__).parents[1] / "templates" / "pages" / "_macros.md.j2").read_text(
    encoding="utf-8").replace("here.as_of", "as_of")
_OLD_AS_OF_LINE = next(number for number, line in enumerate(_OLD_MACROS.splitlines(), 1)
                       if "as_of|day" in line)


@pytest.mark.parametrize(("name", "text", "where"), [
    ("pages/project.md.j2", "# {{ record.title }}\n{% if %}\n", "tpl/pages/project.md.j2:2"),
    ("diagrams/history.svg.j2", "<svg>\n{{ no_such.thing }}</svg>\n",
     "tpl/diagrams/history.svg.j2:2"),
    # A copy of the shared macros from before they were imported without the page's
    # context: a name it read from there is undefined, even when a filter of pmsite's
    # is what finds out.
    ("pages/_macros.md.j2", _OLD_MACROS, f"tpl/pages/_macros.md.j2:{_OLD_AS_OF_LINE}"),
])
def test_a_failing_page_or_diagram_template_of_the_site_is_located_too(
        site, capsys, name, text, where):
    root = site(CLEAN, "templates: tpl")
    (root / "tpl" / name).parent.mkdir(parents=True)
    (root / "tpl" / name).write_text(text, encoding="utf-8")
    code, _, err = pmsite(capsys, "build", "--as-of", "2026-06-30")
    assert code == 2, err
    assert f"pmsite: error: {where}: the site's template failed: " in err
    assert not (root / "site").exists()


@pytest.mark.parametrize(("name", "cleaned"), [
    ("pages/project.md.j2", True),  # a page template of the site's own: every page cleaned
    ("report/standalone.html.j2", False),  # no page is made with it
])
def test_pages_made_with_templates_of_the_sites_own_are_cleaned_whole(
        site, capsys, name, cleaned):
    root = site(CLEAN, "templates: tpl")
    page = ('# {{ record.title|md }}\n\n<div class="own" onclick="alert(1)">\n'
            '<p>own &#34;text&#34;</p>\n</div>\n')
    if name.startswith("report/"):
        page = (Path(__file__).parents[1] / "templates" / name).read_text(encoding="utf-8")
    (root / "tpl" / name).parent.mkdir(parents=True)
    (root / "tpl" / name).write_text(page, encoding="utf-8")
    settings = load_settings(root / "mkdocs.yml")
    assert site_writes_pages(settings) is cleaned
    if not cleaned:
        return
    code, _, err = pmsite(capsys, "build", "--as-of", "2026-06-30")
    assert code == 0, err
    html = (root / "site" / "projects" / "a" / "index.html").read_text(encoding="utf-8")
    assert '<div class="own">' in html and "onclick" not in html  # (cleaned)
    assert '<p>own "text"</p>' in html  # (as the sanitizer spells it, not the template)


def test_a_site_without_templates_of_its_own_writes_pages_with_pmsites(site):
    root = site(CLEAN)
    assert not site_writes_pages(load_settings(root / "mkdocs.yml"))
    root = site(CLEAN, "templates: tpl")  # (named, but no such folder)
    assert not site_writes_pages(load_settings(root / "mkdocs.yml"))


def test_an_error_in_code_a_template_calls_is_still_an_internal_error(
        site, capsys, monkeypatch):
    """The site's template is where it was called from, but the bug is in the code."""
    from mkdocs.structure.files import File

    def broken(*args, **kwargs):
        raise RuntimeError("a bug in the code")

    monkeypatch.setattr(File, "url_relative_to", broken)
    root = site(CLEAN)
    (root / "mkdocs.yml").write_text(
        (root / "mkdocs.yml").read_text() + "theme:\n  name: mkdocs\n  custom_dir: overrides\n",
        encoding="utf-8")
    (root / "overrides").mkdir()
    (root / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n'
        '{% block content %}{{ page.file.url_relative_to(page.file) }}{% endblock %}\n')
    code, _, err = pmsite(capsys, "build", "--as-of", "2026-06-30")
    assert code == 3
    assert "pmsite: internal error: RuntimeError: a bug in the code" in err


# ----------------------------------------------------------------------------- as-of


def _epoch(year: int, month: int, day: int, hour: int = 12) -> str:
    return str(int(datetime(year, month, day, hour, tzinfo=UTC).timestamp()))


def test_source_date_epoch_used_without_as_of(site, capsys, monkeypatch):
    site(CLEAN)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(2026, 6, 30))
    code, out, _ = pmsite(capsys, "export")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-06-30"
    assert data["projects"][0]["stale"] is False  # report of 06-20 is 10 days old
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(2026, 7, 10))
    _, out, _ = pmsite(capsys, "export")
    data = json.loads(out)
    assert data["as_of"] == "2026-07-10"
    assert data["projects"][0]["stale"] is True  # 20 days old


def test_as_of_wins_over_source_date_epoch(site, capsys, monkeypatch):
    site(CLEAN)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", _epoch(2030, 1, 1))
    _, out, _ = pmsite(capsys, "export", "--as-of", "2026-06-30")
    assert json.loads(out)["as_of"] == "2026-06-30"


def test_bad_source_date_epoch_exits_2(site, capsys, monkeypatch):
    site(CLEAN)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "last tuesday")
    code, _, err = pmsite(capsys, "check")
    assert code == 2
    assert "SOURCE_DATE_EPOCH" in err


def test_as_of_in_summary(site, capsys):
    site(CLEAN)
    _, _, err = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert "2026-06-30" in err


# ------------------------------------------------------------------------------- -f


def test_config_file_elsewhere(site, capsys, tmp_path, monkeypatch):
    site(BROKEN)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    code, out, _ = pmsite(capsys, "check", "-f", "../site/mkdocs.yml", "--as-of", "2026-06-30")
    assert code == 1
    # paths stay relative to the site repository, not to the current folder
    assert out.startswith("content/projects/a.md:8:")
    code, _, _ = pmsite(capsys, "check", "-f", "missing.yml", "--as-of", "2026-06-30")
    assert code == 2


# ------------------------------------------------------- Graphviz compiled meanwhile


@pytest.fixture
def compiling(monkeypatch):
    """Compiling Graphviz replaced by a stand-in that waits for the check to go on after
    it: it only finishes if it runs while the check does. Returns what was seen."""
    from generator import cli
    from generator.diagrams import layout

    checking = threading.Event()
    seen: dict[str, object] = {"read": False}

    def compile_stand_in() -> None:
        seen["read when compiling began"] = seen["read"]
        seen["overlapped"] = checking.wait(10)
        time.sleep(0.3)  # (longer than the check of a small site: its end is waited for)

    real_check = cli.check

    def watched_check(settings, as_of, jobs=1, after_reading=None, after_resolving=None):
        seen["jobs"] = jobs

        def read() -> None:
            seen["read"] = True
            if after_reading is not None:
                after_reading()
            checking.set()  # (the check goes on: validation, the model)

        return real_check(settings, as_of, jobs=jobs, after_reading=read,
                          after_resolving=after_resolving)

    monkeypatch.setattr(layout, "_compile", compile_stand_in)
    monkeypatch.setattr(cli, "check", watched_check)
    seen["checking"] = checking
    return seen


def test_a_build_compiles_graphviz_while_it_checks(site, capsys, monkeypatch, compiling):
    """`pmsite build` compiles Graphviz in a thread while it checks the content (the
    check is Python, compiling native code: two cores busy instead of one), once the
    files are read (read in every process the build may use: a process with a second
    thread running does not fork), and has waited for that thread when the check is
    done: forking is how a build uses its cores."""
    from generator import commands
    from generator.forkmap import default_jobs

    threads_after_check = []
    monkeypatch.setattr(commands, "run_build", lambda result, args: threads_after_check.append(
        [thread.name for thread in threading.enumerate()]) or 0)
    site(CLEAN)
    assert main(["build", "--as-of", "2026-06-30"]) == 0
    assert compiling["read when compiling began"] is True
    assert compiling["overlapped"] is True
    assert compiling["jobs"] == default_jobs()
    assert threads_after_check == [[threading.main_thread().name]]


def test_check_compiles_no_graphviz(site, capsys, compiling):
    site(CLEAN)
    code, _, _ = pmsite(capsys, "check", "--as-of", "2026-06-30")
    assert code == 0
    assert "overlapped" not in compiling  # (the stand-in never ran)


def test_what_compiling_raises_is_raised_after_the_check(site, capsys, monkeypatch):
    """An error in the compiling thread (not an engine missing: that is said when a
    diagram is drawn) stops the build as it would have without the thread: an internal
    error, no traceback, nothing built."""
    from generator.diagrams import layout

    def failing_compile() -> None:
        raise RuntimeError("wasm module could not be compiled")

    monkeypatch.setattr(layout, "_compile", failing_compile)
    root = site(CLEAN)
    code, out, err = pmsite(capsys, "build", "--as-of", "2026-06-30")
    assert code == 3, err
    assert "internal error: RuntimeError: wasm module could not be compiled" in err
    assert "Traceback" not in out + err and "Exception in thread" not in err
    assert not (root / "site").exists()
    assert threading.active_count() == 1


def test_a_build_whose_check_fails_leaves_no_thread(site, capsys, monkeypatch, compiling):
    from generator import cli
    from generator.diagrams import layout

    def failing_check(settings, as_of, jobs=1, after_reading=None, after_resolving=None):
        after_reading()  # (the files are read: compiling begins)
        compiling["checking"].set()
        raise cli.PmsiteError("the content could not be understood")

    stand_in = layout._compile  # (the fixture's: waits for the check to go on)

    def failing_compile() -> None:
        stand_in()
        raise RuntimeError("not compiled either")

    monkeypatch.setattr(layout, "_compile", failing_compile)
    monkeypatch.setattr(cli, "check", failing_check)
    site(CLEAN)
    code, _, err = pmsite(capsys, "build", "--as-of", "2026-06-30")
    assert code == 1 and "the content could not be understood" in err  # (the check's error)
    assert "not compiled" not in err
    assert compiling["overlapped"] is True  # (it ran, and was waited for)
    assert threading.active_count() == 1


def test_a_check_that_fails_before_reading_compiles_nothing(site, capsys, monkeypatch,
                                                            compiling):
    from generator import cli

    def failing_check(settings, as_of, jobs=1, after_reading=None, after_resolving=None):
        raise cli.PmsiteError("the content could not be read")

    monkeypatch.setattr(cli, "check", failing_check)
    site(CLEAN)
    code, _, err = pmsite(capsys, "build", "--as-of", "2026-06-30")
    assert code == 1 and "the content could not be read" in err
    assert "read when compiling began" not in compiling  # (never started, never waited for)
    assert threading.active_count() == 1


# ---------------------------------------------------------------------------- export


def test_export_to_stdout_is_pure_json_even_with_warnings(site, capsys):
    site(WARNED)
    code, out, err = pmsite(capsys, "export", "--as-of", "2026-06-30")
    assert code == 0
    data = json.loads(out)
    assert data["as_of"] == "2026-06-30"
    assert "overdue-milestone" in err
    code, _, _ = pmsite(capsys, "export", "--as-of", "2026-06-30", "--strict")
    assert code == 1


def test_export_with_content_errors_exits_1(site, capsys):
    site(BROKEN)
    code, _, _ = pmsite(capsys, "export", "--as-of", "2026-06-30")
    assert code == 1


def test_export_out_file_written_atomically(site, capsys, tmp_path):
    site(CLEAN)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    target = out_dir / "portfolio.json"
    target.write_text("old contents", encoding="utf-8")
    code, out, _ = pmsite(capsys, "export", "--as-of", "2026-06-30", "--out", str(target))
    assert code == 0
    assert out == ""
    assert json.loads(target.read_text(encoding="utf-8"))["as_of"] == "2026-06-30"
    assert sorted(p.name for p in out_dir.iterdir()) == ["portfolio.json"]  # no temp files


def test_export_out_creates_missing_folders(site, capsys, tmp_path):
    site(CLEAN)
    target = tmp_path / "new" / "deeper" / "p.json"
    code, _, _ = pmsite(capsys, "export", "--as-of", "2026-06-30", "--out", str(target))
    assert code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["projects"][0]["id"] == "a"


@pytest.mark.parametrize("where", ["content/portfolio.json", "content",
                                   "content/sub/x.json", "./content/../content/y.json"])
def test_export_refuses_to_write_inside_content(site, capsys, where):
    root = site(CLEAN)
    before = sorted(str(p.relative_to(root)) for p in (root / "content").rglob("*"))
    code, _, err = pmsite(capsys, "export", "--as-of", "2026-06-30", "--out", where)
    assert code == 2
    assert "content" in err
    after = sorted(str(p.relative_to(root)) for p in (root / "content").rglob("*"))
    assert after == before


def test_export_refuses_symlink_into_content(site, capsys, tmp_path):
    root = site(CLEAN)
    link = tmp_path / "link"
    link.symlink_to(root / "content", target_is_directory=True)
    code, _, _ = pmsite(capsys, "export", "--as-of", "2026-06-30", "--out",
                        str(link / "p.json"))
    assert code == 2
    assert not (root / "content" / "p.json").exists()


def test_export_out_unwritable_is_a_usage_error(site, capsys, tmp_path):
    # Not a bug in pmsite and not a content problem: exit 2 with a plain message.
    site(CLEAN)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    code, _, err = pmsite(capsys, "export", "--as-of", "2026-06-30", "--out", str(folder))
    assert code == 2, err
    assert "internal error" not in err
    a_file = tmp_path / "a-file"
    a_file.write_text("keep me", encoding="utf-8")
    code, _, err = pmsite(capsys, "export", "--as-of", "2026-06-30", "--out",
                          str(a_file / "x.json"))
    assert code == 2, err
    code, _, err = pmsite(capsys, "export", "--format", "csv", "--as-of", "2026-06-30",
                          "--out", str(a_file))
    assert code == 2, err
    assert "internal error" not in err
    assert a_file.read_text(encoding="utf-8") == "keep me"
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")) == []


def test_export_csv_folder(site, capsys, tmp_path):
    site(WARNED)
    folder = tmp_path / "csv"
    code, out, _ = pmsite(capsys, "export", "--format", "csv", "--as-of", "2026-06-30",
                          "--out", str(folder))
    assert code == 0
    assert out == ""
    names = {p.name for p in folder.iterdir()}
    assert {"projects.csv", "milestones.csv", "risks.csv"} <= names
    assert not any(name.endswith(".tmp") for name in names)
    milestones = (folder / "milestones.csv").read_text(encoding="utf-8-sig").splitlines()
    assert milestones[0].split(",")[:2] == ["project", "id"]
    assert "a,m1,M one,2026-06-01,,,,overdue" in milestones  # no done, baseline, slip


def test_export_csv_needs_out_and_refuses_content(site, capsys):
    site(CLEAN)
    code, _, _ = pmsite(capsys, "export", "--format", "csv", "--as-of", "2026-06-30")
    assert code == 2
    code, _, _ = pmsite(capsys, "export", "--format", "csv", "--as-of", "2026-06-30",
                        "--out", "content/csv")
    assert code == 2


def test_commands_never_write_content(site, capsys, tmp_path):
    root = site(WARNED)

    def tree() -> dict[str, bytes]:
        return {str(p.relative_to(root)): p.read_bytes()
                for p in sorted((root / "content").rglob("*")) if p.is_file()}
    before = tree()
    pmsite(capsys, "check", "--as-of", "2026-06-30")
    pmsite(capsys, "export", "--as-of", "2026-06-30", "--out", str(tmp_path / "p.json"))
    pmsite(capsys, "export", "--format", "csv", "--as-of", "2026-06-30", "--out",
           str(tmp_path / "csv"))
    assert tree() == before


def test_version(capsys):
    assert main(["--version"]) == 0
    assert "pmsite" in capsys.readouterr().out


# --------------------------------------------------------------- subprocess, hostile


def _run(cwd: Path, *args: str, env_extra: dict[str, str] | None = None
         ) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(env_extra or {})
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=60, check=False)


BOMB = "\n".join(
    [f"l0: &l0 [{', '.join(['lol'] * 9)}]"]
    + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 10)]) + "\n"

HOSTILE: dict[str, str | bytes] = {
    **CLEAN,
    "projects/binary.md": b"\x00\x01\x02\xff\xfe\x89PNG\r\n\x1a\n" * 10,
    "projects/latin1.md": b"---\nkind: project\nid: l1\ntitle: Caf\xe9\n---\n",
    "risks/bomb.yml": BOMB,
    "risks/python.yml": "kind: risk\nid: evil\ntitle: !!python/object/apply:os.system "
                        "['echo pwned']\n",
    "risks/deep.yml": "kind: risk\nid: deep\ntitle: " + "[" * 2000 + "]" * 2000 + "\n",
    "projects/unterminated.md": "---\nkind: project\nid: u\ntitle: U\n",
    "projects/bad-date.md": project("bd", "end: 2026-13-45"),
    "projects/c1.md": project("c1", "depends_on: [c2]"),
    "projects/c2.md": project("c2", "depends_on: [c1]"),
    "projects/not-mapping.md": "---\n- just\n- a list\n---\nBody.\n",
    "projects/tabs.yml": "kind: risk\n\tid: tabbed\n",
}


def test_hostile_site_reports_everything_without_traceback(tmp_path):
    write_site(tmp_path, HOSTILE)
    proc = _run(tmp_path, "check", "--as-of", "2026-06-30")
    output = proc.stdout + proc.stderr
    assert proc.returncode == 1, output
    assert "Traceback" not in output
    assert "internal error" not in output
    assert "pwned" not in output
    for name in ("binary.md", "latin1.md", "bomb.yml", "python.yml", "deep.yml",
                 "unterminated.md", "bad-date.md", "not-mapping.md", "tabs.yml"):
        assert re.search(rf"^content/\S*{re.escape(name)}:\d+", proc.stdout, re.MULTILINE), name
    assert "[dependency-cycle]" in proc.stdout
    assert "c1 -> c2" in proc.stdout and "c2 -> c1" in proc.stdout


def test_hostile_site_export_and_github_format(tmp_path):
    write_site(tmp_path, HOSTILE)
    proc = _run(tmp_path, "check", "--format", "github", "--as-of", "2026-06-30")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert all(line.startswith(("::error ", "::warning "))
               for line in proc.stdout.strip().splitlines())
    proc = _run(tmp_path, "export", "--as-of", "2026-06-30")
    assert proc.returncode == 1
    assert "Traceback" not in proc.stdout + proc.stderr
    assert json.loads(proc.stdout)["as_of"] == "2026-06-30"


def test_subprocess_exit_codes_and_source_date_epoch(tmp_path):
    write_site(tmp_path, CLEAN)
    ok = _run(tmp_path, "check", env_extra={"SOURCE_DATE_EPOCH": _epoch(2026, 6, 30)})
    assert ok.returncode == 0, ok.stderr
    assert "2026-06-30" in ok.stderr
    bad = _run(tmp_path, "check", "--as-of", "2026-02-30")
    assert bad.returncode == 2
    assert "Traceback" not in bad.stdout + bad.stderr
    missing = _run(tmp_path / "content", "check", "--as-of", "2026-06-30")
    assert missing.returncode == 2


# ------------------------------------------------------------------------- entry point


class _InterruptedImport:
    """A finder that is Ctrl-C pressed while Python loads `name`."""

    def __init__(self, name: str) -> None:
        self.name = name

    def find_spec(self, fullname: str, *_: object) -> None:
        if fullname == self.name:
            raise KeyboardInterrupt


def test_ctrl_c_while_pmsite_loads_ends_quietly_with_130(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    from generator import entry

    monkeypatch.delitem(sys.modules, "generator.cli")
    monkeypatch.setattr(sys, "meta_path", [_InterruptedImport("generator.cli"), *sys.meta_path])
    try:
        code = entry.main(["check"])
    except KeyboardInterrupt:  # (raised on, it would stop the whole test run)
        pytest.fail("Ctrl-C while pmsite loads escaped its entry point")
    assert code == 130
    out, err = capsys.readouterr()
    assert (out, err) == ("", "")


def test_the_pmsite_command_and_python_m_generator_run_the_entry_point() -> None:
    from generator import __version__

    listing = ("from importlib.metadata import entry_points; "
               "print(*[e.value for e in entry_points(group='console_scripts', name='pmsite')])")
    scripts = subprocess.run([sys.executable, "-c", listing],
                             capture_output=True, text=True, check=True).stdout.split()
    assert scripts == ["generator.entry:main"]
    done = subprocess.run([sys.executable, "-m", "generator", "--version"],
                          capture_output=True, text=True, timeout=60, check=False)
    assert (done.returncode, done.stdout.strip()) == (0, f"pmsite {__version__}")
