"""Splitting a portfolio-wide page into a page per program once the portfolio is large.

A status board or roadmap of a few dozen projects reads best as one page; at hundreds
it becomes megabytes that no one scrolls. Above SPLIT_AT rows, the page keeps the
summary, the standalone projects and a table of programs, and each program's rows move
to `<page>/<program id>/`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generator.pages import Context, PageSpec, url_of
from generator.pages.views import Link

SPLIT_AT = 150
"""Rows above which a portfolio-wide page is split by program."""


def split_by_program(context: Context, spec: PageSpec, rows: list[Any],
                     program_of: Callable[[Any], str | None],
                     weight: Callable[[Any], int] = lambda row: 1) -> list[PageSpec]:
    """`spec` with `rows`, or (when large) an index plus one page per program.

    `weight` says how many projects a row stands for (a roadmap row is a whole program).
    """
    if sum(weight(row) for row in rows) <= SPLIT_AT:
        spec.values = {**spec.values, "rows": rows, "parts": [], "part_of": None,
                       "program_id": None}
        return [spec]
    model = context.model
    grouped: dict[str | None, list[Any]] = {}
    for row in rows:
        grouped.setdefault(program_of(row), []).append(row)
    base = spec.src_uri.removesuffix(".md")
    parts, pages = [], []
    for program in model.of_kind("program"):
        mine = grouped.get(program.id, [])
        if not mine:
            continue
        sub = PageSpec(f"{base}/{program.id}.md", spec.template, f"{spec.title}: {program.title}",
                       {**spec.values, "rows": mine, "parts": [], "program_id": program.id,
                        "part_of": Link(spec.url, spec.title)},
                       section=spec.section)
        parts.append({"link": Link(url_of(sub.src_uri), program.title),
                      "count": sum(weight(row) for row in mine),
                      "status": model.program_rollups[program.id].status})
        pages.append(sub)
    spec.values = {**spec.values, "rows": grouped.get(None, []), "parts": parts,
                   "part_of": None, "program_id": None}
    return [spec, *pages]
