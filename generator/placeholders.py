"""The one placeholder form of `pmsite new` templates, `[TODO: what to write]`, and where
a content file still holds one (rule `placeholder-text`).

Real writing does not contain `[TODO:` (a Markdown link text would not start so, and a
YAML value starting with `[` must be quoted); a mention inside inline code or a fenced
code block is not a placeholder, so a handbook may show the form.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from generator.load import SourceDocument

PLACEHOLDER = re.compile(r"\[TODO:[^\]\n]*\]")
"""What a scaffold leaves for the author to replace."""
_FENCE = re.compile(r"[ \t]{0,3}(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(`+)(?:(?!\1).)+?\1")


def placeholders(doc: SourceDocument) -> Iterator[tuple[int, int, str]]:
    """(line, column, text) of every placeholder in `doc`: its YAML values, then its
    Markdown body, in order."""
    # repr() keeps "[TODO:" as written in any string it holds: one C-speed test per file
    # instead of a walk of every value.
    if doc.yaml is not None and doc.yaml.data is not None and "[TODO:" in repr(doc.yaml.data):
        yield from _in_yaml(doc, doc.yaml.data, ())
    yield from _in_markdown(doc.body, doc.body_line)


def _in_yaml(doc: SourceDocument, value: Any, path: tuple[str | int, ...]
             ) -> Iterator[tuple[int, int, str]]:
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _in_yaml(doc, item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _in_yaml(doc, item, (*path, index))
    elif isinstance(value, str) and "[TODO:" in value:  # (a cheap test first: most have none)
        assert doc.yaml is not None
        pos = doc.yaml.pos(path)
        for match in PLACEHOLDER.finditer(value):
            yield pos.value_line + value[:match.start()].count("\n"), pos.value_column, \
                match[0]


def _in_markdown(body: str, first_line: int) -> Iterator[tuple[int, int, str]]:
    if "[TODO:" not in body:
        return
    fence = ""
    for number, line in enumerate(body.split("\n"), first_line):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened[1][0] == fence[0] and len(opened[1]) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened[1]
            continue
        visible = _CODE_SPAN.sub(lambda m: " " * len(m[0]), line)
        for match in PLACEHOLDER.finditer(visible):
            yield number, match.start() + 1, match[0]
