"""`materialparse.FastParser` makes the sections Material's own `Parser` makes."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from material.plugins.search.plugin import Element, Section
from material.plugins.search.plugin import Parser as MaterialParser

import generator.materialparse
from generator.materialparse import CHECKED, fast_parser, parser_digest

TAGS = ["h1", "h2", "h3", "h6", "hx", "p", "pre", "code", "li", "ul", "sup", "div", "a",
        "table", "td", "script", "style", "object", "br", "img", "span"]
ATTRS = [[], [("id", "a")], [("id", "b")], [("class", "headerlink")],
         [("class", "linenodiv")], [("data-search-exclude", None)],
         [("class", "x"), ("data-search-exclude", "")], [("id", "c"), ("class", "headerlink")]]
DATA = ["text", " ", "\n", "  \n ", "a < b & \"c\"", "line\nbreak", "\t", "¶"]

_CALL = st.one_of(
    st.tuples(st.just("start"), st.sampled_from(TAGS), st.sampled_from(ATTRS)),
    st.tuples(st.just("startend"), st.sampled_from(TAGS), st.sampled_from(ATTRS)),
    st.tuples(st.just("end"), st.sampled_from(TAGS)),
    st.tuples(st.just("data"), st.sampled_from(DATA)),
)


def _read(parser_class: type, calls: list[tuple[Any, ...]]) -> tuple[Any, ...]:
    """The sections a parser makes of `calls` (or the error it raises), and what it keeps
    skipping at the end."""
    parser = parser_class()
    try:
        for call in calls:
            if call[0] == "start":
                parser.handle_starttag(call[1], list(call[2]))
            elif call[0] == "startend":
                parser.handle_startendtag(call[1], list(call[2]))
            elif call[0] == "end":
                parser.handle_endtag(call[1])
            else:
                parser.handle_data(call[1])
    except Exception as error:  # noqa: BLE001 (both must raise alike)
        return ("raised", type(error))
    sections = [(s.el.tag, s.depth, s.id, list(s.title), list(s.text), s.is_excluded())
                for s in parser.data]
    return (sections, [el.tag for el in parser.context],
            sorted(str(entry) for entry in parser.skip))


def test_the_installed_material_is_the_one_checked() -> None:
    """The Material the tests run with is one `FastParser` follows (were Material's parser
    to change, the build would use Material's own, slower, and this says so)."""
    assert parser_digest(MaterialParser, Element, Section) in CHECKED
    assert fast_parser() is not MaterialParser
    assert issubclass(fast_parser(), MaterialParser)


def test_another_material_parser_is_used_as_it_is(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(generator.materialparse, "CHECKED", frozenset())
    fast_parser.cache_clear()
    try:
        assert fast_parser() is MaterialParser
    finally:
        fast_parser.cache_clear()


def test_a_source_that_cannot_be_read_has_no_digest() -> None:
    made = type("Made", (), {})  # (defined here, by no source file's class statement)
    assert parser_digest(made) is None


@settings(max_examples=400)
@given(st.lists(_CALL, max_size=40))
def test_fast_parser_makes_what_material_makes(calls: list[tuple[Any, ...]]) -> None:
    """Any sequence of tags and text, nested or not, closed or not: the same sections
    (their element, depth, id, title and text), the same elements left open and skipped,
    or the same error."""
    assert _read(fast_parser(), calls) == _read(MaterialParser, calls)


def _nested() -> Iterator[list[tuple[Any, ...]]]:
    """Cases the random ones might miss: the same tag skipped inside itself, a heading
    inside a kept element, text under a permalink, whitespace in `pre`."""
    yield [("start", "div", [("data-search-exclude", None)]), ("start", "div", []),
           ("data", "hidden"), ("end", "div"), ("data", "still hidden?"), ("end", "div"),
           ("data", "seen")]
    yield [("start", "div", []), ("start", "div", [("data-search-exclude", None)]),
           ("end", "div"), ("data", "after the inner one closed"), ("end", "div")]
    yield [("start", "li", []), ("start", "h2", [("id", "n")]), ("data", "N"),
           ("end", "h2"), ("data", "in li"), ("end", "li"), ("data", "after")]
    yield [("start", "h3", [("id", "t")]), ("data", "T"),
           ("start", "a", [("class", "headerlink")]), ("data", "¶"), ("end", "a"),
           ("end", "h3"), ("start", "pre", []), ("data", " "), ("data", " "),
           ("start", "code", []), ("data", "x\n y"), ("end", "code"), ("end", "pre")]
    yield [("start", "p", []), ("data", "  "), ("end", "p"), ("start", "script", []),
           ("data", "x"), ("end", "script"), ("data", "after script")]


@pytest.mark.parametrize("calls", list(_nested()))
def test_fast_parser_makes_what_material_makes_when_nested(calls: list[tuple[Any, ...]]) -> None:
    assert _read(fast_parser(), calls) == _read(MaterialParser, calls)
