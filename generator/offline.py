"""Find what a built site would load from outside itself (SPEC §5: offline with every theme)."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from html import unescape
from pathlib import Path

from generator.codes import Choice
from generator.diagnostics import Diagnostic, Diagnostics
from generator.forkmap import fork_map

SUFFIXES = (".html", ".htm", ".css", ".js", ".mjs")
ASSET_TAGS = {"script": ("src",), "img": ("src", "srcset"), "iframe": ("src",),
              "source": ("src", "srcset"), "video": ("src", "poster"), "audio": ("src",),
              "track": ("src",), "embed": ("src",), "object": ("data",), "input": ("src",),
              "link": ("href", "imagesrcset")}
NOT_FETCHED = {"alternate", "author", "bookmark", "canonical", "external", "help", "license",
               "me", "next", "nofollow", "noopener", "noreferrer", "prev", "search", "tag"}
"""`<link rel>` values that name a page for the reader or a robot, not something loaded."""
_OUTSIDE = re.compile(r"\s*(?:https?:|//)", re.IGNORECASE)
_HINT = re.compile(r"""(?:=\s*["']?\s*(?:https?:|//))|url\s*\(|@import""", re.IGNORECASE)
_CSS = re.compile(r"""url\(\s*(["']?)([^"')\s]+)\1\s*\)|@import\s+(["'])([^"']+)\3""",
                  re.IGNORECASE)
_JS = re.compile(r"""(?:\bimportScripts\s*\(|\bimport\s*\(|\bfrom)\s*(["'`])"""
                 r"""((?:https?:)?//[^"'`]+)\1""")


def external_assets(site_dir: Path, shown: str,
                    severities: Mapping[str, Choice] | None = None,
                    jobs: int = 1) -> list[Diagnostic]:
    """An `external-asset` warning for every reference to an asset outside the site in the
    HTML, CSS and JS files of `site_dir`; `shown` is that folder as diagnostics name it.
    The files are read in `jobs` processes (`fork_map`).

    Links a reader follows (`<a href>`, `<link rel=canonical>`) are not assets.
    """
    diagnostics = Diagnostics()
    diagnostics.set_severities(severities or {})
    files = sorted(p for p in site_dir.rglob("*") if p.suffix.lower() in SUFFIXES and p.is_file())
    found = fork_map(_file_references, files, jobs)
    for path, references in zip(files, found, strict=True):
        where = f"{shown}/{path.relative_to(site_dir).as_posix()}"
        for line, column, url in references:
            diagnostics.warning(
                where, line, column, "external-asset",
                f"the built site loads {url} from outside itself; it fails offline",
                "serve the file from the site (docs/ or the theme's custom_dir) or turn "
                "the theme feature off")
    return diagnostics.sorted()


def _file_references(path: Path) -> list[tuple[int, int, str]]:
    text = path.read_text(encoding="utf-8", errors="replace")
    return list(_references(path.suffix.lower(), text)) if _HINT.search(text) else []


def _references(suffix: str, text: str) -> Iterator[tuple[int, int, str]]:
    """(line, column, url) of every outside asset a file names."""
    if suffix in (".css",):
        yield from _css(text, 1, 1)
    elif suffix in (".js", ".mjs"):
        for match in _JS.finditer(text):
            yield (*_position(text, match.start(2)), match[2])
    else:
        yield from _html(text)


def _css(text: str, line: int, column: int) -> Iterator[tuple[int, int, str]]:
    """Outside `url(...)` and `@import` of CSS text that starts at (line, column)."""
    for match in _CSS.finditer(text):
        url = match[2] or match[4]
        if _OUTSIDE.match(url):
            at_line, at_column = _position(text, match.start())
            yield (line + at_line - 1, at_column + (column - 1 if at_line == 1 else 0), url)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_NAMES = "|".join(sorted(ASSET_TAGS))
_TAG = re.compile(rf"""<({_NAMES})\b((?:[^>"']|"[^"]*"|'[^']*')*)>""", re.IGNORECASE)
"""A start tag that can load something, its attributes kept whole (quotes may hold `>`)."""
_ATTR = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_STYLE_ATTR = re.compile(r"""<[a-zA-Z][^\s/>]*\s(?:[^>"']|"[^"]*"|'[^']*')*?(?<=\s)style\s*=\s*"""
                         r"""(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _html(text: str) -> Iterator[tuple[int, int, str]]:
    """Outside assets of an HTML page: tag attributes, `<style>` and `style=`.

    A targeted scan, not a full parse: a built site has thousands of pages and only a
    handful of tags on each can load anything. Comments are blanked first (same length,
    so positions hold)."""
    text = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)
    found: list[tuple[int, int, str]] = []
    for match in _TAG.finditer(text):
        tag = match[1].lower()
        values = {m[1].lower(): unescape(m[2] or m[3] or m[4] or "")
                  for m in _ATTR.finditer(match[2])}
        if tag == "link" and not set(values.get("rel", "").lower().split()) - NOT_FETCHED:
            continue
        line, column = _position(text, match.start())
        for name in ASSET_TAGS[tag]:
            value = values.get(name, "")
            urls = ([part.split()[0] for part in value.split(",") if part.strip()]
                    if name.endswith("srcset") else [value])
            found += [(line, column, url.strip()) for url in urls if _OUTSIDE.match(url)]
    for match in _STYLE_BLOCK.finditer(text):
        found += _css(match[1], *_position(text, match.start(1)))
    for match in _STYLE_ATTR.finditer(text):
        line, column = _position(text, match.start())
        found += _css(unescape(match[1] or match[2] or ""), line, column)
    return iter(sorted(found))
