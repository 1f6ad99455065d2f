"""The search index pmsite feeds MkDocs' search plugin (searchindex.py) reads pages exactly
as the plugin's own `ContentParser` does: same sections, same text, on every page."""

from __future__ import annotations

import pytest
from mkdocs.contrib.search.search_index import ContentParser
from mkdocs.structure.pages import Page

from generator.cli import main
from generator.searchindex import FastContent, FastSearchIndex
from tests.conftest import REPO


def _slow(html: str) -> ContentParser:
    parser = ContentParser()
    parser.feed(html)
    parser.close()
    return parser


def _same(html: str) -> None:
    slow, fast = _slow(html), FastContent(html)
    assert fast.stripped_html == slow.stripped_html
    assert [(s.id, s.title, s.text) for s in fast.data] == [
        (s.id, s.title, s.text) for s in slow.data]


@pytest.mark.parametrize("html", [
    "",
    "plain text only",
    "<p>before</p><h2 id=\"a\">Head <code>x</code> ing</h2><p>a &amp; b &lt;c&gt;</p>\n",
    "<h1 id='q'>One</h1>\n\n<table><tr><td title=\"a > b\">cell</td></tr></table>tail",
    ("<!-- note --><h3 id=x>Bare id</h3><svg viewBox=\"0 0 1 1\"><title>T</title>"
     "<text x=\"1\">label</text></svg>\n<H4 ID=\"Up\">Caps</H4>after"),
    "<h2>no id</h2>text<br/>more<img alt=\"i\" src=\"a.png\">end",
])
def test_tokenizer_reads_like_the_search_plugin(html: str) -> None:
    _same(html)


@pytest.fixture(scope="module")
def page_contents(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The content of every page as the search plugin is handed it, from a real build of
    the example site (with the index pmsite gives the plugin)."""
    seen: dict[str, str] = {}
    original = FastSearchIndex.add_entry_from_context

    def spy(self: FastSearchIndex, page: Page) -> None:
        seen[page.url] = page.content or ""
        original(self, page)

    FastSearchIndex.add_entry_from_context = spy  # type: ignore[method-assign]
    try:
        # MkDocs' own theme brings MkDocs' own search plugin (Material brings its own).
        root = tmp_path_factory.mktemp("search")
        config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
        config = config.replace("docs_dir: content", f"docs_dir: {REPO / 'content'}")
        config = config.replace("theme:\n  name: material", "theme:\n  name: mkdocs")
        (root / "mkdocs.yml").write_text(config, encoding="utf-8")
        done = main(["build", "-f", str(root / "mkdocs.yml"), "--as-of", "2026-11-20",
                     "--site-dir", str(root / "site")])
    finally:
        FastSearchIndex.add_entry_from_context = original  # type: ignore[method-assign]
    assert done == 0
    return seen


def test_every_page_of_the_example_site_indexes_the_same(page_contents: dict[str, str]) -> None:
    assert len(page_contents) > 50 and "projects/network-refresh/" in page_contents
    for content in page_contents.values():
        _same(content)
