"""The risk heat map: probability by impact, the number of risks per cell, linked."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from generator.diagrams.render import clean, flow, href, num, render
from generator.model import PortfolioModel
from generator.registers import RiskFact, band

MARGIN, CELL, AXIS = 16.0, 56.0, 52.0
SIZE = 5
NAMED = 8
"""Risks named in a cell's tooltip before `and N more`."""


def heatmap_svg(model: PortfolioModel, risk_facts: Iterable[RiskFact], root: str,
                cell_href: Callable[[int, int], str]) -> str:
    """A 5x5 grid, probability up and impact across; "" when no risk can be placed.

    `cell_href(probability, impact)` gives a cell's link: site-relative (prefixed with
    `root`) or a `#anchor` on the same page. Cells without risks are not linked.
    """
    facts = list(risk_facts)
    limits = model.settings.options.risk_bands
    cells: dict[tuple[int, int], list[RiskFact]] = {}
    for fact in facts:
        cell = fact.cell
        if cell is not None and 1 <= cell[0] <= SIZE and 1 <= cell[1] <= SIZE:
            cells.setdefault(cell, []).append(fact)
    if not cells:
        return ""
    left, top = MARGIN + AXIS, MARGIN + 34
    drawn: list[dict[str, Any]] = []
    for probability in range(SIZE, 0, -1):
        for impact in range(1, SIZE + 1):
            risks = sorted(cells.get((probability, impact), []),
                           key=lambda f: (-(f.score or 0), f.record.id))
            score = probability * impact
            names = [clean(f.record.title) for f in risks[:NAMED]]
            more = f" and {len(risks) - NAMED} more" if len(risks) > NAMED else ""
            tooltip = (f"Probability {probability}, impact {impact}: score {score} "
                       f"({band(score, limits)}); {len(risks)} risk{'s' if len(risks) != 1 else ''}"
                       + (": " + "; ".join(names) + more if risks else ""))
            drawn.append({
                "p": probability, "i": impact, "count": len(risks), "band": band(score, limits),
                "x": num(left + (impact - 1) * CELL), "y": num(top + (SIZE - probability) * CELL),
                "cx": num(left + (impact - 0.5) * CELL),
                "cy": num(top + (SIZE - probability + 0.5) * CELL + 7),
                "href": href(root, cell_href(probability, impact)) if risks else "",
                "risks": " ".join(f.record.id for f in risks), "tooltip": tooltip})
    placed = sum(len(v) for v in cells.values())
    top_band = model.risk_bands[-1]
    severe = sum(len(v) for (p, i), v in cells.items()
                 if band(p * i, limits) == top_band.name)
    unplaced = len(facts) - placed
    desc = (f"{placed} risks on a grid of probability (1 to 5, up) by impact (1 to 5, across), "
            f"the number of risks in each cell; {severe} in the {top_band.name} band "
            f"(score {top_band.low} to {top_band.high}).")
    if unplaced:
        desc += f" {unplaced} risks without both probability and impact are not shown."
    width = left + SIZE * CELL + MARGIN
    legend, legend_h = flow([{"band": b.name, "text": b.text} for b in model.risk_bands],
                            width)
    legend_y = top + SIZE * CELL + 40
    return render(model, "heatmap", prefix="heatmap", title="Risk heat map", desc=desc,
                  width=num(width), height=num(legend_y + legend_h + MARGIN), cells=drawn,
                  left=left, top=top, cell=CELL, size=SIZE, legend=legend,
                  legend_y=num(legend_y))
