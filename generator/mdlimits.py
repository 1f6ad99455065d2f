"""Refuse Markdown a renderer would hang on or recurse too deeply in (RELIABILITY G7).

Python-Markdown (inside MkDocs) walks from each `[` to its `]` and from each `](` to its
`)` (to the end of the paragraph when there is none), Python's HTML parser from each
`<tag` to its `>`, `attr_list` from each `{` to the end of its line, and each heading or
rule without blank lines around it makes the rest of its paragraph be read again: 8,000
`[` in one paragraph take 6 s, 50,000 several minutes. Nested lists, admonitions and
emphasis recurse: about 250 levels overflow the stack. markdown-it-py (wiki-links, the
report) is linear but for link definitions in quotes, at about 20 microseconds per `[`.
`scan_markdown` models that work and nesting in one linear pass; `check` reports each
limit a body goes over as `markdown-too-complex`, so `build` never meets the body.
Ordinary content (long narratives, big tables, many links) stays far below the limits;
a pathological body under them renders in a fraction of a second with either parser
(rendering stays linear in size: about 1 s per MB of prose). `time_budget` is the
renderer's safety net for whatever the model misses.
"""

from __future__ import annotations

import bisect
import itertools
import re
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import FrameType
from typing import Any

from generator.diagnostics import Diagnostics
from generator.errors import PmsiteError
from generator.load import SourceDocument

CODE = "markdown-too-complex"

MAX_NESTING = 32
"""Lists, block quotes, admonitions and `markdown` HTML elements inside each other."""
MAX_EMPHASIS_NESTING = 32
"""Emphasis inside emphasis (`*a *b c* d*` is two)."""
MAX_LINK_SCAN = 1_000_000
"""Characters walked from each `[` to its `]` and each `](` to its `)`, per body."""
MAX_TAG_SCAN = 3_000_000
"""Characters walked from each `<tag` to its `>`, per body."""
MAX_ATTRIBUTE_SCAN = 20_000_000
"""Characters walked from each `{` to the end of its line, plus the square of each run of
32 or more spaces after text, per body."""
MAX_BLOCK_SPLITS = 2_500_000
"""Per body: the sum over paragraphs (blank line to blank line) of the lines that split
one (headings, rules, setext underlines, admonitions, link definitions after text) times
its length."""
FREE_MARKS = 256
"""Inline markup characters a paragraph may hold without counting as inline work."""
MAX_INLINE_WORK = 200_000_000
"""Per body: the sum over paragraphs of (markup characters - FREE_MARKS) x length."""
MAX_BRACKETS = 20_000
BRACKET_EVERY = 50
"""Per body: MAX_BRACKETS `[`, plus one for every BRACKET_EVERY characters; per paragraph
(blank line to blank line): MAX_BRACKETS."""

_MARKER_SYMBOL = r"(?:[-*+]|\d{1,9}[.)]|!!!|\?\?\?\+?)"
_MARKERS = rf"({_MARKER_SYMBOL})(?=[ \t]|$)"
_CONTAINER_LINE = re.compile(rf"\n(?=[ \t]*[->*+\d!?])((?:[ \t]*>)*)([ \t]*)(?:{_MARKERS})?",
                             re.MULTILINE)
_MARKER = re.compile(rf"[ \t]*()(){_MARKERS}", re.MULTILINE)  # the marker is group 3 too
_INNER_PREFIX = re.compile(rf"(?:[ \t]*(?:>|{_MARKERS}))*", re.MULTILINE)
_MARKER_ALONE = re.compile(_MARKERS, re.MULTILINE)
_QUOTE_PREFIX = re.compile(r"^(?:[ \t]*>)+ ?")
_HEADING = re.compile(r"#{1,6}(?:[ \t]|$)")
_BULLET = re.compile(r" {0,3}[*+-] +\S")
_NUMBERED = re.compile(r" {0,3}\d{1,9}\. +\S")
_TABLE_RULE = re.compile(r"[|: -]*\|[|: -]*")
_FENCE = re.compile(r"^( {0,3})(`{3,}|~{3,})(.*)$", re.MULTILINE)
_FENCE_INFO = re.compile(r"[ ]*(?:\{.*\}|\.?[\w#.+-]*[ ]*(?:hl_lines=([\"']).*?\1[ ]*)?)")
_INLINE_MARKS = "[`*_&<{\\"
_BRACKETS = re.compile(r"\\.|[\[\]()\"']")
_EMPHASIS = re.compile(r"\\.|\*+|_+")
_BLANK_LINE = re.compile(r"\n[ \t>]*(?=\n)")
_SPLIT_LINE = re.compile(r"\n[ \t>]*(?:#{1,6}|!!!|\?\?\?|(?:[-*_=][ \t]*){3,}$|[=-]+[ \t]*$)",
                         re.MULTILINE)
_DEFINITION_AFTER_TEXT = re.compile(r"\n(?![ \t>]*\[[^\]\n]*\]:).*\n[ \t>]*\[[^\]\n]*\]:")
_QUOTED_DEFINITION = re.compile(r"\n[ \t]*>[ \t>]*\[[^\]\n]*\]:")
_TAG_START = re.compile(r"<[A-Za-z/!?]")
_SPACES = " " * 32
_SPACE_RUN = re.compile(r" {32,}")
_BRACE_LINE = re.compile(r"^[^\n{]*\{.*", re.MULTILINE)


@dataclass(frozen=True, slots=True)
class Excess:
    """One limit a body goes over."""

    line: int
    """1-based line in the body."""
    message: str
    hint: str


class MarkdownTimeout(PmsiteError):
    """Rendering Markdown took longer than its time budget."""


def check_markdown(doc: SourceDocument, diagnostics: Diagnostics) -> None:
    """Report each limit the body of Markdown file `doc` goes over, at its file line."""
    if doc.fmt != "markdown" or not doc.body:
        return
    for excess in scan_markdown(doc.body):
        diagnostics.error(doc.path, doc.body_line + excess.line - 1, 1, CODE, excess.message,
                          excess.hint)


def within_limits(body: str) -> bool:
    """No limit is exceeded: a renderer may parse `body`."""
    return not scan_markdown(body)


def scan_markdown(body: str) -> list[Excess]:
    """The limits `body` goes over, in linear time: at most one report per line.

    Each costly measure is first bounded by counts over the whole body (at C speed) and
    taken paragraph by paragraph only when that bound could go over its limit. Where
    several limits are exceeded on one line, the most specific is reported.
    """
    size = len(body)
    code = _fenced_lines(body) if "```" in body or "~~~" in body else set()
    lines = body.split("\n") if code else []
    visible = "\n".join("" if i in code else line for i, line in enumerate(lines)) or body
    found = [_nesting(body, code)]
    marks = sum(body.count(c) for c in _INLINE_MARKS)
    if ((marks - FREE_MARKS) * size > MAX_INLINE_WORK
            or (body.count("[") + body.count("(")) * size > MAX_LINK_SCAN
            or body.count("*") + body.count("_") > 2 * MAX_EMPHASIS_NESTING):
        scan, emphasis, work = _inline(lines or body.split("\n"), code)
        found += [emphasis, scan]
    else:
        work = None
    if body.count("<") * size > MAX_TAG_SCAN or body.count("markdown") > MAX_NESTING:
        found.append(_tags(visible))
    if body.count("{") * size > MAX_ATTRIBUTE_SCAN or _SPACES in body:
        found.append(_attributes(visible))
    if (body.count("\n") * size > MAX_BLOCK_SPLITS and (
            len(_SPLIT_LINE.findall("\n" + visible)) + body.count("]:")) * size > MAX_BLOCK_SPLITS):
        found.append(_block_splits(visible))
    found += [_bracket_count(visible), work]
    reported: dict[int, Excess] = {}
    for excess in found:
        if excess is not None:
            reported.setdefault(excess.line, excess)
    return sorted(reported.values(), key=lambda e: e.line)


def _line_at(text: str, at: int) -> int:
    return text.count("\n", 0, at) + 1


# -- fenced code ----------------------------------------------------------------------------


def _fenced_lines(body: str) -> set[int]:
    """Indexes of the lines of fenced code blocks both renderers take out unparsed.

    Python-Markdown's `fenced_code` takes, as its expression does, an opening fence at
    column 0 with at most a language or `{attributes}` up to the next line that is the
    very same fence. markdown-it opens a fence indented by up to 3 spaces and closes it
    at the first fence of the same character at least as long. A block counts as code
    only when both see it so; any other code is measured as text, which overestimates.
    """
    closes: dict[str, list[int]] = {}
    openers: list[tuple[int, str]] = []
    agreed: set[tuple[int, int]] = set()
    opened: tuple[int, str] | None = None  # markdown-it's open fence
    line = last = 0
    for match in _FENCE.finditer(body):
        line += body.count("\n", last, match.start())
        last = match.start()
        indent, fence, info = match.groups()
        blank = not info.strip(" \t")
        if opened is not None:
            if blank and fence[0] == opened[1][0] and len(fence) >= len(opened[1]):
                if not indent and fence == opened[1] and not info.strip(" "):
                    agreed.add((opened[0], line))
                opened = None
        elif not (fence[0] == "`" and "`" in info):
            opened = (line, fence)
        if not indent and not info.strip(" "):
            closes.setdefault(fence, []).append(line)
        if not indent and _FENCE_INFO.fullmatch(info) and not (fence[0] == "`" and "`" in info):
            openers.append((line, fence))
    code: set[int] = set()
    after = 0
    for line, fence in openers:
        candidates = closes.get(fence, [])
        found = bisect.bisect_right(candidates, line)
        if line < after or found == len(candidates):
            continue
        after = candidates[found] + 1
        if (line, candidates[found]) in agreed:
            code.update(range(line, after))
    return code


# -- nesting --------------------------------------------------------------------------------


def _nesting(body: str, code: set[int]) -> Excess | None:
    """Lists, quotes and admonitions nested deeper than MAX_NESTING.

    Each quote level keeps a stack of the content columns of its open list items (and
    admonitions); a marker line closes the items it is not indented into. Other lines
    close nothing, which can only overestimate the depth.
    """
    text = "\n" + body  # every line starts after a newline: a literal, fast to search for
    stacks: list[list[int]] = [[]]
    total = 0  # items open over all quote levels
    index = last = 0  # line of `match`, counted only when there is code to skip
    for match in _CONTAINER_LINE.finditer(text):
        if code:
            index += text.count("\n", last, match.start())
            last = match.start()
            if index in code:
                continue
        quotes = match.group(1).count(">")
        if quotes > MAX_NESTING:
            return _too_deep(text, match.start() + 1, quotes)
        if len(stacks) > quotes + 1:
            total -= sum(len(s) for s in stacks[quotes + 1:])
            del stacks[quotes + 1:]
        while len(stacks) <= quotes:
            stacks.append([])
        if match.group(3) is None:
            continue
        stack = stacks[quotes]
        indent = len(match.group(2).expandtabs(4))
        while stack and stack[-1] > indent:
            stack.pop()
            total -= 1
        marker: re.Match[str] | None = match
        end = match.end()
        while marker is not None:
            before = len(text[match.end(1):marker.start(3)].expandtabs(4))
            stack.append(before + 4 if marker.group(3)[0] in "!?"  # admonition text
                         else before + len(marker.group(3)) + 1)
            total += 1
            if quotes + total > MAX_NESTING:
                return _too_deep(text, match.start() + 1, quotes + total)
            end = marker.end()
            marker = _MARKER.match(text, end)
        extra = 0  # what a quote opened inside the item nests on this line: `- > - > x`
        inner = _INNER_PREFIX.match(text, end)
        if inner is not None and inner.end() > end:
            extra = inner.group().count(">") + len(_MARKER_ALONE.findall(inner.group()))
        if quotes + total + extra > MAX_NESTING:
            return _too_deep(text, match.start() + 1, quotes + total + extra)
    return None


def _too_deep(text: str, at: int, depth: int) -> Excess:
    return Excess(_line_at(text, at) - 1,
                  f"lists, quotes and admonitions nested {depth} deep (limit {MAX_NESTING})",
                  "flatten the structure: shorten the list or move the detail into a section")


def _bracket_count(body: str) -> Excess | None:
    """More `[` than markdown-it parses in a fraction of a second, per file or paragraph.

    markdown-it's commonmark preset has no tables, so a table is one paragraph to it.
    """
    count = body.count("[")
    if count <= MAX_BRACKETS:
        return None
    limit = MAX_BRACKETS + len(body) // BRACKET_EVERY
    if count > limit:
        at = -1
        for _ in range(limit + 1):
            at = body.find("[", at + 1)
        return Excess(_line_at(body, at),
                      f"{count:,} `[` in {len(body):,} characters (limit {MAX_BRACKETS:,} "
                      f"plus one for every {BRACKET_EVERY} characters)", "split the file")
    start = 0
    for blank in itertools.chain(_BLANK_LINE.finditer(body), [None]):
        end = blank.start() if blank is not None else len(body)
        inside = body.count("[", start, end)
        if inside > MAX_BRACKETS:
            return Excess(_line_at(body, start),
                          f"{inside:,} `[` in one paragraph (limit {MAX_BRACKETS:,})",
                          "split the paragraph (or table) with blank lines")
        start = blank.end() if blank is not None else end
    return None


def _block_splits(text: str) -> Excess | None:
    """Work splitting paragraphs at headings, rules and the like.

    At each split Python-Markdown hands the rest of the paragraph back to every block
    processor, whose expressions read it again: 8,000 headings without blank lines take
    10 s. markdown-it reads the rest of a quote again after each link definition opening
    one of its lines: 2,000 of them (20 KB) take 5 s.
    """
    walked = start = 0
    for blank in itertools.chain(_BLANK_LINE.finditer(text), [None]):
        end = blank.start() if blank is not None else len(text)
        chunk = "\n" + text[start:end]
        splits = len(_SPLIT_LINE.findall(chunk))
        if "]:" in chunk:  # link definitions: after text, or in a quote (for markdown-it)
            splits += (len(_DEFINITION_AFTER_TEXT.findall(chunk))
                       + len(_QUOTED_DEFINITION.findall(chunk)))
        walked += splits * (end - start)
        if walked > MAX_BLOCK_SPLITS:
            return Excess(_line_at(text, start) + (1 if start else 0),
                          f"{splits:,} headings, rules or similar lines in a paragraph of "
                          f"{end - start:,} characters: splitting paragraphs at them walks "
                          f"over {MAX_BLOCK_SPLITS:,} characters (the limit)",
                          "put a blank line before and after each heading, rule and "
                          "admonition")
        start = blank.end() if blank is not None else end
    return None


# -- paragraphs -------------------------------------------------------------------------------


def _inline(lines: list[str],
            code: set[int]) -> tuple[Excess | None, Excess | None, Excess | None]:
    """Link-parsing work, emphasis nesting and inline work, paragraph by paragraph."""
    scan = work = 0
    scan_at: Excess | None = None
    work_at: Excess | None = None
    emphasis_at: Excess | None = None
    for first, text in _paragraphs(lines, code):
        size = len(text)
        marks = sum(text.count(c) for c in _INLINE_MARKS)
        work += max(0, marks - FREE_MARKS) * size
        if work_at is None and work > MAX_INLINE_WORK:
            work_at = Excess(first + 1, f"too much inline markup in long paragraphs: "
                                        f"{marks:,} markup characters in {size:,} here; "
                                        f"(markup beyond {FREE_MARKS} per paragraph) x "
                                        f"(its length), summed over the file, is limited "
                                        f"to {MAX_INLINE_WORK:,}",
                             "split long paragraphs with blank lines, or the file in several")
        if scan_at is None and "[" in text:
            scan += _link_scan(text)
            if scan > MAX_LINK_SCAN:
                scan_at = Excess(first + 1, f"too many unclosed `[` or `](`: reading the "
                                            f"links up to here walks {scan:,} characters "
                                            f"(limit {MAX_LINK_SCAN:,})",
                                 "close each `[` with `]` and each `(` with `)`, write a "
                                 "literal bracket as `\\[`, or split the paragraph")
        if emphasis_at is None and ("*" in text or "_" in text):
            depth, at = _emphasis_depth(text)
            if depth > MAX_EMPHASIS_NESTING:
                emphasis_at = Excess(first + _line_at(text, at),
                                     f"emphasis nested {depth} deep (limit "
                                     f"{MAX_EMPHASIS_NESTING})",
                                     "close each `*` or `_` before opening the next")
    return scan_at, emphasis_at, work_at


def _paragraphs(lines: list[str], code: set[int]) -> Iterator[tuple[int, str]]:
    """(first line index, text) of each run of lines parsed inline as one paragraph.

    Blank lines and code end a paragraph. A line is split off only where both renderers
    split: a heading at column 0, an item of the list the lines start with, a row of a
    table Python-Markdown surely reads as one. A run longer than the renderer's only
    overestimates the work.
    """
    chunk: list[int] = []
    for index, line in enumerate(lines):
        if index in code or not line.strip(" \t>"):
            yield from _split(lines, chunk)
            chunk = []
        else:
            chunk.append(index)
    yield from _split(lines, chunk)


def _split(lines: list[str], chunk: list[int]) -> Iterator[tuple[int, str]]:
    if not chunk:
        return
    bodies = [_QUOTE_PREFIX.sub("", lines[i], count=1) for i in chunk]
    rows = _table_rows(bodies)
    item = next((r for r in (_BULLET, _NUMBERED) if r.match(bodies[0])), None)
    start = 0
    for offset in range(1, len(chunk) + 1):
        if offset < len(chunk) and not (
                offset <= rows or _HEADING.match(bodies[offset])
                or _HEADING.match(bodies[offset - 1])
                or (item is not None and item.match(bodies[offset]))):
            continue
        yield chunk[start], "\n".join(lines[i] for i in chunk[start:offset])
        start = offset


def _table_rows(bodies: list[str]) -> int:
    """How many leading lines are rows of a table, as Python-Markdown's `tables` sees it."""
    if len(bodies) < 2 or "|" not in bodies[0] or not _TABLE_RULE.fullmatch(bodies[1]):
        return 0
    header = bodies[0].strip(" ")
    if "`" in header or "\\" in header:
        return 0
    border = header.startswith("|") or header.endswith("|")
    cells = _cells(header, border)
    if cells < 2 or _cells(bodies[1].strip(" "), border) != cells:
        return 0
    rows = 2
    while rows < len(bodies) and "|" in bodies[rows]:
        rows += 1
    return rows


def _cells(row: str, border: bool) -> int:
    if border:
        row = row.removeprefix("|").removesuffix("|")
    return row.count("|") + 1


def _link_scan(text: str) -> int:
    """Characters walked from each `[` to its `]` and from each link `](` to its `)`.

    An unclosed one is walked to the end of the paragraph, and so is a link's `(...)`
    holding an odd number of quotes (an unclosed title).
    """
    walked = 0
    size = len(text)
    opened: list[int] = []
    parens: list[tuple[int, bool, int, int]] = []  # (where, of a link, quotes before)
    link_end = -2
    double = single = 0
    for match in _BRACKETS.finditer(text):
        at = match.start()
        char = match.group()
        if char == "[":
            opened.append(at)
        elif char == "]":
            if opened:
                walked += at - opened.pop()
                link_end = at
        elif char == "(":
            parens.append((at, at == link_end + 1, double, single))
        elif char == ")":
            if parens:
                start, link, double_before, single_before = parens.pop()
                if link:
                    odd = (double - double_before) % 2 or (single - single_before) % 2
                    walked += size - start if odd else at - start
        elif char == '"':
            double += 1
        elif char == "'":
            single += 1
    walked += sum(size - at for at in opened)
    walked += sum(size - at for at, link, _, _ in parens if link)
    return walked


def _emphasis_depth(text: str) -> tuple[int, int]:
    """How deep closed emphasis nests in `text`, and where the deepest one opens."""
    events: list[tuple[int, bool]] = []  # (where, opens)
    pending: list[int] = []  # events that open and are not closed yet
    closed: set[int] = set()
    for match in _EMPHASIS.finditer(text):
        if match.group()[0] == "\\":
            continue
        before = text[match.start() - 1] if match.start() else " "
        after = text[match.end()] if match.end() < len(text) else " "
        if match.group()[0] == "_" and before.isalnum() and after.isalnum():
            continue
        if not before.isspace() and pending:
            closed.add(pending.pop())
            closed.add(len(events))
            events.append((match.start(), False))
        elif not after.isspace():
            pending.append(len(events))
            events.append((match.start(), True))
    depth = deepest = where = 0
    for index, (at, opens) in enumerate(events):
        if index in closed:
            depth += 1 if opens else -1
            if depth > deepest:
                deepest, where = depth, at
    return deepest, where


# -- raw HTML and attributes ----------------------------------------------------------------


def _tags(text: str) -> Excess | None:
    """Work of the HTML parser over `<tag`s, and nesting of `markdown` HTML elements.

    Python-Markdown runs Python's HTML parser over the whole page (fenced code aside); it
    walks from each `<tag` to its `>`, or further past a quote: then to the end here.
    """
    walked = depth = 0
    close = -1
    for match in _TAG_START.finditer(text):
        start = match.start()
        if close < start:
            close = text.find(">", start)
            if close < 0:
                close = len(text)
        inside = text[start:close]
        walked += (len(text) - start if inside.count('"') % 2 or inside.count("'") % 2
                   else close - start)
        if walked > MAX_TAG_SCAN:
            return Excess(_line_at(text, start),
                          f"too many unclosed `<`: reading the HTML tags up to here walks "
                          f"over {MAX_TAG_SCAN:,} characters (the limit)",
                          "close each HTML tag with `>`, or write a literal `<` as `&lt;`")
        if text[start + 1] == "/":
            depth = max(0, depth - 1)
        elif "markdown" in inside:
            depth += 1
            if depth > MAX_NESTING:
                return Excess(_line_at(text, start),
                              f"HTML elements with a `markdown` attribute nested {depth} "
                              f"deep (limit {MAX_NESTING})",
                              "flatten the HTML, or drop the `markdown` attributes")
    return None


def _attributes(text: str) -> Excess | None:
    """Work of `attr_list` looking for `{: ...}` at the end of a heading or table cell.

    Its expression walks from each `{` to the end of the line, and from each space of a
    run of spaces to the end of the run.
    """
    walked = 0
    for match in itertools.chain(_SPACE_RUN.finditer(text), _BRACE_LINE.finditer(text)):
        found = match.group()
        if found[0] != " ":
            walked += found.count("{") * len(found)
        elif match.start() and not text[match.start() - 1].isspace():  # not indentation
            walked += len(found) ** 2
        if walked > MAX_ATTRIBUTE_SCAN:
            return Excess(_line_at(text, match.start()),
                          f"too many `{{` or spaces on long lines: reading them walks over "
                          f"{MAX_ATTRIBUTE_SCAN:,} characters (the limit)",
                          "shorten the lines, or put the text in a code block")
    return None


# -- time budget ----------------------------------------------------------------------------


class TimeBudget:
    """An alarm that raises MarkdownTimeout in the main thread once `seconds` have passed
    between `start()` and `stop()`.

    Uses SIGALRM (`setitimer(ITIMER_REAL)`), so it works in the main thread of a POSIX
    process only, and elsewhere (or with `seconds <= 0`) does nothing. `stop()` restores
    the previous handler, and the timer of an enclosing budget. Python handles signals
    between bytecodes: one long call into C (a regular expression search) overruns until
    it returns.

    The alarm raises once, so that nothing interrupts what handles it (the build's error
    path switches the budget off), and once more for each exception Python loses: one
    raised inside a finalizer or a gc callback, which Python drops, goes off again (after
    `seconds`, or a second at most) instead of letting the overrun run on. It can go off
    as `stop()` begins, and raise from it: the first thing `stop()` does makes the alarm
    harmless, so whatever raises from it leaves the budget running, and calling `stop()`
    again (it may be called any number of times) switches it off.
    """

    def __init__(self, seconds: float) -> None:
        self.seconds = seconds
        self._armed = False
        """Whether the alarm raises (what `stop()` switches off first)."""
        self._running: tuple[Any, Any, Any, float, float] | None = None
        """What `stop()` restores: the handler, the unraisable hooks (the caller's and
        this budget's), when the budget began and the enclosing budget's time left."""

    def start(self) -> None:
        if (self.seconds <= 0 or not hasattr(signal, "setitimer") or self._running
                or threading.current_thread() is not threading.main_thread()):
            return
        previous = signal.signal(signal.SIGALRM, self._expire)
        hook, lost = sys.unraisablehook, self._lost
        sys.unraisablehook = lost
        began = time.monotonic()
        self._armed = True
        outer, _ = signal.setitimer(signal.ITIMER_REAL, self.seconds)
        self._running = (previous, hook, lost, began, outer)

    def stop(self) -> None:
        self._armed = False  # (from here on, an alarm does nothing)
        running, self._running = self._running, None
        if running is None:
            return
        previous, hook, lost, began, outer = running
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous if previous is not None else signal.SIG_DFL)
        if sys.unraisablehook is lost:  # (unless something replaced it meanwhile)
            sys.unraisablehook = hook
        if outer > 0:
            signal.setitimer(signal.ITIMER_REAL, max(outer - (time.monotonic() - began), 1e-3))

    def _expire(self, signum: int, frame: FrameType | None) -> None:
        if self._armed:
            self._armed = False
            raise MarkdownTimeout(f"rendering took longer than {self.seconds:g} s")

    def _lost(self, unraisable: Any) -> None:
        # The alarm went off inside a finalizer or a gc callback, which Python cannot
        # raise from (it would print "Exception ignored in ...", a traceback): it goes off
        # again, so this one says nothing.
        if not isinstance(unraisable.exc_value, MarkdownTimeout):
            (self._running[1] if self._running else sys.__unraisablehook__)(unraisable)
        elif self._running:
            self._armed = True
            signal.setitimer(signal.ITIMER_REAL, min(self.seconds, 1.0))


@contextmanager
def time_budget(seconds: float) -> Iterator[None]:
    """Raise MarkdownTimeout if the body of the `with` runs longer than `seconds` (see
    TimeBudget)."""
    budget = TimeBudget(seconds)
    budget.start()
    try:
        yield
    finally:
        while True:  # (an alarm going off as it stops raises, and leaves it to stop again)
            try:
                budget.stop()
                break
            except MarkdownTimeout:
                pass
