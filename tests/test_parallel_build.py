"""`pmsite build` in several processes: the same site, the same messages, the same errors.

Diagrams are drawn and pages rendered in forked processes (`forkmap`, `prerender`); the
output must not depend on it. These builds lower `MIN_ITEMS` so that the small sites here
fork as a large one does.
"""

from __future__ import annotations

import filecmp
import logging
import os
import signal
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
import pytest
from mkdocs import utils as mkdocs_utils
from mkdocs.commands import build as mkdocs_build
from mkdocs.structure.pages import Page

from generator import changes as changes_module
from generator import cli, jinjaenv, mdreuse, mkdocs_plugin, offline, prerender, templating
from generator import diagrams as diagrams_package
from generator import site as site_plan
from generator.cli import main
from generator.diagrams import LayoutError, NoLayoutEngine, graphdraw
from generator.mkdocs_plugin import PmsitePlugin
from generator.offline import external_assets
from generator.pipeline import check
from generator.settings import load_settings
from generator.site import plan_site
from generator.templating import site_environment
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site
from tests.test_orchestrate import SLOW

pytestmark = pytest.mark.usefixtures("own_mkdocs_handlers")


def build(config: Path, site: Path, jobs: int, monkeypatch: pytest.MonkeyPatch,
          *extra: str, as_of: str = "2026-06-30") -> int:
    monkeypatch.setenv("PMSITE_JOBS", str(jobs))
    return main(["build", "-f", str(config), "--as-of", as_of, "--site-dir", str(site), *extra])


def same_tree(left: Path, right: Path) -> list[str]:
    """Paths that differ between two folders (content, or present in one only)."""
    differ: list[str] = []
    compared = filecmp.dircmp(left, right)
    stack = [(compared, "")]
    while stack:
        node, prefix = stack.pop()
        differ += [prefix + n for n in node.left_only + node.right_only + node.funny_files]
        _, mismatch, errors = filecmp.cmpfiles(node.left, node.right, node.common_files,
                                               shallow=False)
        differ += [prefix + n for n in mismatch + errors]
        stack += [(sub, f"{prefix}{name}/") for name, sub in node.subdirs.items()]
    return sorted(differ)


def test_the_example_site_is_the_same_bytes_built_in_two_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        capsys: Any) -> None:
    config = REPO / "mkdocs.yml"
    assert build(config, tmp_path / "one", 1, monkeypatch, as_of="2026-11-20") == 0
    one_err = capsys.readouterr().err
    assert forked == []
    parent, render, rendered = os.getpid(), prerender._render, tmp_path / "rendered"

    def noted(page: Any, *args: Any) -> Any:
        done = render(page, *args)
        if os.getpid() != parent:  # (a child's note, for the parent to count)
            with rendered.open("a", encoding="utf-8") as note:
                note.write(page.file.src_uri + "\n")
        return done

    written, build_page = tmp_path / "written", mkdocs_build._build_page

    def built(page: Any, *args: Any, **kwargs: Any) -> Any:
        build_page(page, *args, **kwargs)
        if os.getpid() != parent:
            with written.open("a", encoding="utf-8") as note:
                note.write(page.file.src_uri + "\n")

    exported, export_json = tmp_path / "exported", site_plan.export_json

    def export(*args: Any) -> str:
        if os.getpid() != parent:
            exported.write_text("by a child", encoding="utf-8")
        return export_json(*args)

    monkeypatch.setattr(prerender, "_render", noted)
    monkeypatch.setattr(mkdocs_build, "_build_page", built)
    monkeypatch.setattr(site_plan, "export_json", export)
    assert build(config, tmp_path / "two", 2, monkeypatch, as_of="2026-11-20") == 0
    two_err = capsys.readouterr().err
    pages = sorted(p.relative_to(tmp_path / "two") for p in (tmp_path / "two").rglob("*.html"))
    # (no share is fixed: each process takes what its pace allows, see `fork_ahead`)
    by_child = rendered.read_text(encoding="utf-8").split()
    assert len(by_child) > len(pages) / 4, "the child rendered few pages"
    by_writer = written.read_text(encoding="utf-8").split()
    assert len(by_writer) > len(pages) / 4, "the child wrote few pages"
    assert exported.read_text(encoding="utf-8") == "by a child"
    # reading the files, diagrams, rendering, writing and the offline scan: one child
    # each (the build does a share); and, while the build goes on, one that compiles the
    # templates, one that finds what changed and one that makes the data files
    assert len(forked) == 8
    assert same_tree(tmp_path / "one", tmp_path / "two") == []
    assert one_err.replace("/one", "/two") == two_err


def test_the_build_runs_no_python_markdown_for_a_page_its_child_rendered(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]) -> None:
    """MkDocs' `Page.render` would set up a Markdown instance, every extension with it,
    to render the empty text of a page rendered ahead (3 ms a page with pymdownx.emoji)."""
    parent, render, rendered = os.getpid(), prerender._render, tmp_path / "rendered"
    here: list[str] = []

    def noted(page: Any, *args: Any) -> Any:
        if os.getpid() != parent:
            with rendered.open("a", encoding="utf-8") as note:
                note.write(page.file.src_uri + "\n")
        return render(page, *args)

    def counted(page: Page, *args: Any) -> None:
        if os.getpid() == parent:
            here.append(page.file.src_uri)
        page_render(page, *args)

    def counted_shared(self: mdreuse.SharedMarkdown, page: Page, *args: Any) -> None:
        if os.getpid() == parent:
            here.append(page.file.src_uri)
        shared_render(self, page, *args)

    page_render, shared_render = Page.render, mdreuse.SharedMarkdown.render
    monkeypatch.setattr(prerender, "_render", noted)
    monkeypatch.setattr(Page, "render", counted)
    monkeypatch.setattr(mdreuse.SharedMarkdown, "render", counted_shared)
    assert build(REPO / "mkdocs.yml", tmp_path / "two", 2, monkeypatch, as_of="2026-11-20") == 0
    pages = [p for p in (tmp_path / "two").rglob("*.html") if p.name != "404.html"]
    by_child = rendered.read_text(encoding="utf-8").split()
    assert forked and len(by_child) > 20
    assert not set(here) & set(by_child)
    assert len(here) + len(by_child) == len(pages)


ANCHORED = {
    "portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
    "projects/a.md": project("a"), "projects/b.md": project("b"),
    "guide.md": "# Guide\n\nSee [the rules](rules.md#no-such-section).\n",
    "rules.md": "# Rules\n\n## Real section\n\nText.\n",
}


def test_what_mkdocs_warns_of_is_said_once_and_fails_strict(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        capsys: Any) -> None:
    # (an absolute link, which MkDocs reports as it renders the page)
    config = write_site(tmp_path, {**ANCHORED, "guide.md": "# Guide\n\nSee [it](/rules/).\n"})
    config.write_text(config.read_text() + "validation:\n  absolute_links: warn\n",
                      encoding="utf-8")
    warning = "WARNING: Doc file 'guide.md' contains an absolute link '/rules/'"
    assert build(config, tmp_path / "one", 1, monkeypatch) == 0
    assert capsys.readouterr().err.count(warning) == 1
    assert build(config, tmp_path / "site", 2, monkeypatch) == 0
    err = capsys.readouterr().err
    assert forked, "the build did not fork"
    assert err.count(warning) == 1, err
    assert build(config, tmp_path / "strict", 2, monkeypatch, "--strict") == 1
    assert warning in capsys.readouterr().err
    assert not (tmp_path / "strict").exists()


def test_a_page_that_fails_in_a_child_is_rendered_again_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        capsys: Any) -> None:
    config = write_site(tmp_path, ANCHORED)
    assert build(config, tmp_path / "one", 1, monkeypatch) == 0
    parent, render = os.getpid(), prerender._render

    failed = tmp_path / "failed"

    def flaky(page: Any, *args: Any) -> Any:
        if os.getpid() != parent and page.file.src_uri in ("guide.md", "projects/a.md"):
            with failed.open("a", encoding="utf-8") as note:  # (the parent cannot see it)
                note.write(page.file.src_uri + "\n")
            raise RuntimeError("only in a child")
        return render(page, *args)

    pre_page = mkdocs_plugin.PmsitePlugin.on_pre_page

    def slow(self: Any, page: Page, **kwargs: Any) -> Page:
        if os.getpid() == parent:
            time.sleep(0.05)  # (the children begin every page the build is not at)
        return pre_page(self, page, **kwargs)

    monkeypatch.setattr(prerender, "_render", flaky)
    monkeypatch.setattr(mkdocs_plugin.PmsitePlugin, "on_pre_page", slow)
    for jobs in (2, 3):
        assert build(config, tmp_path / f"jobs{jobs}", jobs, monkeypatch) == 0
        assert same_tree(tmp_path / "one", tmp_path / f"jobs{jobs}") == []
    assert forked
    assert failed.read_text(encoding="utf-8").split() != []


@pytest.fixture
def writers(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Callable[[], list[str]]:
    """The pages a child put through the theme, as a function to call after the builds
    (the parent cannot see a child's list: each notes its pages in a file)."""
    parent, build_page, notes = os.getpid(), mkdocs_build._build_page, tmp_path / "writers"

    def noted(page: Any, *args: Any, **kwargs: Any) -> Any:
        if os.getpid() != parent:
            with notes.open("a", encoding="utf-8") as note:
                note.write(page.file.src_uri + "\n")
        return build_page(page, *args, **kwargs)

    monkeypatch.setattr(mkdocs_build, "_build_page", noted)
    return lambda: notes.read_text(encoding="utf-8").split() if notes.exists() else []


def nothing_left_behind() -> None:
    """No child process, and MkDocs' log as it was."""
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)
    assert logging.getLogger(mkdocs_build.__name__).filters == []


@pytest.mark.parametrize("where", ["before", "inside"])
def test_a_page_that_fails_in_the_writing_child_is_written_again_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        writers: Callable[[], list[str]], where: str) -> None:
    """Whether it failed before MkDocs' step or halfway through it (after the plugins'
    `on_page_context` marked its section current), the page and every page after it in
    the child's share come out as in one process."""
    config = write_site(tmp_path, ANCHORED)
    assert build(config, tmp_path / "one", 1, monkeypatch) == 0
    parent, failed = os.getpid(), tmp_path / "failed"
    build_page, post_page = mkdocs_build._build_page, PmsitePlugin.on_post_page

    def fails(page: Any) -> bool:
        if os.getpid() == parent or page.file.src_uri not in ("guide.md", "projects/a.md"):
            return False
        with failed.open("a", encoding="utf-8") as note:  # (the parent cannot see it)
            note.write(page.file.src_uri + "\n")
        return True

    def flaky(page: Any, *args: Any, **kwargs: Any) -> Any:
        if where == "before" and fails(page):
            raise RuntimeError("only in a child")
        return build_page(page, *args, **kwargs)

    def flaky_post_page(self: PmsitePlugin, output: str, *, page: Any, config: Any) -> str:
        if where == "inside" and fails(page):
            raise RuntimeError("only in a child")
        return post_page(self, output, page=page, config=config)

    monkeypatch.setattr(mkdocs_build, "_build_page", flaky)
    monkeypatch.setattr(PmsitePlugin, "on_post_page", flaky_post_page)
    for jobs in (2, 3):  # (each page is a child's in one of the two)
        assert build(config, tmp_path / f"jobs{jobs}", jobs, monkeypatch) == 0
        assert same_tree(tmp_path / "one", tmp_path / f"jobs{jobs}") == []
    assert failed.read_text(encoding="utf-8").split() != []
    assert writers()
    nothing_left_behind()


def test_a_theme_reading_an_earlier_page_reads_it_as_in_one_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        writers: Callable[[], list[str]]) -> None:
    """Once written, a page's HTML is let go; in a child too, the pages before the one it
    writes have let theirs go, whichever process wrote them."""
    config = write_site(tmp_path, ANCHORED)
    config.write_text(config.read_text() + "theme:\n  name: mkdocs\n  custom_dir: overrides\n",
                      encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "main.html").write_text(
        '{% extends "base.html" %}\n{% block content %}'
        '{{ ((page.previous_page.content if page.previous_page else "") or "") | length }}'
        '{{ ((page.next_page.content if page.next_page else "") or "") | length }}'
        '{% endblock %}\n', encoding="utf-8")
    assert build(config, tmp_path / "one", 1, monkeypatch) == 0
    assert build(config, tmp_path / "two", 2, monkeypatch) == 0
    assert writers()
    assert same_tree(tmp_path / "one", tmp_path / "two") == []


def test_a_theme_error_in_the_writing_child_stops_the_build_as_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        writers: Callable[[], list[str]], capsys: Any) -> None:
    # (a template of the site's own that fails as it renders, for a page of each share)
    broken = {**ANCHORED,
              "guide.md": "---\ntemplate: broken.html\n---\n# Guide\n\nText.\n",
              "rules.md": "---\ntemplate: broken.html\n---\n# Rules\n\nText.\n"}
    config = write_site(tmp_path, broken)
    config.write_text(config.read_text() + "theme:\n  name: mkdocs\n  custom_dir: overrides\n",
                      encoding="utf-8")
    (tmp_path / "overrides").mkdir()
    (tmp_path / "overrides" / "broken.html").write_text("{{ page.title }} {{ 1 // 0 }}\n")
    assert build(config, tmp_path / "one", 1, monkeypatch) == 2
    one = capsys.readouterr().err
    assert writers() == []
    assert build(config, tmp_path / "two", 2, monkeypatch) == 2
    two = capsys.readouterr().err
    assert set(writers()) & {"guide.md", "rules.md"}, "no broken page was the child's"
    assert "Error building page 'guide.md': integer division or modulo by zero" in one, one
    assert ("overrides/broken.html:1: the site's template failed: ZeroDivisionError" in one)
    assert one.replace("/one", "/two") == two
    assert not (tmp_path / "two").exists()
    nothing_left_behind()


def test_what_the_writing_child_logs_is_said_once_in_order_and_no_page_skipped(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        writers: Callable[[], list[str]], capsys: Any) -> None:
    config = write_site(tmp_path, ANCHORED)
    write_file = mkdocs_utils.write_file

    def noisy(content: bytes, path: str) -> None:  # (as the theme is done with a page)
        mkdocs_build.log.info(f"theme done with {Path(path).parent.name}")
        write_file(content, path)

    monkeypatch.setattr(mkdocs_utils, "write_file", noisy)
    said = []
    for jobs in (1, 2):
        assert build(config, tmp_path / f"jobs{jobs}", jobs, monkeypatch, "--verbose") == 0
        err = capsys.readouterr().err
        assert "Page skipped" not in err
        said.append([line.replace(f"jobs{jobs}", "jobs") for line in err.splitlines()
                     if "theme done with" in line])
    assert len(writers()) > 5
    assert len(said[0]) > 20
    assert said[0] == said[1]
    nothing_left_behind()


@pytest.mark.parametrize("error", [NoLayoutEngine, LayoutError])
def test_diagrams_that_fail_in_children_fail_as_they_do_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        error: type[Exception]) -> None:
    def fail(*_: Any, **__: Any) -> Any:
        raise error("cannot draw diagrams")

    monkeypatch.setattr(graphdraw, "layout", fail)
    config = write_site(tmp_path, ANCHORED)
    planned = []
    for jobs in (1, 2):
        result = check(load_settings(config), date(2026, 6, 30))
        plan = plan_site(result, jobs=jobs)
        planned.append(([d.to_text() for d in result.diagnostics.sorted()], plan.figures,
                        sorted(plan.files)))
    assert forked
    assert planned[0] == planned[1]
    problems = planned[0][0]
    assert problems and all("[diagram-failed]" in p for p in problems)
    if error is NoLayoutEngine:
        assert len(problems) == 1


@pytest.mark.parametrize("slow_page", ["handbook/a-slow.md", "handbook/b-slow.md"])
def test_a_page_over_its_time_budget_stops_the_build_located(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int], capsys: Any,
        slow_page: str) -> None:
    # (the two names put the page in the build's share and in the child's)
    config = write_site(tmp_path, {**ANCHORED, slow_page: SLOW})
    monkeypatch.setattr(mkdocs_plugin, "PAGE_SECONDS", 0.3)
    code = build(config, tmp_path / "site", 2, monkeypatch)
    err = capsys.readouterr().err
    assert code == 1, err
    assert forked
    assert (f"content/{slow_page}: error: [markdown-too-complex] rendering took longer "
            "than 0.3 s") in err
    assert "internal error" not in err
    assert not (tmp_path / "site").exists()


def test_a_budget_of_a_millisecond_is_located_and_left_switched_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        capsys: Any) -> None:
    # A budget this small goes off in pages, in the hooks around them, and (when Python
    # loses its exception) again a millisecond later, while the build stops its children.
    config = write_site(tmp_path, {**ANCHORED, "handbook/slow.md": SLOW})
    monkeypatch.setattr(mkdocs_plugin, "PAGE_SECONDS", 0.001)
    assert build(config, tmp_path / "site", 2, monkeypatch) == 1
    err = capsys.readouterr().err
    assert forked
    assert "error: [markdown-too-complex] rendering took longer than 0.001 s" in err, err
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


def test_what_pages_load_from_outside_is_read_as_they_are_written(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        writers: Callable[[], list[str]], capsys: Any) -> None:
    """A page's outside assets are read from its HTML as it is written, in the process
    that writes it: the same warnings, at the same places, as reading every file back;
    only the files that are not pages (the theme's, 404.html) are read back."""
    files = {**ANCHORED, **{f"projects/p{n}.md": project(
        f"p{n}", "", "cx").replace("Charter of", f"![logo](https://cdn.example/{n}.png)\n\nOf")
        for n in range(8)}}
    config = write_site(tmp_path, files)
    config.write_text(config.read_text() + "extra_javascript: [https://cdn.example/x.js]\n",
                      encoding="utf-8")
    read_back, references = tmp_path / "read-back", offline._file_references

    def read(path: Path) -> Any:  # (noted in a file: the scan's children read too)
        with read_back.open("a", encoding="utf-8") as note:
            note.write((path.name if path.name != "index.html" else path.parent.name) + "\n")
        return references(path)

    monkeypatch.setattr(offline, "_file_references", read)
    said, read_by_build = {}, {}
    for jobs in (1, 2):
        site = tmp_path / f"jobs{jobs}"
        read_back.write_text("", encoding="utf-8")
        assert build(config, site, jobs, monkeypatch) == 0
        read_by_build[jobs] = set(read_back.read_text(encoding="utf-8").split())
        told = sorted(line for line in capsys.readouterr().err.splitlines()
                      if "[external-asset]" in line)
        # Every file read back, the way the scan read them all before:
        assert told == sorted(d.to_text() for d in external_assets(site, f"jobs{jobs}"))
        said[jobs] = [line.replace(f"jobs{jobs}/", "") for line in told]
    pages = {p.parent.name for p in (tmp_path / "jobs2").rglob("index.html")}
    assert len(writers()) > 5  # (the child wrote pages, and its findings came back)
    assert said[1] == said[2]
    assert sum("cdn.example/x.js" in line for line in said[2]) > len(pages)  # (404 too)
    assert {f"projects/p{n}/index.html" for n in range(8)} <= {
        line.split(":")[0] for line in said[2] if "cdn.example/" in line and ".png" in line}
    for read in read_by_build.values():
        assert "404.html" in read and "base.css" in read and not pages & read
    nothing_left_behind()


def _finding_noted(monkeypatch: pytest.MonkeyPatch, notes: Path,
                   *modules: Any) -> Callable[[], list[int]]:
    """`recent_changes` of each of `modules` noting the process that calls it; returns
    a function giving those processes since it was last called."""
    found = changes_module.recent_changes

    def counted(*args: Any) -> Any:
        with open(notes, "a", encoding="utf-8") as log:
            log.write(f"{os.getpid()}\n")
        return found(*args)

    for module in modules:
        monkeypatch.setattr(module, "recent_changes", counted)

    def taken() -> list[int]:
        by = [int(pid) for pid in notes.read_text(encoding="utf-8").splitlines()]
        notes.write_text("", encoding="utf-8")
        return by

    notes.write_text("", encoding="utf-8")
    return taken


def _waiting_for_graphviz(monkeypatch: pytest.MonkeyPatch) -> None:
    """The check's hook finds Graphviz ready (a small site is resolved before the thread
    that readies it is done: then the build finds its changes as it plans the site)."""
    from generator.diagrams import layout

    def ready() -> bool:
        for thread in layout._COMPILING:
            thread.join()
        return bool(layout._COMPILING)

    monkeypatch.setattr(diagrams_package, "warmed_up", ready)


@pytest.mark.parametrize("graphviz", ["ready", "readying"])
def test_what_changed_is_found_once_whatever_the_processes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int],
        graphviz: str) -> None:
    """Project and program pages ask for the portfolio's recent changes (a second model):
    found once before the processes fork, not again in each. In two processes, by a
    child: begun as soon as the content is resolved, while the check builds the model
    (the child builds the same model itself), or, where Graphviz is still being readied
    then (nothing forks while its thread runs), while the build plans the pages. The
    same site as one process builds; a check that fails stops the early child."""
    if graphviz == "ready":
        _waiting_for_graphviz(monkeypatch)
    else:
        monkeypatch.setattr(diagrams_package, "warmed_up", lambda: False)
    calls = _finding_noted(monkeypatch, tmp_path / "calls", changes_module, site_plan)
    hooked: list[bool] = []
    check_ = cli.check

    def spied(*args: Any, **kwargs: Any) -> Any:
        result = check_(*args, **kwargs)
        hooked.append(result.changes_ahead is not None)
        return result

    monkeypatch.setattr(cli, "check", spied)
    config = write_site(tmp_path / "content", ANCHORED)
    for jobs in (1, 2):
        started = len(forked)
        assert build(config, tmp_path / f"jobs{jobs}", jobs, monkeypatch) == 0
        by = calls()
        if jobs == 1:
            assert by == [os.getpid()] and len(forked) == started == 0
        else:
            assert len(by) == 1 and by[0] in forked[started:]
    assert hooked == [False, graphviz == "ready"]
    assert same_tree(tmp_path / "jobs1", tmp_path / "jobs2") == []
    nothing_left_behind()
    if graphviz == "ready":
        broken = write_site(tmp_path / "broken",
                            {**ANCHORED, "projects/c.md": "---\nkind: project\n"})
        assert build(broken, tmp_path / "broken-site", 2, monkeypatch) == 1
        assert hooked[-1] is True
        nothing_left_behind()


def test_data_files_made_by_a_child_are_the_ones_made_here(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]) -> None:
    """A build in two processes has a child make the exports, feed and schemas while it
    goes on: the same bytes; made here if the child fails; and a plan let go without
    reading them (a failed build) stops that child."""
    config = write_site(tmp_path, ANCHORED)
    parent, export_json = os.getpid(), site_plan.export_json

    def made(jobs: int) -> dict[str, str | bytes]:
        plan = plan_site(check(load_settings(config), date(2026, 6, 30)), jobs=jobs)
        names = [n for n in plan.files if n.startswith(("data/", "schemas/", "feed"))]
        return {name: plan.files[name] for name in names}

    here = made(1)
    assert forked == [] and "data/portfolio.json" in here and len(here) > 5
    made_here: list[int] = []

    def noted(*args: Any) -> str:
        if os.getpid() == parent:
            made_here.append(1)
        return export_json(*args)

    monkeypatch.setattr(site_plan, "export_json", noted)
    assert made(2) == here
    assert forked and made_here == []  # (the child's made: not made again here)

    def failing(*args: Any) -> str:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return export_json(*args)

    monkeypatch.setattr(site_plan, "export_json", failing)
    assert made(2) == here
    before = len(forked)
    plan = plan_site(check(load_settings(config), date(2026, 6, 30)), jobs=2)
    children = [Path(f"/proc/{pid}") for pid in forked[before:]]
    assert len(children) == 3  # (what changed, the diagrams, the data files)
    assert len(plan.pending) == 2  # (the diagrams' child is done with)
    assert children[-1].exists()  # (at work, or done and not yet reaped)
    del plan  # (nothing holds it: no cycle keeps a child waiting on its pipe)
    assert not any(child.exists() for child in children)


def test_the_templates_are_compiled_by_a_child_while_the_content_is_checked(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int]) -> None:
    """A build compiles its templates in a child during the check, which it takes if it
    is ready by then: the build compiles none of them itself, and renders the same. A
    template of the site's own that does not compile is left to fail where it is used."""
    config = write_site(tmp_path, ANCHORED, "templates: overrides")
    (tmp_path / "overrides/pages").mkdir(parents=True)
    (tmp_path / "overrides/pages/unused.md.j2").write_text("{% if %}", encoding="utf-8")
    settings = load_settings(config)
    monkeypatch.setattr(jinjaenv.PRECOMPILED, "codes", {})
    monkeypatch.setattr(jinjaenv.KEPT, "_folder", None)  # (none kept by earlier commands)
    compiled: list[str] = []
    compile_ = jinja2.Environment.compile

    def counted(env: Any, source: Any, name: Any = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return compile_(env, source, name, *args, **kwargs)

    monkeypatch.setattr(jinja2.Environment, "compile", counted)
    checked, precompile, done = cli.check, templating.precompile, tmp_path / "compiled"

    def noted(*args: Any) -> Any:  # (in the child: the parent cannot see it otherwise)
        codes = precompile(*args)
        done.touch()
        return codes

    def slow(*args: Any, **kwargs: Any) -> Any:  # (a check long enough for the child)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline and not done.exists():
            time.sleep(0.05)
        return checked(*args, **kwargs)

    monkeypatch.setattr(templating, "precompile", noted)
    monkeypatch.setattr(cli, "check", slow)
    monkeypatch.setattr(cli, "_changes_ahead", lambda *args: None)  # (a child of its own)
    monkeypatch.setenv("PMSITE_JOBS", "2")
    result = cli._checked(settings, date(2026, 6, 30), "build")
    assert len(forked) == 2 and compiled == []  # (the templates' child; the files' reader)
    names = {key.rsplit("\0", 1)[-1] for key in jinjaenv.PRECOMPILED.codes}
    assert {"pages/project.md.j2", "pages/program.md.j2", "diagrams/deps.svg.j2"} <= names
    assert "pages/unused.md.j2" not in names
    # Only what a build renders, each by the environment that renders it: not the other
    # commands' templates, and the diagrams' once (the site's own would never use them).
    assert not {name for name in names if not name.startswith(("pages/", "diagrams/"))}
    keyed = [key.rsplit("\0", 1)[-1] for key in jinjaenv.PRECOMPILED.codes]
    assert keyed.count("diagrams/deps.svg.j2") == 1 and len(keyed) == len(names)
    plan = plan_site(result)
    pages = {src_uri: plan.markdown(src_uri) for src_uri in plan.pages}
    assert compiled == []  # (every page and diagram template loaded, none compiled here)
    monkeypatch.setattr(jinjaenv.PRECOMPILED, "codes", {})
    again = plan_site(check(settings, date(2026, 6, 30)))
    assert {src_uri: again.markdown(src_uri) for src_uri in again.pages} == pages
    assert "pages/project.md.j2" in compiled
    with pytest.raises(jinja2.TemplateSyntaxError):
        site_environment(settings).get_template("pages/unused.md.j2")


@pytest.mark.parametrize("theme", ["material", "mkdocs"])
def test_the_theme_runs_as_our_templates_run_and_writes_the_same_pages(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forked: list[int], theme: str) -> None:
    """The theme's environment is adopted (`jinjaenv.adopt`) before any page goes through
    it, here and in the processes that write pages: the site is the same bytes as one
    whose theme runs on jinja2's own environment."""
    config = tmp_path / "mkdocs.yml"
    text = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config.write_text(text.replace("name: material", f"name: {theme}")
                      .replace("docs_dir: content", f"docs_dir: {REPO / 'content'}"),
                      encoding="utf-8")
    assert f"name: {theme}" in config.read_text(encoding="utf-8")
    monkeypatch.setattr(mkdocs_plugin, "adopt", lambda env: env)
    assert build(config, tmp_path / "plain", 2, monkeypatch, as_of="2026-11-20") == 0
    adopted: list[type] = []

    def spied(env: jinja2.Environment) -> jinja2.Environment:
        jinjaenv.adopt(env)
        adopted.append(type(env))
        return env

    monkeypatch.setattr(mkdocs_plugin, "adopt", spied)
    assert build(config, tmp_path / "ours", 2, monkeypatch, as_of="2026-11-20") == 0
    assert adopted == [jinjaenv.Environment] and forked
    assert same_tree(tmp_path / "plain", tmp_path / "ours") == []
