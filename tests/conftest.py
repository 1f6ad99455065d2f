"""Shared fixtures: write a small content folder, run the pipeline on it."""

from __future__ import annotations

import gc
import logging
import os
import shutil
import tempfile
import textwrap
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from hypothesis import settings as hypothesis_settings

from generator import forkmap
from generator.compilecache import CACHE_VARIABLE
from generator.diagnostics import Diagnostic
from generator.pipeline import CheckResult, check
from generator.settings import load_settings

REPO = Path(__file__).resolve().parent.parent

hypothesis_settings.register_profile("ci", derandomize=True, max_examples=200, deadline=None)
hypothesis_settings.register_profile("dev", max_examples=100, deadline=None)
hypothesis_settings.load_profile("ci" if os.environ.get("CI") else "dev")

AS_OF = date(2026, 6, 30)

# What pmsite compiles once per machine (see `compilecache`) is kept, for this run of the
# suite and the processes it starts, in a folder of its own: never in the user's cache.
_COMPILED = None if CACHE_VARIABLE in os.environ else tempfile.mkdtemp(prefix="pmsite-compiled-")
if _COMPILED is not None:
    os.environ[CACHE_VARIABLE] = _COMPILED


def pytest_sessionfinish(session: pytest.Session) -> None:
    if _COMPILED is not None:
        shutil.rmtree(_COMPILED, ignore_errors=True)


@pytest.fixture(autouse=True)
def _collectable_again() -> Iterator[None]:
    """`cli.main` freezes what a one-shot command made, for good (the process exits next);
    the suite calls it in its own process, test after test: each test's is let go."""
    yield
    gc.unfreeze()

MKDOCS_YML = """\
site_name: Test PMO
docs_dir: content
plugins:
  - search
  - pmsite:
{options}
"""


def write_site(root: Path, files: dict[str, str | bytes], options: str = "") -> Path:
    """Write `files` (paths relative to content/) and a mkdocs.yml; return mkdocs.yml."""
    content = root / "content"
    content.mkdir(parents=True, exist_ok=True)
    for rel, text in files.items():
        path = content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(text, bytes):
            path.write_bytes(text)
        else:
            path.write_text(textwrap.dedent(text).lstrip("\n"), encoding="utf-8")
    opts = textwrap.indent(textwrap.dedent(options).strip("\n"), "      ") if options else ""
    config = root / "mkdocs.yml"
    config.write_text(MKDOCS_YML.format(options=opts or "      stale_after_days: 14"),
                      encoding="utf-8")
    return config


Run = Callable[..., CheckResult]


@pytest.fixture
def run(tmp_path: Path) -> Run:
    """`run(files, options="", as_of=AS_OF)` writes a site and checks it."""
    def _run(files: dict[str, str | bytes], options: str = "",
             as_of: date = AS_OF) -> CheckResult:
        config = write_site(tmp_path, files, options)
        return check(load_settings(config), as_of)
    return _run


def codes(result: CheckResult, severity: str | None = None) -> list[str]:
    return [d.code for d in result.diagnostics.sorted()
            if severity is None or d.severity == severity]


def only(result: CheckResult, code: str) -> Diagnostic:
    """The single diagnostic with `code` (fails if there is not exactly one)."""
    found = [d for d in result.diagnostics.sorted() if d.code == code]
    assert len(found) == 1, [d.to_text() for d in result.diagnostics.sorted()]
    return found[0]


# A minimal valid portfolio that scenarios extend.
PORTFOLIO = """\
---
kind: portfolio
id: pf
title: IT Portfolio
objectives:
  - id: obj-growth
    title: Grow digital revenue
---
The portfolio.
"""

PROGRAM = """\
---
kind: program
id: cx
title: Customer Experience
portfolio: pf
manager: Dana Reyes
---
The program.
"""


def project(ident: str, extra: str = "", program: str = "cx") -> str:
    """A valid project charter with optional extra front-matter lines."""
    return (f"---\nkind: project\nid: {ident}\ntitle: Project {ident}\nprogram: {program}\n"
            f"manager: Sam Patel\n{textwrap.dedent(extra).strip()}\n---\nCharter of {ident}.\n")


@pytest.fixture
def own_mkdocs_handlers() -> Iterator[None]:
    """MkDocs' logger as it was before the test: `pmsite build` and `serve` add a stderr
    handler to it once per process, and capsys swaps stderr between tests."""
    logger = logging.getLogger("mkdocs")
    before, level = list(logger.handlers), logger.level
    yield
    for handler in logger.handlers:
        if handler not in before:
            logger.removeHandler(handler)
    logger.setLevel(level)


@pytest.fixture
def forked(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Fork for any number of items, the build's process keeping only the page it is at
    if no child has begun it (a test's few pages would otherwise all be within the
    build's reach: `fork_ahead`); the list collects the pid of every child started."""
    from generator import prerender, writeahead

    monkeypatch.setattr(forkmap, "MIN_ITEMS", 1)
    monkeypatch.setattr(prerender, "LEAD", 0)
    monkeypatch.setattr(writeahead, "LEAD", 0)
    started: list[int] = []
    start = forkmap._start

    def counted(*args: Any) -> Any:
        child = start(*args)
        started.append(child.pid)
        return child

    monkeypatch.setattr(forkmap, "_start", counted)
    return started
