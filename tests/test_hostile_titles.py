"""Nothing from content runs in a reader's browser, whoever prints it: pmsite, MkDocs or the theme.

The example site is copied with every title and description (records of every kind,
ordinary pages, a page titled by its first heading, the site's own name and description)
replaced by markup that tries every way out of text, attributes and `<title>`. It is built
under Material, MkDocs' own theme and readthedocs; then (1) no tag or attribute from
content may survive anywhere in the HTML, and (2) every page, loaded in the real browser,
runs none of it (dialogs and calls to alert are watched), Material's search included.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.utils.meta import get_data

from generator.htmlstash import FIGURE_END, FIGURE_START
from generator.offline import page_references
from generator.pipeline import check
from generator.sanitize import sanitize
from generator.settings import load_settings
from generator.site import plan_site
from tests.support.browser import chromium as launch_chromium
from tests.support.browser import is_local, serve
from tests.support.hostile import MARKER, hostile_copy
from tests.support.htmlevents import events

REPO = Path(__file__).resolve().parents[1]
AS_OF = "2026-11-20"
THEMES = {"material": None, "mkdocs": "mkdocs", "readthedocs": "readthedocs"}


@pytest.fixture(scope="module", params=sorted(THEMES))
def hostile_site(request: pytest.FixtureRequest,
                 tmp_path_factory: pytest.TempPathFactory) -> tuple[str, Path]:
    root = tmp_path_factory.mktemp(f"hostile-{request.param}")
    config = hostile_copy(REPO, root, THEMES[request.param])
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--as-of", AS_OF, "-f", str(config)],
        cwd=root, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, f"build failed:\n{done.stdout}\n{done.stderr}"
    return request.param, root / "site"


class _Markup(HTMLParser):
    """Every tag and attribute that came from content (they carry MARKER) or runs script."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []
        self.title = ""
        self._in_title = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_title = tag == "title"
        if MARKER in tag:
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if MARKER in name or name.startswith("on"):
                self.found.append(f"<{tag} {name}={value!r}>")

    def handle_endtag(self, tag: str) -> None:
        self._in_title = False

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title += data


def _html_pages(site: Path) -> list[Path]:
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50, "the hostile site lost its pages"
    return pages


def test_no_tag_or_attribute_from_content_survives(hostile_site: tuple[str, Path]) -> None:
    theme, site = hostile_site
    found = {}
    for path in _html_pages(site):
        parser = _Markup()
        parser.feed(path.read_text(encoding="utf-8"))
        if parser.found:
            found[path.relative_to(site).as_posix()] = parser.found[:3]
    assert not found, f"{theme}: markup from content in {len(found)} pages: {found}"


def test_the_diagrams_need_no_cleaning(hostile_site: tuple[str, Path]) -> None:
    """What lets a page's diagrams skip the sanitizer (`htmlstash.sanitized`): cleaning
    them changes nothing a parser reads, every label and tooltip hostile as they are."""
    _, site = hostile_site
    figures = []
    for path in _html_pages(site):
        page = path.read_text(encoding="utf-8")
        position = 0
        while (start := page.find(FIGURE_START, position)) >= 0:
            position = page.index(FIGURE_END, start) + len(FIGURE_END)
            figures.append(page[start:position])
    assert len(figures) > 20 and sum(MARKER in figure for figure in figures) > 10
    for figure in figures:
        assert events(sanitize(figure)) == events(figure)


@pytest.fixture(scope="module")
def hostile_blocks(tmp_path_factory: pytest.TempPathFactory) -> list[list[str]]:
    """The template blocks of every page of the hostile example (`htmlstash.stash`), as
    the plugin has them to put back after cleaning (no theme changes them)."""
    config = hostile_copy(REPO, tmp_path_factory.mktemp("hostile-blocks"), None)
    result = check(load_settings(config), date.fromisoformat(AS_OF))
    assert not result.diagnostics.errors
    plan = plan_site(result)
    pages = []
    for src_uri in sorted(plan.pages):
        pages.append(plan.page_source(src_uri, "")[1])
    for src_uri in sorted(plan.records):
        text = (result.settings.docs_dir / src_uri).read_text(encoding="utf-8")
        pages.append(plan.page_source(src_uri, get_data(text)[0])[1])
    return pages


def test_the_template_blocks_need_no_cleaning(hostile_blocks: list[list[str]]) -> None:
    """What lets a page's template blocks skip the sanitizer (`htmlstash.sanitized`): with
    every title and description hostile, cleaning them changes nothing a parser reads,
    and they load nothing from outside the site (`offline.page_references` searches
    them as it searches cleaned HTML)."""
    assert len(hostile_blocks) > 50
    joined = ["".join(blocks) for blocks in hostile_blocks]
    assert sum(MARKER in page for page in joined) > 50
    assert sum(page.count(FIGURE_START) for page in joined) > 20
    for page in joined:
        assert events(sanitize(page)) == events(page)
        assert page_references(page) == []


def test_hostile_titles_still_read_as_their_text(hostile_site: tuple[str, Path]) -> None:
    """The escaping keeps the words: a record's `<title>` shows its whole hostile title."""
    _, site = hostile_site
    parser = _Markup()
    parser.feed((site / "projects/network-refresh/index.html").read_text(encoding="utf-8"))
    assert "onerror=alert(" in parser.title and "\u2039img src=x" in parser.title


def test_search_index_carries_no_markup_from_content(hostile_site: tuple[str, Path]) -> None:
    """Material's index holds HTML that its search shows as HTML: no markup from content.

    (MkDocs' own search index holds plain text, which its script escapes on display; the
    browser test below searches with it too.)
    """
    theme, site = hostile_site
    if theme != "material":
        return
    index = json.loads((site / "search/search_index.json").read_text(encoding="utf-8"))
    for doc in index["docs"]:
        for field in ("title", "text"):
            value = doc.get(field, "")
            assert f"<{MARKER}" not in value and "<svg" not in value and "<img" not in value, (
                f"{theme}: {doc.get('location')} {field}: {value[:200]!r}")


# ---------------------------------------------------------------- the real browser


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    with launch_chromium() as browser:
        yield browser


@pytest.fixture(scope="module")
def served(hostile_site: tuple[str, Path]) -> Iterator[tuple[str, Path, str]]:
    theme, site = hostile_site
    with serve(site) as origin:
        yield theme, site, origin


# Runs before any page script: a payload that calls alert/confirm/prompt is recorded even
# if the dialog were suppressed, and so is any script that touches the marker global.
_WATCH = """
window.__pmsite_ran = [];
for (const name of ['alert', 'confirm', 'prompt']) {
  const original = window[name];
  window[name] = function (...args) { window.__pmsite_ran.push(name + ':' + args.join(',')); };
}
"""


def test_no_script_from_content_runs_in_the_browser(
        chromium: object, served: tuple[str, Path, str]) -> None:
    theme, site, origin = served
    context = chromium.new_context(viewport={"width": 1280, "height": 900})  # type: ignore[attr-defined]
    context.add_init_script(_WATCH)
    context.route("**/*", lambda route: route.continue_() if is_local(route.request.url, origin)
                  else route.abort("blockedbyclient"))
    dialogs: list[str] = []
    ran: dict[str, list[str]] = {}
    page = context.new_page()
    page.on("dialog", lambda dialog: (dialogs.append(f"{page.url}: {dialog.message}"),
                                      dialog.dismiss()))
    try:
        for path in _html_pages(site):
            rel = path.relative_to(site).as_posix()
            url = f"{origin}/{rel.removesuffix('index.html')}"
            page.goto(url, wait_until="load")
            page.mouse.move(400, 300)
            calls = page.evaluate("window.__pmsite_ran")
            if calls:
                ran[rel] = calls
        _search(page, theme, origin)
        calls = page.evaluate("window.__pmsite_ran")
        if calls:
            ran["search"] = calls
    finally:
        context.close()
    assert not dialogs, f"{theme}: dialogs opened: {dialogs[:5]}"
    assert not ran, f"{theme}: script from content ran: {dict(list(ran.items())[:5])}"


def _search(page: object, theme: str, origin: str) -> None:
    """Search for the hostile titles with the theme's own search, and wait for results."""
    if theme == "material":
        page.goto(origin + "/", wait_until="load")  # type: ignore[attr-defined]
        page.keyboard.press("/")  # type: ignore[attr-defined]
        page.locator("input.md-search__input").press_sequentially(  # type: ignore[attr-defined]
            "T22", delay=10)
        results = ".md-search-result__item"
    else:  # MkDocs' search script (both of its themes) runs `?q=` on load
        start = "/search.html" if theme == "readthedocs" else "/"
        page.goto(f"{origin}{start}?q=T22", wait_until="load")  # type: ignore[attr-defined]
        results = "#mkdocs-search-results article"
    # (MkDocs' theme fills its results into the closed search dialog: attached, not shown.)
    page.locator(results).first.wait_for(state="attached", timeout=10_000)  # type: ignore[attr-defined]
    page.wait_for_timeout(300)  # type: ignore[attr-defined]
