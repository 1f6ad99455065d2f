"""Every page of the example site keeps its shape in a real browser (SPEC §5).

Builds content/ once and loads EVERY generated HTML page in one Chromium, at 1440, 1024
and 390 px wide, in the light and the dark scheme (the OS preference emulated; Material
follows it with its `default`/`slate` palette). On each page and width:

- the page never scrolls sideways (`document.scrollingElement.scrollWidth` <= viewport);
  a wide table scrolls inside its own wrapper instead;
- no table cell splits a word: a copy of the cell's content at `width: min-content` (with
  word breaking turned off) is no wider than the cell's content box;
- no request leaves the loopback server.

axe runs once per page and scheme (light at 1440 px, dark at 390 px, where the table
wrappers scroll) and must find nothing serious or critical. One browser, one tab per
scheme, each page loaded once per scheme and resized: about a minute on two cores.
"""

from __future__ import annotations

import json
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import (
    AS_OF,
    MATERIAL_SCHEME,
    REPO,
    blocking_axe,
    build_example,
    chromium,
    guard_requests,
    serve,
    site_pages,
)

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")

WIDTHS = (1440, 1024, 390)
AXE_WIDTH = {"light": 1440, "dark": 390}
TIMEOUT_MS = 15_000
EMPTY_SEARCH_INDEX = json.dumps(
    {"config": {"lang": ["en"], "separator": r"[\s\-]+", "pipeline": ["stopWordFilter"]},
     "docs": []})

# Returns the page's sideways overflow and every table cell whose content is wider than the
# cell at min-content, i.e. a cell that had to break inside a word to fit (or overflows).
MEASURE = """() => {
  const root = document.scrollingElement;
  const broken = [];
  // The theme may set word breaking on the cell's children (Material: links break words),
  // so the probe turns it off on every descendant, not only by inheritance.
  const rule = document.createElement("style");
  rule.textContent = ".pm-probe, .pm-probe * { white-space: normal !important; " +
    "overflow-wrap: normal !important; word-break: normal !important; hyphens: manual !important }";
  document.head.appendChild(rule);
  for (const cell of document.querySelectorAll("table td, table th")) {
    const box = cell.getBoundingClientRect();
    if (box.width === 0 || !cell.textContent.trim()) { continue; }
    const style = getComputedStyle(cell);
    const inner = cell.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    const probe = document.createElement("div");
    probe.className = "pm-probe";
    probe.style.cssText = "position:absolute;visibility:hidden;left:0;top:0;width:min-content";
    for (const child of cell.childNodes) { probe.appendChild(child.cloneNode(true)); }
    cell.appendChild(probe);
    const needed = probe.getBoundingClientRect().width;
    probe.remove();
    if (needed > inner + 1) {
      broken.push(`${cell.tagName.toLowerCase()} "${cell.textContent.trim().slice(0, 40)}" ` +
                  `needs ${Math.ceil(needed)} px, has ${Math.floor(inner)} px`);
    }
  }
  rule.remove();
  return {scrollWidth: root.scrollWidth, viewport: window.innerWidth, broken: broken};
}"""


@pytest.fixture(scope="module")
def origin(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, list[str]]]:
    site = build_example(tmp_path_factory.mktemp("every-page") / "site")
    with serve(site) as origin:
        yield origin, site_pages(site)


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def _visit(page: Any, url: str, scheme: str) -> None:
    page.goto(url, wait_until="load")
    if page.locator("table.sortable thead th").count():
        page.locator("table.sortable[data-pm-sortable]").first.wait_for()  # pmsite.js ran
    if page.locator("body[data-md-color-scheme]").count():
        current = page.locator("body").get_attribute("data-md-color-scheme")
        assert current == MATERIAL_SCHEME[scheme], f"{url}: Material shows {current}"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_every_page_keeps_its_shape(
    browser: Any, origin: tuple[str, list[str]], scheme: str
) -> None:
    server, paths = origin
    assert len(paths) > 50, f"the example site has only {len(paths)} pages"
    started = time.monotonic()
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 900}, color_scheme=scheme, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    foreign: list[str] = []
    guard_requests(context, server, foreign)
    # Material's search worker indexes the whole site's text on every page load; search is
    # tested in test_browser.py, so each page here gets an empty index (about half the time).
    context.route("**/search/search_index.json", lambda route: route.fulfill(
        status=200, content_type="application/json", body=EMPTY_SEARCH_INDEX))
    page = context.new_page()
    axe = axe_sync.Axe()
    problems: list[str] = []
    try:
        for path in paths:
            page.set_viewport_size({"width": WIDTHS[0], "height": 900})
            _visit(page, server + path, scheme)
            for width in WIDTHS:
                page.set_viewport_size({"width": width, "height": 900})
                found = page.evaluate(MEASURE)
                if found["scrollWidth"] > found["viewport"]:
                    problems.append(f"{path} @{width}: page is {found['scrollWidth']} px wide")
                problems.extend(f"{path} @{width}: word split in {b}" for b in found["broken"])
                if width == AXE_WIDTH[scheme]:
                    problems.extend(f"{path} @{width}: axe {v}" for v in blocking_axe(page, axe.run))
    finally:
        context.close()
    print(f"\n{scheme}: {len(paths)} pages x {len(WIDTHS)} widths in "
          f"{time.monotonic() - started:.1f} s")
    assert not foreign, "requests left 127.0.0.1:\n" + "\n".join(sorted(set(foreign)))
    assert not problems, f"{len(problems)} problems ({scheme}):\n" + "\n".join(problems)


def test_whole_header_cell_sorts_and_the_key_column_stays_in_view(
    browser: Any, origin: tuple[str, list[str]]
) -> None:
    server, _ = origin
    context = browser.new_context(viewport={"width": 390, "height": 800}, locale="en-GB")
    context.set_default_timeout(TIMEOUT_MS)
    foreign: list[str] = []
    guard_requests(context, server, foreign)
    page = context.new_page()
    try:
        _visit(page, server + "/status/", "light")
        wrapper = page.locator(".pm-scroll:has(table.pm-status-board)")
        header = wrapper.locator("thead th").nth(2)  # Overall
        button = header.locator("button.pm-sort")
        cell, text = header.bounding_box(), button.bounding_box()
        assert cell is not None and text is not None
        below = text["y"] + text["height"] + 1  # in the cell, outside the button's text
        assert below < cell["y"] + cell["height"], "the header cell has no room below its text"
        page.mouse.click(text["x"] + 2, below)
        assert header.get_attribute("aria-sort") == "ascending"
        page.mouse.click(cell["x"] + cell["width"] - 2, cell["y"] + 2)  # its far corner
        assert header.get_attribute("aria-sort") == "descending"
        button.focus()
        page.keyboard.press("Enter")  # the keyboard still sorts, once per press
        assert header.get_attribute("aria-sort") == "ascending"

        assert wrapper.get_attribute("tabindex") == "0" and wrapper.get_attribute("aria-label")
        width = wrapper.evaluate("w => [w.scrollWidth, w.clientWidth]")
        assert width[0] > width[1], f"the status board fits 390 px: {width}"
        wrapper.evaluate("w => { w.scrollLeft = w.scrollWidth; }")
        key = wrapper.locator("tbody tr").first.locator("td").first
        box, frame = key.bounding_box(), wrapper.bounding_box()
        assert box is not None and frame is not None
        assert abs(box["x"] - frame["x"]) < 1, "the key column scrolled out of view"
        assert key.evaluate("td => getComputedStyle(td).backgroundColor") not in (
            "rgba(0, 0, 0, 0)", "transparent"), "the sticky key cell lets the row show through"
    finally:
        context.close()
    assert not foreign, foreign


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs"])
def test_every_page_fits_the_screen_with_mkdocs_own_themes(
    browser: Any, tmp_path: Path, theme: str
) -> None:
    """pmsite's table and diagram rules do not lean on Material's markup: under MkDocs'
    own themes too, no page scrolls sideways at a phone's or a laptop's width."""
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: content", f"docs_dir: {REPO / 'content'}")
    config = config.replace("theme:\n  name: material", f"theme:\n  name: {theme}")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    site = tmp_path / "site"
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "-f", str(tmp_path / "mkdocs.yml"),
         "--as-of", AS_OF, "--site-dir", str(site)],
        cwd=REPO, check=False, capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr
    wide: list[str] = []
    with serve(site) as server:
        context = browser.new_context(viewport={"width": 1024, "height": 900})
        context.route("**/search/search_index.json", lambda route: route.fulfill(
            status=200, content_type="application/json", body=EMPTY_SEARCH_INDEX))
        page = context.new_page()
        try:
            for path in site_pages(site):
                page.goto(server + path, wait_until="load")
                for width in (1024, 390):
                    page.set_viewport_size({"width": width, "height": 900})
                    scroll = page.evaluate("document.scrollingElement.scrollWidth")
                    if scroll > width:
                        wide.append(f"{path} @{width}: page is {scroll} px wide")
        finally:
            context.close()
    assert not wide, f"{theme}:\n" + "\n".join(wide)
