"""Keep the HTML our templates wrote away from Python-Markdown, and put it back after.

A generated page is template HTML (tables, panels, diagrams) around the Markdown people
wrote (record bodies). Handed to MkDocs as one Markdown text, Python-Markdown re-parses
every raw HTML block with its HTML parser, and MkDocs parses it all again looking for
links: most of a build's time, spent on HTML that is final already.

So a page is rendered *marked*: each body sits between `BODY_OPEN` and `BODY_CLOSE`
(NUL bytes, which content can never hold: the loader rejects them). `stash` replaces every
HTML block outside the bodies with a placeholder paragraph, and `restore` swaps the
rendered placeholders back. Headings and other Markdown the templates write stay in the
text, so MkDocs still builds the page's table of contents; bodies are rendered exactly as
before. What Python-Markdown rendered is sanitised, as every page is; the blocks pmsite's
own templates wrote are put back after (`sanitized`).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Callable
from functools import lru_cache

BODY_OPEN = "\x00pmsite-body\x00"
BODY_CLOSE = "\x00/pmsite-body\x00"

_MARKS = re.compile(f"{re.escape(BODY_OPEN)}|{re.escape(BODY_CLOSE)}")
_BLOCK_START = re.compile(r"^<(?:[a-zA-Z][a-zA-Z0-9-]*|!--)", re.MULTILINE)
_TAG = re.compile(r"""<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)"""
                  r"""(?>(?:[^>"'/]+|"[^"]*"|'[^']*'|/(?!>))*)(/?)>""", re.DOTALL)
"""A comment, or a tag: its slash, its name, and the slash of a self-closed one. Every
character has one way to match (a slash only ends the tag right before `>`), so the
attributes are one atomic group that never backtracks: the first tag pattern,
`(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>`, found the same tags a third slower (a test compares
them). An atomic group, not possessive quantifiers: Python before 3.11.5 (Debian 12's
3.11.2) repeats a possessive group of alternatives wrongly (CPython issue 106052)."""
SEARCH_EXCLUDE = 'data-search-exclude=""'
"""On a diagram's scroller and caption: search leaves them out (Material's attribute, read
by MkDocs' index in `searchindex`). A diagram's labels repeat the page's tables and
links; indexed, they were a third of the search index, and its legend's words and its
caption's matched every page that has one."""
FIGURE_START = f'<div class="pm-fit-scroll" {SEARCH_EXCLUDE}'
FIGURE_END = "</svg>\n</div></div>"
CAPTION_START = f'<figcaption class="pm-fit-caption" {SEARCH_EXCLUDE}'
CAPTION_END = "</figcaption>"
"""Where a diagram `fit` wrote starts and ends, and its caption ("Open full size", the
scroll hint) right after it, in a page's HTML before and after `sanitize`."""
_VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"])
_SERIALIZED_TAG = re.compile(r'<[^>"]*(?:"[^"]*"[^>"]*)*>')
"""A tag as the sanitizer writes it: every attribute value in double quotes, which it
writes as `&quot;` inside one (its text holds no `<` or `>` but as `&lt;` and `&gt;`).
What is left without these is text."""
PLACEHOLDER = r"pmsitestash\d+z"
"""A stashed block's stand-in (a pattern): a word Python-Markdown passes through as it is,
alone in its paragraph."""
_PLACEHOLDER = re.compile(r"<p>pmsitestash(\d+)z</p>|pmsitestash(\d+)z")


def mark_body(markdown: str) -> str:
    """A body's Markdown, marked as written by people (rendered by Python-Markdown)."""
    return f"{BODY_OPEN}{markdown}{BODY_CLOSE}"


def unmark(text: str) -> str:
    """The page's Markdown as MkDocs would read it without stashing."""
    return _MARKS.sub("", text)


def stash(text: str) -> tuple[str, list[str]]:
    """`text` with each template HTML block replaced by a placeholder paragraph, and the
    blocks in placeholder order. Text without marks is all template output."""
    blocks: list[str] = []
    out: list[str] = []
    for index, part in enumerate(_split(text)):
        out.append(part if index % 2 else _stash_part(part, blocks))
    return "".join(out), blocks


def restore(html: str, blocks: list[str]) -> str:
    """Rendered page HTML with every placeholder back to its block."""
    if not blocks:
        return html

    def block(match: re.Match[str]) -> str:
        number = int(match[1] or match[2])
        return blocks[number] if number < len(blocks) else ""

    return _PLACEHOLDER.sub(block, html)


def sanitized(html: str, blocks: list[str], clean: Callable[[str], str],
              trusted: bool = True) -> str:
    """`clean(restore(html, blocks))`, with the template blocks kept out of `clean` where
    pmsite's own templates wrote them (`trusted`).

    The blocks are 94% of a generated page's HTML at 1,000 projects (72 of 76 MB: tables,
    panels, diagrams), and the sanitizer changes nothing in them that a parser reads: our
    templates autoescape every value, link only inside the site, and write only tags
    and attributes on its allowlist (a test parses every block of a hostile site before
    and after cleaning). What Python-Markdown rendered (the bodies people wrote, and the
    Markdown around the blocks) is cleaned as before. A site with templates of its own
    (`templates`) has every page cleaned whole: `trusted` is False.

    Each block stands in as a token with a key made for this call, which no content can
    know, and goes back after cleaning where its token came out. Where any token does
    not come out exactly once, in order, in text (a body that spelled a stash
    placeholder copies a block, perhaps into an attribute; a body that opened a
    `<script>` makes the cleaner drop what follows), the whole page is cleaned as
    before."""
    if not blocks or not trusted:
        return clean(restore(html, blocks))
    key = f"pmsiteblock{secrets.token_hex(16)}n"
    cleaned = clean(restore(html, [f"{key}{number}z" for number in range(len(blocks))]))
    head, *tails = cleaned.split(key)
    # (each tail starts with its token's number and "z")
    if ([tail.partition("z")[0] for tail in tails] == [str(n) for n in range(len(blocks))]
            and _SERIALIZED_TAG.sub("", cleaned).count(key) == len(blocks)):
        return head + "".join(block + tail.partition("z")[2]
                              for block, tail in zip(blocks, tails, strict=True))
    return clean(restore(html, blocks))


def _split(text: str) -> list[str]:
    """Template parts at even positions, body parts at odd ones."""
    parts: list[str] = []
    position = 0
    while (start := text.find(BODY_OPEN, position)) >= 0:
        end = text.find(BODY_CLOSE, start)
        if end < 0:
            break
        parts += [text[position:start], text[start + len(BODY_OPEN):end]]
        position = end + len(BODY_CLOSE)
    parts.append(text[position:])
    return [_MARKS.sub("", part) for part in parts]


def _stash_part(text: str, blocks: list[str]) -> str:
    """Template output with its HTML blocks (a line that opens a tag, through the line
    where that element closes) stashed."""
    out: list[str] = []
    position = 0
    while (start := _BLOCK_START.search(text, position)) is not None:
        end = _block_end(text, start.start())
        if end is None:  # not well formed: leave the rest to Python-Markdown
            break
        out.append(text[position:start.start()])
        out.append(f"\npmsitestash{len(blocks)}z\n\n")
        blocks.append(text[start.start():end])
        position = end
    out.append(text[position:])
    return "".join(out)


def _block_end(text: str, start: int) -> int | None:
    """Where the HTML element opened at `start` closes, extended to its line's end.

    Template output is well formed (it closes what it opens, in order), so the element
    closes at the first end tag of its name with as many of its start tags before it:
    only tags of that name are read, found by a search for it (a block's other tags,
    its table rows and its diagram's SVG, are most of a page's tags). A value placed in
    a template is escaped, so no text or attribute value holds a tag."""
    first = _TAG.match(text, start)
    if first is None:
        return None
    name = first[2]
    if name is None or first[3] or name.lower() in _VOID:  # a comment, or no content
        return _line_end(text, first.end())
    depth = 1
    for found in _named(name).finditer(text, first.end()):
        tag = _TAG.match(text, found.start())
        if tag is None or tag[2] is None:  # (`<name` that is no tag: not well formed)
            return None
        if tag[1]:
            depth -= 1
            if depth == 0:
                return _line_end(text, tag.end())
        elif not tag[3]:
            depth += 1
    return None


@lru_cache(maxsize=256)
def _named(name: str) -> re.Pattern[str]:
    """The start or end of a tag named `name` (not of a longer name it begins)."""
    return re.compile(rf"</?{re.escape(name)}(?![a-zA-Z0-9:-])", re.IGNORECASE)


def _line_end(text: str, position: int) -> int:
    """The end of the line `position` is on (the newline included)."""
    newline = text.find("\n", position)
    return len(text) if newline < 0 else newline + 1
