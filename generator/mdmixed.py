"""Pages of people's Markdown between plain headings: the headings without Python-Markdown.

A project's page is its charter's body and every status report's, between headings the
templates write ("Milestones", "Risks", "Status history"), the bodies' own plain headings
("Background", "Accomplishments") and the placeholders of the template blocks
(`htmlstash`): some 36 headings and 20 placeholders a page at 1,000 projects. Python-
Markdown spent half its time on such a page on the headings (the block parser, every
inline pattern, the table of contents' serializing of each), the same flat headings
`mdflat` renders on pages that are nothing else.

`mixed_text` puts one marker where each run of plain headings and placeholders stood,
each alone between blank lines with only blank lines between them; Python-Markdown
renders that text, each marker as an element of its own (`MixedParts`): a paragraph
where the run ends in a placeholder (which is one, and the block after it may read it
so: a definition list's term), else an element no processor reads as a heading, a
paragraph, a list or anything a later block continues. `assemble` then writes each run's
headings as `mdflat` does and its placeholders as their paragraphs, and merges the table
of contents in document order. It gives up, and the page is rendered whole the ordinary
way, wherever the result might differ from that:

- footnotes or the table of contents' marker in the text (both read the whole page);
- a marker that did not come out exactly once, as its own element, in order (one inside
  a fence, raw HTML, a list, a code block or a definition list, or a body that spelled
  one);
- an id the table of contents might have given otherwise. It gives ids in document
  order, each made unique against those before it (`_1`, `_2`, ...). The plain
  headings' ids are made so among themselves; where the ids they tried meet no id the
  rest of the page has, nor any its other headings may have tried, every heading gets
  the id it gets in the whole page. An empty slug is left to Python-Markdown too.

`SharedMarkdown` renders the first such page of each process both ways and uses this only
when they agree; tests/test_mdmixed.py compares both ways on generated pages.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from html import unescape
from typing import Any

from markdown.blockprocessors import BlockProcessor
from markdown.extensions.toc import nest_toc_tokens
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from generator.htmlstash import PLACEHOLDER
from generator.mdflat import TocSettings, heading_html, plain_heading, unique_id

_TAG = "hgroup"
"""The marker's element: block-level to Python-Markdown (so laid out as a heading is),
read by none of its processors or MkDocs'."""
_HEADING_TAG = re.compile("[Hh][123456]")  # (as the `toc` extension tells headings)
_SUFFIX = re.compile(r"^(.*)_([0-9]+)$")  # (as `toc.unique` reads a numbered id)
_NUMBER = re.compile(r"([0-9]{1,9})[zp]")
_MARKER_TAGS = (_TAG, "p")
_PLACEHOLDER = re.compile(PLACEHOLDER)


@dataclass(frozen=True, slots=True)
class Mixed:
    """A page's text with its runs of plain headings and placeholders marked."""

    text: str
    runs: list[list[tuple[int, str]]]
    """Each marked run's blocks, as `mdflat.flat_blocks` gives them: (level, HTML) of a
    heading, (0, the word) of a placeholder."""

    def headings(self) -> list[tuple[int, str]]:
        """(level, HTML) of each marked heading, in order."""
        return [block for run in self.runs for block in run if block[0]]


def mixed_text(text: str, key: str, toc_marker: str) -> Mixed | None:
    """`text` with each run of plain headings and placeholders, each alone between blank
    lines and only blank lines between them, replaced by one marker (`key` numbered);
    None where there is no heading among them, or the page must render whole.

    The blank lines before a run stay as they are (a code block before it keeps its
    trailing ones, as the whole page does); those in and after it go, but for one."""
    if "[^" in text or (toc_marker and toc_marker in text):
        return None
    lines = text.split("\n")
    out: list[str] = []
    runs: list[list[tuple[int, str]]] = []
    run: list[tuple[int, str]] = []
    last = len(lines) - 1
    for number, line in enumerate(lines):
        block = None
        if (line and not (number and lines[number - 1])
                and not (number < last and lines[number + 1])):
            block = ((0, line) if _PLACEHOLDER.fullmatch(line)
                     else plain_heading(line) if line.startswith("#") else None)
        if block is not None:
            if not run:
                out.append("")  # (the run's marker, once it is whole)
            run.append(block)
        elif not run:
            out.append(line)
        elif line:  # (the run ends: its marker, a blank line, and what follows)
            out[-1] = _marker(key, len(runs), run)
            runs.append(run)
            run = []
            out += ["", line]
    if run:
        out[-1] = _marker(key, len(runs), run)
        runs.append(run)
    if not any(level for run in runs for level, _ in run):
        return None
    return Mixed("\n".join(out), runs)


def _marker(key: str, number: int, run: list[tuple[int, str]]) -> str:
    """A run's marker: `p` where it ends in a placeholder (which renders as a paragraph,
    and the block after it may read it as one)."""
    return f"{key}{number}{'z' if run[-1][0] else 'p'}"


class MixedParts:
    """The markers' block processor and the tree's order, for one Markdown instance.

    Inert but while `key` is set (a page rendered `mixed`): the instance keeps them for
    every page."""

    def __init__(self, md: Any) -> None:
        self.key: str | None = None
        self.order: list[int | str] = []
        """Each marker's number and each heading's id, in document order."""
        self.first: int | None = None
        """The number of the marker that is the page's first element, if one is."""
        parts = self

        class Marker(BlockProcessor):  # type: ignore[misc]  # (markdown is untyped)
            def test(self, parent: etree.Element, block: str) -> bool:
                return (parts.key is not None and parent is self.parser.root
                        and block.startswith(parts.key) and parts.number(block) is not None)

            def run(self, parent: etree.Element, blocks: list[str]) -> None:
                block = blocks.pop(0)
                tag = "p" if block.endswith("p") else _TAG
                etree.SubElement(parent, tag).text = AtomicString(block)

        class Order(Treeprocessor):  # type: ignore[misc]
            def run(self, root: etree.Element) -> None:
                if parts.key is None:
                    return
                for element in root.iter():
                    if element.tag in _MARKER_TAGS and type(element.text) is AtomicString:
                        number = parts.number(element.text or "")
                        if number is not None:
                            parts.order.append(number)
                            if element is root[0]:
                                parts.first = number
                    elif isinstance(element.tag, str) and _HEADING_TAG.match(element.tag):
                        parts.order.append(element.get("id", ""))

        md.parser.blockprocessors.register(Marker(md.parser), "pmsite-mixed", 999)
        md.treeprocessors.register(Order(md), "pmsite-mixed-order", 4)  # (after toc's 5)

    def number(self, text: str) -> int | None:
        """The number of the marker `text` is, if it is one."""
        if self.key is None or not text.startswith(self.key):
            return None
        number = _NUMBER.fullmatch(text, len(self.key))
        return int(number[1]) if number else None

    def start(self, key: str) -> None:
        self.key, self.order, self.first = key, [], None

    def stop(self) -> None:
        self.key, self.first = None, None


@dataclass(frozen=True, slots=True)
class Assembled:
    """What a page rendered `mixed` ends up with (see `SharedMarkdown.render`)."""

    html: str
    toc_tokens: list[dict[str, Any]]
    title_from_marker: bool
    """Whether the page's first element was a marked heading (its title is that one's,
    if of level 1), not what MkDocs' title processor found."""
    title: str | None
    ids: frozenset[str]
    """The marked headings' ids."""
    linked: tuple[str, ...]


def assemble(mixed: Mixed, parts: MixedParts, html: str, toc_tokens: list[dict[str, Any]],
             present_ids: set[str], toc: TocSettings) -> Assembled | None:
    """The page, from Python-Markdown's rendering of `mixed.text`; None where it might
    differ from a rendering of the whole text (see the module)."""
    key, count = parts.key or "", len(mixed.runs)
    marker = re.compile(f"<({_TAG}|p)>{re.escape(key)}([0-9]+)([zp])</\\1>")
    found = [(match[2], match[1], match[3]) for match in marker.finditer(html)]
    made_so = [(str(n), _TAG, "z") if run[-1][0] else (str(n), "p", "p")  # (see `_marker`)
               for n, run in enumerate(mixed.runs)]
    markers = [item for item in parts.order if isinstance(item, int)]
    if found != made_so or markers != list(range(count)) or html.count(key) != count:
        return None
    headings = mixed.headings()
    names = [" ".join(text.split()) for _, text in headings]
    slugs = [toc.slugify(unescape(name), toc.separator) for name in names]
    used: set[str] = set()
    counters: dict[str, int] = {}
    ids = [unique_id(slug, used, counters) for slug in slugs]  # (among themselves)
    if not all(slugs) or not _apart(used | set(slugs), parts.order, present_ids):
        return None
    made = iter([heading_html(level, text, ident, toc)
                 for (level, text), ident in zip(headings, ids, strict=True)])
    rendered = ["\n".join(next(made) if level else f"<p>{word}</p>" for level, word in run)
                for run in mixed.runs]
    out = marker.sub(lambda match: rendered[int(match[2])], html)
    tokens = _merged(mixed, parts.order, ids, names, toc_tokens, toc)
    from_marker = parts.first is not None  # (the first run's: they are in order)
    title = names[0] if from_marker and mixed.runs[0][0][0] == 1 else None
    linked = tuple(ids) if toc.permalink is not None else ()
    return Assembled(out, tokens, from_marker, title, frozenset(ids), linked)


def _apart(ids: set[str], order: list[int | str], present: set[str]) -> bool:
    """Whether the ids the marked headings tried (their slugs, and the ids they got)
    meet no id the page has and none the other headings may have tried on their way to
    a unique one (`toc.unique`): then each got the id it gets in the whole page."""
    theirs = [item for item in order if isinstance(item, str)]
    if ids & present or len(set(theirs)) != len(theirs):  # (two headings one explicit id)
        return False
    least: dict[str, tuple[int, str]] = {}  # (the least number tried after each base)
    for match in filter(None, map(_SUFFIX.match, ids)):
        count = _count(match[2])
        least[match[1]] = min(least.get(match[1], count), count)
    for item in theirs:
        if item in ids:
            return False
        numbered = _SUFFIX.match(item)
        if numbered is None:
            continue  # (an id with no number tried only itself)
        base = numbered[1]
        if base in ids or (base in least and least[base] <= _count(numbered[2])):
            return False
    return True


def _count(digits: str) -> tuple[int, str]:
    """A number's digits in an order that compares as the numbers do (of any length)."""
    digits = digits.lstrip("0")
    return len(digits), digits


def _merged(mixed: Mixed, order: list[int | str], ids: list[str], names: list[str],
            toc_tokens: list[dict[str, Any]], toc: TocSettings) -> list[dict[str, Any]]:
    """The page's table of contents: the other headings' tokens and the marked ones',
    nested in document order as the `toc` extension nests them."""
    theirs = {token["id"]: token for token in _flattened(toc_tokens)}
    tokens: list[dict[str, Any]] = []
    number = 0  # (of the marked heading next)
    for item in order:
        if isinstance(item, str):
            if item in theirs:
                tokens.append({k: v for k, v in theirs.pop(item).items() if k != "children"})
            continue
        for level, text in mixed.runs[item]:
            if not level:
                continue
            if level in toc.levels:
                tokens.append({"level": level, "id": ids[number], "name": names[number],
                               "html": text, "data-toc-label": ""})
            number += 1
    nested: list[dict[str, Any]] = nest_toc_tokens(tokens)
    return nested


def _flattened(tokens: list[dict[str, Any]]) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for token in tokens:
        out.append(token)
        out += _flattened(token.get("children", []))
    return out
