"""Find `[[id]]`, `[[id|text]]` and `[[project#milestone]]` in Markdown, outside code."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from markdown_it import MarkdownIt

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


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    return MarkdownIt("commonmark")


def find_wikilinks(body: str) -> list[WikiLink]:
    """Every wiki-link of `body` that is not inside a code span or code block."""
    if "[[" not in body:
        return []
    lines = body.split("\n")
    if not _MAY_HOLD_CODE.search(body):
        # No backtick, tilde fence, indented line or raw HTML: nothing can be code, so
        # the full Markdown parse (the slow part of a check) is not needed.
        return [WikiLink(m.group(1).strip(), _text(m.group(2)), number + 1, m.start() + 1)
                for number, line in enumerate(lines) if "[[" in line
                for m in WIKILINK.finditer(line)]
    links: list[WikiLink] = []
    for token in _parser().parse(body):
        if token.type != "inline" or token.map is None or "[[" not in token.content:
            continue
        line = token.map[0]
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
            elif child.type == "text" and "[[" in child.content:
                for match in WIKILINK.finditer(child.content):
                    column = _column(lines, line, match.group(0))
                    links.append(WikiLink(match.group(1).strip(), _text(match.group(2)),
                                          line + 1, column))
    return links


def _text(raw: str | None) -> str | None:
    return (raw.strip() or None) if raw is not None else None


def _column(lines: list[str], index: int, needle: str) -> int:
    """The 1-based column of `needle` on line `index`, or 1 when it cannot be found."""
    if index < len(lines):
        return lines[index].find(needle) + 1 or 1
    return 1
