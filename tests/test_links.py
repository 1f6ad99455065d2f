"""Relative Markdown links in hand-written pages and record bodies (generator/mdlinks.py).

SPEC §5: a link to a record's source file, to a generated page by its source name or to
any file of the docs dir resolves to the URL the site publishes; anything else is a
located `broken-link` error with a did-you-mean. The built site's hrefs reach the pages.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import date
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlparse

import pytest

from generator.mdlinks import LinkTargets, find_links
from generator.pages import Context
from generator.pages.registry import plan_pages
from generator.pipeline import check
from generator.settings import load_settings
from generator.templating import site_environment
from tests.conftest import AS_OF, PORTFOLIO, PROGRAM, REPO, codes, only, project, write_site

STATUS = """\
---
kind: status
project: patient-portal
date: 2026-06-01
overall: green
summary: On track.
---
Week 22 went fine; see the [board](../../../status.md).
"""

DECISION = """\
---
kind: decision
id: dec-portal-idp
title: Portal signs in with the corporate IdP
date: 2026-05-01
status: accepted
project: patient-portal
---
## Context

Back to the [portal](../projects/patient-portal/index.md).
"""

GUIDE = """\
# Guide

- [board](../status/index.md) and [flat board](../status.md)
- [portal](../projects/patient-portal/index.md)
- [log](../decisions/index.md)
- [deps](../dependencies.md)
- [adr](../decisions/0007-portal-idp.md#context)
- [report](../projects/patient-portal/status/2026-06-01.md)
- [sibling](other.md) and [home](../index.md)
- ![logo](../img/logo.png) and [plan](../files/plan.pdf)
- [web](https://example.com), [mail](mailto:pmo@example.com), [top](#guide)
- `[code](nowhere.md)` is code

```
[fenced](nowhere-either.md)
```
"""

FILES: dict[str, str | bytes] = {
    "portfolio.md": PORTFOLIO,
    "programs/cx.md": PROGRAM,
    "projects/patient-portal/index.md": project("patient-portal").replace(
        "Charter of patient-portal.",
        "Charter; read the [guide](../../handbook/guide.md) and the [board](../../status.md)."),
    "projects/patient-portal/status/2026-06-01.md": STATUS,
    "decisions/0007-portal-idp.md": DECISION,
    "handbook/guide.md": GUIDE,
    "handbook/other.md": "# Other\n\nBack to the [guide](guide.md#guide).\n",
    "img/logo.png": b"\x89PNG\r\n\x1a\n",
    "files/plan.pdf": b"%PDF-1.4\n",
}


def links(result, rel: str) -> dict[str, str]:
    return result.model.links.paths.get(rel, {})


def test_every_form_resolves_to_its_published_url(run) -> None:
    result = run(FILES)
    assert "broken-link" not in codes(result), [d.to_text() for d in result.diagnostics]
    assert links(result, "handbook/guide.md") == {
        "../status/index.md": "status/",
        "../status.md": "status/",
        "../projects/patient-portal/index.md": "projects/patient-portal/",
        "../decisions/index.md": "decisions/",
        "../dependencies.md": "dependencies/",
        "../decisions/0007-portal-idp.md#context": "decisions/0007-portal-idp/#context",
        "../projects/patient-portal/status/2026-06-01.md":
            "projects/patient-portal/#status-2026-06-01",
        "other.md": "handbook/other/",
        "../index.md": "",
    }
    # Record bodies too, relative to their own source file.
    assert links(result, "projects/patient-portal/index.md") == {
        "../../handbook/guide.md": "handbook/guide/", "../../status.md": "status/"}
    assert links(result, "decisions/0007-portal-idp.md") == {
        "../projects/patient-portal/index.md": "projects/patient-portal/"}
    assert links(result, "projects/patient-portal/status/2026-06-01.md") == {
        "../../../status.md": "status/"}


def test_a_broken_link_is_one_located_error_with_a_suggestion(run) -> None:
    files = {**FILES, "handbook/guide.md": "# Guide\n\nSee the [log](../decisoins.md) now.\n"}
    found = only(run(files), "broken-link")
    assert (found.path, found.line, found.column, found.severity) == (
        "content/handbook/guide.md", 3, 15, "error")
    assert "../decisoins.md" in found.message
    assert "../decisions.md" in found.hint


def test_a_broken_link_in_a_record_body_is_located_in_its_file(run) -> None:
    charter = project("patient-portal").replace("Charter of patient-portal.",
                                                "Intro.\n\n![plan](plan.pdf)")
    found = only(run({**FILES, "projects/patient-portal/index.md": charter}), "broken-link")
    assert (found.path, found.line, found.column) == (
        "content/projects/patient-portal/index.md", 11, 9)


def test_links_in_code_are_not_links() -> None:
    found = find_links("`[a](y.md)` and [b](y.md)\n\n```\n[c](z.md)\n```\n\n    [d](w.md)\n")
    assert [(f.target, f.line, f.column) for f in found] == [("y.md", 1, 21)]


def test_external_links_and_anchors_are_left_alone(run) -> None:
    result = run({**FILES, "handbook/guide.md": "[a](https://x.org) [b](#here) [c](/abs/)\n"})
    assert "broken-link" not in codes(result)
    assert links(result, "handbook/guide.md") == {}


def test_the_declared_generated_pages_are_every_page_resolution_knows(run) -> None:
    """urls.GENERATED_PAGES (declared below the pages layer) matches what is planned: the
    registry asserts it, and every planned page is a URL a link may resolve to."""
    result = run(FILES)
    context = Context(result.model, site_environment(result.settings))
    targets = LinkTargets(result.model.records, [], None)
    planned = {spec.url for spec in plan_pages(context)}
    # Person pages are a model fact (people gathered from every record): taken at their word.
    assert {url for url in planned - targets.urls if not url.startswith("people/")} == set()
    assert targets.resolve("handbook/guide.md", "../people/sam-patel.md") == (
        "people/sam-patel/", True)


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        key = "src" if tag == "img" else "href"
        if tag in ("a", "img") and values.get(key):
            self.hrefs.append(str(values[key]))


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("links")
    config = write_site(root, FILES)
    done = subprocess.run(
        [sys.executable, "-m", "generator", "build", "-f", str(config), "--as-of",
         AS_OF.isoformat(), "--site-dir", str(root / "site")],
        cwd=root, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    return root / "site"


def _reached(site: Path, page: str, hrefs: list[str]) -> dict[str, str]:
    """Each relative href of `page` -> the site file it reaches (with its anchor)."""
    reached = {}
    for href in hrefs:
        if urlparse(href).scheme or href.startswith(("#", "/")):
            continue
        resolved = urlparse(urljoin(f"http://x/{page}", href))
        path = unquote(resolved.path).lstrip("/")
        target = site / path
        if not path or path.endswith("/") or target.is_dir():
            path = f"{path}index.html"
        assert (site / path).is_file(), f"{page}: {href} reaches nothing"
        reached[href] = path + (f"#{resolved.fragment}" if resolved.fragment else "")
    return reached


def _hrefs(site: Path, page: str) -> list[str]:
    parser = _Hrefs()
    parser.feed((site / page).read_text(encoding="utf-8"))
    return parser.hrefs


def test_the_built_site_links_each_form_to_its_page(built: Path) -> None:
    page = "handbook/guide/index.html"
    reached = set(_reached(built, "handbook/guide/", _hrefs(built, page)).values())
    for wanted in ("status/index.html", "projects/patient-portal/index.html",
                   "decisions/index.html", "dependencies/index.html",
                   "decisions/0007-portal-idp/index.html#context",
                   "projects/patient-portal/index.html#status-2026-06-01",
                   "handbook/other/index.html", "index.html", "img/logo.png",
                   "files/plan.pdf"):
        assert wanted in reached, (wanted, sorted(reached))
    # A record body shown on a generated page links from that page.
    project_page = set(_reached(built, "projects/patient-portal/",
                                _hrefs(built, "projects/patient-portal/index.html")).values())
    assert {"handbook/guide/index.html", "status/index.html"} <= project_page
    # The status report's anchor exists on the project page.
    assert 'id="status-2026-06-01"' in (
        built / "projects/patient-portal/index.html").read_text(encoding="utf-8")


def test_the_example_content_has_no_broken_link() -> None:
    result = check(load_settings(REPO / "mkdocs.yml"), date(2026, 11, 20))
    assert "broken-link" not in codes(result)
    assert not result.diagnostics.errors
