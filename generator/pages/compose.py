"""Compose page Markdown: render templates, and make record bodies fit their page."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Mapping
from datetime import date
from typing import Any

import jinja2
from markupsafe import Markup

from generator.htmlstash import mark_body, unmark
from generator.pages import Context, PageSpec, relative, url_of
from generator.pages.tags import tag_url
from generator.records import Target
from generator.templating import md_text
from generator.wikilinks import WikiLink, replace_wikilinks

# Inline links and images with a relative target: [text](target "title") / ![alt](target).
# The text holds no `[`, so each attempt stops at the next one: linear in unclosed `[`.
_RELATIVE_LINK = re.compile(r"(!?\[[^\[\]\n]*\]\()(?![a-zA-Z][a-zA-Z0-9+.-]*:|/|#)([^)\s]+)")


def render_page(context: Context, spec: PageSpec,
                figures: Mapping[str, Markup] | None = None, marked: bool = False) -> str:
    """The Markdown of a generated page, with the diagrams the site plan drew for it;
    `marked`: its bodies marked for `htmlstash.stash`."""
    template = context.env.get_template(f"pages/{spec.template}")
    here = _here(context.env)
    before = here.url, here.context
    here.url, here.context = spec.url, context
    try:
        return _render(template, context, spec, figures, marked, here)
    finally:
        here.url, here.context = before


def _render(template: jinja2.Template, context: Context, spec: PageSpec,
            figures: Mapping[str, Markup] | None, marked: bool, here: Here) -> str:
    values: dict[str, Any] = dict(spec.values)
    values.update(page=spec, as_of=context.model.as_of, link=here.link, tag_url=here.tag_url,
                  # A body is Markdown source for MkDocs to render, not text to escape;
                  # raw HTML in it is sanitised after rendering (sanitize.py).
                  body=lambda text, source_rel="", demote=0: Markup(mark_body(body_markdown(
                      context, text, source_rel, spec.src_uri, demote))))
    values["diagrams"] = dict(figures or {})
    text = template.render(values)
    return text if marked else unmark(text)


class Here:
    """The page being rendered, for the macros every page template imports
    (`pages/_macros.md.j2`). They are imported without the page's context, so that they
    are made once per environment: imported with it, each page made a module of 30
    macros, each a reference cycle (half a million objects at 1,000 projects for the
    garbage collector to find). What they need of the page they read from here, through
    the environment's globals `link`, `tag_url` and `here`."""

    __slots__ = ("context", "url")

    def __init__(self) -> None:
        self.url = ""
        self.context: Context | None = None

    def link(self, url: str) -> str:
        """`url` relative to the page (see `pages.relative`); "" for none."""
        return relative(self.url, url) if url else ""

    def tag_url(self, tag: str) -> str:
        return tag_url(self._context(), tag)

    @property
    def as_of(self) -> date:
        return self._context().model.as_of

    def _context(self) -> Context:
        if self.context is None:
            raise RuntimeError("pmsite's page macros are used outside render_page")
        return self.context


def _here(env: jinja2.Environment) -> Here:
    """The environment's `Here`, made on its first page."""
    here = env.globals.get("here")
    if not isinstance(here, Here):
        here = Here()
        env.globals.update(here=here, link=here.link, tag_url=here.tag_url)
    return here


def body_markdown(context: Context, text: str, source_rel: str, page_src_uri: str,
                  demote: int = 0) -> str:
    """A content body placed on page `page_src_uri`: wiki-links become ordinary links, and
    relative links written for the body's own file (`source_rel`) still point right."""
    page_url = url_of(page_src_uri)

    def render(link: WikiLink) -> str:
        target = context.model.links.target(link.target)
        if target is None:
            return str(md_text(_unreadable_text(context, link) or link.raw))
        text = link.text or _title(target)
        return f"[{md_text(text)}]({relative(page_url, context.target_url(target))})"

    pages = context.model.links.paths.get(source_rel, {}) if source_rel else {}
    if pages or (source_rel
                 and posixpath.dirname(source_rel) != posixpath.dirname(page_src_uri)):
        text = _rebase_links(text, source_rel, page_src_uri, pages)
    text = replace_wikilinks(text, render)
    if demote:
        text = demote_headings(text, demote)
    return text


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_HEADING = re.compile(r"^(\s{0,3})(#{1,6})(?=\s|$)")


def demote_headings(text: str, levels: int) -> str:
    """ATX headings `levels` deeper (at most h6), outside fenced code."""
    lines = text.split("\n")
    fence = ""
    for index, line in enumerate(lines):
        opened = _FENCE.match(line)
        if fence:
            if opened and opened.group(1)[0] == fence[0] and len(opened.group(1)) >= len(fence):
                fence = ""
            continue
        if opened:
            fence = opened.group(1)
            continue
        heading = _HEADING.match(line)
        if heading:
            depth = min(6, len(heading.group(2)) + levels)
            lines[index] = heading.group(1) + "#" * depth + line[heading.end():]
    return "\n".join(lines)


def _unreadable_text(context: Context, link: WikiLink) -> str | None:
    """Plain text for a link to a record (or milestone) that could not be read."""
    records = context.model.records
    known = records.unreadable(link.target) or records.unreadable(link.target.partition("#")[0])
    if known is None:
        return None
    return link.text or (known.title if known.ref.casefold() == link.target.casefold()
                         else None) or link.target


def _title(target: Target) -> str:
    if target.milestone is not None:
        return f"{target.record.title}: {target.milestone.title}"
    return target.record.title


def _rebase_links(text: str, source_rel: str, page_src_uri: str,
                  pages: Mapping[str, str] | None = None) -> str:
    """Rewrite relative link targets written for `source_rel` to work from `page_src_uri`:
    a link resolution found to lead to a page (`pages`: as written -> URL) becomes a link
    to that page's URL; any other (an image) is rebased for MkDocs to find the file."""
    source_dir = posixpath.dirname(source_rel)
    page_dir = posixpath.dirname(page_src_uri)
    page_url = url_of(page_src_uri)

    def fix(match: re.Match[str]) -> str:
        target = match.group(2)
        url = pages.get(target) if pages else None
        if url is not None:
            return f"{match.group(1)}{relative(page_url, url)}"
        path, hash_, anchor = target.partition("#")
        if not path or source_dir == page_dir:
            return match.group(0)
        absolute = posixpath.normpath(posixpath.join(source_dir, path))
        if absolute.startswith(".."):
            return match.group(0)  # leaves the docs dir: MkDocs will say so
        moved = posixpath.relpath(absolute, page_dir or ".")
        return f"{match.group(1)}{moved}{hash_}{anchor}"

    return _RELATIVE_LINK.sub(fix, text)
