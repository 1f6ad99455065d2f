"""The portfolio registers: `/risks/` with its heat map, and the issue log `/issues/`."""

from __future__ import annotations

from typing import Any

from generator.pages import Context, Later, PageSpec
from generator.pages.views import issue_row, risk_row
from generator.registers import IssueFact, band

LEVELS = (5, 4, 3, 2, 1)
"""Heat-map rows (probability) and columns (impact) from high to low."""
SEVERITIES = ("critical", "high", "medium", "low")


REGISTER_ROWS = 200
"""Risks (or issues) listed in full on their register; beyond, the heat map and the
project and program pages hold them."""


CELL_ROWS = 10
"""Risks a heat-map cell names at most; the others are counted."""


def build_risks(context: Context) -> list[PageSpec]:
    """The register sorted by score, a 5x5 heat map of open risks, and each cell's risks
    (made when the page is rendered: the live preview plans the site after every edit)."""
    return [PageSpec("risks.md", "risks.md.j2", "Risk register",
                     Later(lambda: _risks_values(context)), section="risks")]


def _risks_values(context: Context) -> dict[str, Any]:
    model = context.model
    facts = sorted(model.risks, key=lambda f: (-(f.score or 0), f.record.id))
    open_facts = [f for f in facts if f.open]
    limits = model.settings.options.risk_bands
    cells: dict[tuple[int, int], list[dict[str, Any]]] = {}
    for fact in open_facts:
        if fact.cell is not None:
            cells.setdefault(fact.cell, []).append(risk_row(model, fact))
    grid = [[{"p": p, "i": i, "score": p * i, "tone": band(p * i, limits),
              "count": len(cells.get((p, i), []))} for i in reversed(LEVELS)]
            for p in LEVELS]
    # A cell names its first CELL_ROWS risks (highest score first) and counts the rest:
    # its list must not grow with the portfolio.
    listed = [{"p": p, "i": i, "score": p * i, "band": band(p * i, limits),
               "rows": cells[(p, i)][:CELL_ROWS], "more": max(0, len(cells[(p, i)]) - CELL_ROWS)}
              for p, i in sorted(cells, key=lambda c: (-c[0] * c[1], -c[0], -c[1]))]
    return {"open": [risk_row(model, f) for f in open_facts],
            "other": [risk_row(model, f) for f in facts if not f.open],
            "grid": grid, "cells": listed, "bands": model.risk_bands,
            "unscored": sum(1 for f in open_facts if f.cell is None),
            "review_overdue": sum(1 for f in open_facts if f.review_overdue),
            "open_shown": REGISTER_ROWS}


def build_issues(context: Context) -> list[PageSpec]:
    """Open issues by severity (then due date), then the resolved and closed ones (made
    when the page is rendered)."""
    return [PageSpec("issues.md", "issues.md.j2", "Issue log",
                     Later(lambda: _issues_values(context)), section="issues")]


def _issues_values(context: Context) -> dict[str, Any]:
    model = context.model

    def order(fact: IssueFact) -> tuple[int, str, str]:
        m = fact.record.model
        rank = SEVERITIES.index(m.severity) if m.severity in SEVERITIES else len(SEVERITIES)
        return (rank, m.due.isoformat() if m.due else "9999", fact.record.id)

    facts = sorted(model.issues, key=order)
    open_rows = [issue_row(model, f) for f in facts if f.open]
    counts = [(s, sum(1 for r in open_rows if r["severity"] == s)) for s in SEVERITIES]
    return {"open": open_rows, "closed": [issue_row(model, f) for f in facts if not f.open],
            "counts": counts, "severities": SEVERITIES,
            "overdue": sum(1 for r in open_rows if r["overdue"]),
            "open_shown": REGISTER_ROWS}
