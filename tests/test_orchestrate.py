"""The site is planned once, and every front end hands the plugin its values directly.

No environment variable is set and no class state kept between builds; a diagram that
cannot be drawn is a diagnostic; a page Python-Markdown takes too long over stops the
build with a located error instead of hanging it.
"""

from __future__ import annotations

import ast
import gc
import gzip
import logging
import os
import re
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from wsgiref.util import setup_testing_defaults

import pytest
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, PluginError
from mkdocs.livereload import LiveReloadServer

from generator import commands, mkdocs_plugin
from generator.cli import main
from generator.diagrams import LayoutError, NoLayoutEngine, graphdraw
from generator.mkdocs_plugin import PmsitePlugin
from generator.pipeline import check
from generator.settings import load_settings
from generator.site import plan_site
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site

DEPENDENT = project("b", "depends_on: [a]")
FILES = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
         "projects/a.md": project("a"), "projects/b.md": DEPENDENT}


pytestmark = pytest.mark.usefixtures("own_mkdocs_handlers")


@pytest.fixture
def repo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    config = write_site(tmp_path, FILES)
    # With a site_url the sitemap lists every page, with its date.
    config.write_text("site_url: https://pmo.example/\n" + config.read_text())
    return tmp_path


def pmsite(repo: Path, *args: str) -> int:
    return main([*args, "-f", str(repo / "mkdocs.yml")])


def lastmods(site: Path) -> set[str]:
    return set(re.findall(r"<lastmod>([^<]*)</lastmod>",
                          (site / "sitemap.xml").read_text(encoding="utf-8")))


def as_of_shown(site: Path) -> set[str]:
    text = (site / "index.html").read_text(encoding="utf-8")
    return set(re.findall(r'class="pm-asof">As of <time datetime="([^"]+)"', text))


# ------------------------------------------------------------------------- no side channels


def test_no_module_writes_the_environment() -> None:
    """The as-of date and the settings travel as values: nothing sets os.environ."""
    writes = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            text = ast.unparse(node) if isinstance(node, (ast.Assign, ast.Call)) else ""
            if re.search(r"os\.environ\[[^]]*\]\s*=|os\.(putenv|unsetenv)\(|"
                         r"os\.environ\.(setdefault|update|pop)\(", text):
                writes.append(f"{path.relative_to(REPO)}:{node.lineno}: {text}")
    assert writes == []


def test_pmsite_build_sets_no_environment_variable(repo: Path, capsys: Any) -> None:
    before = dict(os.environ)
    assert pmsite(repo, "build", "--as-of", "2026-06-30", "--site-dir",
                  str(repo / "site")) == 0, capsys.readouterr().err
    assert dict(os.environ) == before


def test_pmsite_build_collects_garbage_less_often_and_leaves_it_as_it_was(
        repo: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    seen = []
    on_page_content = PmsitePlugin.on_page_content

    def noted(self: PmsitePlugin, *args: Any, **kwargs: Any) -> Any:
        seen.append(gc.get_threshold())
        return on_page_content(self, *args, **kwargs)

    monkeypatch.setattr(PmsitePlugin, "on_page_content", noted)
    before = gc.get_threshold()
    try:
        gc.set_threshold(500, 7, 9)
        assert pmsite(repo, "build", "--as-of", "2026-06-30", "--site-dir",
                      str(repo / "site")) == 0, capsys.readouterr().err
        assert seen and set(seen) == {(commands.GC_YOUNG, 7, 9)}
        assert gc.get_threshold() == (500, 7, 9)
        monkeypatch.setattr(PmsitePlugin, "on_page_content", _raises)
        assert pmsite(repo, "build", "--as-of", "2026-06-30", "--site-dir",
                      str(repo / "failed")) == 3
        assert gc.get_threshold() == (500, 7, 9)
    finally:
        gc.set_threshold(*before)


def _raises(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("a page that fails")


def test_two_builds_in_one_process_each_keep_their_date(repo: Path, capsys: Any) -> None:
    """MkDocs keeps one plugin instance per process: nothing of one build may leak."""
    state = dict(vars(PmsitePlugin))
    for as_of in ("2026-06-30", "2026-07-15"):
        site = repo / f"site-{as_of}"
        assert pmsite(repo, "build", "--as-of", as_of, "--site-dir", str(site)) == 0, \
            capsys.readouterr().err
        assert as_of_shown(site) == {as_of}
        assert lastmods(site) == {as_of}  # the sitemap dates are the as-of date too
        with gzip.open(site / "sitemap.xml.gz") as packed:
            assert packed.read() == (site / "sitemap.xml").read_bytes()
        stamp = int.from_bytes((site / "sitemap.xml.gz").read_bytes()[4:8], "little")
        assert datetime.fromtimestamp(stamp, UTC).date().isoformat() == as_of
    assert dict(vars(PmsitePlugin)) == state


def test_plain_mkdocs_after_pmsite_build_reads_its_own_date(
        repo: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """What `pmsite build` handed the plugin is not what the next plain build sees."""
    assert pmsite(repo, "build", "--as-of", "2026-06-30", "--site-dir",
                  str(repo / "site")) == 0, capsys.readouterr().err
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1783987200")  # 2026-07-14, an input only
    config = load_config(str(repo / "mkdocs.yml"), site_dir=str(repo / "plain"))
    config.plugins.on_startup(command="build", dirty=False)
    try:
        mkdocs_build(config)
    finally:
        config.plugins.on_shutdown()
    assert as_of_shown(repo / "plain") == {"2026-07-14"}
    assert lastmods(repo / "plain") == {"2026-07-14"}


def test_pmsite_serve_hands_each_rebuild_its_values(
        repo: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview (in process): as of --as-of, errors on the page, no environment set."""
    before = dict(os.environ)
    seen: list[str] = []

    def serve(server: LiveReloadServer, **_: Any) -> None:
        page = Path(server.root) / "projects/a/index.html"
        seen.append(page.read_text(encoding="utf-8"))
        (repo / "content/projects/b.md").write_text(DEPENDENT.replace("[a]", "[nowhere]"))
        server.builder()  # what an edit makes the server do
        # ...then a browser asks for the page: the preview brings it up to date first
        # (the rest of the site follows in the background, generator/incremental.py).
        environ: dict[str, Any] = {"PATH_INFO": "/projects/a/"}
        setup_testing_defaults(environ)
        server.get_app()(environ, lambda status, headers: None)
        seen.append(page.read_text(encoding="utf-8"))
        raise KeyboardInterrupt

    monkeypatch.setattr(LiveReloadServer, "serve", serve)
    assert pmsite(repo, "serve", "--as-of", "2026-06-30", "-a", "127.0.0.1:0") == 0
    first, second = seen
    assert 'datetime="2026-06-30"' in first and "content error" not in first
    assert 'datetime="2026-06-30"' in second
    assert "1 content error" in second and "unknown" in second and "nowhere" in second
    assert dict(os.environ) == before
    assert not (repo / "site").exists()


# ------------------------------------------------------------------------------ diagrams


def test_a_diagram_that_cannot_be_laid_out_is_a_warning(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: Any, **__: Any) -> Any:
        raise LayoutError("Graphviz could not lay out a diagram")

    monkeypatch.setattr(graphdraw, "layout", fail)
    result = check(load_settings(repo / "mkdocs.yml"), datetime(2026, 6, 30).date())
    assert result.diagnostics.warnings == []
    plan = plan_site(result)
    failed = [d for d in result.diagnostics.sorted() if d.code == "diagram-failed"]
    where = {(d.path, d.line, d.severity) for d in failed}
    assert ("content/projects/a.md", 0, "warning") in where
    assert ("content/programs/cx.md", 0, "warning") in where
    assert ("mkdocs.yml", 0, "warning") in where  # /dependencies/ has no content file
    message = next(d.message for d in failed if d.path == "content/projects/a.md")
    assert message == ("the diagrams of /projects/a/ are left out: Graphviz could not "
                       "lay out a diagram")
    markdown = plan.markdown("projects/a.md")  # built, without its diagrams
    assert "Charter of a." in markdown and "<svg" not in markdown
    assert "<svg" in plan.markdown("roadmap.md")  # drawn without Graphviz


def test_without_graphviz_one_warning_and_no_diagram(
        repo: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []

    def missing(*_: Any, **__: Any) -> Any:
        calls.append(1)
        raise NoLayoutEngine("cannot draw diagrams: no Graphviz engine is available")

    monkeypatch.setattr(graphdraw, "layout", missing)
    result = check(load_settings(repo / "mkdocs.yml"), datetime(2026, 6, 30).date())
    plan_site(result)
    assert [d.to_text() for d in result.diagnostics.sorted()] == [
        ("mkdocs.yml: warning: [diagram-failed] no diagrams are drawn: cannot draw "
         "diagrams: no Graphviz engine is available")]
    assert len(calls) == 1


def test_pmsite_build_reports_a_failed_diagram_and_strict_stops(
        repo: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*_: Any, **__: Any) -> Any:
        raise LayoutError("Graphviz could not lay out a diagram")

    monkeypatch.setattr(graphdraw, "layout", fail)
    site = repo / "site"
    assert pmsite(repo, "build", "--as-of", "2026-06-30", "--site-dir", str(site)) == 0
    err = capsys.readouterr().err
    assert ("content/projects/a.md: warning: [diagram-failed] the diagrams of /projects/a/ "
            "are left out") in err
    assert re.search(r"0 errors, [1-9]\d* warnings", err)
    assert (site / "projects/a/index.html").is_file()
    assert pmsite(repo, "build", "--strict", "--as-of", "2026-06-30", "--site-dir",
                  str(repo / "strict")) == 1
    assert "not built" in capsys.readouterr().err
    assert not (repo / "strict").exists()


def test_the_figures_module_logs_nothing() -> None:
    source = (REPO / "generator/pages/figures.py").read_text(encoding="utf-8")
    assert "logging" not in source and "log." not in source


# ---------------------------------------------------------------------- render time budget

SLOW = "# Slow\n\n" + "\n\n".join(
    f"Paragraph {i} has *some* emphasis, **strong** words and `code` in it." for i in range(20_000))


def test_a_page_over_its_time_budget_stops_pmsite_build(
        repo: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    (repo / "content/handbook").mkdir()
    (repo / "content/handbook/slow.md").write_text(SLOW, encoding="utf-8")
    assert pmsite(repo, "check", "--as-of", "2026-06-30") == 0  # within every static limit
    capsys.readouterr()
    monkeypatch.setattr(mkdocs_plugin, "PAGE_SECONDS", 0.3)
    started = time.monotonic()
    code = pmsite(repo, "build", "--as-of", "2026-06-30", "--site-dir", str(repo / "site"))
    err = capsys.readouterr().err
    assert code == 1, err
    assert time.monotonic() - started < 30
    assert ("content/handbook/slow.md: error: [markdown-too-complex] rendering took longer "
            "than 0.3 s") in err
    assert "Traceback" not in err and "internal error" not in err
    assert not (repo / "site").exists()
    assert not list(repo.glob(".site.staging-*"))


def test_a_page_over_its_time_budget_is_a_plugin_error_under_mkdocs(
        repo: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture) -> None:
    (repo / "content/handbook").mkdir()
    (repo / "content/handbook/slow.md").write_text(SLOW, encoding="utf-8")
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1782777600")
    monkeypatch.setattr(mkdocs_plugin, "PAGE_SECONDS", 0.3)
    config = load_config(str(repo / "mkdocs.yml"), site_dir=str(repo / "out"))
    config.plugins.on_startup(command="build", dirty=False)
    located = ("content/handbook/slow.md: error: [markdown-too-complex] rendering took "
               "longer than 0.3 s")
    try:
        # Raised while MkDocs renders the page, MkDocs logs it and aborts; raised by the
        # alarm between pages, it reaches the caller as it is. Either way it is located.
        with caplog.at_level(logging.ERROR, logger="mkdocs"), \
                pytest.raises((PluginError, Abort)) as raised:
            mkdocs_build(config)
        assert located in str(raised.value) + caplog.text
    finally:
        config.plugins.on_shutdown()
    # Nothing stays armed (a timer left from the failed build would stop this one, which
    # takes longer): with the usual budget the page builds.
    monkeypatch.setattr(mkdocs_plugin, "PAGE_SECONDS", 20.0)
    config = load_config(str(repo / "mkdocs.yml"), site_dir=str(repo / "out"))
    mkdocs_build(config)
    assert (repo / "out/handbook/slow/index.html").is_file()


def test_an_overrun_whose_alarm_was_lost_still_stops_the_build(
        repo: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """A signal handler that fires inside a finalizer raises into nothing: the page then
    renders to its end, and the overrun is caught when it does."""
    (repo / "content/handbook").mkdir()
    (repo / "content/handbook/slow.md").write_text(SLOW, encoding="utf-8")
    monkeypatch.setattr(mkdocs_plugin.TimeBudget, "start", lambda self: None)  # (never heard)
    monkeypatch.setattr(mkdocs_plugin, "PAGE_SECONDS", 0.3)
    code = pmsite(repo, "build", "--as-of", "2026-06-30", "--site-dir", str(repo / "site"))
    err = capsys.readouterr().err
    assert code == 1, err
    assert ("content/handbook/slow.md: error: [markdown-too-complex] rendering took longer "
            "than 0.3 s") in err
    assert not (repo / "site").exists()


# ---------------------------------------------------------------------------- collisions


def test_pmsite_build_finds_two_sources_for_one_url_before_writing(
        repo: Path, capsys: Any) -> None:
    (repo / "content/status.md").write_text("# My own status page\n", encoding="utf-8")
    assert pmsite(repo, "build", "--as-of", "2026-06-30", "--site-dir",
                  str(repo / "site")) == 1
    err = capsys.readouterr().err
    assert ("content/status.md: error: [url-collision] content/status.md and generated page "
            "/status/ would both be written to status/index.html") in err
    assert "1 error" in err and "not built" in err
    assert not (repo / "site").exists() and not list(repo.glob(".site.staging-*"))
