"""Text that MkDocs and its themes print from content: safe however a theme prints it.

Themes print page titles, nav titles, descriptions and other front-matter values without
escaping, into text, into attributes and (Material's `<title>`) through `striptags`,
which decodes `&lt;` back into `<`. No one escaping is right for all of these, so every
such value is turned into a form that is harmless in all of them at once:

* `&`, `>`, `"` and `'` become character references: printed raw they show as
  themselves, and neither a raw print nor a decoded one can leave an attribute;
* `<` becomes `‹` (U+2039, in every font since it is in cp1252; the fullwidth `＜` is
  missing from many): no decoding can make it open a tag, so nothing from content ever
  becomes markup, whatever the theme does with it.

The page bodies are not affected: there, content is escaped and sanitised as HTML
(`sanitize.py`) and `<` shows as itself. Only what the theme prints around them uses
the look-alike.
"""

from __future__ import annotations

import html
import json
from collections.abc import Iterable
from typing import Any

import nh3

LESS_THAN = "\u2039"
_REPLACE = str.maketrans({"&": "&amp;", "<": LESS_THAN, ">": "&gt;", '"': "&quot;",
                          "'": "&#39;"})


def theme_text(text: str) -> str:
    """Plain `text` in the form a theme may print anywhere (see the module docstring)."""
    return text.translate(_REPLACE)


def html_to_text(fragment: str) -> str:
    """The plain text of an HTML fragment (a rendered heading, a toc title)."""
    if not _MARKUP.intersection(fragment) and not fragment.startswith("\ufeff"):
        return fragment  # (most toc titles: 41,000 at 1,000 projects, 0.17 s of parsing)
    return html.unescape(nh3.clean(fragment, tags=set(), strip_comments=True))


_MARKUP = frozenset("<&\r\x00")
"""What makes a fragment's text differ from the fragment: a tag or comment, a character
reference, and the two characters an HTML parser replaces (a carriage return, NUL). The
parser also drops a byte order mark at the very start. (Every other character, alone
and between two others, comes out of the parser as it went in: tests/test_themetext.py
tries each of the Basic Multilingual Plane, and every 97th beyond.)"""


def theme_value(value: Any) -> Any:
    """`value` from front matter with every string in it made theme text."""
    if isinstance(value, str):
        return theme_text(value)
    if isinstance(value, dict):
        return {key: theme_value(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [theme_value(item) for item in value]
    return value


def page_title(page: Any) -> str:
    """The plain title MkDocs would show for `page`, whatever it comes from.

    A title given in the nav or front matter is plain text; one MkDocs takes from the
    page's first heading is rendered HTML.
    """
    given = vars(page).get("title")
    if isinstance(given, str):
        return given
    meta = page.meta or {}
    if "title" in meta and meta["title"] is not None:
        return str(meta["title"])
    return html_to_text(str(page.title or ""))


def make_page_safe(page: Any) -> None:
    """Title, front matter and table of contents of `page` as theme text; once per page."""
    page.title = theme_text(page_title(page))
    meta = dict(page.meta or {})
    page.meta = {key: theme_value(value) for key, value in meta.items()}
    if "title" in page.meta:
        page.meta["title"] = page.title
    for item in _toc_items(page.toc or ()):
        item.title = theme_text(html_to_text(item.title))


def _toc_items(items: Iterable[Any]) -> Iterable[Any]:
    for item in items:
        yield item
        yield from _toc_items(item.children)


def make_nav_safe(items: Iterable[Any]) -> None:
    """Titles of the nav's sections and links as theme text (pages are done one by one)."""
    for item in items:
        if getattr(item, "is_page", False):
            continue
        if isinstance(item.title, str):
            item.title = theme_text(item.title)
        make_nav_safe(getattr(item, "children", None) or ())


def unescape_search_titles(index_json: str) -> str:
    """MkDocs' own search index with its titles as plain text.

    Its script escapes titles when it shows them, so the theme text put into page and toc
    titles would show as `&amp;`; the look-alike `‹` stays, nothing becomes markup.
    """
    index = json.loads(index_json)
    for doc in index.get("docs", []):
        if isinstance(doc.get("title"), str):
            doc["title"] = html.unescape(doc["title"])
    return json.dumps(index, sort_keys=True, separators=(",", ":"))
