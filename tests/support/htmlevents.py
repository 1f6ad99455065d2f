"""HTML as a parser reads it: what two serializations of one document have in common."""

from __future__ import annotations

import re
from html.parser import HTMLParser

VOID = frozenset(["area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta",
                  "source", "track", "wbr"])

Event = tuple[str, ...]


class _Events(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.events: list[Event] = []
        self._text: list[str] = []

    def _flush(self) -> None:
        text = re.sub(r"\s+", " ", "".join(self._text)).strip()
        self._text = []
        if text:
            self.events.append(("text", text))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._flush()
        self.events.append(("start", tag, *(f"{name}={value}" for name, value in attrs)))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in VOID:  # (`<br/>` and `<br>` are one element; `<g/>` is `<g></g>`)
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        self._flush()
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self._text.append(data)

    def handle_comment(self, data: str) -> None:
        self._flush()
        self.events.append(("comment", data))


def events(html: str) -> list[Event]:
    """Tags with their attributes (values unescaped, in order), comments and text (runs of
    whitespace as one space, none between tags): `&#34;` reads as `&quot;`, `<path/>` as
    `<path></path>`, `<br />` as `<br>`."""
    parser = _Events()
    parser.feed(html)
    parser.close()
    parser._flush()
    return parser.events
