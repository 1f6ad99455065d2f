"""Real-browser test of the built example site: Chromium (headless) via Playwright, axe-core.

Builds content/ once, serves it on 127.0.0.1 only, then clicks through it the way a reader
would: dashboard -> program -> project, Material's search, a sortable table. Every request
must stay on the loopback server (the intranet has no internet), the console must stay
clean, and axe must find nothing "serious" or "critical".

Needs a Chromium: Debian's /usr/bin/chromium (CI: apt-get install chromium), or set
PMSITE_CHROMIUM. Never run `playwright install`; the browser is not downloaded.
Screenshots go to a pytest tmp dir and are copied to /tmp/pmsite-screenshots/.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from tests.support.browser import (
    AS_OF,
    BLOCKING_IMPACTS,
    build_example,
    chromium,
    guard_requests,
    is_local,
    serve,
)

sync_api = pytest.importorskip("playwright.sync_api")
axe_sync = pytest.importorskip("axe_playwright_python.sync_playwright")
expect = sync_api.expect

SITE_NAME = "Hafenwerk Group IT Portfolio"
SCREENSHOT_COPY = Path("/tmp/pmsite-screenshots")
TIMEOUT_MS = 10_000


# ---------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_example(tmp_path_factory.mktemp("browser") / "site")


@pytest.fixture(scope="module")
def origin(site: Path) -> Iterator[str]:
    """Serve the built site from a background thread, on loopback only."""
    with serve(site) as served:
        yield served


@pytest.fixture(scope="module")
def browser() -> Iterator[object]:
    with chromium() as launched:
        yield launched


@pytest.fixture(scope="module")
def shots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("screenshots")


@dataclass
class Watched:
    """A page whose console errors, failed requests and foreign requests are recorded."""

    page: object
    origin: str
    scheme: str = "light"
    errors: list[str] = field(default_factory=list, repr=False)
    failed: list[str] = field(default_factory=list, repr=False)
    foreign: list[str] = field(default_factory=list, repr=False)
    requested: list[str] = field(default_factory=list, repr=False)

    def goto(self, path: str) -> None:
        self.page.goto(self.origin + path, wait_until="load")

    def path(self) -> str:
        return urlsplit(self.page.url).path

    def assert_clean(self) -> None:
        self.page.wait_for_load_state("networkidle")
        assert self.requested, "no requests were recorded"
        assert not self.foreign, "requests left 127.0.0.1:\n" + "\n".join(self.foreign)
        assert not self.failed, "failed requests:\n" + "\n".join(self.failed)
        assert not self.errors, "console errors:\n" + "\n".join(self.errors)


@pytest.fixture
def watched(request: pytest.FixtureRequest, browser: object, origin: str) -> Iterator[Watched]:
    scheme = getattr(request, "param", "light")  # parametrize indirectly for "dark"
    context = browser.new_context(
        viewport={"width": 1280, "height": 900}, color_scheme=scheme, locale="en-GB"
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    w = Watched(page=page, origin=origin, scheme=scheme)

    def guard(route: object) -> None:
        # Block, not just observe: a regression that adds a CDN asset fails here instead
        # of silently reaching the internet from CI.
        if is_local(route.request.url, origin):
            route.continue_()
        else:
            route.abort("blockedbyclient")

    def on_request(request: object) -> None:
        w.requested.append(request.url)
        if not is_local(request.url, origin):
            w.foreign.append(request.url)

    def on_response(response: object) -> None:
        if response.status >= 400:
            w.failed.append(f"HTTP {response.status} {response.url}")

    def on_console(message: object) -> None:
        if message.type == "error":
            w.errors.append(f"{message.text} ({message.location.get('url', '?')})")

    context.route("**/*", guard)
    context.on("request", on_request)
    context.on("response", on_response)
    def on_failed(request: object) -> None:
        # A page left while its favicon or a font still loads cancels them (ERR_ABORTED):
        # the reader's own navigation, not a broken site. Requests that leave the server
        # are caught by `foreign` above whatever their outcome.
        if request.failure != "net::ERR_ABORTED":  # type: ignore[attr-defined]
            w.failed.append(f"{request.url}: {request.failure}")  # type: ignore[attr-defined]

    context.on("requestfailed", on_failed)
    page.on("console", on_console)
    page.on("pageerror", lambda error: w.errors.append(f"uncaught: {error}"))
    try:
        yield w
    finally:
        context.close()


def _screenshot(page: object, shots: Path, name: str) -> None:
    target = shots / f"{name}.png"
    page.screenshot(path=str(target), full_page=True)
    SCREENSHOT_COPY.mkdir(parents=True, exist_ok=True)
    shutil.copy2(target, SCREENSHOT_COPY / target.name)


# ---------------------------------------------------------------- tests


def test_dashboard_shows_title_and_as_of(watched: Watched, shots: Path) -> None:
    page = watched.page
    watched.goto("/")
    expect(page).to_have_title(SITE_NAME)
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"Portfolio dashboard"))
    as_of = page.locator(f".pm-asof time[datetime='{AS_OF}']")
    expect(as_of).to_be_visible()
    expect(as_of).to_have_text(AS_OF)
    _screenshot(page, shots, "dashboard")
    watched.assert_clean()


def test_click_dashboard_to_program_to_project(watched: Watched, shots: Path) -> None:
    page = watched.page
    watched.goto("/")
    programs = page.locator("h2#programs + .pm-scroll > table")
    programs.get_by_role("link", name="Cloud & Infrastructure Modernisation", exact=True).click()
    page.wait_for_url("**/programs/cloud-infra/")
    assert watched.path() == "/programs/cloud-infra/"
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile(r"Cloud & Infrastructure Modernisation")
    )
    _screenshot(page, shots, "program-cloud-infra")

    page.locator("article").get_by_role("link", name=re.compile(r"^Network refresh")).first.click()
    page.wait_for_url("**/projects/network-refresh/")
    assert watched.path() == "/projects/network-refresh/"
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile(r"^Network refresh"))
    status = page.locator(".pm-facts dt:text-is('Status') + dd .st").first
    expect(status).to_have_text("red")
    expect(status).to_be_visible()
    _screenshot(page, shots, "project-network-refresh")
    watched.assert_clean()


def test_report_opens_with_what_changed_and_its_changes_lead_to_their_pages(
        watched: Watched, shots: Path) -> None:
    """Issue 10: the report's first section is what changed in the last 7 days, worst
    first; a change is a link to what it is about."""
    page = watched.page
    watched.goto("/report/")
    first = page.locator("article h2").first
    expect(first).to_have_text(re.compile(r"^What changed"))
    expect(first).to_be_in_viewport()
    changes = page.locator("h2#what-changed ~ ul.pm-changes").first.locator("li")
    assert changes.count() >= 3
    expect(changes.first).to_contain_text("worse")
    overdue = changes.filter(has_text="Data migration dry run #2").first
    expect(overdue).to_contain_text("is overdue (due 2026-11-13)")
    _screenshot(page, shots, "report-what-changed")
    overdue.get_by_role("link").click()
    page.wait_for_url("**/projects/crm-replatform/**")
    assert watched.path() == "/projects/crm-replatform/"
    expect(page.get_by_role("heading", name=re.compile(r"^What changed \(last 7 days\)"))
           ).to_be_visible()
    watched.assert_clean()


def test_search_finds_lakehouse(watched: Watched) -> None:
    page = watched.page
    watched.goto("/")
    page.keyboard.press("/")  # Material's shortcut focuses the search box
    box = page.locator("input.md-search__input")
    expect(box).to_be_focused()
    box.press_sequentially("lakehouse", delay=20)
    hit = page.locator(".md-search-result a[href*='projects/data-lakehouse/']").first
    expect(hit).to_be_visible()
    hit.click()
    page.wait_for_url(re.compile(r"/projects/data-lakehouse/"))
    assert watched.path() == "/projects/data-lakehouse/"
    watched.assert_clean()


def test_sortable_table_header_sorts(watched: Watched) -> None:
    page = watched.page
    watched.goto("/")
    table = page.locator("h2#programs + .pm-scroll > table.sortable")
    button = table.locator("thead button.pm-sort", has_text="Status")
    expect(button).to_have_count(1)  # pmsite.js turned the header into a button

    def rows() -> list[tuple[str, str]]:
        return table.locator("tbody tr").evaluate_all(
            "rows => rows.map(r => [r.cells[0].textContent.trim(),"
            " r.cells[1].getAttribute('data-sort')])"
        )

    before = rows()
    assert len(before) >= 2
    button.click()
    expect(table.locator("thead th").nth(1)).to_have_attribute("aria-sort", "ascending")
    after = rows()
    assert sorted(after) == sorted(before), "sorting must only reorder rows"
    assert after != before, f"order did not change: {before}"
    keys = [float(key) for _, key in after]
    assert keys == sorted(keys), f"not ascending by status: {after}"

    button.click()
    expect(table.locator("thead th").nth(1)).to_have_attribute("aria-sort", "descending")
    keys = [float(key) for _, key in rows()]
    assert keys == sorted(keys, reverse=True)
    watched.assert_clean()


# Excluded from axe: two pieces of Material's own markup, not changeable from pmsite's
# templates (the exclusion covers the whole subtree, i.e. also Material's search results):
# - .md-search: Material's search overlay is role="dialog" without an accessible name
#   (aria-dialog-name, serious); the search box inside it is labelled "Search".
# - .md-copyright: Material's "Made with Material for MkDocs" footer text, #7f7f7f on
#   #171717 = 4.47:1 (color-contrast, serious, light scheme only).
AXE_CONTEXT = {"include": [["body"]], "exclude": [[".md-search"], [".md-copyright"]]}


@pytest.mark.parametrize("watched", ["light", "dark"], indirect=True)
@pytest.mark.parametrize(
    "path", ["/", "/programs/cloud-infra/", "/projects/network-refresh/"], ids=str.strip
)
def test_axe_no_serious_violations(watched: Watched, path: str) -> None:
    page = watched.page
    watched.goto(path)
    page.locator("button.pm-sort").first.wait_for()  # let pmsite.js run first
    # Material follows the reader's OS preference: light -> "default", dark -> "slate".
    material = {"light": "default", "dark": "slate"}[watched.scheme]
    expect(page.locator("body")).to_have_attribute("data-md-color-scheme", material)
    results = axe_sync.Axe().run(page, context=AXE_CONTEXT)
    blocking = [v for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS]
    report = "\n".join(
        f"  {v['id']} ({v['impact']}, {len(v['nodes'])} nodes) first target "
        f"{v['nodes'][0]['target'] if v['nodes'] else '-'}: {v['help']}"
        for v in blocking
    )
    assert not blocking, f"axe on {path} ({watched.scheme} scheme):\n{report}"
    watched.assert_clean()


# ---------------------------------------------------------------- the offline scan's URLs


URL_FORMS = ["\\\\other.example/a.png", "/\\other.example/b.png", "/&#9;/other.example/c.png",
             "&#10;h&#9;ttps://other.example/d.png", " //other.example/e.png",
             "\\other.example/f.png", "..\\other.example/g.png", "other.example/h.png",
             "/other.example/i.png", "./\\\\other.example/j.png", "HTTP:\\\\other.example/l.png"]
"""Ways to write an image's URL, some leaving the site and some not, as a browser reads them.
(Not `http:/host/x.png`: it leaves from a page served over https only, and the scan counts
it, as a site may be served either way.)"""


def test_the_offline_scan_reads_an_image_url_as_the_browser_does(
        browser: Any, tmp_path: Path) -> None:
    """For each way of writing `src`, Chromium's own requests say whether the image
    loads from outside the site; `offline._leaves` must say the same."""
    from html import unescape

    from generator.offline import _leaves

    (tmp_path / "index.html").write_text(
        "<!doctype html><title>u</title>" + "".join(
            f'<img src="{form}" alt="{n}">' for n, form in enumerate(URL_FORMS)),
        encoding="utf-8")
    with serve(tmp_path) as origin:
        context = browser.new_context()
        foreign: list[str] = []
        guard_requests(context, origin, foreign)
        page = context.new_page()
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        page.goto(origin + "/", wait_until="load")
        context.close()
    images = sorted(url for url in requested if url.endswith(".png"))
    leaving = {urlsplit(url).path.rsplit("/", 1)[-1] for url in foreign if url.endswith(".png")}
    assert len(images) == len(URL_FORMS), images
    assert leaving, images  # (the forms above are meant to include some that leave)
    assert {form.rsplit("/", 1)[-1] for form in URL_FORMS if _leaves(unescape(form))} == leaving
