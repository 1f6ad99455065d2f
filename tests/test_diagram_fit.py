"""Diagrams fit their column (issue 9): Chromium loads every page that carries a diagram at
a desktop, a tablet and a phone width, light and dark, and measures what it drew.

On each page: the body never scrolls sideways; every diagram lies inside its figure or
inside the figure's sideways scroller; no diagram text is drawn smaller than 10 px; no
node label runs out of its box and no roadmap title into the status column (measured with
the browser's getBBox, not computed); every "Open full size" link answers 200 with an
SVG; every label cut short has its full text in a <title>. Screenshots of a program page
and the dependencies page at 1440 and 390 px go to /tmp/pmsite-screenshots/.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import (
    MATERIAL_SCHEME,
    build_example,
    chromium,
    guard_requests,
    serve,
    site_pages,
)

sync_api = pytest.importorskip("playwright.sync_api")

WIDTHS = (1440, 1024, 390)
SCHEMES = ("light", "dark")
FIXED_PAGES = ("/", "/dependencies/", "/roadmap/", "/risks/",
               "/projects/crm-replatform/", "/projects/network-refresh/")
SHOTS = Path("/tmp/pmsite-screenshots")
MIN_TEXT_PX = 10.0
SLACK = 0.6
"""Rounding in the browser's geometry, in px."""

MEASURE = """() => {
  const out = {bodyScroll: document.documentElement.scrollWidth,
               bodyWidth: document.documentElement.clientWidth,
               scheme: document.body.getAttribute('data-md-color-scheme'),
               diagrams: [], problems: []};
  const bad = (what) => out.problems.push(what);
  for (const svg of document.querySelectorAll('svg.pmsite-diagram')) {
    const name = svg.getAttribute('aria-labelledby');
    const figure = svg.closest('figure');
    const scroller = svg.closest('.pm-fit-scroll');
    const box = svg.getBoundingClientRect();
    const fig = figure.getBoundingClientRect();
    const view = svg.viewBox.baseVal;
    const scale = box.width / view.width;
    out.diagrams.push({name, width: box.width, scale,
                       bg: getComputedStyle(svg.querySelector('.bg')).fill,
                       open: figure.querySelector('a.pm-fit-open')?.href || null});
    if (box.left < fig.left - 0.6) bad(`${name}: starts left of its figure`);
    if (box.right > fig.right + 0.6) {
      if (!scroller) { bad(`${name}: wider than its figure, no scroller`); }
      else {
        const style = getComputedStyle(scroller);
        const sbox = scroller.getBoundingClientRect();
        if (!['auto', 'scroll'].includes(style.overflowX)) bad(`${name}: scroller does not scroll`);
        if (sbox.right > fig.right + 0.6) bad(`${name}: scroller wider than its figure`);
        if (scroller.scrollWidth + 0.6 < box.width) bad(`${name}: cannot scroll to its end`);
      }
    }
    for (const text of svg.querySelectorAll('text')) {
      const px = parseFloat(getComputedStyle(text).fontSize) * scale;
      if (px < 9.99) bad(`${name}: "${text.textContent}" drawn at ${px.toFixed(2)} px`);
      const t = text.getBoundingClientRect();
      if (t.left < box.left - 0.6 || t.right > box.right + 0.6 || t.bottom > box.bottom + 0.6)
        bad(`${name}: "${text.textContent}" outside the diagram`);
    }
    for (const node of svg.querySelectorAll('g.node')) {
      const r = node.querySelector('rect.box').getBBox();
      for (const text of node.querySelectorAll('text')) {
        if (text.closest('.flyout')) continue;
        const b = text.getBBox();
        for (const span of text.querySelectorAll('tspan')) {
          if (span.getComputedTextLength() > r.width - 10 + 0.6)
            bad(`${name}: line "${span.textContent}" wider than its node`);
        }
        if (b.x < r.x - 0.6 || b.x + b.width > r.x + r.width + 0.6 ||
            b.y < r.y - 0.6 || b.y + b.height > r.y + r.height + 0.6)
          bad(`${name}: "${text.textContent}" overflows node ${node.dataset.id}`);
      }
    }
    for (const row of svg.querySelectorAll('g.row')) {
      const dot = row.querySelector(':scope > circle.sf');
      const label = row.querySelector('text.label');
      if (dot && label) {
        const b = label.getBBox();
        if (b.x + b.width > dot.cx.baseVal.value - 4 + 0.6)
          bad(`${name}: row title "${label.textContent}" runs into its status`);
      }
    }
    for (const text of svg.querySelectorAll('text.label')) {
      if (!text.textContent.includes('\\u2026')) continue;
      const holder = text.closest('g.node, g.row');
      const title = holder && holder.querySelector('title');
      const first = text.querySelector('tspan') || text;
      const shown = first.textContent.replace('\\u2026', '').replace('\\u25c6', '').trim();
      if (!title || !title.textContent.includes(shown))
        bad(`${name}: "${text.textContent}" is cut short without its full text in a <title>`);
    }
  }
  return out;
}"""


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("fit") / "site")


@pytest.fixture(scope="module")
def origin(site: Path) -> Iterator[str]:
    with serve(site) as url:
        yield url


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    with chromium() as launched:
        yield launched


def diagram_pages(site: Path) -> list[str]:
    """Every page of the site that carries a diagram (the fixed pages must be among them)."""
    def html(path: str) -> str:
        file = site / path.lstrip("/")
        return (file / "index.html" if path.endswith("/") else file).read_text(encoding="utf-8")

    pages = [path for path in site_pages(site)
             if path in FIXED_PAGES or 'class="pmsite-diagram' in html(path)]
    assert set(FIXED_PAGES) <= set(pages)
    assert sum(p.startswith("/programs/") for p in pages) >= 3, "no program pages"
    return pages


@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize("width", WIDTHS)
def test_every_diagram_fits_and_stays_legible(browser: Any, origin: str, site: Path,
                                              width: int, scheme: str) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900},
                                  color_scheme=scheme, locale="en-GB")
    foreign: list[str] = []
    guard_requests(context, origin, foreign)
    page = context.new_page()
    problems: list[str] = []
    links: set[str] = set()
    drawn = 0
    try:
        for path in diagram_pages(site):
            response = page.goto(origin + path)
            assert response is not None and response.ok, path
            found = page.evaluate(MEASURE)
            assert found["scheme"] == MATERIAL_SCHEME[scheme], path
            assert found["bodyScroll"] <= found["bodyWidth"], (
                f"{path} scrolls sideways at {width} px: {found['bodyScroll']} px wide")
            problems += [f"{path}: {p}" for p in found["problems"]]
            for diagram in found["diagrams"]:
                drawn += 1
                dark = diagram["bg"] == "rgb(30, 30, 30)"
                assert dark == (scheme == "dark"), (path, diagram["name"], diagram["bg"])
                assert diagram["open"], f"{path}: {diagram['name']} has no full-size link"
                links.add(diagram["open"])
            if path in ("/dependencies/", "/programs/cloud-infra/") and width in (1440, 390):
                name = path.strip("/").replace("/", "-")
                SHOTS.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=str(SHOTS / f"fit-{name}-{width}-{scheme}.png"),
                                full_page=True)
        for link in sorted(links):
            answer = page.request.get(link)
            assert answer.status == 200, link
            assert answer.headers["content-type"].startswith("image/svg"), link
            assert answer.text().lstrip().startswith("<?xml"), link
    finally:
        context.close()
    assert not foreign, foreign
    assert drawn >= 10, "too few diagrams found: the pages changed?"
    assert not problems, "\n".join(problems[:40])


def test_a_shortened_label_shows_its_whole_text_on_focus(browser: Any, origin: str) -> None:
    """SPEC §5: "a label that must be shortened shows its whole text on hover and focus":
    the <title> on hover, and a panel with the whole title while the node has focus."""
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    try:
        page.goto(origin + "/programs/cloud-infra/")
        node = page.locator("svg.pmsite-deps g.node:has(g.flyout)").first
        flyout = node.locator("g.flyout")
        full = node.locator("title").text_content() or ""
        whole = " ".join(flyout.locator("tspan").all_text_contents()).lstrip("\u25c6 ")
        assert whole and whole in full and "\u2026" not in whole
        assert flyout.evaluate("e => getComputedStyle(e).opacity") == "0"
        node.locator("a").focus()
        assert flyout.evaluate("e => getComputedStyle(e).opacity") == "1"
        assert flyout.evaluate("e => getComputedStyle(e).pointerEvents") == "none"
    finally:
        context.close()


def test_a_wide_diagram_scrolls_inside_its_figure_on_a_phone(browser: Any, origin: str
                                                             ) -> None:
    """The program graph is wider than a phone: it keeps a legible size and its scroller
    scrolls (and only it), with the hint shown; printed, it fits the page; on a desktop
    a roadmap fits without scrolling or hint."""
    context = browser.new_context(viewport={"width": 390, "height": 900})
    page = context.new_page()
    try:
        page.goto(origin + "/programs/cloud-infra/")
        scroller = page.locator("figure.pm-diagram .pm-fit-scroll").last
        sizes = scroller.evaluate("e => [e.scrollWidth, e.clientWidth]")
        assert sizes[0] > sizes[1] + 50
        assert page.locator("figure.pm-diagram").last.locator(".pm-fit-hint").is_visible()
        scroller.evaluate("e => e.scrollLeft = e.scrollWidth")
        assert scroller.evaluate("e => e.scrollLeft") > 0
        page.emulate_media(media="print")  # on paper it shrinks to the page: nothing cut
        widths = scroller.evaluate(
            "e => [e.querySelector('svg.pmsite-diagram').getBoundingClientRect().width,"
            " e.closest('figure').getBoundingClientRect().width]")
        assert widths[0] <= widths[1] + 0.5
        page.emulate_media(media="screen")
        page.set_viewport_size({"width": 1440, "height": 900})
        roadmap = page.locator("figure.pm-roadmap")
        assert roadmap.locator(".pm-fit-scroll").evaluate(
            "e => e.scrollWidth <= e.clientWidth")
        hint = roadmap.locator(".pm-fit-hint")
        assert hint.count() == 0 or not hint.is_visible()
    finally:
        context.close()

