"""Find what a built site would load from outside itself (SPEC §5: offline with every theme)."""

from __future__ import annotations

import os
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
_TAB_OR_NEWLINE = str.maketrans("", "", "\t\n\r")
_C0_OR_SPACE = "".join(map(chr, range(0x21)))
_HINT = re.compile(r"""(?:=\s*["']?\s*(?:https?:|//))|url\s*\(|@import""", re.IGNORECASE)
_CSS = re.compile(r"""url\(\s*(["']?)([^"')\s]+)\1\s*\)|@import\s+(["'])([^"']+)\3""",
                  re.IGNORECASE)
_JS = re.compile(r"""(?:\bimportScripts\s*\(|\bimport\s*\(|\bfrom)\s*(["'`])"""
                 r"""((?:https?:)?//[^"'`]+)\1""")


References = list[tuple[int, int, str]]
"""(line, column, url) of each outside asset one file names."""


def external_assets(site_dir: Path, shown: str,
                    severities: Mapping[str, Choice] | None = None,
                    jobs: int = 1, scanned: Mapping[str, References] | None = None
                    ) -> list[Diagnostic]:
    """An `external-asset` warning for every reference to an asset outside the site in the
    HTML, CSS and JS files of `site_dir`; `shown` is that folder as diagnostics name it.
    The files are read in `jobs` processes (`fork_map`), but for those in `scanned`: the
    `page_references` of a page's HTML as it was written, by path in `site_dir`.

    Links a reader follows (`<a href>`, `<link rel=canonical>`) are not assets.
    """
    diagnostics = Diagnostics()
    diagnostics.set_severities(severities or {})
    scanned = scanned or {}
    files = dict(sorted(_site_files(site_dir), key=lambda item: item[0].split("/")))
    unread = [path for name, path in files.items() if name not in scanned]
    found = dict(zip(unread, fork_map(_file_references, [Path(path) for path in unread], jobs),
                     strict=True))
    for name, path in files.items():
        references = scanned[name] if name in scanned else found[path]
        where = f"{shown}/{name}"
        for line, column, url in references:
            diagnostics.warning(
                where, line, column, "external-asset",
                f"the built site loads {url} from outside itself; it fails offline",
                "serve the file from the site (docs/ or the theme's custom_dir) or turn "
                "the theme feature off")
    return diagnostics.sorted()


def _site_files(folder: Path | str, prefix: str = "") -> Iterator[tuple[str, str]]:
    """(path in the site, path) of every HTML, CSS and JS file under `folder`, as `rglob`
    finds them (links to folders not followed), from the folder's entries alone (no stat
    but of a link): a built site has a folder for every page."""
    try:
        with os.scandir(folder) as listed:
            entries = list(listed)
    except OSError:  # (a folder that cannot be read: `rglob` passes over it too)
        return
    for entry in entries:
        if entry.is_dir(follow_symlinks=False):
            yield from _site_files(entry.path, f"{prefix}{entry.name}/")
        elif _suffix(entry.name) in SUFFIXES and _is_file(entry):
            yield prefix + entry.name, entry.path


def _suffix(name: str) -> str:
    """`PurePath(name).suffix.lower()`, from the string."""
    dot = name.rfind(".")
    return name[dot:].lower() if 0 < dot < len(name) - 1 else ""


def _is_file(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_file()
    except OSError:  # (a link in a loop, say: `Path.is_file` says False)
        return False


def page_references(html: str, content: str = "") -> References:
    """What `external_assets` finds in an HTML page, from the text MkDocs writes for it:
    the same as from the file, read back (its positions too).

    `content` is the page's body as `htmlstash.sanitized` left it, when `html` holds it
    (a theme prints `page.content` as it is). The sanitizer lets no comment, `<style>`,
    `style=` or asset tag but `<img>` and `<input>` through, and writes tag names in
    lowercase; the template blocks it leaves out hold none of those either (a test has
    cleaning change nothing in them, and finds nothing in them to load). So the body,
    most of a page, is searched for those two words alone; the theme's part around it
    is scanned as any page is."""
    written = _as_written(html)
    if written is not html:  # (else the content, in it, is as written too, or not in it)
        html, content = written, _as_written(content)
    start = html.find(content) if len(content) >= _WORTH_CUTTING else -1
    if start < 0 or not content.startswith("<"):
        return list(_html(html))
    end = start + len(content)
    newlines = content.count("\n")
    # The body's place kept by blanks: as many lines, its last line as long.
    last = len(content) - content.rfind("\n") - 1 if newlines else len(content)
    found = list(_html(html[:start] + "\n" * newlines + " " * last + html[end:]))
    if "<img" in content or "<input" in content:
        line, column = _position(html, start)
        found += [(*_within(line, column, at_line, at_column), url)
                  for at_line, at_column, url in _tags(content)]
    return sorted(found)


_WORTH_CUTTING = 256
"""A body shorter than this is scanned with its page: cutting it out would save nothing."""


def _as_written(html: str) -> str:
    """`html` as reading back the file MkDocs writes for it gives it."""
    try:
        html.encode("utf-8")
    except UnicodeEncodeError:  # (a lone surrogate: MkDocs writes a character reference)
        html = html.encode("utf-8", "xmlcharrefreplace").decode("utf-8")
    if "\r" in html:  # (a file is read with universal newlines)
        html = html.replace("\r\n", "\n").replace("\r", "\n")
    return html


def _file_references(path: Path) -> References:
    text = path.read_text(encoding="utf-8", errors="replace")
    suffix = path.suffix.lower()
    # Every page of a theme links somewhere outside, so the hint would pass each HTML
    # file only to have it scanned again: HTML goes straight to its targeted scan.
    if suffix not in (".html", ".htm") and _HINT.search(text) is None:
        return []
    return list(_references(suffix, text))


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
        if _leaves(url):
            yield (*_within(line, column, *_position(text, match.start())), url)


def _loads_outside(css: str) -> bool:
    return any(_leaves(match[2] or match[4]) for match in _CSS.finditer(css))


def _within(line: int, column: int, at_line: int, at_column: int) -> tuple[int, int]:
    """Where (at_line, at_column) of a part that starts at (line, column) is in the whole."""
    return line + at_line - 1, at_column + (column - 1 if at_line == 1 else 0)


def _position(text: str, offset: int) -> tuple[int, int]:
    line = text.count("\n", 0, offset) + 1
    return line, offset - (text.rfind("\n", 0, offset) + 1) + 1


_NAMES = "|".join(sorted(ASSET_TAGS))
_FIRSTS = "".join(sorted({name[0] for name in ASSET_TAGS}))
_TAG = re.compile(rf"""<(?=[{_FIRSTS}])({_NAMES})\b((?>(?:[^>"']+|"[^"]*"|'[^']*')*))>""",
                  re.IGNORECASE)
"""A start tag that can load something, its attributes kept whole (quotes may hold `>`).
(The lookahead turns most tags away at their first letter, before the names are tried
one by one: the scan takes 60% of the time.)"""
_ATTR = re.compile(r"""([^\s"'=<>/]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+)))?""")
_STYLE_BLOCK = re.compile(r"<style\b[^>]*>(.*?)</style\s*>", re.IGNORECASE | re.DOTALL)
_STYLE_ATTR = re.compile(r"""<[a-zA-Z][^\s/>]*(?=\s)(?>(?:[^>"'\s]+|"[^"]*"|'[^']*'"""
                         r"""|\s(?!style\s*=\s*["']))*)\sstyle\s*=\s*(?:"([^"]*)"|'([^']*)')""",
                         re.IGNORECASE)
"""A start tag up to its first quoted `style` attribute (the loop gives nothing back:
where it stops is the one place such an attribute can start). The loops are atomic
groups, not possessive quantifiers, which Python before 3.11.5 repeats wrongly (CPython
issue 106052; Debian 12 has 3.11.2)."""
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)


def _leaves(url: str) -> bool:
    """Whether a browser fetches `url` from outside the site: it starts with `http:`,
    `https:` or two slashes as a browser reads it (the WHATWG URL parser drops C0 controls
    and spaces around a URL and tabs and newlines anywhere in it, and takes `\\` for `/`
    in http(s) and file URLs: `\\\\cdn.example/x.png` and `/\\cdn.example/x.png` load
    from cdn.example)."""
    read = url.translate(_TAB_OR_NEWLINE).strip(_C0_OR_SPACE).replace("\\", "/")
    return _OUTSIDE.match(read) is not None


def _cannot_leave(attributes: str) -> bool:
    """Whether no attribute value in `attributes` can name an outside URL (`_leaves`):
    one needs a `:` or two slashes, a backslash standing for one, a tab or newline between
    them, or a character reference that may turn into any of those."""
    return not ("//" in attributes or ":" in attributes or "&" in attributes
                or "\\" in attributes or "\t" in attributes or "\n" in attributes
                or "\r" in attributes)  # (a regex of these takes 25% longer)


_CANNOT_LEAVE = _cannot_leave


def _tags(text: str) -> list[tuple[int, int, str]]:
    """Outside URLs in the attributes of the tags of `text` that can load something."""
    found: list[tuple[int, int, str]] = []
    for match in _TAG.finditer(text):
        if _CANNOT_LEAVE(match[2]):  # (most tags of most pages: no URL that leaves)
            continue
        tag = match[1].lower()
        values = {m[1].lower(): unescape(m[2] or m[3] or m[4] or "")
                  for m in _ATTR.finditer(match[2])}
        if tag == "link" and not set(values.get("rel", "").lower().split()) - NOT_FETCHED:
            continue
        urls = []
        for name in ASSET_TAGS[tag]:
            value = values.get(name, "")
            urls += ([part.split()[0] for part in value.split(",") if part.strip()]
                     if name.endswith("srcset") else [value])
        outside = [url.strip() for url in urls if _leaves(url)]
        if outside:  # (where it is, only then: counting lines is the slow part)
            line, column = _position(text, match.start())
            found += [(line, column, url) for url in outside]
    return found


def _html(text: str) -> Iterator[tuple[int, int, str]]:
    """Outside assets of an HTML page: tag attributes, `<style>` and `style=`.

    A targeted scan, not a full parse: a built site has thousands of pages and only a
    handful of tags on each can load anything. Comments are blanked first (same length,
    so positions hold)."""
    text = _COMMENT.sub(lambda m: re.sub(r"[^\n]", " ", m[0]), text)
    found = _tags(text)
    for match in _STYLE_BLOCK.finditer(text):
        if _loads_outside(match[1]):
            found += _css(match[1], *_position(text, match.start(1)))
    for match in _STYLE_ATTR.finditer(text):
        css = unescape(match[1] or match[2] or "")
        if _loads_outside(css):
            found += _css(css, *_position(text, match.start()))
    return iter(sorted(found))
