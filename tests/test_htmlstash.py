"""Template HTML kept away from Python-Markdown (htmlstash.py): bodies still render as
Markdown, and every page of the example site comes out as it did without the stash."""

from __future__ import annotations

import os
import re
from pathlib import Path

import markdown
import pytest
from hypothesis import given
from hypothesis import strategies as st

import generator.site
from generator import htmlstash
from generator.cli import main
from generator.forkmap import JOBS_VARIABLE
from generator.htmlstash import (
    FIGURE_START,
    mark_body,
    restore,
    sanitized,
    stash,
    unmark,
)
from generator.sanitize import sanitize
from tests.conftest import REPO
from tests.support.htmlevents import events


def render(text: str) -> str:
    """A page through Python-Markdown the way the plugin hands it over."""
    source, blocks = stash(text)
    return restore(markdown.markdown(source, extensions=["tables", "toc"]), blocks)


def test_template_blocks_are_stashed_whole_and_come_back() -> None:
    page = ("# Title\n\n<div class=\"pm-header\">\n<p>as of <b>2026</b></p>\n"
            "<table>\n\n<tr><td>x</td></tr>\n</table>\n</div>\n\n## Milestones\n\n"
            "<!-- a comment -->\n<svg viewBox=\"0 0 1 1\"><rect x=\"0\"/><text>t</text></svg>\n")
    source, blocks = stash(page)
    assert "<div" not in source and "<svg" not in source and "<table" not in source
    assert "# Title" in source and "## Milestones" in source  # the toc still sees them
    assert blocks[0].startswith('<div class="pm-header">') and blocks[0].endswith("</div>\n")
    assert "<tr><td>x</td></tr>" in blocks[0]  # a blank line inside does not split it
    html = render(page)
    assert '<h2 id="milestones">Milestones</h2>' in html
    assert "<table>\n\n<tr><td>x</td></tr>\n</table>" in html and "<svg" in html
    assert "pmsitestash" not in html


def test_bodies_render_as_markdown_and_their_html_is_not_stashed() -> None:
    body = "Some *emphasis*.\n\n<div>raw **html** from an author</div>\n\n- a list\n"
    page = f"<div class=\"x\">\n<p>generated</p>\n</div>\n\n{mark_body(body)}\n\n<p>end</p>\n"
    source, blocks = stash(page)
    assert len(blocks) == 2 and body in source
    html = render(page)
    assert "<em>emphasis</em>" in html and "<li>a list</li>" in html
    assert "<div>raw **html** from an author</div>" in html  # Python-Markdown's own rule
    assert unmark(page) == page.replace(mark_body(body), body)


def test_html_that_does_not_close_is_left_to_markdown() -> None:
    page = "<div>\n<p>never closed\n\nText after.\n"
    source, blocks = stash(page)
    assert blocks == [] and source == page


def test_a_block_ends_where_its_element_closes_whatever_is_inside() -> None:
    """Only the tags of the block's own name are read: an element a diagram's labels
    leave open cannot end the block early or late."""
    figure = f'{FIGURE_START} tabindex="0"><div class="pm-fit"><svg><g><text>a</svg>\n</div></div>'
    page = f"<figure>\n{figure}\n</figure>\n\nAfter.\n\n<p>next</p>\n"
    source, blocks = stash(page)
    assert blocks == [f"<figure>\n{figure}\n</figure>\n", "<p>next</p>\n"]
    assert "After." in source and "<" not in source
    # A diagram alone is its own block, its caption with it (on its line).
    alone = f"{figure}<figcaption>c</figcaption>\n\nAfter.\n"
    assert stash(alone)[1] == [f"{figure}<figcaption>c</figcaption>\n"]
    assert stash(f"{figure}\n<p>x</p>\n")[1] == [f"{figure}\n", "<p>x</p>\n"]
    # Nested elements of the same name, a longer name it begins, one self-closed, a `>`
    # in a quoted value, an end tag in capitals and with a space.
    nested = ('<div a="x>y"><div/><divider></divider><div><abbr>a</abbr></div>\n'
              "text</DIV >tail\n\nAfter.\n")
    assert stash(nested)[1] == [nested[:nested.index("\n\n") + 1]]
    # An element that never closes is left to Python-Markdown, from there on.
    cut = "<p>x</p>\n\n<figure>\n<svg><g>\n</svg>\n"
    assert stash(cut)[1] == ["<p>x</p>\n"] and stash(cut)[0].endswith(cut[9:])


_FIGURE = (f'{FIGURE_START} tabindex="0"><div class="pm-fit"><svg width="10">'
           '<a href="../p/"><title>A &#34;b&#34;</title><rect x="1"/></a></svg>\n</div></div>')


def _through(page: str) -> tuple[str, list[str]]:
    """A marked page as the plugin has it after Python-Markdown: its HTML and blocks."""
    source, blocks = stash(page)
    return markdown.markdown(source, extensions=["tables", "toc"]), blocks


_TABLE = ('<table class="pm-t">\n<tbody><tr><td data-sort="3" title="A &#34;b&#34;">x</td></tr></tbody>\n'
          '</table>\n')


def test_template_blocks_are_kept_as_written_and_the_rest_cleaned() -> None:
    body = "Text <script>alert(1)</script> [x](javascript:alert(2))\n"
    html, blocks = _through(f"<div class=\"f\">\n{_FIGURE}\n</div>\n\n{mark_body(body)}\n\n"
                            f"# Heading\n\n{_TABLE}")
    assert len(blocks) == 2
    page = sanitized(html, blocks, sanitize)
    for block in blocks:  # byte for byte: `&#34;` and `<rect x="1"/>` as the template wrote
        assert block in page and sanitize(block) != block  # (cleaning spells them otherwise)
    assert "<script" not in page and "javascript:" not in page and "<p>Text" in page
    assert "pmsiteblock" not in page and "pmsitestash" not in page
    assert '<h1 id="heading">Heading</h1>' in page
    # The same document as cleaning it all gives.
    assert events(page) == events(sanitize(restore(html, blocks)))


_SPOOF = (f'{FIGURE_START}><svg><script>alert(1)</script><a href="javascript:alert(2)">'
          f'<rect onclick="alert(3)"/></a></svg>\n</div></div>')


@pytest.mark.parametrize("body", [f"<div>{_SPOOF}</div>", f"text {_SPOOF} more",
                                  f"<p>{_SPOOF}</p>", f"- x {_SPOOF}"])
def test_a_diagram_spelled_in_a_body_is_cleaned(body: str) -> None:
    """A body is not a block: its HTML is cleaned even where it looks like a diagram."""
    html, blocks = _through(f"<div>\n{_FIGURE}\n</div>\n\n{mark_body(body)}\n")
    assert _SPOOF in html  # (Python-Markdown passed it on as written)
    page = sanitized(html, blocks, sanitize)
    assert page.count(_FIGURE) == 1
    assert "<script" not in page and "javascript:" not in page and "onclick" not in page


@pytest.mark.parametrize(("body", "after"), [
    ("pmsitestash0z", "z"),  # a block copied: its token comes out twice
    ("<script>\n", "z"),  # the cleaner drops what follows an unclosed script, tokens too
    # A block copied into an attribute, the real one dropped: its token comes out once, in
    # order, but in a tag (put back, the block's quotes would end the attribute early).
    ('<a title="pmsitestash0z">x</a>\n\n<script>\n', "z"),
    # The real token in an attribute a body left open (Python-Markdown passes it on as raw
    # HTML) and a later body closed: once, in order, in a tag.
    ('<p><a title="\n', 'end" of it>'),
    ('<div>\n<a title="\n\n', 'end" of it>'),
])
def test_where_a_token_does_not_come_out_once_in_text_the_whole_page_is_cleaned(
        body: str, after: str) -> None:
    block = '<p class="x" title="t onmouseover=alert(1)">y</p>'
    page = f"{mark_body(body)}\n\n{block}\n\n{mark_body(after)}\n\n{_FIGURE}\n"
    html, blocks = _through(page)
    cleaned = sanitized(html, blocks, sanitize)
    assert cleaned == sanitize(restore(html, blocks))
    assert "pmsiteblock" not in cleaned and "<script" not in cleaned
    assert not [attribute for event in events(cleaned) if event[0] == "start"
                for attribute in event[2:] if attribute.startswith("on")]


def test_a_token_spelled_in_a_body_is_left_as_text() -> None:
    """The tokens' key is made for each call: content cannot spell one."""
    html, blocks = _through(f"<div>\n{_FIGURE}\n</div>\n\n{mark_body('x')}\n")
    keys = set()
    for _ in range(3):
        page = sanitized(html, blocks, lambda text: (keys.update(re.findall(
            r"pmsiteblock[0-9a-f]{32}n", text)), sanitize(text))[1])
        assert page.count(_FIGURE) == 1
    assert len(keys) == 3
    guess = f"{next(iter(keys))}0z"
    html, blocks = _through(f"<div>\n{_FIGURE}\n</div>\n\n{mark_body(guess)}\n")
    page = sanitized(html, blocks, sanitize)
    assert page.count(_FIGURE) == 1 and guess in page


def test_a_site_with_its_own_templates_has_its_pages_cleaned_whole() -> None:
    html, blocks = _through(f"<div>\n<p onclick=\"x\">a</p>\n{_FIGURE}\n</div>\n\n<p>b</p>\n")
    whole = sanitize(restore(html, blocks))
    assert sanitized(html, blocks, sanitize, trusted=False) == whole
    assert "onclick" not in whole and _FIGURE not in whole
    assert sanitized(html, blocks, sanitize) == restore(html, blocks)  # (pmsite's own)
    html, blocks = _through(mark_body("<p onclick='x'>b</p>\n\n*c*\n"))  # no block
    assert blocks == [] and sanitized(html, blocks, sanitize) == sanitize(html)


_HANDED: list[str] = []
"""Every page's marked text the example's build handed to `stash`."""


@pytest.fixture(scope="module")
def both(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    root = tmp_path_factory.mktemp("stash")
    args = ["build", "-f", str(REPO / "mkdocs.yml"), "--as-of", "2026-11-20", "--site-dir"]
    kept = generator.site.stash

    def seen(text: str) -> tuple[str, list[str]]:
        _HANDED.append(text)
        return kept(text)

    generator.site.stash = seen
    jobs = os.environ.get(JOBS_VARIABLE)
    os.environ[JOBS_VARIABLE] = "1"  # (a forked child's pages would not reach _HANDED)
    try:
        assert main([*args, str(root / "stashed")]) == 0
    finally:
        generator.site.stash = kept
        if jobs is None:
            del os.environ[JOBS_VARIABLE]
        else:
            os.environ[JOBS_VARIABLE] = jobs
    generator.site.stash = lambda text: (unmark(text), [])  # Python-Markdown sees it all
    try:
        assert main([*args, str(root / "plain")]) == 0
    finally:
        generator.site.stash = kept
    return root / "stashed", root / "plain"


def test_every_page_is_the_same_with_and_without_the_stash(both: tuple[Path, Path]) -> None:
    """The same HTML, read by a parser: a stashed page's template blocks are not
    cleaned (`htmlstash.sanitized`), and cleaning spells some of it otherwise (`&#34;` as
    `&quot;`, `<path/>` as `<path></path>`)."""
    stashed, plain = both
    pages = sorted(p.relative_to(stashed) for p in stashed.rglob("*.html"))
    assert len(pages) > 50
    assert pages == sorted(p.relative_to(plain) for p in plain.rglob("*.html"))
    for page in pages:
        assert events((stashed / page).read_text()) == events((plain / page).read_text()), page
    assert ((stashed / "search" / "search_index.json").read_bytes()
            == (plain / "search" / "search_index.json").read_bytes())


# The tag pattern as first written (char by char, lazily): the rewritten one (runs,
# possessive loops) must find exactly the same tags.
_FIRST_TAG = re.compile(r"""<!--.*?-->|<(/?)([a-zA-Z][a-zA-Z0-9:-]*)(?:[^>"']|"[^"]*"|'[^']*')*?(/?)>""",
                        re.DOTALL)
_MARKUP = st.lists(st.sampled_from([
    "<div", "<br", "</div>", "<p", "</p>", "<!--", "-->", "<a:b", "<x-y", " ", "\n", "/", ">", "=",
    '"', "'", "/>", "a", "1", "<", "title=\"a>b\"", "'/>'", "_", ".", "\u00e9",
]), max_size=30).map("".join)


def _same_tags(text: str) -> None:
    assert ([(m.span(), m.groups()) for m in _FIRST_TAG.finditer(text)]
            == [(m.span(), m.groups()) for m in htmlstash._TAG.finditer(text)])


@given(_MARKUP)
def test_the_tag_pattern_matches_as_first_written(text: str) -> None:
    _same_tags(text)


@pytest.mark.parametrize("text", [
    "<br/>", "<br />", "<br/ >", "<a href=/x/>", "<a href='/x/'/>", '<p title="/>">', "<p title='a",
    "<div/x>", "<svg:rect/>", "<!-- <p> -->", "<!-- never closed <p>", "<p//>", "</p/>", "<a b=\"\"/>",
    "<!--a--><p><!--b-->", "<a_b/>", "<a.b x>", "<p\u00e9>", "<a\">", "<a'>",
])
def test_the_tag_pattern_matches_as_first_written_on_edges(text: str) -> None:
    _same_tags(text)


def _block_end_tag_by_tag(text: str, start: int) -> int | None:
    """`_block_end` as first written: every tag read, each start tag one deeper, each
    end tag one shallower."""
    depth = 0
    for match in htmlstash._TAG.finditer(text, start):
        closing, name, self_closing = match[1], match[2], match[3]
        if name is None:  # a comment
            if depth == 0:
                return htmlstash._line_end(text, match.end())
            continue
        if closing:
            depth -= 1
        elif not self_closing and name.lower() not in htmlstash._VOID:
            depth += 1
        if depth <= 0:
            return htmlstash._line_end(text, match.end())
    return None


def _stash_tag_by_tag(text: str, monkeypatch: pytest.MonkeyPatch) -> tuple[str, list[str]]:
    with monkeypatch.context() as patched:
        patched.setattr(htmlstash, "_block_end", _block_end_tag_by_tag)
        return stash(text)


def test_every_page_stashes_the_blocks_a_scan_tag_by_tag_finds(
        both: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    """On the example's pages, reading only the tags of a block's name finds the blocks
    that reading every tag finds: the templates' output is well formed."""
    assert sum(text.count(FIGURE_START) for text in _HANDED) > 20
    for text in _HANDED:
        assert stash(text) == _stash_tag_by_tag(text, monkeypatch)


_NAMES = st.sampled_from(["div", "a", "abbr", "b", "p", "svg", "g", "table", "tr", "td", "br", "img"])


@st.composite
def _element(draw: st.DrawFn, depth: int = 0) -> str:
    """A well formed element, as a template writes one."""
    name = draw(_NAMES)
    attributes = draw(st.sampled_from(["", ' class="x"', ' title="a>b"', " data-n='1'"]))
    if name in ("br", "img") or draw(st.integers(0, 5)) == 0:
        return f"<{name}{attributes}/>" if name not in ("br", "img") else f"<{name}{attributes}>"
    inner = draw(st.lists(st.one_of(st.sampled_from(["t", "\n", " ", "&lt;x&gt;", "<!-- c -->"]),
                                    _element(depth + 1) if depth < 3 else st.just("u")),
                          max_size=4))
    return f"<{name}{attributes}>{''.join(inner)}</{name}>"


@given(st.lists(st.one_of(_element(), st.sampled_from(["\n", "\n\n", "Text *x*\n", "# H\n"])),
                max_size=6))
def test_well_formed_template_output_stashes_as_a_scan_tag_by_tag_finds(parts: list[str]) -> None:
    text = "\n".join(parts) + "\n"
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert stash(text) == _stash_tag_by_tag(text, monkeypatch)


def test_the_tag_pattern_matches_as_first_written_on_every_page(both: tuple[Path, Path]) -> None:
    assert len(_HANDED) > 50
    for text in _HANDED:
        _same_tags(text)
