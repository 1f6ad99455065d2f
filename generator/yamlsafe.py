"""A hardened YAML reader: plain data plus the position of every key and value.

Built on libyaml's event stream rather than `yaml.load`, because the events let us
refuse what a PMO's data never needs and what makes `safe_load` dangerous or
surprising: aliases (alias bombs, recursion), tags (`!!python/...`), duplicate keys
(silently last-wins), unbounded nesting, several documents. Scalars stay the strings
the author wrote (`NO`, `1.10`, `0777`, `2026-13-45`); the schema converts them where
a number, a flag or a date is expected, so a string field is never silently mangled.
Building from events is also faster than `yaml.compose` (no implicit resolvers).
"""

from __future__ import annotations

import re
from array import array
from dataclasses import dataclass, field
from itertools import chain
from typing import Any, NamedTuple

import yaml

try:  # libyaml is present in every PyYAML wheel; the pure parser is a slow fallback.
    from yaml import CSafeLoader as _Loader
except ImportError:  # pragma: no cover - depends on the PyYAML build
    from yaml import SafeLoader as _Loader  # type: ignore[assignment]

MAX_DEPTH = 40
"""Deepest nesting of mappings and sequences accepted."""
MAX_BYTES = 2_000_000
"""Largest YAML text accepted (front matter or a `.yml` file)."""

_NULLS = frozenset({"", "~", "null", "Null", "NULL"})
_STANDARD_TAGS = frozenset(
    "tag:yaml.org,2002:" + name
    for name in ("str", "int", "float", "bool", "null", "map", "seq", "timestamp")
)
_NULL_TAG = "tag:yaml.org,2002:null"

Path = tuple[str | int, ...]


class Pos(NamedTuple):
    """Where a key (or a sequence item) and its value start; 1-based."""

    line: int
    column: int
    value_line: int
    value_column: int


@dataclass(slots=True)
class YamlProblem:
    """Something wrong in the YAML text itself, located."""

    line: int
    column: int
    code: str
    message: str
    hint: str = ""
    severity: str = "error"


@dataclass(slots=True)
class YamlDocument:
    """The result of reading one YAML text: data (None if unreadable), positions, problems."""

    data: Any
    positions: dict[Path, Pos] = field(default_factory=dict)
    problems: list[YamlProblem] = field(default_factory=list)
    top_level: dict[str, str] = field(default_factory=dict)
    """When the text does not parse: its unindented `kind:`, `id:` and `title:` values,
    read line by line, so the record it names keeps its identity."""

    def pos(self, path: Path) -> Pos:
        """The position of `path`, or of its nearest located ancestor."""
        while path not in self.positions and path:
            path = path[:-1]
        return self.positions.get(path, Pos(1, 1, 1, 1))

    @property
    def ok(self) -> bool:
        return self.data is not None and not any(p.severity == "error" for p in self.problems)

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickled with its positions as one array of numbers beside their paths: a
        `Pos` pickles one Python call at a time, and a document has dozens (a whole
        portfolio's documents, read in another process, pickle three times as fast)."""
        numbers = array("q", chain.from_iterable(self.positions.values()))
        return (_unpickled, (self.data, list(self.positions), numbers, self.problems,
                             self.top_level))


def _unpickled(data: Any, paths: list[Path], numbers: array[int],
               problems: list[YamlProblem], top_level: dict[str, str]) -> YamlDocument:
    """A YamlDocument as `YamlDocument.__reduce__` pickled it."""
    each = iter(numbers)
    fields = [each] * len(Pos._fields)  # (one iterator: zip takes a Pos's numbers in turn)
    positions = dict(zip(paths, map(Pos._make, zip(*fields)), strict=True))
    return YamlDocument(data, positions, problems, top_level)


class _Abort(Exception):
    def __init__(self, problem: YamlProblem) -> None:
        self.problem = problem


def read_yaml(text: str, line_offset: int = 0) -> YamlDocument:
    """Read YAML `text`; line numbers in the result are shifted by `line_offset`."""
    doc = YamlDocument(data=None)
    if len(text) > MAX_BYTES:
        doc.problems.append(YamlProblem(
            1 + line_offset, 1, "too-large",
            f"YAML text is {len(text):,} characters; the limit is {MAX_BYTES:,}",
            "split it into several files"))
        return doc
    separator = _LINE_SEPARATORS.search(text)
    if separator is not None:
        # libyaml counts these as line breaks and editors do not: refuse them, located.
        at = separator.start()
        line, column = _line_column(text, at, line_offset)
        doc.problems.append(YamlProblem(
            line, column, "invalid-character",
            f"invisible line separator U+{ord(text[at]):04X} in the YAML",
            "delete it (it often comes with text pasted from a word processor)"))
        doc.top_level = top_level_values(text)
        return doc
    try:
        doc.data = _build(text, line_offset, doc)
    except _Abort as abort:
        doc.data = None
        doc.problems.append(abort.problem)
    except yaml.MarkedYAMLError as exc:
        doc.data = None
        doc.problems.append(_syntax_problem(exc, text, line_offset))
    except yaml.YAMLError as exc:  # reader errors: invalid characters
        doc.data = None
        doc.problems.append(_reader_problem(exc, text, line_offset))
    except UnicodeEncodeError:  # lone surrogates, only from callers passing odd strings
        doc.data = None
        doc.problems.append(YamlProblem(1 + line_offset, 1, "encoding",
                                        "text contains characters that cannot be encoded",
                                        "save the file as UTF-8"))
    if doc.data is None and doc.problems:
        doc.top_level = top_level_values(text)
    return doc


_TOP_LEVEL = re.compile(r"(kind|id|title):[ \t]+(.*)")
_QUOTED = re.compile(r"""(?:"([^"\\]*)"|'([^']*)')[ \t]*(?:#.*)?""")
_COMMENT = re.compile(r"[ \t]#")


def top_level_values(text: str) -> dict[str, str]:
    """The first unindented `kind:`, `id:` and `title:` lines of `text` and their plain or
    simply quoted values (escapes and flow values are not read); for unparseable YAML."""
    found: dict[str, str] = {}
    for line in text.split("\n"):
        match = _TOP_LEVEL.fullmatch(line.rstrip())
        if match is None or match.group(1) in found:
            continue
        raw = match.group(2)
        quoted = _QUOTED.fullmatch(raw)
        if quoted is not None:
            value = quoted.group(1) if quoted.group(1) is not None else quoted.group(2)
        elif not raw or raw[0] in "\"'[{&*!|>%@`#":
            continue
        else:
            value = _COMMENT.split(raw, maxsplit=1)[0].strip()
        if value:
            found[match.group(1)] = value
    return found


_LINE_SEPARATORS = re.compile("[\u2028\u2029\x85]")


def _line_column(text: str, index: int, line_offset: int) -> tuple[int, int]:
    """1-based line (shifted) and column of character `index` of `text`."""
    line = text.count("\n", 0, index) + 1 + line_offset
    return line, index - (text.rfind("\n", 0, index) + 1) + 1


def _syntax_problem(exc: yaml.MarkedYAMLError, text: str, line_offset: int) -> YamlProblem:
    what = exc.problem or "invalid YAML"
    mark = exc.problem_mark or exc.context_mark
    if "end of stream" in what and exc.context_mark is not None:
        mark = exc.context_mark  # an unclosed quote or bracket: point at where it opened
    line = (mark.line + 1 + line_offset) if mark else 1 + line_offset
    column = (mark.column + 1) if mark else 1
    if "maximum nesting depth" in what:
        # libyaml >= 0.2.5 (PyYAML 6.0.4's wheels) stops runs of `[` itself, ahead of us.
        return YamlProblem(line, column, "too-deep",
                           f"YAML nested more than {MAX_DEPTH} levels deep",
                           "flatten the structure")
    context = f" {exc.context}" if exc.context else ""
    hint = "quote the value if it contains ': ', ' #', or starts with a special character"
    at_tab = mark is not None and 0 <= mark.index < len(text) and text[mark.index] == "\t"
    if "tab" in what or at_tab:
        hint = "indent with spaces; YAML does not allow tabs for indentation"
    return YamlProblem(line, column, "yaml-syntax", f"invalid YAML: {what}{context}", hint)


def _reader_problem(exc: yaml.YAMLError, text: str, line_offset: int) -> YamlProblem:
    position = getattr(exc, "position", None)
    message = str(exc).splitlines()[0] if str(exc) else "unreadable YAML"
    line, column = 1 + line_offset, 1
    if isinstance(position, int):
        line, column = _line_column(text, min(position, len(text)), line_offset)
    return YamlProblem(line, column, "yaml-syntax", f"invalid YAML: {message}",
                       "remove control characters from the file")


def _build(text: str, line_offset: int, doc: YamlDocument) -> Any:
    loader = _Loader(text)
    try:
        return _build_from(loader.get_event, text, line_offset, doc)
    finally:
        loader.dispose()


def _build_from(next_event: Any, text: str, line_offset: int, doc: YamlDocument) -> Any:
    """The data of libyaml's events, taken straight from the parser (cheaper than
    `yaml.parse`), with the position of every value."""
    positions = doc.positions
    problems = doc.problems
    # Each frame: [container, path, pending key or None, key line, key column]
    stack: list[list[Any]] = []
    root: Any = None
    documents = 0
    lines: list[str] | None = None
    has_hash = "#" in text
    scalar_event, alias_event = yaml.ScalarEvent, yaml.AliasEvent
    mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
    collection_end = (yaml.MappingEndEvent, yaml.SequenceEndEvent)
    standard_tags = _STANDARD_TAGS

    while (event := next_event()) is not None:
        kind = type(event)
        if kind is scalar_event:
            mark = event.start_mark
            line, column = mark.line + 1 + line_offset, mark.column + 1
            tag = event.tag
            value: Any = event.value
            style = event.style
            if tag is not None:
                if tag != "!" and tag not in standard_tags:
                    raise _Abort(_tag_problem(tag, line, column))
                if tag == _NULL_TAG:
                    value = None
            elif not style:
                if value in _NULLS:
                    value = None
                elif has_hash and mark.line == event.end_mark.line:
                    if lines is None:
                        lines = text.splitlines()
                    _check_comment(lines, event, line_offset, doc)
            if not stack:
                root = value
                positions[()] = Pos(line, column, line, column)
                continue
            frame = stack[-1]
            container = frame[0]
            if frame[2] is _SEQUENCE:
                positions[frame[1] + (len(container),)] = Pos(line, column, line, column)
                container.append(value)
            elif frame[2] is None:
                frame[2] = value if value is not None else "null"
                frame[3] = line
                frame[4] = column
            else:
                _put(frame, value, line, column, positions, problems)
        elif kind is mapping_start or kind is sequence_start:
            mark = event.start_mark
            line, column = mark.line + 1 + line_offset, mark.column + 1
            tag = event.tag
            if tag is not None and tag not in standard_tags:
                raise _Abort(_tag_problem(tag, line, column))
            if len(stack) >= MAX_DEPTH:
                raise _Abort(YamlProblem(line, column, "too-deep",
                                         f"YAML nested more than {MAX_DEPTH} levels deep",
                                         "flatten the structure"))
            new: Any = {} if kind is mapping_start else []
            path: Path = ()
            if not stack:
                root = new
                positions[()] = Pos(line, column, line, column)
            else:
                frame = stack[-1]
                if frame[2] is _SEQUENCE:
                    container = frame[0]
                    path = frame[1] + (len(container),)
                    positions[path] = Pos(line, column, line, column)
                    container.append(new)
                elif frame[2] is None:
                    raise _Abort(YamlProblem(
                        line, column, "yaml-key",
                        "a mapping key must be a plain value, not a list or mapping",
                        "use a simple name as the key"))
                else:
                    path = frame[1] + (frame[2],)
                    _put(frame, new, line, column, positions, problems)
            stack.append([new, path, None if kind is mapping_start else _SEQUENCE, 0, 0])
        elif kind in collection_end:
            stack.pop()
        elif kind is alias_event:
            mark = event.start_mark
            raise _Abort(YamlProblem(
                mark.line + 1 + line_offset, mark.column + 1, "yaml-alias",
                f"YAML aliases (*{event.anchor}) are not allowed",
                "write the value out in full"))
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                mark = event.start_mark
                raise _Abort(YamlProblem(
                    mark.line + 1 + line_offset, mark.column + 1, "yaml-multi-document",
                    "more than one YAML document in one file",
                    "keep one record or log per file, or use a log with `entries:`"))
        elif kind is yaml.StreamEndEvent:
            break
    return root


_SEQUENCE = object()
"""Marks a sequence frame in the builder's stack (mapping frames hold the pending key)."""


def _put(frame: list[Any], value: Any, line: int, column: int,
         positions: dict[Path, Pos], problems: list[YamlProblem]) -> None:
    container, parent, key, key_line, key_column = frame
    frame[2] = None
    path = parent + (key,)
    if key in container:
        first = positions[path]
        problems.append(YamlProblem(
            key_line, key_column, "duplicate-key",
            f"duplicate key '{key}' (first set on line {first.line})",
            "remove one of them; YAML would silently keep only the last"))
        return
    container[key] = value
    positions[path] = Pos(key_line, key_column, line, column)


def _tag_problem(tag: str, line: int, column: int) -> YamlProblem:
    shown = tag.replace("tag:yaml.org,2002:", "!!")
    return YamlProblem(line, column, "yaml-tag", f"YAML tag {shown} is not allowed",
                       "remove the tag; pmsite reads plain data only")


def _check_comment(lines: list[str], event: Any, line_offset: int, doc: YamlDocument) -> None:
    """Warn when ` #word` after a plain value was probably meant as text, not a comment."""
    end = event.end_mark
    if end.line >= len(lines):
        return
    rest = lines[end.line][end.column:]
    stripped = rest.lstrip()
    if (rest[:1] in (" ", "\t") and stripped.startswith("#") and len(stripped) > 1
            and stripped[1].isalnum()):
        doc.problems.append(YamlProblem(
            end.line + 1 + line_offset, end.column + 1 + len(rest) - len(stripped),
            "yaml-comment",
            f"'{stripped[:20]}' after '{event.value[:40]}' is a YAML comment and was dropped",
            'put the whole value in quotes, e.g. "Update #2"', severity="warning"))
