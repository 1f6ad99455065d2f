"""MkDocs' "unrecognized relative link" note is dropped for pmsite's links, which reach
pages, and kept for a link that reaches none (`generator/linknotes.py`)."""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from mkdocs.structure.files import File, Files

from generator.cli import main
from generator.linknotes import LOGGER, QuietLinks
from tests.conftest import PORTFOLIO, PROGRAM, project, write_site

pytestmark = pytest.mark.usefixtures("own_mkdocs_handlers")

REPORT = ("---\nkind: status\nproject: a\ndate: 2026-06-20\noverall: green\n---\n"
          "All fine.\n")
FILES = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
         "projects/a.md": project("a"), "projects/b.md": project("b", "depends_on: [a]"),
         "projects/a-2026-06-20.md": REPORT,
         "guide.md": "# Guide\n\nSee [[a]] and [the program](programs/cx.md).\n"}
WARN = "validation:\n  unrecognized_links: warn\n"


def test_a_site_that_warns_of_unrecognized_links_builds_strict(
        tmp_path: Path, capsys: Any) -> None:
    config = write_site(tmp_path, FILES)
    config.write_text(config.read_text(encoding="utf-8") + WARN, encoding="utf-8")
    code = main(["build", "-f", str(config), "--as-of", "2026-06-30", "--strict"])
    err = capsys.readouterr().err
    assert code == 0, err
    assert "unrecognized relative link" not in err
    assert logging.getLogger(LOGGER).filters == []  # (the build's filter is gone)


def test_without_the_filter_the_same_site_would_fail_strict(
        tmp_path: Path, capsys: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    """The test above is not vacuous: pmsite's links are what MkDocs reports."""
    monkeypatch.setattr(QuietLinks, "filter", lambda self, record: True)
    config = write_site(tmp_path, FILES)
    config.write_text(config.read_text(encoding="utf-8") + WARN, encoding="utf-8")
    assert main(["build", "-f", str(config), "--as-of", "2026-06-30", "--strict"]) == 1
    assert "contains an unrecognized relative link" in capsys.readouterr().err


def _files(tmp_path: Path, *uris: str) -> Files:
    return Files([File(uri, str(tmp_path / "docs"), str(tmp_path / "site"), True)
                  for uri in uris])


def _note(page: str, link: str, hint: str = "") -> logging.LogRecord:
    message = (f"Doc file '{page}' contains an unrecognized relative link '{link}', "
               f"it was left as is.{hint}")
    return logging.LogRecord(LOGGER, logging.WARNING, __file__, 1, message, None, None)


@pytest.mark.parametrize(("page", "link", "dropped"), [
    ("changes/cr.md", "../../projects/a/", True),
    ("changes/cr.md", "../../projects/a", True),
    ("changes/cr.md", "../../projects/a/#risks", True),
    ("changes/cr.md", "../../", True),
    ("index.md", "projects/a/", True),
    ("changes/cr.md", "../../../../projects/a/", True),  # (a browser stops at the root)
    ("changes/cr.md", "../../projects/nothing/", False),
    ("changes/cr.md", "../projects/a/", False),  # (that is /changes/projects/a/)
    ("changes/cr.md", "//projects/a/", False),
    ("unknown.md", "projects/a/", False),
])
def test_the_note_is_dropped_only_for_a_link_that_reaches_a_page(
        tmp_path: Path, page: str, link: str, dropped: bool) -> None:
    quiet = QuietLinks(_files(tmp_path, "index.md", "projects/a.md", "changes/cr.md"))
    assert quiet.filter(_note(page, link, " Did you mean '../projects/a.md'?")) is not dropped


def test_other_messages_pass(tmp_path: Path) -> None:
    quiet = QuietLinks(_files(tmp_path, "index.md", "projects/a.md"))
    other = logging.LogRecord(LOGGER, logging.WARNING, __file__, 1,
                              "Doc file 'index.md' contains a link 'x.md', but the target "
                              "is not found among documentation files.", None, None)
    assert quiet.filter(other)
