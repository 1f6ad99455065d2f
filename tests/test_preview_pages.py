"""What `pmsite serve` shows and logs: no stray page for an invalid status report, no
"not included in the nav" line per generated page, content warnings as MkDocs warnings,
and a record's page marks its section in the nav."""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import pytest
from mkdocs.livereload import LiveReloadServer

from generator.cli import main
from tests.conftest import PORTFOLIO, PROGRAM, project, write_site

BAD_REPORT = """\
---
kind: status
project: a
date: 2026-06-13
overall: purple
summary: [not, a, sentence
---

Narrative of a report that cannot be read.
"""
FILES = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
         "projects/a.md": project("a"), "projects/b.md": project("b", "depends_on: [a]"),
         "projects/a/status/2026-06-13.md": BAD_REPORT,
         "handbook.md": "# Handbook\n\nHow we work.\n"}


pytestmark = pytest.mark.usefixtures("own_mkdocs_handlers")


def _serve(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, files: dict[str, str],
           caplog: pytest.LogCaptureFixture) -> dict[str, str]:
    """Run `pmsite serve` for one build; the built pages (path -> HTML)."""
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    config = write_site(tmp_path, files)
    pages: dict[str, str] = {}

    def serve(server: LiveReloadServer, **_: Any) -> None:
        root = Path(server.root)
        pages.update({p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
                      for p in root.rglob("*.html")})
        raise KeyboardInterrupt

    monkeypatch.setattr(LiveReloadServer, "serve", serve)
    caplog.set_level(logging.DEBUG, logger="mkdocs")
    assert main(["serve", "--as-of", "2026-06-30", "-a", "127.0.0.1:0", "-f", str(config)]) == 0
    return pages


def test_an_invalid_status_report_is_no_page_of_its_own(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    pages = _serve(tmp_path, monkeypatch, FILES, caplog)
    assert "projects/a/index.html" in pages and "handbook/index.html" in pages
    assert not [p for p in pages if "status/2026-06-13" in p], sorted(pages)
    # ...and no nav entry either: its title would be the file name's words.
    assert "2026 06 13" not in pages["index.html"]
    assert "content error" in pages["projects/a/index.html"]  # the preview's banner


def test_serve_logs_content_problems_as_warnings_and_no_nav_omissions(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    files = {k: v for k, v in FILES.items() if "status/" not in k}
    files["projects/b.md"] = project(  # overdue: a warning
        "b", "milestones:\n  - {id: m1, title: Go-live, due: 2026-06-01}")
    _serve(tmp_path, monkeypatch, files, caplog)
    omitted = [r for r in caplog.records if "not included in the" in r.getMessage()]
    assert not omitted, omitted[0].getMessage()
    content = [r for r in caplog.records if re.match(r"content/\S+:\d+:\d+: ", r.getMessage())]
    assert content, [r.getMessage() for r in caplog.records]
    assert {r.levelno for r in content} == {logging.WARNING}


def test_a_record_page_marks_its_section_in_the_nav(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    files = {k: v for k, v in FILES.items() if "status/" not in k}
    pages = _serve(tmp_path, monkeypatch, files, caplog)

    def active(html: str) -> list[str]:  # MkDocs' own theme: <a class="nav-link active">
        return re.findall(r'<a [^>]*class="nav-link active"[^>]*>\s*([^<]+?)\s*</a>', html)

    assert active(pages["projects/a/index.html"]) == ["Projects"]
    assert active(pages["programs/cx/index.html"]) == ["Programs"]
    assert active(pages["projects/index.html"]) == ["Projects"]
    assert active(pages["status/index.html"]) == ["Status"]
    assert active(pages["index.html"]) == ["Dashboard"]
