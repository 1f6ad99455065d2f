"""The search plugins' indexes, fed by a tokenizer instead of `html.parser`.

MkDocs' search plugin and Material's each read every rendered page with a subclass of
`html.parser.HTMLParser` to find its headings and text. The parsing is pure Python, one
regex dance per tag: on a portfolio site, whose pages are tables and SVG diagrams, that
was a tenth of a build. The plugins' own parsers stay; only their input changes hands:
`feed_tokens` splits the page at its tags with one regex and calls the parser's handlers
with exactly the arguments `HTMLParser.feed` + `close` would. Page content has been
through `sanitize` by then (its template blocks, which cleaning would not change, as our
templates wrote them: `htmlstash.sanitized`), so it is well-formed HTML without scripts,
styles or CDATA; a page that has any (another plugin added it) is fed to the real parser.

The indexes below are the plugins' own classes with only that step replaced: the same
entries, the same `search_index.json`, the same search in the browser
(tests/test_search_index.py compares both ways on every page of the example site).
"""

from __future__ import annotations

import json
import json.encoder
import os
import re
from collections.abc import Callable, Container, Iterable
from dataclasses import dataclass
from html import unescape
from html.parser import HTMLParser
from typing import Any

from mkdocs.contrib.search.search_index import ContentParser, ContentSection, SearchIndex
from mkdocs.structure.pages import Page

from generator.htmlstash import CAPTION_END, CAPTION_START, FIGURE_END, FIGURE_START
from generator.materialparse import fast_parser

_TOKEN = re.compile(
    r"""<!--(.*?)-->|<(/?)([a-zA-Z][^\t\n\r\f />\x00]*)((?:[^>"']|"[^"]*"|'[^']*')*?)(/?)>""",
    re.DOTALL)
_ATTR = re.compile(
    r"""((?<=['"\s/])[^\s/>][^\s/=>]*)(\s*=+\s*('[^']*'|"[^"]*"|(?!['"])[^>\s]*))?""")
_RAW = re.compile(r"<(?:script|style)\b|<!\[CDATA\[|<![A-Za-z]|<\?", re.IGNORECASE)
_ATTRS_TEXT = r"""(?:[^>"'/]++|/(?!>)|"[^"]*+"|'[^']*+')*+"""
"""A tag's attribute text: up to its first `>` outside quotes, less a `/` right before it.
Possessive: there is one way to read it, and a 1,000-project site has millions of tags (the lazy
`(?:[^>"']|"[^"]*"|'[^']*')*?` read the same, a character and a try of the end at a time,
a third slower)."""
_CUT = re.compile(
    rf"<(?:((/?)[hH][1-6](?=[\t\n\r\f />\x00])({_ATTRS_TEXT})(/?)>)"
    rf"|!--.*?-->|/?[a-zA-Z][^\t\n\r\f />\x00]*{_ATTRS_TEXT}/?>)", re.DOTALL)
"""The tokens `_TOKEN` matches, a heading tag's parts captured: `_CUT.split` gives the
text between tokens at every fifth place, a heading tag's parts (None for another tag) at
the four after it. The `<` they all begin with comes first, alone: the regex engine then
looks for it and tries the rest only there (a quarter less time than trying each
alternative at every character)."""
_QUOTED_HEADING = re.compile(r"""</?[hH][1-6]["']""")
"""Where `_TOKEN` may read a heading whose name runs into a quote (`<h2' x'>`), which
`_CUT` does not: such a page goes the parser's way."""


AttrsRead = Callable[[str, str], bool]
"""Whether a parser reads a start tag's attributes, from its name and raw attribute text.
One that does not is handed none (parsing them was half of the indexing)."""
_HEADINGS = frozenset(["h1", "h2", "h3", "h4", "h5", "h6"])
_MATERIAL_READS = re.compile(r"data-search-exclude|linenodiv", re.IGNORECASE)


def every_tag(tag: str, text: str) -> bool:
    """Any parser: every tag's attributes."""
    return True


def mkdocs_reads(tag: str, text: str) -> bool:
    """MkDocs' `ContentParser` reads only a heading's `id`."""
    return tag in _HEADINGS


def material_reads(tag: str, text: str) -> bool:
    """Material's `Parser` reads a heading's `id`, a link's `class` (`headerlink`), and
    `data-search-exclude` or `class="linenodiv"` on any tag."""
    return tag in _HEADINGS or tag == "a" or _MATERIAL_READS.search(text) is not None


def feed_tokens(parser: HTMLParser, html: str, reads: AttrsRead = every_tag) -> None:
    """What `parser.feed(html); parser.close()` does, for sanitized HTML, at regex speed;
    a tag whose attributes the parser does not read (`reads`) is handed none."""
    if _RAW.search(html) or not parser.convert_charrefs:
        parser.feed(html)
        parser.close()
        return
    position = 0
    for match in _TOKEN.finditer(html):
        if match.start() > position:
            parser.handle_data(unescape(html[position:match.start()]))
        position = match.end()
        if match[3] is None:
            parser.handle_comment(match[1])
        elif match[2]:
            parser.handle_endtag(match[3].lower())
        else:
            tag = match[3].lower()
            attrs = _attrs(match[4]) if reads(tag, match[4]) else []
            if match[5]:
                parser.handle_startendtag(tag, attrs)
            else:
                parser.handle_starttag(tag, attrs)
    if position < len(html):
        parser.handle_data(unescape(html[position:]))


def _attrs(text: str) -> list[tuple[str, str | None]]:
    """A start tag's attributes as `HTMLParser` reports them: names lowercased, values
    unquoted and unescaped, None for a bare name."""
    found: list[tuple[str, str | None]] = []
    for match in _ATTR.finditer(" " + text):
        value = match[3]
        if not match[2]:
            found.append((match[1].lower(), None))
            continue
        if value[:1] in ("'", '"') and value[:1] == value[-1:] and len(value) > 1:
            value = value[1:-1]
        found.append((match[1].lower(), unescape(value)))
    return found


@dataclass(frozen=True, slots=True)
class PageText:
    """What MkDocs' `ContentParser` reads from a page's content, its text as the index
    keeps it (`index_text`)."""

    content: str
    """The content it was read from (a page whose content is another is read again)."""
    text: str
    sections: list[ContentSection]


_SPACES = re.compile(r"[ \t\n\r\f\v]+")
OTHER_SPACES = "\x1c\x1d\x1e\x1f\x85\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"
"""What `str.split` splits at besides `_SPACES` and the no-break space (a range)."""
_OTHER_SPACE = re.compile(f"[{OTHER_SPACES}]")


def index_text(text: str) -> str:
    """`text` as MkDocs' index keeps it (`SearchIndex._add_entry`, MkDocs 1.6): no-break
    spaces as spaces, ends stripped, each run of whitespace one space. Where the text has
    no whitespace but that, `str.split` finds the same runs, in a third of the time."""
    text = text.replace("\u00a0", " ")
    if _OTHER_SPACE.search(text) is None:
        return " ".join(text.split())
    return _SPACES.sub(" ", text.strip())


def without_figures(html: str) -> str:
    """`html` without the diagrams pmsite placed (`figures.fit`), as Material's search
    leaves out an element marked `data-search-exclude`.

    A string search, not a parse: the start is the scroller's own start tag, which
    a page's content holds nowhere else (`sanitize` writes `<` and `"` in text and in
    attribute values as `&lt;` and `&quot;`, our autoescaping templates as `&lt;` and
    `&#34;`); the end is the first `</svg></div></div>` after it. Were a label to hold
    that text unescaped, the cut would end early and the rest of its diagram be indexed,
    no more. A start with another start before its end is left alone (`_next_figure`).
    The diagram's caption, right after it, goes too: its link's file name and its hint
    are pmsite's own."""
    if FIGURE_START not in html:
        return html
    out: list[str] = []
    position = 0
    while (found := _next_figure(html, position)) is not None:
        start, end = found
        out.append(html[position:start])
        position = end
        if html.startswith(CAPTION_START, position):  # (which holds no `<` but its tags)
            close = html.find(CAPTION_END, position)
            position = close + len(CAPTION_END) if close >= 0 else position
    out.append(html[position:])
    return "".join(out)


def _next_figure(html: str, position: int) -> tuple[int, int] | None:
    """Where the next diagram `figures.fit` wrote starts and ends in `html`, from
    `position`: its scroller's start tag through the first `FIGURE_END` after it. A start
    with another start before that end is not one (the later start may be)."""
    while (start := html.find(FIGURE_START, position)) >= 0:
        end = html.find(FIGURE_END, start)
        if end < 0:
            return None
        following = html.find(FIGURE_START, start + len(FIGURE_START))
        if 0 <= following < end:
            position = following
            continue
        return start, end + len(FIGURE_END)
    return None


def page_text(content: str) -> PageText:
    """`content` read as MkDocs' search reads it; each section's text fragments joined as
    the index joins them (kept for later, thousands of fragments would weigh more).

    The result of `ContentParser` fed by `feed_tokens`, without a handler call per tag:
    only headings change the parser's state, so one regex split cuts the page at every
    tag, keeping the parts of heading tags, and the loop runs over headings alone
    (tests/test_search_index.py compares both ways). pmsite's diagrams are left out
    (`without_figures`)."""
    read = without_figures(content)
    if _RAW.search(read) or _QUOTED_HEADING.search(read):
        return _parsed(read, content)
    parts = _CUT.split(read)
    # (A piece that unescapes to nothing, `&#1;`, is still a piece: None marks no text.)
    texts = [unescape(text) if text else None for text in parts[::5]]
    headings = [(i // 5, parts[i:i + 4]) for i in range(1, len(parts), 5)
                if parts[i] is not None]
    sections: list[ContentSection] = []
    section: ContentSection | None = None
    for number, (at, (_, close, attrs, selfclosing)) in enumerate(headings):
        # What follows the tag, up to the next heading tag (text index `at` is before it).
        upto = headings[number + 1][0] + 1 if number + 1 < len(headings) else len(texts)
        pieces = [text for text in texts[at + 1:upto] if text is not None]
        if close:
            if section is not None:
                section.text += pieces
            continue
        # ContentParser: a heading opens a section (`<h2/>` closes it again) and its
        # text up to the closing tag is the title (the last piece of it). (The parser's
        # pieces lose their last newlines; `index_text` makes that the same.)
        section = ContentSection(id_=_last_id(attrs))
        sections.append(section)
        if selfclosing:
            section.text += pieces
        elif pieces:
            section.title = pieces[-1]
    return _kept(content, "\n".join(text for text in texts if text is not None), sections)


def _kept(content: str, text: str, sections: list[ContentSection]) -> PageText:
    """What the index keeps of a page: its whole text, and each section's."""
    return PageText(content, index_text(text),
                    [ContentSection([index_text(" ".join(s.text))], s.id, s.title)
                     for s in sections])


def _last_id(attrs: str) -> str | None:
    """The `id` ContentParser keeps from a heading's attributes (the last one)."""
    found = None
    for name, value in _attrs(attrs):
        if name == "id":
            found = value
    return found


def _parsed_text(content: str) -> PageText:
    """`page_text` by way of the parser (and the real `HTMLParser` where it must)."""
    return _parsed(without_figures(content), content)


def _parsed(read: str, content: str) -> PageText:
    """`_parsed_text` of `content`, whose diagrams `read` already leaves out."""
    parser = ContentParser()
    feed_tokens(parser, read, mkdocs_reads)
    return _kept(content, parser.stripped_html, parser.data)


class ReadsAhead:
    """What pmsite's indexes share: each reads a page with `read` (a function of the
    content alone, so another process may do it: see `prerender`), keeps what was read
    ahead by URL (`ahead`), and indexes only in the process that made it."""

    read: staticmethod[[str], Any]
    """A page's content as this index reads it (a value that pickles)."""

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)  # (the plugin's own index's)
        self.ahead: dict[str, Any] = {}
        """Pages read already, by URL."""
        self._owner = os.getpid()
        self.written_elsewhere: Callable[[Page], bool] = _never
        """Whether another process wrote the page and nothing here reads its content once
        it is indexed (`writeahead`; set by the plugin)."""

    def indexes_here(self) -> bool:
        """Whether this is the process that made the index and writes it: a process
        forked from it to write pages (`writeahead`) would index them for nothing."""
        return os.getpid() == self._owner

    def _read(self, page: Page) -> Any:
        """What `read` gives for the page's content: read ahead, if it was (and the page's
        content is still what was read), else now."""
        read = self.ahead.pop(page.url, None)
        if read is None or read.content is not page.content:
            read = self.read(page.content or "")
        return read


def _never(page: Page) -> bool:
    return False


class FastSearchIndex(ReadsAhead, SearchIndex):
    """MkDocs' own search index, its `ContentParser` fed by `feed_tokens`; a page read
    already (in another process: see `prerender`) is not read again, its text kept as the
    index keeps it already; titles are plain text (see `themetext.unescape_search_titles`,
    which this index needs no more)."""

    config: dict[str, Any]
    read = staticmethod(page_text)

    def __init__(self, **config: Any) -> None:
        super().__init__(**config)
        self._written: list[str] = []
        """Each entry of `_entries`, as the index's JSON writes it."""

    def add_entry_from_context(self, page: Page) -> None:
        # As SearchIndex.add_entry_from_context and create_entry_for_section (MkDocs 1.6),
        # but for the reading, and the text already as `_add_entry` would make it.
        if not self.indexes_here():
            return
        assert page.content is not None
        read: PageText = self._read(page)
        url, full = page.url, self.config["indexing"] == "full"
        self._add(page.title, read.text if full else "", url)
        if self.config["indexing"] in ["full", "sections"]:
            toc = _toc_by_id(page.toc)
            for section in read.sections:
                item = toc.get(section.id)
                if item is not None:
                    self._add(item.title, section.text[0] if full else "", url + item.url)

    def _add(self, title: str | None, text: str, location: str) -> None:
        plain = unescape(title) if isinstance(title, str) else title
        self._entries.append({"title": plain, "text": text, "location": location})
        # Written as `json.dumps` writes it in the index, while the pages are built
        # (beside the process that writes the rest): 0.17 s less once they are, when
        # nothing else runs, at 1,000 projects.
        self._written.append(f'{{"location":{_json(location)},"text":{_json(text)},'
                             f'"title":{_json(plain)}}}')

    def generate_search_index(self) -> str:
        """`SearchIndex.generate_search_index`, its entries as `_add` wrote them, where
        they are all written so and nothing is prebuilt (which MkDocs does its own way)."""
        if self.config["prebuild_index"] or len(self._written) != len(self._entries):
            return super().generate_search_index()
        config = json.dumps(self.config, sort_keys=True, separators=(",", ":"), default=str)
        return f'{{"config":{config},"docs":[{",".join(self._written)}]}}'


def _json(value: Any) -> str:
    """`value` as `json.dumps(..., default=str)` writes it inside the index."""
    if type(value) is str:
        return _JSON_STRING(value)
    return json.dumps(value, sort_keys=True, separators=(",", ":"), default=str)


_JSON_STRING = json.encoder.encode_basestring_ascii
"""What `json.dumps` (`ensure_ascii`, the default) writes a string as: the same function."""


def _toc_by_id(items: Iterable[Any]) -> dict[str | None, Any]:
    """Each id's first entry in the table of contents, in the order
    `SearchIndex._find_toc_by_id` searches it (depth first)."""
    found: dict[str | None, Any] = {}
    for item in items:
        found.setdefault(item.id, item)
        for key, value in _toc_by_id(item.children).items():
            found.setdefault(key, value)
    return found


def faster_index(index: object) -> ReadsAhead | None:
    """A search plugin's index object, replaced by one that reads pages with
    `feed_tokens` (and may have them read ahead); None when it is not one pmsite knows
    (left as it is)."""
    kind = type(index)
    if kind is SearchIndex:
        return FastSearchIndex(**index.config)  # type: ignore[attr-defined]
    if (kind.__module__, kind.__name__) == ("material.plugins.search.plugin", "SearchIndex"):
        material: ReadsAhead = _material_index(kind)(**index.config)  # type: ignore[attr-defined]
        return material
    return None


@dataclass(frozen=True, slots=True)
class MaterialText:
    """What Material's `Parser` reads from a page's content: each section it does not
    exclude, as (id, title, text), its pieces joined as its index joins them (a title
    None where it has no piece: the index gives it the page's title)."""

    content: str
    """The content it was read from (a page whose content is another is read again)."""
    sections: list[tuple[str | None, str | None, str]]


def material_text(content: str) -> MaterialText:
    """`content` read as Material's search reads it (9.x), by its own `Parser` (with
    faster handlers: `materialparse`) fed by `feed_tokens`; pmsite's diagrams, which
    Material leaves out (they are marked `data-search-exclude`), are cut out first
    (`without_figures`: a string search, where the parser would be handed every tag of
    every diagram)."""
    from material.plugins.search.plugin import void  # type: ignore[import-untyped]

    parser = fast_parser()()
    start = content.find(FIGURE_START)
    cut = start >= 0 and _opens_a_section(content[:start], void)
    feed_tokens(parser, without_figures(content) if cut else content, material_reads)
    return MaterialText(content, [(section.id, "".join(section.title) if section.title else None,
                                   "".join(section.text))
                                  for section in parser.data if not section.is_excluded()])


_FIRST_TAG = re.compile(r"<([a-zA-Z][^\t\n\r\f />\x00]*)")


def _opens_a_section(before: str, void: Container[str]) -> bool:
    """Whether Material's `Parser` has a section open after reading `before`, whatever
    follows: it opens one at the first text or start tag but of a `void` element. Where
    it would not, the first thing a diagram holds would open it, so the diagram stays in."""
    if not before:
        return False
    if not before.startswith("<"):
        return True
    first = _FIRST_TAG.match(before)
    return first is not None and first[1].lower() not in void


def _material_index(base: type) -> type:
    """Material's search index, reading pages with `material_text`."""
    from material.plugins.search.plugin import Element, Section

    class FastMaterialIndex(ReadsAhead, base):  # type: ignore[misc]
        read = staticmethod(material_text)

        def add_entry_from_context(self, page: Page) -> None:
            # As Material's SearchIndex.add_entry_from_context (9.x), but for the reading.
            if not self.indexes_here():
                return
            search = page.meta.get("search") or {}
            if search.get("exclude"):
                self.ahead.pop(page.url, None)  # (read ahead for nothing: not kept)
            else:
                read: MaterialText = self._read(page)
                for id_, title, text in read.sections:
                    section = Section(Element("hx"))
                    section.id, section.text = id_, [text]
                    section.title = [] if title is None else [title]
                    self.create_entry_for_section(section, page.toc, page.url, page)
            if self.written_elsewhere(page):
                # Material's `on_page_context` next strips its `data-search-*` attributes
                # from the content, for the page this process writes: a page another
                # process wrote has nothing more to give (a tenth of a second for every
                # 500 pages).
                page.content = ""

    return FastMaterialIndex
