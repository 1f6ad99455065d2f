"""The built site: every page reachable, every link and anchor resolving, nothing external."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest
from conftest import REPO

AS_OF = "2026-11-20"


def build(site: Path, *extra: str, cwd: Path = REPO, env: dict[str, str] | None = None,
          config: str = "mkdocs.yml") -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "generator", "build", "-f", config, "--as-of", AS_OF,
         "--site-dir", str(site), *extra],
        cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False)


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("built") / "site"
    done = build(out)
    assert done.returncode == 0, done.stderr
    return out


class _Page(HTMLParser):
    """Links, anchors and asset references of one HTML page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.links: list[str] = []
        self.assets: list[str] = []
        self.ids: set[str] = set()
        self.scripts_inline: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        for key in ("id", "name"):
            if values.get(key):
                self.ids.add(str(values[key]))
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag in ("script", "img", "iframe") and values.get("src"):
            self.assets.append(str(values["src"]))
        if tag == "link" and values.get("href"):
            self.assets.append(str(values["href"]))
        self._in_script = tag == "script" and not values.get("src")

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts_inline.append(data)


def _pages(site: Path) -> dict[str, _Page]:
    parsed = {}
    for path in sorted(site.rglob("*.html")):
        page = _Page()
        page.feed(path.read_text(encoding="utf-8"))
        parsed[path.relative_to(site).as_posix()] = page
    return parsed


def _target(site: Path, page: str, href: str, base: str = "/") -> tuple[Path, str] | None:
    """The file and anchor an internal link points at (None for external links).

    `base` is the path the site is served under (site_url's path): MkDocs' 404 page links
    absolutely, so it works at any depth."""
    parsed = urlparse(href)
    if parsed.scheme or parsed.netloc or href.startswith("mailto:"):
        return None
    resolved = urljoin("http://x" + base + page, href)
    path = unquote(urlparse(resolved).path)
    assert path.startswith(base), f"{page}: {href} leaves the site"
    path = path[len(base):]
    target = site / path
    if not path or path.endswith("/") or target.is_dir():
        target = target / "index.html"
    return target, urlparse(resolved).fragment


def test_every_internal_link_and_anchor_resolves(site: Path) -> None:
    assert_links_resolve(site)


def assert_links_resolve(site: Path, base: str = "/") -> None:
    pages = _pages(site)
    broken = []
    for name, page in pages.items():
        for href in page.links:
            found = _target(site, name, href, base)
            if found is None:
                continue
            target, anchor = found
            rel = target.relative_to(site).as_posix() if target.is_relative_to(site) else "?"
            if not target.is_file():
                broken.append(f"{name}: {href} (no {rel})")
            elif anchor and rel in pages and unquote(anchor) not in pages[rel].ids:
                broken.append(f"{name}: {href} (no #{anchor} in {rel})")
    assert broken == []
    assert len(pages) > 60


def test_no_external_asset_anywhere(site: Path) -> None:
    for name, page in _pages(site).items():
        external = [a for a in page.assets if urlparse(a).scheme or a.startswith("//")]
        assert external == [], name
    css = "".join(p.read_text(encoding="utf-8") for p in site.rglob("*.css"))
    assert "fonts.googleapis" not in css and "@import url(http" not in css


def test_record_pages_sit_at_their_urls(site: Path) -> None:
    for kind in ("projects", "programs", "portfolios"):
        data = json.loads((site / "data/portfolio.json").read_text(encoding="utf-8"))
        for item in data[kind]:
            assert (site / item["url"] / "index.html").is_file(), item["url"]
    for decision in data["decisions"]:
        assert (site / decision["url"] / "index.html").is_file()
    for lesson in data["lessons"]:
        assert (site / lesson["url"].split("#")[0] / "index.html").is_file()
    # Sources of generated pages and YAML data are not published as they are.
    assert not (site / "projects/crm-replatform/charter").exists()
    assert not (site / "projects/crm-replatform/status").exists()
    assert not list(site.rglob("*.yml")) and not list(site.rglob("*.yaml"))


def test_every_record_is_within_three_clicks_of_the_dashboard(site: Path) -> None:
    pages = _pages(site)
    seen, frontier = {"index.html"}, ["index.html"]
    for _ in range(3):
        following = []
        for name in frontier:
            for href in pages[name].links:
                found = _target(site, name, href)
                if found is None or not found[0].is_file():
                    continue
                rel = found[0].relative_to(site).as_posix()
                if rel not in seen and rel in pages:
                    seen.add(rel)
                    following.append(rel)
        frontier = following
    data = json.loads((site / "data/portfolio.json").read_text(encoding="utf-8"))
    urls = [i["url"] for k in ("projects", "programs", "portfolios", "decisions", "lessons")
            for i in data[k]]
    unreachable = [u for u in urls if u.split("#")[0] + "index.html" not in seen]
    assert unreachable == []


def test_derived_facts_are_on_their_pages(site: Path) -> None:
    dashboard = (site / "index.html").read_text(encoding="utf-8")
    assert "As of" in dashboard and AS_OF in dashboard
    program = (site / "programs/cloud-infra/index.html").read_text(encoding="utf-8")
    assert 'class="st st-red tone-4">red<' in program
    assert "Network refresh" in program
    status = (site / "status/index.html").read_text(encoding="utf-8")
    row = status[status.index("BI self-service"):]
    assert "stale" in row[:row.index("</tr>")]
    crm = (site / "projects/crm-replatform/index.html").read_text(encoding="utf-8")
    assert 'id="status-2026-11-13"' in crm and 'id="milestone-data-migration-dryrun"' in crm


def test_no_page_over_one_megabyte(site: Path) -> None:
    sizes = {p.relative_to(site).as_posix(): p.stat().st_size for p in site.rglob("*.html")}
    assert max(sizes.values()) < 1_000_000


def _tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def test_same_content_gives_the_same_bytes(site: Path, tmp_path: Path) -> None:
    env = dict(os.environ, PYTHONHASHSEED="12345", TZ="Pacific/Auckland", LC_ALL="C")
    again = tmp_path / "again"
    done = build(again, env=env)
    assert done.returncode == 0, done.stderr
    assert _tree_hash(again) == _tree_hash(site)


def _copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def test_a_failed_build_leaves_the_previous_site_and_content_untouched(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    assert build(root / "site", cwd=root).returncode == 0
    before, content_before = _tree_hash(root / "site"), _tree_hash(root / "content")
    broken = root / "content/projects/crm-replatform/charter.md"
    broken.write_text(broken.read_text(encoding="utf-8").replace("program: customer-experience",
                                                                  "program: customer-exp"))
    done = build(root / "site", cwd=root)
    assert done.returncode == 1
    assert "unknown program 'customer-exp'" in done.stderr
    assert "did you mean 'customer-experience'" in done.stderr
    assert _tree_hash(root / "site") == before
    content_before.pop("projects/crm-replatform/charter.md")
    after = _tree_hash(root / "content")
    after.pop("projects/crm-replatform/charter.md")
    assert after == content_before


def test_a_killed_build_leaves_the_previous_site(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    assert build(root / "site", cwd=root).returncode == 0
    before = _tree_hash(root / "site")
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "build", "--as-of", AS_OF],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not list(root.glob(".site.staging-*")) and time.monotonic() < deadline:
        time.sleep(0.01)
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert _tree_hash(root / "site") == before
    assert build(root / "site", cwd=root).returncode == 0
    assert not list(root.glob(".site.staging-*"))


@pytest.mark.parametrize("site_dir, words", [
    ("content", "inside the content folder"),
    ("content/sub", "inside the content folder"),
    (".", "contains the content"),
    ("/", "contains the content"),
    ("foreign", "was not built by pmsite"),
])
def test_dangerous_output_folders_are_refused(tmp_path: Path, site_dir: str, words: str) -> None:
    root = _copy_example(tmp_path)
    (root / "foreign").mkdir()
    (root / "foreign/precious.txt").write_text("keep me")
    content_before = _tree_hash(root / "content")
    done = build(Path(site_dir), cwd=root)
    assert done.returncode == 2
    assert words in done.stderr
    assert _tree_hash(root / "content") == content_before
    assert (root / "foreign/precious.txt").read_text() == "keep me"


def test_a_sub_path_site_url_keeps_every_link_working(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    config = root / "mkdocs.yml"
    config.write_text("site_url: https://intranet.example/pmo/portfolio/\n"
                      + config.read_text(encoding="utf-8"))
    assert build(root / "site", cwd=root).returncode == 0
    assert_links_resolve(root / "site", "/pmo/portfolio/")
    sitemap = (root / "site/sitemap.xml").read_text(encoding="utf-8")
    assert "https://intranet.example/pmo/portfolio/projects/crm-replatform/" in sitemap
    assert f"<lastmod>{AS_OF}</lastmod>" in sitemap


HOSTILE = """\
---
title: Hostile page
---
# Hostile <script>alert(1)</script>

<script>alert("x")</script>
<img src="x" onerror="alert(1)">
<a href="javascript:alert(1)">click</a>
<iframe src="https://evil.example"></iframe>
[md link](javascript:alert(1)) and [[crm-replatform]]
"""


def test_raw_html_in_content_is_sanitised(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    (root / "content/handbook/hostile.md").write_text(HOSTILE, encoding="utf-8")
    assert build(root / "site", cwd=root).returncode == 0
    html = (root / "site/handbook/hostile/index.html").read_text(encoding="utf-8")
    article = html[html.index("<article"):html.index("</article>")]
    assert "<script" not in article and "onerror" not in article
    assert "javascript:" not in article and "<iframe" not in article
    assert 'href="../../projects/crm-replatform/"' in article


def test_plain_mkdocs_build_works_through_the_plugin(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    env = dict(os.environ, SOURCE_DATE_EPOCH="1795132800")  # 2026-11-20
    done = subprocess.run([sys.executable, "-m", "mkdocs", "build", "-q", "-d", "out"],
                          cwd=root, capture_output=True, text=True, env=env, timeout=300,
                          check=False)
    assert done.returncode == 0, done.stderr
    assert (root / "out/projects/crm-replatform/index.html").is_file()
    index = json.loads((root / "out/search/search_index.json").read_text(encoding="utf-8"))
    locations = {doc["location"] for doc in index["docs"]}
    assert "projects/crm-replatform/" in locations and "status/" in locations


def _get(url: str) -> str:
    with urllib.request.urlopen(url, timeout=5) as response:
        return str(response.read().decode("utf-8"))


def _wait_for(url: str, predicate: Callable[[str], bool], seconds: float = 90) -> str:
    deadline = time.monotonic() + seconds
    last = ""
    while time.monotonic() < deadline:
        try:
            last = _get(url)
            if predicate(last):
                return last
        except OSError:
            pass
        time.sleep(0.3)
    raise AssertionError(f"{url} never showed what was expected; last page:\n{last[:500]}")


def test_serve_previews_live_and_shows_content_errors(tmp_path: Path) -> None:
    root = _copy_example(tmp_path)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    temp = tmp_path / "tmp"
    temp.mkdir()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--as-of", AS_OF,
         "-a", f"127.0.0.1:{port}"],
        cwd=root, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        env={**os.environ, "TMPDIR": str(temp)})
    try:
        page = f"http://127.0.0.1:{port}/projects/crm-replatform/"
        _wait_for(page, lambda html: "CRM re-platform" in html)
        charter = root / "content/projects/crm-replatform/charter.md"
        charter.write_text(charter.read_text(encoding="utf-8").replace(
            "program: customer-experience", "program: customer-exp"), encoding="utf-8")
        html = _wait_for(page, lambda html: "content error" in html)
        assert "unknown program" in html and "customer-experience" in html
        assert not (root / "site").exists()  # the preview never writes the site folder
        assert [p.name[:7] for p in temp.iterdir()] == ["pmsite_"]  # the preview's own
        process.terminate()  # SIGTERM, as a service manager stops it: it cleans up
        assert process.wait(timeout=30) == 0
        assert list(temp.iterdir()) == []
    finally:
        process.kill()
        process.wait(timeout=30)
