"""Material's search `Parser` (9.x), its handlers rewritten to compare tag names.

Material keeps the elements a page is inside (`context`) and those whose text it leaves
out (`skip`) as `Element`s, which compare and hash by their tag name alone, in Python
(`Element.__eq__`, `Element.__hash__`). Every piece of text asks whether any element it
is inside is one to skip (`skip.intersection(context)`), and every start tag builds the
six heading names again. At 1,000 projects that reading took 8.8 s of a Material build.

Since an `Element` is equal to any other with its tag name, both collections behave as
collections of tag names: `skip` holds one entry per name (adding `<div
data-search-exclude>` inside a skipped `<div>` adds nothing; closing either removes the
name), and "inside a `pre`" means inside any element named `pre`. `FastParser` keeps the
names beside the elements and asks those questions of strings, in C. It is Material's
code otherwise, step for step, and gives the very sections Material's gives
(`tests/test_materialparse.py` hands both any sequence of tags and text;
`tests/test_search_index.py` compares the example's whole index with Material's).

It is used only for the code it was written from: `fast_parser` compares a digest of the
installed Material's `Parser`, `Element` and `Section` sources with `CHECKED` and gives
Material's own `Parser` for any other (or where the source cannot be read).
"""

from __future__ import annotations

import hashlib
import inspect
from functools import cache
from html import escape
from typing import Any

CHECKED = frozenset({
    # mkdocs-material 9.5.50, 9.6.0, 9.6.20, 9.7.0, 9.8.0 and 9.8.2 (not 9.5.0: its
    # `Element` was another)
    "0df9901958225b09efdb7e716ab81df5a72e803bb9edf47c9281d5343b430225",
})
"""Digests (`parser_digest`) of the Material sources `FastParser` follows: its `Parser`,
`Element` and `Section` classes."""

_HEADINGS = frozenset(f"h{level}" for level in range(1, 7))
_LEFT_OPEN = ("script", "style", "object")
"""Tags Material keeps skipping once one has been closed (it never removes them)."""


def parser_digest(*classes: type) -> str | None:
    """A digest of the classes' source, or None where it cannot be read."""
    digest = hashlib.sha256()
    for kind in classes:
        try:
            digest.update(inspect.getsource(kind).encode("utf-8"))
        except (OSError, TypeError):
            return None
    return digest.hexdigest()


@cache
def fast_parser() -> type:
    """`FastParser` where the installed Material's `Parser` is one it was checked against,
    else Material's own `Parser`."""
    from material.plugins.search.plugin import (  # type: ignore[import-untyped]
        Element,
        Parser,
        Section,
    )

    checked = parser_digest(Parser, Element, Section) in CHECKED
    return _fast(Parser) if checked else Parser


def _fast(parser: type) -> type:
    from material.plugins.search.plugin import (
        Element,
        Section,
        void,
    )

    class FastParser(parser):  # type: ignore[misc]
        """Material's `Parser`, comparing tag names instead of `Element`s."""

        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.tags: list[str] = []
            """The tag name of each element of `context`."""
            self.skipped: set[str] = {str(entry) for entry in self.skip}
            """The tag names `skip` stands for."""

        def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
            found = dict(attrs)
            if tag in void:  # (ignored: nothing is open after it)
                return
            el = Element(tag, found)
            self.context.append(el)
            self.tags.append(tag)
            if tag in _HEADINGS:
                depth = len(self.context)
                if "id" in found:
                    if tag != "h1" and not self.data:
                        self.section = Section(Element("hx"), depth)
                        self.data.append(self.section)
                    self.section = Section(el, depth)
                    if self.data:
                        self.section.id = found["id"]
                    self.data.append(self.section)
            if not self.section:
                self.section = Section(Element("hx"))
                self.data.append(self.section)
            for key, value in found.items():
                if key == "data-search-exclude" or (key == "class" and value == "linenodiv"):
                    self.skip.add(el)
                    self.skipped.add(tag)
                    return
            if tag in self.keep and self.skipped.isdisjoint(self.tags):
                data = self.section.title if self.section.el.tag in self.tags else self.section.text
                data.append(f"<{tag}>")

        def handle_endtag(self, tag: str) -> None:
            tags = self.tags
            if not tags or tags[-1] != tag:
                return
            if self.section.depth > len(tags):
                for section in reversed(self.data):
                    if section.depth <= len(tags):
                        self.section.depth = float("inf")
                        self.section = section
                        break
            el = self.context.pop()
            tags.pop()
            if tag in self.skipped:
                if tag not in _LEFT_OPEN:
                    self.skip.remove(el)
                    self.skipped.remove(tag)
                return
            if tag in self.keep and self.skipped.isdisjoint(tags):
                data = self.section.title if self.section.el.tag in tags else self.section.text
                index = data.index(f"<{tag}>")
                for i in range(index + 1, len(data)):
                    if not data[i].isspace():
                        index = len(data)
                        break
                if len(data) > index:
                    del data[index:]
                else:
                    data.append(f"</{tag}>")

        def handle_data(self, data: str) -> None:
            tags = self.tags
            if not self.skipped.isdisjoint(tags):
                return
            inside_pre = "pre" in tags
            if not inside_pre:
                data = " " if data.isspace() else data.replace("\n", " ")
            if not self.section:
                self.section = Section(Element("hx"))
                self.data.append(self.section)
            section = self.section
            if section.el.tag in tags:
                if not any(el.tag == "a" and el.attrs.get("class") == "headerlink"
                           for el in self.context):
                    section.title.append(escape(data, quote=False))
            elif data.isspace():
                text = section.text
                if not text or not text[-1].isspace() or inside_pre:
                    text.append(data)
            else:
                section.text.append(escape(data, quote=False))

    return FastParser
