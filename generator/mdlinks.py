"""Relative Markdown links (`[text](target)`, `![alt](target)`) and what they lead to.

SPEC §5: a hand-written page or a record body may link to a record's source file
(`projects/crm/index.md`), to a generated page by its source name (`status.md`,
`status/index.md`) or to any other file of the docs dir; each resolves to the URL the site
publishes, and a link that resolves to nothing is a `broken-link` error.
"""

from __future__ import annotations

import os
import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote

from markdown_it.token import Token

from generator.diagnostics import Diagnostics, did_you_mean
from generator.load import SourceDocument
from generator.records import Records
from generator.slugs import slugify
from generator.urls import GENERATED_PAGES, record_url, source_url
from generator.wikilinks import body_tokens

_EXTERNAL = re.compile(r"^(?:[a-zA-Z][a-zA-Z0-9+.-]*:|//|/|\\|#)")
"""A scheme (`https:`, `mailto:`), an absolute path or a pure anchor: not ours to resolve."""


@dataclass(frozen=True, slots=True)
class MdLink:
    """One inline link or image found in a body, outside code."""

    target: str
    """The destination as written (`../decisions/0007-x.md#context`)."""
    line: int
    """1-based line in the body."""
    column: int


def find_links(body: str) -> list[MdLink]:
    """Every relative inline link and image of `body` that is not inside code."""
    tokens = body_tokens(body) if "](" in body else None
    if tokens is None:
        return []  # a body too complex to parse is reported as `markdown-too-complex`
    lines = body.split("\n")
    links: list[MdLink] = []
    for token in tokens:
        if token.type != "inline" or token.map is None or "](" not in token.content:
            continue
        line = token.map[0]
        cursor: dict[int, int] = {}
        for child in token.children or []:
            if child.type in ("softbreak", "hardbreak"):
                line += 1
                continue
            if child.type == "code_inline" and line < len(lines):
                # Step over the code span so a same-looking link after it is found, not it.
                at = lines[line].find(child.content, cursor.get(line, 0))
                if at >= 0:
                    cursor[line] = at + len(child.content)
                continue
            target = _destination(child)
            if target is None or _EXTERNAL.match(target):
                continue
            links.append(MdLink(target, line + 1, _column(lines, line, target, cursor)))
    return links


def _destination(token: Token) -> str | None:
    if token.type == "link_open":
        href = token.attrGet("href")
    elif token.type == "image":
        href = token.attrGet("src")
    else:
        return None
    return str(href) if href else None


def _column(lines: list[str], index: int, target: str, cursor: dict[int, int]) -> int:
    """The 1-based column of `(target` on line `index`, searched from the last link found."""
    if index >= len(lines):
        return 1
    found = lines[index].find("(" + target, cursor.get(index, 0))
    if found < 0:
        return 1
    cursor[index] = found + 1 + len(target)
    return found + 2


class LinkTargets:
    """What a relative link may lead to, known once per check."""

    def __init__(self, records: Records, pages: list[SourceDocument],
                 docs_dir: Path | None) -> None:
        self.docs_dir = docs_dir
        self.sources: dict[str, str] = {}
        """Docs-relative Markdown file -> URL of the page it is shown on."""
        self.urls: set[str] = {source_url(name) for name in GENERATED_PAGES}
        """Every page URL the site is known to have."""
        self._files: list[str] | None = None
        for page in pages:
            if page.fmt == "markdown":
                self.sources[page.rel] = source_url(page.rel)
        for record in records:
            url = record_url(record)
            self.urls.add(url.partition("#")[0])
            doc = record.source.doc
            if doc.fmt == "markdown" and record.parent is None:
                self.sources[doc.rel] = url
        self.urls.update(url.partition("#")[0] for url in self.sources.values())

    def resolve(self, source_rel: str, target: str) -> tuple[str | None, bool]:
        """(URL, True) for a link to a page; (None, True) for a link to another file of the
        docs dir (fine as it is); (None, False) when it leads nowhere."""
        cut = min((i for i in (target.find("#"), target.find("?")) if i >= 0),
                  default=len(target))
        written, suffix = unquote(target[:cut]), target[cut:]
        if not written:
            return None, True  # `?query` alone: this page
        here = posixpath.dirname(source_rel)
        path = posixpath.normpath(posixpath.join(here, written))
        if path == ".." or path.startswith("../"):
            return None, False  # leaves the docs dir
        url: str | None = None
        if path in self.sources:
            url = self.sources[path]
        elif path.lower().endswith(".md") and source_url(path) in self.urls:
            url = source_url(path)
        elif not posixpath.splitext(path)[1]:
            folder = "" if path == "." else path + "/"
            url = folder if folder in self.urls else None
        if url is None and _person_page(path):
            url = source_url(path if path.lower().endswith(".md") else path + ".md")
        if url is not None:
            base, _, own = url.partition("#")
            return base + (suffix or (f"#{own}" if own else "")), True
        if self._exists(path):
            return None, True
        return None, False

    def _exists(self, path: str) -> bool:
        if self.docs_dir is None:
            return not path.lower().endswith(".md")  # cannot look: only pages are known
        return os.path.isfile(self.docs_dir / path)

    def suggestions(self, source_rel: str, target: str) -> str:
        """A did-you-mean over every known target, written relative to `source_rel`."""
        here = posixpath.dirname(source_rel) or "."
        pool = {*self.sources, *GENERATED_PAGES, *self._other_files()}
        written = target.split("#", 1)[0].split("?", 1)[0]
        hint = did_you_mean(written, [posixpath.relpath(p, here) for p in pool])
        return hint or ("link to a content file, a generated page (`status.md`, "
                        "`decisions.md`, ...) or a record by `[[id]]`")

    def _other_files(self) -> list[str]:
        if self._files is None:
            self._files = []
            if self.docs_dir is not None:
                for folder, dirs, names in os.walk(self.docs_dir):
                    dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                    here = Path(folder).relative_to(self.docs_dir).as_posix()
                    prefix = "" if here == "." else here + "/"
                    self._files.extend(prefix + n for n in names if not n.startswith("."))
        return self._files


def _person_page(path: str) -> bool:
    """`people/<slug>.md` or `people/<slug>/`: a person's page. Who has one (and their
    slug) is a model fact, gathered after resolution from every name in the records, so
    any slug-shaped name is taken at its word."""
    folder, _, name = path.partition("/")
    stem = name[:-3] if name.lower().endswith(".md") else name
    return folder == "people" and "/" not in stem and bool(stem) and slugify(stem, "") == stem


def resolve_links(targets: LinkTargets, path: str, source_rel: str, body: str,
                  body_line: int, diagnostics: Diagnostics,
                  reported: Callable[[str, int], bool] | None = None) -> dict[str, str]:
    """The page URL of each relative link of `body` (as written -> URL); a link that leads
    nowhere is reported at `path`, on its line, unless `reported(path, line)` says that
    line's fault is reported already (an ADR's `Supersedes [..](x.md)` is a reference)."""
    found: dict[str, str] = {}
    for link in find_links(body):
        url, ok = targets.resolve(source_rel, link.target)
        line = body_line + link.line - 1
        if url is not None:
            found[link.target] = url
        elif not ok and not (reported is not None and reported(path, line)):
            diagnostics.error(path, line, link.column, "broken-link",
                              f"link to '{link.target}' leads to no page or file of the site",
                              targets.suggestions(source_rel, link.target))
    return found
