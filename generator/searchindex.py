"""MkDocs' search index, fed by a tokenizer instead of a full HTML parser.

The search plugin reads every rendered page with `html.parser` (a pure-Python parser,
one regex dance per tag) to find its headings and text: on a portfolio site, whose pages
are tables and SVG diagrams, that was a fifth of a build. Page content has been through
`sanitize` by then, so it is well-formed HTML without scripts or styles, and a tokenizer
that splits it at tags yields the very chunks `ContentParser` would. `FastSearchIndex`
is the plugin's own `SearchIndex` with only that step replaced: the same entries, the same
`search_index.json`, the same search in the browser (tests/test_search_index.py compares
the two on every page of the example site).
"""

from __future__ import annotations

import re
from html import unescape
from typing import Any

from mkdocs.contrib.search.search_index import ContentSection, SearchIndex
from mkdocs.structure.pages import Page

_HEADINGS = frozenset(f"h{n}" for n in range(1, 7))
_TOKEN = re.compile(
    r"""<!--.*?-->|<(/?)([a-zA-Z][^\s/>]*)((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.DOTALL)
_ID = re.compile(r"""(?:^|\s)id\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))""", re.IGNORECASE)


class FastContent:
    """What `mkdocs.contrib.search.search_index.ContentParser` finds in `html`: sections
    (a heading's id and title, and the text under it) and the page's text."""

    def __init__(self, html: str) -> None:
        self.data: list[ContentSection] = []
        self._chunks: list[str] = []
        self._section: ContentSection | None = None
        self._in_heading = False
        position = 0
        for match in _TOKEN.finditer(html):
            if match.start() > position:
                self._text(html[position:match.start()])
            position = match.end()
            name = (match[2] or "").lower()
            if name not in _HEADINGS:
                continue
            self._in_heading = not match[1]
            if match[1]:
                continue
            self._section = ContentSection()
            self.data.append(self._section)
            if found := _ID.search(match[3]):
                self._section.id = unescape(found[1] or found[2] or found[3] or "")
        if position < len(html):
            self._text(html[position:])
        self.stripped_html = "\n".join(self._chunks)

    def _text(self, raw: str) -> None:
        """One run of text between tags, as `ContentParser.handle_data` takes it."""
        text = unescape(raw)
        self._chunks.append(text)
        if self._section is None:
            return
        if self._in_heading:
            self._section.title = text
        else:
            self._section.text.append(text.rstrip("\n"))


class FastSearchIndex(SearchIndex):
    """The search plugin's index, reading pages with `FastContent`."""

    config: dict[str, Any]

    def add_entry_from_context(self, page: Page) -> None:
        assert page.content is not None
        parser = FastContent(page.content)
        url = page.url
        text = parser.stripped_html.rstrip("\n") if self.config["indexing"] == "full" else ""
        self._add_entry(title=page.title, text=text, loc=url)
        if self.config["indexing"] in ["full", "sections"]:
            for section in parser.data:
                self.create_entry_for_section(section, page.toc, url)
