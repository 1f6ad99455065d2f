"""Shared pieces of the Chromium tests: build the example site, serve it on loopback, launch
Debian's Chromium through Playwright with every request outside the server blocked.

Never runs `playwright install`: the browser is /usr/bin/chromium (or PMSITE_CHROMIUM).
"""

from __future__ import annotations

import functools
import http.server
import os
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20"
CHROMIUM = os.environ.get("PMSITE_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # CI runs as root
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
BLOCKING_IMPACTS = frozenset({"serious", "critical"})
MATERIAL_SCHEME = {"light": "default", "dark": "slate"}
"""Material's palette scheme for the reader's OS preference (mkdocs.yml `media:` palettes)."""
AXE_CONTEXT = {"include": [["body"]], "exclude": [[".md-search"], [".md-copyright"]]}
"""Material's own markup axe may not judge (see tests/test_browser.py for why)."""


def build_example(site: Path) -> Path:
    """Build content/ as of AS_OF into `site`; fail with the build's output if it fails."""
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "--as-of", AS_OF, "--site-dir", str(site)],
        cwd=REPO, check=False, capture_output=True, text=True, timeout=180,
    )
    assert done.returncode == 0, f"build failed:\n{done.stdout}\n{done.stderr}"
    assert (site / "index.html").is_file()
    return site


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@contextmanager
def serve(site: Path) -> Iterator[str]:
    """Serve `site` from a background thread on 127.0.0.1; yields the origin."""
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, name="pmsite-http", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@contextmanager
def chromium() -> Iterator[Any]:
    """Debian's Chromium, headless, through Playwright. Without one the test is skipped,
    except on CI (`CI` set), where a missing browser must fail the run."""
    import pytest
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (apt-get install chromium, or set PMSITE_CHROMIUM)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS,
                                             headless=True)
        try:
            yield browser
        finally:
            browser.close()


def is_local(url: str, origin: str) -> bool:
    """data: and blob: URLs never touch the network; anything else must be the server."""
    scheme = urlsplit(url).scheme
    return scheme in {"data", "blob"} or url == origin or url.startswith(origin + "/")


def guard_requests(context: Any, origin: str, foreign: list[str]) -> None:
    """Block (not just observe) every request that would leave the loopback server."""

    def guard(route: Any) -> None:
        if is_local(route.request.url, origin):
            route.continue_()
        else:
            foreign.append(route.request.url)
            route.abort("blockedbyclient")

    context.route("**/*", guard)


def site_pages(site: Path) -> list[str]:
    """Every HTML page of a built site, as URL paths (`/`, `/projects/x/`, `/404.html`)."""
    paths = []
    for html in sorted(site.rglob("*.html")):
        relative = html.relative_to(site).as_posix()
        if relative == "index.html":
            paths.append("/")
        elif relative.endswith("/index.html"):
            paths.append("/" + relative.removesuffix("index.html"))
        else:
            paths.append("/" + relative)
    return paths


def blocking_axe(page: Any, run: Callable[..., Any]) -> list[str]:
    """The serious and critical axe violations on `page`, one line each."""
    results = run(page, context=AXE_CONTEXT)
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])} nodes) first target "
        f"{v['nodes'][0]['target'] if v['nodes'] else '-'}: {v['help']}"
        for v in results.response["violations"] if v.get("impact") in BLOCKING_IMPACTS
    ]
