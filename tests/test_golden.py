"""Golden pages of a small scenario: the Markdown pmsite hands to MkDocs, line by line.

A human reads the golden files in tests/golden/ and agrees with every line; when a page
changes on purpose, regenerate them and read the diff:

    PMSITE_UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path

import pytest

from generator.pipeline import check
from generator.settings import load_settings
from generator.site import plan_site

HERE = Path(__file__).resolve().parent
SCENARIO = HERE / "scenarios" / "golden_small"
GOLDEN = HERE / "golden"
PAGES = ("index.md", "programs/infra.md", "projects/net.md", "projects/dc.md", "status.md",
         "dependencies.md")


@pytest.fixture(scope="module")
def rendered() -> dict[str, str]:
    result = check(load_settings(SCENARIO / "mkdocs.yml"), date(2026, 6, 30))
    assert not result.has_errors, [d.to_text() for d in result.diagnostics.sorted()]
    plan = plan_site(result)
    return {page: plan.markdown(page) for page in PAGES}


def _without_diagrams(markdown: str) -> str:
    """Diagrams are checked element by element in test_diagrams.py; here they would bury
    the page's own lines, so each stands as one line naming what it draws."""
    return re.sub(r"<svg .*?<title[^>]*>(.*?)</title>.*?</svg>",
                  lambda m: f"<svg>{m.group(1)}</svg>", markdown, flags=re.DOTALL)


@pytest.mark.parametrize("page", PAGES)
def test_page_matches_its_golden_file(rendered: dict[str, str], page: str) -> None:
    golden = GOLDEN / (page.replace("/", "__"))
    text = _without_diagrams(rendered[page])
    if os.environ.get("PMSITE_UPDATE_GOLDEN"):
        golden.parent.mkdir(parents=True, exist_ok=True)
        golden.write_text(text, encoding="utf-8")
    assert golden.is_file(), f"no golden file {golden.name}: run with PMSITE_UPDATE_GOLDEN=1"
    assert text == golden.read_text(encoding="utf-8")


def test_the_scenario_says_what_a_reader_expects(rendered: dict[str, str]) -> None:
    # Independent of the golden files: the facts the scenario was written to show.
    project = rendered["projects/net.md"]
    assert '<span class="st st-red tone-4">red</span>' in project
    assert "▼ worse" in project and "Second installer crew from July." in project
    assert 'id="milestone-sites"' in project and ">overdue<" in project
    dc = rendered["projects/dc.md"]
    assert "at risk" in dc and "upstream project Network refresh is red" in dc
    program = rendered["programs/infra.md"]
    assert "drives the rollup" in program or "driven by" in program
