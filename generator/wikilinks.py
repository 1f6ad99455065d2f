"""Find `[[id]]`, `[[id|text]]` and `[[project#milestone]]` in Markdown, outside code."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from generator.mdlimits import within_limits

_MAY_HOLD_CODE = re.compile(r"[`<]|~~~|^(?: {4}|\t)", re.MULTILINE)
WIKILINK = re.compile(r"\[\[([^\[\]|\n]+?)(?:\|([^\[\]\n]*))?\]\]")


@dataclass(frozen=True, slots=True)
class WikiLink:
    """One `[[target|text]]` found in a body."""

    target: str
    text: str | None
    line: int
    """1-based line in the body."""
    column: int
    raw: str = ""
    """The link as written, `[[target|text]]`."""


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    parser = MarkdownIt("commonmark")
    # Keep link destinations as written (no percent-encoding): mdlinks looks them up.
    setattr(parser, "normalizeLink", lambda url: url)  # noqa: B010
    return parser


def find_wikilinks(body: str) -> list[WikiLink]:
    """Every wiki-link of `body` that is not inside a code span or code block."""
    if "[[" not in body:
        return []
    lines = body.split("\n")
    if not _MAY_HOLD_CODE.search(body):
        # No backtick, tilde fence, indented line or raw HTML: nothing can be code, so
        # the full Markdown parse (the slow part of a check) is not needed.
        return _by_line(lines)
    tokens = body_tokens(body)
    if tokens is None:
        return _by_line(lines)
    links: list[WikiLink] = []
    cursor: dict[int, int] = {}  # per line: where the next search starts
    for token in tokens:
        if token.map is None or "[[" not in token.content:
            continue
        if token.type == "html_block":
            # Not code: Python-Markdown may well render these lines as Markdown.
            for index in range(token.map[0], min(token.map[1], len(lines))):
                links.extend(WikiLink(m.group(1).strip(), _text(m.group(2)), index + 1,
                                      m.start() + 1, m.group(0))
                             for m in WIKILINK.finditer(lines[index]))
            continue
        if token.type != "inline":
            continue
        line = token.map[0]
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "code_inline" and line < len(lines):
                # Step over the code span so a same-looking link after it is found, not it.
                found = lines[line].find(child.content, cursor.get(line, 0))
                if found >= 0:
                    cursor[line] = found + len(child.content)
            elif child.type == "text" and "[[" in child.content:
                for match in WIKILINK.finditer(child.content):
                    column = _column(lines, line, match.group(0), cursor)
                    links.append(WikiLink(match.group(1).strip(), _text(match.group(2)),
                                          line + 1, column, match.group(0)))
    return links


def _by_line(lines: list[str]) -> list[WikiLink]:
    """Every wiki-link of `lines`, code or not (a regular expression per line: linear)."""
    return [WikiLink(m.group(1).strip(), _text(m.group(2)), number + 1, m.start() + 1,
                     m.group(0))
            for number, line in enumerate(lines) if "[[" in line
            for m in WIKILINK.finditer(line)]


@lru_cache(maxsize=8)
def body_tokens(body: str) -> list[Token] | None:
    """markdown-it's tokens of `body`, parsed once for both kinds of link (wiki-links
    here, Markdown links in mdlinks.py); None when parsing it could hang or recurse.

    `check` reports such a body as `markdown-too-complex`; its links are then found line
    by line (inside code too), which cannot hang and never raises.
    """
    if not within_limits(body):
        return None
    try:
        return _parser().parse(body)
    except RecursionError:
        return None


def _text(raw: str | None) -> str | None:
    return (raw.strip() or None) if raw is not None else None


def _column(lines: list[str], index: int, needle: str, cursor: dict[int, int]) -> int:
    """The 1-based column of the next `needle` on line `index` (1 when not found)."""
    if index >= len(lines):
        return 1
    found = lines[index].find(needle, cursor.get(index, 0))
    if found < 0:
        return 1
    cursor[index] = found + len(needle)
    return found + 1


def replace_wikilinks(body: str, render: Callable[[WikiLink], str]) -> str:
    """`body` with each wiki-link outside code replaced by `render(link)`."""
    links = find_wikilinks(body)
    if not links:
        return body
    lines = body.split("\n")
    for link in sorted(links, key=lambda k: (k.line, k.column), reverse=True):
        index, start = link.line - 1, link.column - 1
        line = lines[index]
        if line[start:start + len(link.raw)] == link.raw:
            lines[index] = line[:start] + render(link) + line[start + len(link.raw):]
    return "\n".join(lines)
