"""Pages of bodies between plain headings render those headings without Python-Markdown,
and come out as Python-Markdown renders the whole page.

The expected values are MkDocs' own: `Page.render`, with a new Markdown instance, of the
same text. `mdmixed` may decline a page (it then renders whole); whatever it renders its
way must come out exactly so.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page

from generator import mdmixed, mdreuse
from generator.mdreuse import SharedMarkdown
from tests.test_mdflat import PROBE, SETS, _both_ways, _config, example_site_differences

MIXED_PROBE = "# Project\n\nIt *matters*.\n\n## Risks\n\npmsitestash0z\n\n## Notes\n\n- one\n"
"""A page with a body, rendered second: `SharedMarkdown` renders the first both ways."""


def _ready(tmp_path: Path, name: str) -> tuple[MkDocsConfig, Files, SharedMarkdown]:
    """A shared instance past both first pages: every page from here is rendered flat,
    mixed or whole with no second rendering to compare."""
    config, files = _config(tmp_path, SETS[name])
    shared = SharedMarkdown(config)
    _both_ways(config, files, shared, PROBE)
    expected, actual = _both_ways(config, files, shared, MIXED_PROBE)
    assert actual == expected
    assert shared._flat is True and shared._mixed is True
    return config, files, shared


FLAT = st.sampled_from([
    "# Project", "## Risks", "## Risks", "## Risks 1", "## risks_1", "## risks_2",
    "#### Accomplishments", "#### Next steps", "### Waits on", "###### Deep", "## Notes",
    "## O'Brien & Co", "## Risks  ", "## 2026-06-30", "## Fünf Äpfel", "# Project",
    "## —", "## (a) 1\\. plan", "pmsitestash0z", "pmsitestash1z", "pmsitestash2z",
])
"""Plain headings, some repeated or spelling another's numbered id, and placeholders."""
BODY = st.sampled_from([
    "Some *text* with a [link](other.md#risks).", "- item\n- item two", "1. first",
    "> quoted", "> quoted again", "Term", ": definition", ":   definition",
    "    indented code", "!!! note\n    inside", "    continued", "| a | b |\n|---|---|\n| 1 | 2 |",
    "```\n## Risks\n```", "```", "~~~", "## Risks {#risks}", "## Notes {#notes_1}",
    "## *Emphasised* risks", "Risks\n-----", "<div>", "</div>", "<!--", "-->",
    "Text[^1]", "[^1]: note", "[TOC]", "[ref]: https://example.org", "see [ref]",
    "pmsitestash3z", "pmsiteflat", "pmsiteflat0z", "---", "text\n## Risks",
    "## Risks\ntext", "<h2 id=\"risks\">Raw</h2>", "Para {: #risks_1 }",
])
"""What people write in bodies, and what might make a plain heading not one."""
TEXT = st.builds(lambda blocks, gaps: "".join(b + "\n" * g for b, g in zip(blocks, gaps)),
                 st.lists(st.one_of(FLAT, FLAT, BODY), min_size=1, max_size=14),
                 st.lists(st.integers(1, 3), min_size=14, max_size=14))


EXAMPLES = [
    "## Risks\n\n## Risks\n\n## Risks {#risks_1}\n",
    "text\n\n## Notes\n\n## Notes {#notes_1}\n",
    "## risks_1\n\n## Risks\n\n## Risks\n",
    "```\n\n## Risks\n\n```\n",
    "<div>\n\n## Risks\n\n</div>\n",
    "- item\n\n## Risks\n\n    continued\n",
    "Term\n\n## Risks\n\n: definition\n",
    "## Risks\n\n> quoted\n\n## Notes\n\n> quoted again\n",
    "## Risks\n\npmsitestash0z\n\n: definition\n",
    "Term\n\n## Risks\n\npmsitestash0z\n\n:   definition\n",
    "    code\n\n\n\n## Risks\n\n\npmsitestash0z\n\n\nText\n",
    "pmsitestash0z\n\n# Title\n\nText\n\n# Title\n",
    "\n\n# Title\n\npmsitestash0z\n\n\n",
]
"""Pages where rendering the runs apart might go wrong: ids that meet, markers inside a
fence, raw HTML, a list or a definition list, a code block's trailing blank lines."""


def _examples(test: Any) -> Any:
    for text in reversed(EXAMPLES):
        test = example(text=text)(test)
    return test


@pytest.mark.parametrize("name", sorted(SETS))
@settings(max_examples=400, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
@_examples
def test_a_page_renders_as_python_markdown_renders_it_whole(
        tmp_path: Path, name: str, text: str) -> None:
    config, files, shared = _ready(tmp_path, name)
    expected, actual = _both_ways(config, files, shared, text)
    assert actual == expected, text


@pytest.mark.parametrize("name", sorted(SETS))
def test_a_project_page_is_rendered_mixed(tmp_path: Path, name: str,
                                          monkeypatch: pytest.MonkeyPatch) -> None:
    """The pages this is for do take this way (and their repeated headings get the
    numbered ids Python-Markdown gives them)."""
    config, files, shared = _ready(tmp_path, name)
    assembled: list[Any] = []

    def counted(*args: Any) -> Any:
        assembled.append(mdmixed.assemble(*args))
        return assembled[-1]

    monkeypatch.setattr(mdreuse, "assemble", counted)
    text = ("# Payroll\n\npmsitestash0z\n\n## Background\n\nWe *pay* people.\n\n"
            "## Status history\n\n### 2026-06-10\n\n#### Accomplishments\n\n- paid\n\n"
            "### 2026-06-24\n\n#### Accomplishments\n\n- paid again\n")
    expected, actual = _both_ways(config, files, shared, text)
    assert actual == expected
    assert len(assembled) == 1 and assembled[0] is not None
    assert 'id="accomplishments_1"' in actual[0]
    assert actual[2] == "Payroll"


def test_the_first_mixed_page_is_rendered_both_ways_and_a_difference_turns_it_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, files = _config(tmp_path, [])
    shared = SharedMarkdown(config)
    _both_ways(config, files, shared, PROBE)

    def wrong(level: int, html: str, ident: str, toc: Any) -> str:
        return f"<h{level}>wrong</h{level}>"

    monkeypatch.setattr(mdmixed, "heading_html", wrong)
    for _ in range(2):
        expected, actual = _both_ways(config, files, shared, MIXED_PROBE)
        assert actual == expected
        assert shared._mixed is False


def test_the_example_site_is_the_same_with_mixed_pages_as_without(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    mixed_pages = []

    def counted(*args: Any) -> Any:
        found = assemble(*args)
        mixed_pages.append(found)
        return found

    assemble = mdreuse.assemble
    monkeypatch.setattr(mdreuse, "assemble", counted)

    def without() -> None:
        assert sum(found is not None for found in mixed_pages) >= 10
        monkeypatch.setattr(mdreuse, "mixed_text", lambda text, key, marker: None)

    assert example_site_differences(tmp_path, monkeypatch, without) == []


def test_a_page_with_bodies_first_decides_flat_pages_on_a_text_of_its_own(
        tmp_path: Path) -> None:
    """Pages render in the order of their files: a site's decisions come before its
    people. The first page with bodies does not wait for a flat page to come."""
    config, files = _config(tmp_path, SETS["the-example"])
    shared = SharedMarkdown(config)
    assert shared._flat is None
    expected, actual = _both_ways(config, files, shared, MIXED_PROBE)
    assert actual == expected
    assert shared._flat is True and shared._mixed is True
    expected, actual = _both_ways(config, files, shared, "# People\n\npmsitestash0z\n")
    assert actual == expected


def test_what_rendering_a_page_logs_is_logged_once(tmp_path: Path) -> None:
    """A page rendered both ways (the first), rendered mixed, or given up on and rendered
    whole: MkDocs' note of a body's absolute link reaches MkDocs' logger (where its
    `--strict` counter listens) once each time."""
    config, files = _config(tmp_path, [])
    shared = SharedMarkdown(config)
    body = "See [the rules](/rules/)."
    pages = [f"# One\n\n{body}\n\n## Risks\n\npmsitestash0z\n",  # (the first: both ways)
             f"# Two\n\n{body}\n\n## Risks\n\npmsitestash0z\n",  # (mixed)
             f"# Three\n\n{body}\n\n```\n\n## Risks\n\n```\n"]  # (a marker in a fence)
    heard = _Heard()
    logger, pages_logger = logging.getLogger("mkdocs"), logging.getLogger("mkdocs.structure.pages")
    logger.addHandler(heard)
    levels = logger.level, pages_logger.level  # (`pmsite build` hushes the pages' notes)
    logger.setLevel(logging.INFO)
    pages_logger.setLevel(logging.INFO)
    try:
        for text in pages:
            heard.messages.clear()
            shared.render(_page(config, files, text), config, files)
            assert [m for m in heard.messages if "absolute link" in m] == [
                "Doc file 'page.md' contains an absolute link '/rules/', it was left as is."]
    finally:
        logger.removeHandler(heard)
        logger.setLevel(levels[0])
        pages_logger.setLevel(levels[1])
    assert shared._mixed is True


class _Heard(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def _page(config: MkDocsConfig, files: Files, text: str) -> Page:
    page = Page(None, files.get_file_from_path("page.md"), config)
    page.markdown = text
    return page
