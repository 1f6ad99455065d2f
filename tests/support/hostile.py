"""Hostile copies of a site: every title, description and site field replaced by markup."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

MARKER = "pwn"
"""Every hostile string carries it, in a tag name and in an attribute name."""


def hostile(n: int) -> str:
    """A title that tries every way out of text, attribute and `<title>` (unique by `n`)."""
    return (f"T{n} <img src=x onerror=alert({n}) data-{MARKER}={n}></title>"
            f"<svg onload=alert({n}) data-{MARKER}={n}><{MARKER}{n}/>"
            f"\" onmouseover=alert({n}) data-{MARKER}=\"{n}\" ' x='"
            f"&lt;script&gt;alert({n})&lt;/script&gt; &amp;lt;b&amp;gt;")


def _quoted(text: str) -> str:
    """`text` as a YAML double-quoted scalar."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _markdown_text(text: str) -> str:
    """`text` as Markdown that renders as exactly that text (no raw HTML)."""
    text = text.replace("&", "&amp;").replace("<", "&lt;")
    return re.sub(r"([\\`*_{}\[\]()#+!>.-])", r"\\\1", text)


_KIND = re.compile(r"^kind:[ \t]*([a-z]+)", re.MULTILINE)
DESCRIBED = frozenset({"portfolio", "program", "project", "decision", "change", "meeting",
                       "lesson", "risk", "issue"})
"""Kinds whose front matter may carry `description:` (SPEC §3.4 plus the schema)."""
_TITLE = re.compile(r"^(?P<lead>\s*(?:-\s+)?)title:[ \t]+\S.*$", re.MULTILINE)


def make_hostile(content: Path, config: Path, theme: str | None) -> int:
    """Rewrite a copied site in place; return how many values were made hostile."""
    count = 0

    def title_line(match: re.Match[str]) -> str:
        nonlocal count
        count += 1
        return f"{match.group('lead')}title: {_quoted(hostile(count))}"

    for path in sorted(content.rglob("*")):
        if path.suffix not in (".md", ".yml", ".yaml") or not path.is_file():
            continue
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            if text.startswith("---\n"):
                end = text.index("\n---\n", 4)
                front, body = text[4:end], text[end + 5:]
                front = _TITLE.sub(title_line, front)
                kind = _KIND.search(front)
                if kind is None or kind.group(1) in DESCRIBED:
                    count += 1
                    front += f"\ndescription: {_quoted(hostile(count))}"
                if kind is None and not _TITLE.search(front):
                    count += 1
                    front += f"\ntitle: {_quoted(hostile(count))}"
                text = f"---\n{front}\n---\n{body}"
            else:
                count += 2
                text = (f"---\ntitle: {_quoted(hostile(count - 1))}\n"
                        f"description: {_quoted(hostile(count))}\n---\n{text}")
        else:
            text = _TITLE.sub(title_line, text)
        path.write_text(text, encoding="utf-8")
    # A page whose title MkDocs takes from its first heading (written as escaped text:
    # raw HTML in a body is the sanitiser's business, not the theme's).
    count += 1
    (content / "hostile-heading.md").write_text(
        f"# {_markdown_text(hostile(count))}\n\nA page titled by its heading.\n",
        encoding="utf-8")
    site = config.read_text(encoding="utf-8")
    for key in ("site_name", "site_description"):
        count += 1
        site = re.sub(rf"^{key}:.*$", f"{key}: {_quoted(hostile(count))}", site,
                      flags=re.MULTILINE)
    if theme is not None:
        site = re.sub(r"^theme:\n(?:[ \t]+.*\n|\n)*", f"theme:\n  name: {theme}\n", site,
                      flags=re.MULTILINE)
    config.write_text(site, encoding="utf-8")
    return count


def hostile_copy(repo: Path, target: Path, theme: str | None) -> Path:
    """Copy the example site to `target`, make it hostile; return its mkdocs.yml."""
    shutil.copytree(repo / "content", target / "content")
    shutil.copy(repo / "mkdocs.yml", target / "mkdocs.yml")
    make_hostile(target / "content", target / "mkdocs.yml", theme)
    return target / "mkdocs.yml"
