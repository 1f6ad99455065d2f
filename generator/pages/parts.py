"""Splitting a portfolio-wide page into smaller pages once the portfolio is large.

A status board or roadmap of a few dozen projects reads best as one page; at hundreds
it becomes megabytes that no one scrolls. Above SPLIT_AT rows, the page keeps the
summary, the standalone projects and a table of programs, and each program's rows move
to `<page>/<program id>/`; when the rows outside any program are themselves more than
SPLIT_AT, they move to `<page>/_standalone/` (then `_standalone-2/`, ... SPLIT_AT rows
each; an id never starts with `_`, so such a page never meets a program's). A list that
belongs to no program (people, a tag's records) is split by `split_by_key` into pages
of a few hundred rows each.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.model import PortfolioModel
from generator.pages import Context, PageSpec, url_of
from generator.pages.views import Link
from generator.records import Record

SPLIT_AT = 150
"""Rows above which a portfolio-wide page is split by program."""
STANDALONE = "_standalone"
"""The sub-page of the rows that belong to no program (ids never start with `_`)."""


def program_id(model: PortfolioModel, record: Record[Any]) -> str | None:
    """The program a record belongs to (a program belongs to itself), else None."""
    if record.kind == "program":
        return record.id
    program = model.scopes[record.id].program
    return program.id if program is not None else None


def split_by_program(context: Context, spec: PageSpec, rows: list[Any],
                     program_of: Callable[[Any], str | None],
                     weight: Callable[[Any], int] = lambda row: 1, *,
                     base: str | None = None,
                     standalone: str = "Standalone projects") -> list[PageSpec]:
    """`spec` with `rows`, or (when large) an index plus one page per program.

    `weight` says how many projects a row stands for (a roadmap row is a whole program);
    `base` is the folder of the sub-pages (default: the page's own, `status/`);
    `standalone` names the rows of no program when they need a page of their own;
    a row whose own link is an anchor of this page (its only place) never leaves it.
    """
    if sum(weight(row) for row in rows) <= SPLIT_AT:
        spec.values = {**spec.values, "rows": rows, "parts": [], "part_of": None,
                       "program_id": None}
        return [spec]
    model = context.model
    grouped: dict[str | None, list[Any]] = {}
    for row in rows:
        grouped.setdefault(program_of(row), []).append(row)
    folder = base if base is not None else spec.src_uri.removesuffix(".md")
    parts, pages = [], []

    def part(key: str, title: str, mine: list[Any], status: str | None) -> None:
        sub = PageSpec(f"{folder}/{key}.md", spec.template, f"{spec.title}: {title}",
                       {**spec.values, "rows": mine, "parts": [],
                        "program_id": None if key == STANDALONE else key,
                        "part_of": Link(spec.url, spec.title)},
                       section=spec.section)
        parts.append({"link": Link(url_of(sub.src_uri), title),
                      "count": sum(weight(row) for row in mine), "status": status})
        pages.append(sub)

    for program in model.of_kind("program"):
        if mine := grouped.get(program.id, []):
            part(program.id, program.title, mine, model.program_rollups[program.id].status)
    rest = [row for row in grouped.get(None, []) if _anchored_on(row, spec.url)]
    loose = [row for row in grouped.get(None, []) if not _anchored_on(row, spec.url)]
    if sum(weight(row) for row in loose) > SPLIT_AT:
        for n, chunk in enumerate(_chunks(loose, weight), start=1):
            part(STANDALONE if n == 1 else f"{STANDALONE}-{n}",
                 standalone if n == 1 else f"{standalone} ({n})", chunk, None)
    else:
        rest = grouped.get(None, [])
    spec.values = {**spec.values, "rows": rest, "parts": parts,
                   "part_of": None, "program_id": None}
    return [spec, *pages]


def _anchored_on(row: Any, url: str) -> bool:
    """Whether `row`'s own link is an anchor of the page at `url`."""
    link = row.get("link") if isinstance(row, dict) else None
    return isinstance(link, Link) and link.url.startswith(url + "#")


def _chunks(rows: list[Any], weight: Callable[[Any], int]) -> list[list[Any]]:
    """`rows` in order, cut into runs that weigh at most SPLIT_AT (a heavier row alone)."""
    chunks: list[list[Any]] = [[]]
    total = 0
    for row in rows:
        if chunks[-1] and total + weight(row) > SPLIT_AT:
            chunks.append([])
            total = 0
        chunks[-1].append(row)
        total += weight(row)
    return chunks


def split_by_key(spec: PageSpec, rows: list[Any], key_of: Callable[[Any], str],
                 label_of: Callable[[str], str], folder: str,
                 page_rows: int) -> list[PageSpec]:
    """`spec` with `rows`, or (above SPLIT_AT rows) an index plus a page per key.

    Rows keep their order; a key's page is `<folder>/<key>.md`. A key with more than
    `page_rows` rows is split again by one more character of `key_of` (`a` -> `al`,
    `an`, ...), so no page grows past `page_rows` however large the list.
    """
    if len(rows) <= SPLIT_AT:
        spec.values = {**spec.values, "rows": rows, "parts": [], "part_of": None}
        return [spec]
    parts, pages = [], []
    # Each row's key made once: a bucket is split again and again where many titles
    # share a long start, and a title's slug was made anew at every step (at 10,000
    # projects, a million slugs for the tags' pages: 2.6 s of planning).
    keyed = [(key_of(row), row) for row in rows]
    for key, mine in _buckets(keyed, 1, page_rows):
        title = label_of(key)
        sub = PageSpec(page_name(folder, key), spec.template, f"{spec.title}: {title}",
                       {**spec.values, "rows": mine, "parts": [],
                        "part_of": Link(spec.url, spec.title)},
                       section=spec.section)
        parts.append({"link": Link(url_of(sub.src_uri), title), "count": len(mine),
                      "rows": mine})
        pages.append(sub)
    spec.values = {**spec.values, "rows": [], "parts": parts, "part_of": None}
    return [spec, *pages]


def page_name(folder: str, key: str) -> str:
    """The source name of the sub-page `key` of `folder`: `<folder>/<key>.md`, but
    `<folder>/_index.md` for `index`, which MkDocs would make the folder's own page (a
    slug holds no `_`, so no other key meets it)."""
    return f"{folder}/_{key}.md" if key == "index" else f"{folder}/{key}.md"


def _buckets(keyed: list[tuple[str, Any]], depth: int,
             page_rows: int) -> list[tuple[str, list[Any]]]:
    """`(key, row)` pairs as `(prefix, rows)`, by the first `depth` characters of their
    keys, a prefix with more than `page_rows` rows split by one character more."""
    grouped: dict[str, list[tuple[str, Any]]] = {}
    for pair in keyed:
        grouped.setdefault(pair[0][:depth], []).append(pair)
    found: list[tuple[str, list[Any]]] = []
    for prefix in sorted(grouped):
        mine = grouped[prefix]
        longer = any(len(key) > depth for key, _ in mine)
        if len(mine) > page_rows and longer:
            found += _buckets(mine, depth + 1, page_rows)
        else:
            found.append((prefix, [row for _, row in mine]))
    return found


def prefix_label(prefix: str) -> str:
    """`al` -> `Al`: how a page of a list split by `split_by_key` is named."""
    return prefix[:1].upper() + prefix[1:]

