"""`html_to_text`: the plain text of a rendered heading, as an HTML parser reads it.

Most toc titles hold no markup at all (41,000 of them at 1,000 projects), so the function
gives such a title back as it is instead of parsing it. These tests hold that shortcut to
what the parser (nh3, as the function uses it otherwise) makes of the same text.
"""

from __future__ import annotations

import html
import sys

import nh3
from hypothesis import given
from hypothesis import strategies as st

from generator.themetext import html_to_text


def parsed(fragment: str) -> str:
    """The text the parser makes of `fragment`: what `html_to_text` must give."""
    return html.unescape(nh3.clean(fragment, tags=set(), strip_comments=True))


def test_every_character_alone_between_others_and_first():
    """Every character of the Basic Multilingual Plane, and every 97th beyond it."""
    different = []
    for point in [*range(0x10000), *range(0x10000, sys.maxunicode + 1, 97)]:
        if 0xD800 <= point <= 0xDFFF:
            continue  # (surrogates: not text that decoded UTF-8 can hold)
        char = chr(point)
        for fragment in (char, f"a{char}b", f"{char}x"):
            if html_to_text(fragment) != parsed(fragment):
                different.append(fragment)
    assert different == []


SPECIAL = st.sampled_from(["<", ">", "&", ";", "#", "\r", "\n", "\x00", "\ufeff", "amp",
                           "lt", "x27", "<!--", "-->", "<b>", "</b>", "<code>", " ", "a"])


@given(st.lists(SPECIAL | st.characters(blacklist_categories=("Cs",)), max_size=12))
def test_any_mix_of_markup_and_text(parts):
    fragment = "".join(parts)
    assert html_to_text(fragment) == parsed(fragment)


def test_markup_is_read_and_plain_text_kept():
    assert html_to_text("<code>pmsite build</code> &amp; <em>check</em>") == \
        "pmsite build & check"
    assert html_to_text("Risks &lt;script&gt;") == "Risks <script>"
    assert html_to_text("\ufeffBudget") == "Budget"
    assert html_to_text("Q3 > Q2 \"plan\" it's") == "Q3 > Q2 \"plan\" it's"
