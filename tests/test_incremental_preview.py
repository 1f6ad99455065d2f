"""The incremental preview (generator/incremental.py) against a full preview build: after
each kind of edit of the example content, every file of the preview's site is the same
bytes as a full build of the edited content (what `pmsite serve` wrote before it was
incremental), and only the edited file is read again."""

from __future__ import annotations

import gc
import re
import shutil
import threading
import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig

from generator import incremental, loadcache
from generator.incremental import UPDATING, IncrementalPreview
from generator.loadcache import DocumentCache
from generator.mkdocs_plugin import BuildValues
from generator.pipeline import check
from generator.preview import _build, _pages_on_request
from generator.settings import load_settings
from tests.conftest import AS_OF as CHECK_AS_OF
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site

AS_OF = date(2026, 11, 20)
SERVE_URL = "http://127.0.0.1:8000/"
VALUES = BuildValues(AS_OF, keep_going=True)
CRM = "projects/crm-replatform/charter.md"
REPORT = "projects/crm-replatform/status/2026-11-13.md"
HANDBOOK = "handbook/how-we-report.md"


class Site:
    """A copy of the example site, its incremental preview, and full builds to compare."""

    def __init__(self, root: Path) -> None:
        self.root = root
        shutil.copytree(REPO / "content", root / "content")
        shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
        self.preview = IncrementalPreview(self.loader(root / "preview"), VALUES, SERVE_URL,
                                          _build)
        self.preview.full_build()
        self.builds = 0

    def loader(self, site_dir: Path) -> Callable[[], MkDocsConfig]:
        return lambda: load_config(str(self.root / "mkdocs.yml"), site_dir=str(site_dir))

    def edit(self, rel: str, old: str, new: str) -> None:
        path = self.root / "content" / rel
        text = path.read_text(encoding="utf-8")
        assert text.count(old) == 1, (rel, old)
        path.write_text(text.replace(old, new), encoding="utf-8")

    def set_overall(self, value: str) -> None:
        """The status report's overall status, set to `value` (whatever it was)."""
        path = self.root / "content" / REPORT
        text = path.read_text(encoding="utf-8")
        if f"\noverall: {value}\n" in text:  # already: another value first, then this
            self.set_overall("red" if value != "red" else "green")
            assert not self.preview.update().full
            self.preview.finish()
            text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^overall: \w+$", f"overall: {value}", text),
                        encoding="utf-8")

    def full(self) -> dict[str, bytes]:
        """A full preview build of the content as it is now: path -> bytes."""
        self.builds += 1
        folder = self.root / f"full{self.builds}"
        _build(self.loader(folder)(), VALUES, SERVE_URL)
        return _tree(folder)

    def preview_tree(self) -> dict[str, bytes]:
        return _tree(self.root / "preview")


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _assert_same(preview: dict[str, bytes], full: dict[str, bytes]) -> None:
    assert sorted(preview) == sorted(full)
    differ = [name for name in full if preview[name] != full[name]]
    assert not differ, f"{len(differ)} files differ from a full build: {differ[:10]}"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Site]:
    yield Site(tmp_path_factory.mktemp("incremental"))


def test_the_first_build_is_a_full_preview_build(site: Site) -> None:
    _assert_same(site.preview_tree(), site.full())


def _incremental(site: Site, edited: str) -> None:
    """Update and finish without a full build, having read only `edited`."""
    builds = site.preview.full_builds
    outcome = site.preview.update()
    assert not outcome.full and outcome.read == [edited]
    assert site.preview.finish()
    assert site.preview.full_builds == builds


def test_an_edit_reads_only_the_edited_file(site: Site) -> None:
    site.set_overall("red")
    _incremental(site, REPORT)
    _assert_same(site.preview_tree(), site.full())


def test_a_status_report_edit_updates_project_program_and_dashboard(site: Site) -> None:
    before = site.preview_tree()
    site.set_overall("green")
    assert not site.preview.update().full
    # The page a browser asks for first is right before the background pass...
    site.preview.ensure("projects/crm-replatform/index.html")
    page = site.preview_tree()["projects/crm-replatform/index.html"]
    assert page != before["projects/crm-replatform/index.html"]
    # ...and after it, every page.
    site.preview.finish()
    full = site.full()
    assert page == full["projects/crm-replatform/index.html"]
    _assert_same(site.preview_tree(), full)
    rendered = set(site.preview.rendered)
    assert {"index.md", "projects/crm-replatform.md"} <= rendered
    assert len(rendered) < len(site.preview.doc_files) / 2  # not everything again


@pytest.mark.parametrize(("old", "new"), [
    ("phase: execution", "phase: closing"),  # the charter's state
    ("    due: 2027-01-15\n", "    due: 2027-02-26\n"),  # a milestone date
    ("  - on: identity-platform#sso-live", "  - on: identity-platform"),  # a dependency
], ids=["phase", "milestone", "dependency"])
def test_a_charter_edit_updates_every_page_that_shows_it(site: Site, old: str,
                                                           new: str) -> None:
    site.edit(CRM, old, new)
    _incremental(site, CRM)
    _assert_same(site.preview_tree(), site.full())


def test_a_hand_written_page_edit_renders_that_page_only(site: Site) -> None:
    site.edit(HANDBOOK, "how often, and what", "how often and what")
    _incremental(site, HANDBOOK)
    assert site.preview.rendered == [HANDBOOK]
    _assert_same(site.preview_tree(), site.full())


def test_a_new_title_in_the_nav_renders_every_page_again(site: Site) -> None:
    site.edit(HANDBOOK, "# How we report", "# How we report status")
    _incremental(site, HANDBOOK)
    assert len(site.preview.rendered) > len(site.preview.doc_files)
    _assert_same(site.preview_tree(), site.full())


class _Server:
    """What `_pages_on_request` uses of MkDocs' LiveReloadServer."""

    mount_path = "/"

    def __init__(self) -> None:
        self.served: list[str] = []

    def serve_request(self, environ: dict[str, Any], start_response: Any) -> list[bytes]:
        self.served.append(environ["PATH_INFO"])
        return []


def test_a_requested_page_is_rendered_before_it_is_served(site: Site) -> None:
    server = _Server()
    app = _pages_on_request(server, site.preview)  # type: ignore[arg-type]
    site.edit(CRM, "title: Pilot go-live (Benelux sales & service)",
              "title: Pilot go-live (Benelux sales and service)")
    assert not site.preview.update().full
    assert {"projects/crm-replatform.md", "roadmap.md"} <= site.preview.stale
    app({"PATH_INFO": "/projects/crm-replatform/"}, None)
    assert server.served == ["/projects/crm-replatform/"]
    assert "projects/crm-replatform.md" not in site.preview.stale
    assert "roadmap.md" in site.preview.stale  # not asked for yet: the background pass's
    page = site.preview_tree()["projects/crm-replatform/index.html"]
    assert b"Benelux sales and service" in page
    site.preview.finish()
    full = site.full()
    assert page == full["projects/crm-replatform/index.html"]
    _assert_same(site.preview_tree(), full)


def test_a_diagram_that_appears_with_its_file_ends_in_a_full_build(site: Site) -> None:
    site.edit("projects/office-move/charter.md", "phase: planning\n",
              "phase: planning\ndepends_on:\n  - on: crm-replatform\n")
    builds = site.preview.full_builds
    assert not site.preview.update().full
    site.preview.ensure("projects/office-move/index.html")
    assert site.preview.full_builds == builds  # the page first, then the new file's build
    assert site.preview.finish()
    assert site.preview.full_builds == builds + 1
    preview = site.preview_tree()
    assert "projects/office-move/diagram-dependencies.svg" in preview
    _assert_same(preview, site.full())


def test_a_content_error_shows_on_every_page_and_goes_again(site: Site) -> None:
    site.edit(CRM, "program: customer-experience", "program: customer-exp")
    site.preview.update()
    site.preview.finish()
    preview = site.preview_tree()
    assert b"content error" in preview["handbook/how-we-report/index.html"]
    _assert_same(preview, site.full())
    site.edit(CRM, "program: customer-exp", "program: customer-experience")
    site.preview.update()
    site.preview.finish()
    _assert_same(site.preview_tree(), site.full())


def test_a_new_file_is_a_full_build_and_edits_go_on_after_it(site: Site) -> None:
    (site.root / "content" / "handbook" / "glossary.md").write_text(
        "# Glossary\n\nRAG: red, amber, green.\n", encoding="utf-8")
    builds = site.preview.full_builds
    assert site.preview.update().full
    assert site.preview.full_builds == builds + 1
    _assert_same(site.preview_tree(), site.full())
    site.set_overall("amber")
    _incremental(site, REPORT)
    _assert_same(site.preview_tree(), site.full())


def test_the_cache_reports_an_unchanged_file_s_problems_again(tmp_path: Path) -> None:
    files = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM, "projects/a.md": project("a"),
             "broken.yml": "kind: risk\ntitle: [unclosed\n", "bad.md": b"# caf\xe9\n"}
    settings = load_settings(write_site(tmp_path, files))
    cache = DocumentCache()
    first = check(settings, CHECK_AS_OF, cache.read)
    assert len(cache.read_paths) == 5
    cache.start()
    again = check(settings, CHECK_AS_OF, cache.read)
    assert cache.read_paths == []
    assert [d.to_text() for d in again.diagnostics] == [d.to_text() for d in first.diagnostics]
    assert {d.code for d in again.diagnostics.errors} >= {"encoding", "yaml-syntax"}
    assert again.diagnostics.sorted() == check(settings, CHECK_AS_OF).diagnostics.sorted()
    (tmp_path / "content" / "bad.md").write_text("# café\n", encoding="utf-8")
    cache.start()
    fixed = check(settings, CHECK_AS_OF, cache.read)
    assert cache.read_paths == [tmp_path / "content" / "bad.md"]
    assert "encoding" not in {d.code for d in fixed.diagnostics}


def test_the_cache_takes_the_stamps_it_is_given(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    """The preview's snapshot stamps every file just before a check: the cache stats only
    what it reads (again afterwards, to see that it did not change meanwhile)."""
    settings = load_settings(write_site(tmp_path, {"portfolio.md": PORTFOLIO,
                                                   "projects/a.md": project("a")}))
    cache = DocumentCache()
    check(settings, CHECK_AS_OF, cache.read)
    edited = tmp_path / "content" / "projects" / "a.md"
    edited.write_text(project("a").replace("title: Project a", "title: Renamed"),
                      encoding="utf-8")
    known = incremental.snapshot([settings.docs_dir], [])
    assert set(known) == {str(settings.docs_dir / "portfolio.md"), str(edited)}
    statted: list[str] = []
    real = loadcache.stamp
    monkeypatch.setattr(loadcache, "stamp", lambda path: statted.append(str(path)) or real(path))
    cache.start(known)
    again = check(settings, CHECK_AS_OF, cache.read)
    assert cache.read_paths == [edited] and statted == [str(edited)]
    renamed = again.model.records.get("a")
    assert renamed is not None and renamed.title == "Renamed"
    cache.start()  # no stamps given: every file's own
    check(settings, CHECK_AS_OF, cache.read)
    assert len(statted) == 3 and cache.read_paths == []


def test_closing_stops_the_background_pass_before_the_folder_goes(site: Site) -> None:
    """`pmsite serve` removes its folder on exit: the background pass of the last edit
    must have stopped by then, not write into a removed folder (or run on in a process
    that goes on to other work)."""
    site.set_overall("amber")
    site.preview.rebuild()  # update now, the rest in a background thread
    thread = site.preview._thread
    assert thread is not None and thread.is_alive()
    site.preview.close()
    assert not thread.is_alive()
    site.preview.finish()  # what the pass left is still done right afterwards
    _assert_same(site.preview_tree(), site.full())


def test_an_edit_goes_ahead_of_the_background_pass(site: Site) -> None:
    """A lock is not fair: the background pass takes it again after every page, and an
    edit waited seconds for it. An update says it is waiting (`_waiting`), and the pass
    takes no page while anyone is."""
    preview = site.preview
    site.set_overall("red")
    assert not preview.update().full
    site.set_overall("amber")
    preview._lock.acquire()  # a page of the pass being rendered, say
    updating = threading.Thread(target=preview.update)
    updating.start()
    try:
        deadline = time.monotonic() + 10
        while UPDATING not in preview._waiting and time.monotonic() < deadline:
            time.sleep(0.01)
        assert UPDATING in preview._waiting  # the edit says it is waiting
    finally:
        preview._lock.release()
    updating.join(60)
    assert not updating.is_alive() and UPDATING not in preview._waiting
    rendered = list(preview.rendered)
    preview._waiting.append("someone")
    passing = threading.Thread(target=preview.finish)
    passing.start()
    time.sleep(0.3)
    assert preview._lock.acquire(blocking=False)  # the pass holds no lock meanwhile
    preview._lock.release()
    assert preview.rendered == rendered  # and has rendered no page
    preview._waiting.remove("someone")
    passing.join(120)
    assert not passing.is_alive()
    _assert_same(site.preview_tree(), site.full())


def test_what_edits_replaced_is_freed_by_the_next_background_pass(
        site: Site, monkeypatch: pytest.MonkeyPatch) -> None:
    """An edit's new objects are kept out of the collector's sight (it took a third of a
    second after every edit); the cycles of the models and plans they replace are freed
    when the next background pass starts, however many edits came before it."""
    preview = site.preview
    found: list[int] = []

    def collect() -> None:  # incremental._collect, counting what it frees
        gc.unfreeze()
        found.append(gc.collect())
        gc.freeze()

    monkeypatch.setattr(incremental, "_collect", collect)
    replaced = []
    for value in ("red", "amber", "green"):  # edits faster than any background pass
        site.set_overall(value)
        replaced.append(preview.plan)
        assert not preview.update().full
        # The plan replaced is not freed on the way to the browser (0.1-0.2 s at 1,000
        # projects), and no more than MAX_RETIRED wait for the background pass.
        assert preview._retired[-1] is replaced[-1] and preview.plan is not replaced[-1]
        assert len(preview._retired) <= incremental.MAX_RETIRED
    assert found == [] and len(preview._retired) == incremental.MAX_RETIRED
    del replaced
    site.set_overall("red")
    preview.rebuild()
    deadline = time.monotonic() + 60
    while not found and time.monotonic() < deadline:
        time.sleep(0.05)
    assert found and found[0] > 1000  # the replaced models' and plans' cycles
    assert preview._retired == []
    preview.close()
    preview.finish()
    _assert_same(site.preview_tree(), site.full())
