"""Pages of plain headings and stashed blocks, rendered without Python-Markdown.

Most generated pages, once `htmlstash` has taken their template blocks out, are nothing
but a heading or two and the blocks' placeholders: every person's page, every lesson,
tag, board and log page (4,124 of the 5,497 pages of the 1,000-project benchmark).
Python-Markdown takes about 0.45 ms to convert one, almost all of it its fixed cost per
document (preprocessors, the block parser, nine tree processors, the serializer).

`flat_blocks` accepts a text only where what Python-Markdown would make of it is plain:
blocks of one line each, separated by blank lines, each an ATX heading whose text holds
only letters, digits, spaces and punctuation that no inline pattern or extension reads,
or a placeholder (`htmlstash.PLACEHOLDER`). `render_flat` then writes what
`SharedMarkdown.render` would have set on the page: the HTML, the table of contents'
tokens (the `toc` extension's own `slugify`, `unique` and `nest_toc_tokens`), the title
and the ids present. Only the extensions of `FLAT_EXTENSIONS` leave such a text alone,
with no settings but the table of contents' (which `toc_settings` reads off the
processor and follows, or declines); any other configuration renders every page with
Python-Markdown.

`SharedMarkdown` renders the first flat page of each process both ways and uses this
only when they agree (a Python-Markdown or MkDocs that renders otherwise turns it off);
tests/test_mdflat.py compares both ways on generated texts, and the benchmark's whole
site is byte-identical.
"""

from __future__ import annotations

import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

from markdown.extensions.toc import nest_toc_tokens, unique

from generator.htmlstash import PLACEHOLDER

FLAT_EXTENSIONS = frozenset({"toc", "tables", "fenced_code", "attr_list", "admonition",
                             "def_list", "footnotes", "sane_lists"})
"""Extensions (named as `mdreuse.extension_name` names them) that change nothing in a
flat text: tables need `|`, fences a backtick or tilde, attribute lists a `{`,
admonitions `!!!` or `???`, definitions a line after the term, footnotes `[^`, lists a
marker. The table of contents gives headings their ids and permanent links, as
`TocSettings` says."""
_HEADING = re.compile(r"(#{1,6}) +([^\n]*)")
_PLACEHOLDER = re.compile(PLACEHOLDER)
_PIECE = re.compile(r"""([\w .,:;?'"()/%+$@\u2013\u2014-]+)"""
                    r"""|\\([\\`*_{}\[\]()#+.!-])"""
                    r"""|(&(?:#[0-9]+|#x[0-9a-fA-F]+|[a-zA-Z0-9]+);)""")
"""What a plain heading is made of (as `templating.md_text` writes text): letters, digits,
spaces and punctuation no inline pattern reads (not `_`, see `_heading_html`); a
backslash escape of a character Python-Markdown escapes and HTML does not (not `>`),
which shows as that character; a character reference, kept as it is."""


@dataclass(frozen=True, slots=True)
class TocSettings:
    """What the `toc` extension, as configured, does to a flat text's headings."""

    slugify: Callable[[str, str], str]
    separator: str
    permalink: str | None
    """The permanent link's text as HTML, or None for none."""
    permalink_title: str
    levels: range
    """The heading levels the table of contents lists (`toc_depth`)."""
    marker: str = "[TOC]"
    """Where the table of contents goes, in a page's text (empty: nowhere)."""


def toc_settings(toc: Any) -> TocSettings | None:
    """The settings of a Markdown instance's `toc` tree processor, if flat pages can
    follow them (not `anchorlink`, `permalink_leading`, `baselevel`, or a permanent link
    of a class of its own, which MkDocs would take into the page's title); None too for
    a processor without these (another Python-Markdown than the one checked)."""
    try:
        if (toc is None or toc.use_anchors or toc.permalink_leading or toc.base_level
                or toc.permalink_class != "headerlink"):
            return None
        link = toc.use_permalinks
        permalink = (None if link in (False, None) else "&para;" if link is True
                     else _cdata(str(link)))
        return TocSettings(toc.slugify, toc.sep, permalink, toc.permalink_title,
                           range(toc.toc_top, toc.toc_bottom + 1), str(toc.marker or ""))
    except AttributeError:
        return None


def _cdata(text: str) -> str:
    return escape(text, quote=False)  # (`&`, `<`, `>`: as Python-Markdown's serializer)


@dataclass(frozen=True, slots=True)
class Flat:
    """What rendering a flat text sets on a page (see `SharedMarkdown.render`)."""

    html: str
    toc_tokens: list[dict[str, Any]]
    title: str | None
    anchor_ids: frozenset[str]
    linked: tuple[str, ...] = ()
    """The ids a permanent link points to, in order (MkDocs notes links to anchors)."""


def flat_extensions(names: list[str | None], configs: dict[str, Any]) -> bool:
    """Whether a config's Markdown extensions leave every flat text as plain as it is
    (the table of contents' settings are read from it at work: `toc_settings`)."""
    return (all(name in FLAT_EXTENSIONS for name in names)
            and not any(value for key, value in configs.items() if key != "toc"))


def flat_blocks(text: str) -> list[tuple[int, str]] | None:
    """The blocks of `text` as (heading level, its HTML), level 0 for a placeholder; None
    when the text is not flat."""
    blocks: list[tuple[int, str]] = []
    lines = text.split("\n")
    previous_blank = True
    for line in lines:
        if not line:
            previous_blank = True
            continue
        if not previous_blank:  # (two lines in one block: a paragraph, or worse)
            return None
        previous_blank = False
        if _PLACEHOLDER.fullmatch(line):
            blocks.append((0, line))
            continue
        heading = plain_heading(line)
        if heading is None:
            return None
        blocks.append(heading)
    return blocks


def plain_heading(line: str) -> tuple[int, str] | None:
    """(level, HTML) of an ATX heading line whose text is plain (see `flat_blocks`)."""
    heading = _HEADING.fullmatch(line)
    if heading is None:
        return None
    html = _heading_html(heading[2])
    return None if html is None else (len(heading[1]), html)


def _heading_html(text: str) -> str | None:
    """The HTML of an ATX heading's text as Python-Markdown writes it, if it is plain."""
    words = text.strip()
    out: list[str] = []
    position = 0
    while position < len(words):
        piece = _PIECE.match(words, position)
        if piece is None or "_" in (piece[1] or ""):
            return None
        out.append(piece[1] or piece[2] or piece[3])
        position = piece.end()
    return "".join(out) or None


def render_flat(blocks: list[tuple[int, str]], toc: TocSettings) -> Flat:
    """What Python-Markdown, the `toc` extension and MkDocs' processors make of `blocks`."""
    parts: list[str] = []
    tokens: list[dict[str, Any]] = []
    used: set[str] = set()
    counters: dict[str, int] = {}
    linked: list[str] = []
    for level, html in blocks:
        if not level:
            parts.append(f"<p>{html}</p>")
            continue
        name = " ".join(html.split())  # (toc's `strip_tags`: no tags, spaces collapsed)
        ident = unique_id(toc.slugify(unescape(name), toc.separator), used, counters)
        if toc.permalink is not None:
            linked.append(ident)
        parts.append(heading_html(level, html, ident, toc))
        if level in toc.levels:
            tokens.append({"level": level, "id": ident, "name": name, "html": html,
                           "data-toc-label": ""})
    title = " ".join(blocks[0][1].split()) if blocks and blocks[0][0] == 1 else None
    return Flat("\n".join(parts), nest_toc_tokens(tokens), title, frozenset(used),
                tuple(linked))


_COUNTERS = "counters" in inspect.signature(unique).parameters
"""Whether `toc.unique` keeps counts of the numbers taken (Python-Markdown 3.8 on): the
`toc` extension then hands it a dict of them, and a page of 10,000 headings alike is
given its ids in linear time, not quadratic."""


def unique_id(ident: str, used: set[str], counters: dict[str, int]) -> str:
    """`toc.unique(ident, used)`, as the `toc` extension calls it for a page's headings
    in turn (`counters` a dict for all of them)."""
    return unique(ident, used, counters) if _COUNTERS else unique(ident, used)  # type: ignore[no-any-return]


def heading_html(level: int, html: str, ident: str, toc: TocSettings) -> str:
    """A plain heading as the `toc` extension leaves it: its id, its permanent link."""
    link = ""
    if toc.permalink is not None:  # (attributes in the serializer's order: sorted)
        tip = f' title="{_attribute(toc.permalink_title)}"' if toc.permalink_title else ""
        link = f'<a class="headerlink" href="#{_attribute(ident)}"{tip}>{toc.permalink}</a>'
    return f'<h{level} id="{_attribute(ident)}">{html}{link}</h{level}>'


def _attribute(text: str) -> str:
    return _cdata(text).replace('"', "&quot;")
