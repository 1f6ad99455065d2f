"""The sanitizer on its own (sanitize.py): what content may not bring in is removed, what
Markdown, the extensions and pmsite's diagrams write is kept."""

from __future__ import annotations

import pytest

from generator.sanitize import sanitize


@pytest.mark.parametrize(("html", "clean"), [
    ("<script>alert(1)</script><p>x</p>", "<p>x</p>"),
    ('<a href="javascript:alert(1)" onclick="y">z</a>', "<a>z</a>"),
    ('<img src="x" onerror="alert(1)">', '<img src="x">'),
    ('<a href="data:text/html,x">d</a>', "<a>d</a>"),
    ('<a href="ftp://x/y">f</a><a href="mailto:a@b.c">m</a>', '<a>f</a><a href="mailto:a@b.c">m</a>'),
    ("<iframe src=//x></iframe><form><input name=a></form>", '<input name="a">'),
    ('<p style="background:url(//x)">s</p><!-- c -->', "<p>s</p>"),
    ('<svg viewBox="0 0 1 1"><script>1</script><style>a{}</style><rect x="0"/></svg>',
     '<svg viewBox="0 0 1 1"><rect x="0"></rect></svg>'),
])
def test_what_content_may_not_bring_in_is_removed(html: str, clean: str) -> None:
    assert sanitize(html) == clean


def test_what_markdown_and_the_diagrams_write_is_kept() -> None:
    html = ('<h2 id="a">A</h2><table class="pm-table"><tbody><tr><td data-sort="2" colspan="2">'
            '<a href="https://example.org/x" title="t">x</a></td></tr></tbody></table>'
            '<svg class="pmsite-diagram" width="10" height="10"><g class="node" data-id="p1">'
            '<a href="../p1/"><title>P1</title><text x="1" y="2" text-anchor="middle">P1</text>'
            '</a></g></svg><details open=""><summary>s</summary><p>d</p></details>')
    assert sanitize(html) == html
    assert sanitize(html) == sanitize(sanitize(html))  # (one sanitizer, used again and again)
