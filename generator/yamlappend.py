"""Append one entry to a YAML list as text, leaving every other byte of the file alone.

`pmsite new risk` (and issue, milestone, benefit) adds an entry to a log's `entries:`
or to a record's `risks:` list. Re-dumping the YAML would lose comments, quoting and
layout, so the entry is written as text at the end of the list, indented like the
entries already there; the result is read again to make sure it says what was meant.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

import yaml

from generator.errors import ConfigError, ContentError
from generator.yamlsafe import read_yaml

_FENCE = re.compile(r"[ \t]*---[ \t]*\r?")
_FENCE_END = re.compile(r"[ \t]*(---|\.\.\.)[ \t]*\r?")


@dataclass(frozen=True, slots=True)
class Region:
    """Where the YAML of a file is: all of it, or a Markdown file's front matter."""

    start: int
    end: int
    line_offset: int
    """Lines of the file before the region (for locating problems)."""


def yaml_region(text: str, markdown: bool, shown: str) -> Region:
    """The YAML part of a file's `text` (`shown` names the file in errors)."""
    if not markdown:
        return Region(0, len(text), 0)
    lines = text.split("\n")
    if not lines or not _FENCE.fullmatch(lines[0]):
        raise ContentError(f"{shown}:1:1: has no front matter to add to; nothing written")
    offset = len(lines[0]) + 1
    start = offset
    for index in range(1, len(lines)):
        if _FENCE_END.fullmatch(lines[index]):
            return Region(start, offset, 1)
        offset += len(lines[index]) + 1
    raise ContentError(f"{shown}:1:1: front matter is never closed by '---'; "
                       "fix it first (pmsite check shows it); nothing written")


def append_to_list(text: str, key: str, entry: str, *, shown: str,
                   markdown: bool = False) -> str:
    """`text` with `entry` (a YAML mapping written at column 0) appended to the list
    under top-level `key`; the list is made when the key is absent or empty.

    Raises ContentError, located, when the YAML does not read (nothing is changed)."""
    region = yaml_region(text, markdown, shown)
    part = text[region.start:region.end]
    document = read_yaml(part, line_offset=region.line_offset)
    errors = [p for p in document.problems if p.severity == "error"]
    if errors or not isinstance(document.data, dict):
        where = (f"{errors[0].line}:{errors[0].column}: {errors[0].message}" if errors
                 else f"{region.line_offset + 1}:1: not a mapping")
        raise ContentError(f"{shown}:{where}; fix the YAML first (pmsite check shows every "
                           "problem); nothing written")
    newline = "\r\n" if "\r\n" in part else "\n"
    updated = _append(part, key, entry, newline, shown, region.line_offset)
    _verify(updated, key, entry, len(_items(document.data, key)), shown)
    return text[:region.start] + updated + text[region.end:]


def _items(data: dict[str, Any], key: str) -> list[Any]:
    value = data.get(key)
    return value if isinstance(value, list) else []


def _append(part: str, key: str, entry: str, newline: str, shown: str, offset: int) -> str:
    root = yaml.compose(part, Loader=yaml.SafeLoader)
    assert isinstance(root, yaml.MappingNode)
    found = [(k, v) for k, v in root.value if isinstance(k, yaml.ScalarNode) and k.value == key]
    entry_lines = entry.rstrip("\n").split("\n")
    if not found:  # no such key yet: a new one at the end
        block = _block(entry_lines, 2, 4, newline)
        lead = "" if part == "" or part.endswith("\n") else newline
        return f"{part}{lead}{key}:{newline}{block}"
    key_node, value = found[0]
    if isinstance(value, yaml.SequenceNode) and not value.flow_style:
        items = value.value
        dash = value.start_mark.column
        indent = items[0].start_mark.column if items else dash + 2
        last = _last_line(part, items[-1]) if items else value.start_mark.line
        return _insert_after(part, last, _block(entry_lines, dash, indent, newline), newline)
    empty_flow = isinstance(value, yaml.SequenceNode) and not value.value
    is_null = isinstance(value, yaml.ScalarNode) and value.tag == "tag:yaml.org,2002:null"
    if empty_flow or is_null:
        start, end = value.start_mark.index, value.end_mark.index
        cleared = part[:start].rstrip(" \t") + part[end:] if end > start else part
        line = key_node.start_mark.line
        dash = key_node.start_mark.column + 2
        return _insert_after(cleared, line, _block(entry_lines, dash, dash + 2, newline),
                             newline)
    if isinstance(value, yaml.SequenceNode):  # a flow list with items: one more, as JSON
        data = read_yaml(entry).data
        close = value.end_mark.index - 1
        return f"{part[:close]}, {json.dumps(data, ensure_ascii=False, default=str)}" \
               f"{part[close:]}"
    line = value.start_mark.line + offset + 1
    raise ContentError(f"{shown}:{line}:{value.start_mark.column + 1}: `{key}:` is not a "
                       "list; make it one to add entries to it; nothing written")


def _block(lines: list[str], dash: int, indent: int, newline: str) -> str:
    """The entry as a block-list item: `- ` at column `dash`, its keys at `indent`."""
    first = " " * dash + "-" + " " * max(1, indent - dash - 1)
    rest = [(" " * indent + line) if line.strip() else "" for line in lines[1:]]
    return newline.join([first + lines[0], *rest]) + newline


def _last_line(part: str, node: yaml.Node) -> int:
    """The 0-based line on which the text of `node` (an item) last shows."""
    ends = [_end_line(part, n) for n in _scalars(node)]
    return max(ends, default=node.start_mark.line)


def _scalars(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.ScalarNode):
        return [node]
    found: list[yaml.Node] = [node] if getattr(node, "flow_style", False) else []
    if isinstance(node, yaml.SequenceNode):
        return found + [s for item in node.value for s in _scalars(item)]
    if isinstance(node, yaml.MappingNode):
        return found + [s for k, v in node.value for s in (*_scalars(k), *_scalars(v))]
    return []


def _end_line(part: str, node: yaml.Node) -> int:
    mark = node.end_mark
    if isinstance(node, yaml.ScalarNode) and node.style in ("|", ">") and mark.column == 0:
        lines = part.split("\n")
        line = mark.line - 1
        while line > node.start_mark.line and not lines[line].strip():
            line -= 1
        return line
    return int(mark.line)


def _insert_after(part: str, line: int, block: str, newline: str) -> str:
    """`part` with `block` inserted after its 0-based line `line`."""
    position = 0
    for _ in range(line + 1):
        found = part.find("\n", position)
        if found < 0:
            return part + newline + block.rstrip("\r\n") if part else block
        position = found + 1
    return part[:position] + block + part[position:]


def _verify(updated: str, key: str, entry: str, before: int, shown: str) -> None:
    """The list holds one more item, the entry meant: else change nothing."""
    after = read_yaml(updated).data
    wanted = read_yaml(entry).data
    items = _items(after, key) if isinstance(after, dict) else []
    if len(items) != before + 1 or items[-1] != wanted:
        raise ConfigError(f"{shown}: could not add the entry to `{key}:` without changing "
                          "the rest of the file; add it by hand; nothing written")
