"""Flat pages (headings and placeholders) skip Python-Markdown and come out the same.

The expected values are MkDocs' own: `Page.render`, with a new Markdown instance, of the
same text. `mdflat.flat_blocks` may turn a text down (it then renders the ordinary way);
whatever it takes must render exactly so.
"""

from __future__ import annotations

import copy
import filecmp
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import unique
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from generator import mdreuse
from generator.cli import main
from generator.mdflat import Flat, flat_blocks, toc_settings, unique_id
from generator.mdreuse import SharedMarkdown
from generator.templating import md_text
from tests.conftest import REPO

SETS: dict[str, list[Any]] = {
    "mkdocs-default": [],
    "the-example": ["tables", {"toc": {"permalink": True, "toc_depth": 3}}, "admonition"],
    "more": ["attr_list", "def_list", "footnotes", "sane_lists",
             {"toc": {"permalink": "#", "permalink_title": 'Link & "<more>"',
                      "toc_depth": "2-4"}}],
}
PROBE = "# Probe\n\npmsitestash0z\n"
"""A flat page rendered first: `SharedMarkdown` renders the first both ways."""


def _config(tmp_path: Path, extensions: list[Any]) -> tuple[MkDocsConfig, Files]:
    docs = tmp_path / "docs"
    docs.mkdir(exist_ok=True)
    (docs / "page.md").write_text("# Page\n", encoding="utf-8")
    config = load_config(config_file=None, site_name="t", docs_dir=str(docs),
                         site_dir=str(tmp_path / "site"),
                         markdown_extensions=copy.deepcopy(extensions),  # (MkDocs pops)
                         plugins=[])
    return config, Files([File("page.md", str(docs), str(tmp_path / "site"), False)])


def _rendered(page: Page) -> tuple[Any, ...]:
    links = page.links_to_anchors
    return (page.content, mdreuse._entries(page.toc), page._title_from_render,
            page.present_anchor_ids, None if links is None else dict(links))


def _both_ways(config: MkDocsConfig, files: Files, shared: SharedMarkdown,
               text: str) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """(MkDocs' own rendering, the shared instance's) of a page of `text`."""
    file = files.get_file_from_path("page.md")
    expected, page = Page(None, file, config), Page(None, file, config)
    expected.markdown = page.markdown = text
    Page.render(expected, config, files)
    shared.render(page, config, files)
    return _rendered(expected), _rendered(page)


SAFE = st.text(st.sampled_from(list("aZé9 .,:;?'\"()/%+$@–—-")), min_size=1, max_size=8)
"""Heading text `flat_blocks` takes; the other pieces are what it must take or leave."""
PIECE = st.one_of(
    SAFE, SAFE, SAFE,
    st.sampled_from(["\\" + c for c in ".-()_#*\\>![a|`{"]),  # backslash escapes
    st.sampled_from(["&#39;", "&amp;", "&lt;", "&#x41;", "&bogus;", "&", "&#;"]),
    st.sampled_from(list("_*&<>#!`[]{}|~^=\\\t")))
HEADING = st.builds(lambda level, spaces, words: "#" * level + " " * spaces + "".join(words),
                    st.integers(1, 7), st.integers(0, 2), st.lists(PIECE, max_size=5))
BLOCK = st.one_of(HEADING, st.builds(lambda n: f"pmsitestash{n}z", st.integers(0, 30)),
                  st.sampled_from(["pmsitestashz", "text", "    # code", "---", "- item"]))
TEXT = st.builds(lambda blocks, gaps: "".join(b + "\n" * g for b, g in zip(blocks, gaps)),
                 st.lists(BLOCK, max_size=8), st.lists(st.integers(1, 3), min_size=8,
                                                       max_size=8))


@pytest.mark.parametrize("name", sorted(SETS))
@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=TEXT)
@example(text="# a \\> b\n\npmsitestash0z\n")
@example(text="## Two  spaces  \n\n### (a) 1\\. -- 2\n")
@example(text="# O&#39;Brien &amp; Co\\. \\_x\\_\n\n## Roles\n\n## Roles\n")
def test_a_flat_text_renders_as_python_markdown_renders_it(
        tmp_path: Path, name: str, text: str) -> None:
    config, files = _config(tmp_path, SETS[name])
    shared = SharedMarkdown(config)
    _both_ways(config, files, shared, PROBE)
    assert shared._flat is True  # (every flat text the flat way from here)
    expected, actual = _both_ways(config, files, shared, text)
    if flat_blocks(text) is not None:
        assert actual == expected, text


NAMES = st.text(st.characters(codec="utf-8", categories=["L", "N", "Zs", "P", "S"]),
                min_size=1, max_size=30)


@settings(max_examples=300, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=NAMES)
def test_headings_the_templates_write_are_flat_and_render_the_same(
        tmp_path: Path, name: str) -> None:
    """What `md_text` makes of a person's or a tag's name, as a page's heading."""
    config, files = _config(tmp_path, [])
    shared = SharedMarkdown(config)
    _both_ways(config, files, shared, PROBE)
    text = f"# {md_text(name)}\n\n\npmsitestash0z\n\n\n## Roles\n\n\npmsitestash1z\n\n"
    expected, actual = _both_ways(config, files, shared, text)
    if flat_blocks(text) is not None:
        assert actual == expected, text
    if all(c.isalnum() or c in " .,'()-&#" for c in name) and name.strip():
        assert flat_blocks(text) is not None, text  # (names as people write them)


def test_the_first_flat_page_is_rendered_both_ways_and_a_difference_turns_it_off(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, files = _config(tmp_path, [])
    text = "# Dana O'Brien\n\npmsitestash0z\n"
    shared = SharedMarkdown(config)
    assert shared._flat is None
    assert _both_ways(config, files, shared, text)[1][0].startswith('<h1 id="dana-obrien">')
    assert shared._flat is True  # (they agreed)

    def wrong(blocks: list[tuple[int, str]], toc: Any) -> Flat:
        return Flat("<h1>wrong</h1>", [], None, frozenset())

    monkeypatch.setattr(mdreuse, "render_flat", wrong)
    shared = SharedMarkdown(config)
    for _ in range(2):
        expected, actual = _both_ways(config, files, shared, text)
        assert actual == expected
        assert shared._flat is False


@pytest.mark.parametrize(("extensions", "flat"), [
    (["smarty"], False), (["abbr"], False), (["meta"], False), (["nl2br"], False),
    ([{"toc": {"anchorlink": True}}], None), ([{"toc": {"permalink_leading": True}}], None),
    ([{"toc": {"baselevel": 2}}], None), ([{"toc": {"permalink_class": "mine"}}], None),
])
def test_other_extensions_or_settings_render_every_page_with_python_markdown(
        tmp_path: Path, extensions: list[Any], flat: bool | None) -> None:
    config, files = _config(tmp_path, extensions)
    shared = SharedMarkdown(config)
    assert shared._flat is flat  # (ruled out by the config, or when first rendered)
    for text in (PROBE, "# It's \"quoted\" -- here...\n\npmsitestash0z\n"):
        expected, actual = _both_ways(config, files, shared, text)
        assert actual == expected
        assert shared._flat is False


def test_the_example_site_is_the_same_with_flat_pages_as_without(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    flat_pages = []

    def counted(page: Page, flat: Flat) -> None:
        flat_pages.append(page.file.src_uri)
        setter(page, flat)

    setter = mdreuse._set_flat
    monkeypatch.setattr(mdreuse, "_set_flat", counted)

    def without() -> None:
        assert len(flat_pages) > 20
        monkeypatch.setattr(mdreuse, "flat_blocks", lambda text: None)

    assert example_site_differences(tmp_path, monkeypatch, without) == []


def example_site_differences(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                             without: Callable[[], None]) -> list[str]:
    """The files that differ between the example site built as it is and built again
    after `without()` (in one process: the monkeypatched functions are the ones used)."""
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.setenv("PMSITE_JOBS", "1")
    args = ["build", "-f", str(tmp_path / "mkdocs.yml"), "--as-of", "2026-11-20"]
    assert main([*args, "--site-dir", str(tmp_path / "with")]) == 0
    without()
    assert main([*args, "--site-dir", str(tmp_path / "without")]) == 0
    return _differences(filecmp.dircmp(tmp_path / "with", tmp_path / "without"))


def _differences(compared: filecmp.dircmp[str]) -> list[str]:
    found = compared.left_only + compared.right_only + compared.diff_files
    for sub in compared.subdirs.values():
        found += _differences(sub)
    return found


def test_a_toc_processor_of_another_kind_keeps_python_markdown() -> None:
    """Settings read off the processor: one without them (another Python-Markdown) is
    not followed."""
    assert toc_settings(object()) is None
    assert toc_settings(None) is None


def test_ids_counted_are_the_ids_toc_gives_one_by_one() -> None:
    """`unique_id` hands `toc.unique` a dict of the numbers taken, as the `toc`
    extension does (so that 10,000 headings alike take linear time): the same ids."""
    slugs = ["a"] * 40 + ["a_3", "a_1", "b", "a_60", "a", "", "", "b_1", "b", "a_41_1"] * 3
    used_one_by_one: set[str] = set()
    used, counters = set[str](), dict[str, int]()
    assert [unique_id(slug, used, counters) for slug in slugs] == [
        unique(slug, used_one_by_one) for slug in slugs]
    assert "a_44" in used
