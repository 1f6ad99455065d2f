"""The status history strip of a project: one cell per report, oldest left, newest right."""

from __future__ import annotations

from typing import Any

from generator.diagrams.render import (
    clean,
    flow,
    href,
    num,
    render,
    style_of,
    truncate,
    wrap,
)
from generator.model import PortfolioModel
from generator.urls import record_url

MARGIN, CELL, GAP, PER_ROW, ROW_GAP = 16.0, 26.0, 3.0, 26, 22.0
"""26 cells a row: half a year of weekly reports."""


def history_svg(model: PortfolioModel, project_id: str, root: str) -> str:
    """Each report a linked cell with the status's initials (the word in the legend)."""
    record = model.records.get(project_id)
    status = model.statuses.get(record.id) if record is not None else None
    if record is None or status is None or not status.reports:
        return ""
    reports = list(reversed(status.reports))
    columns = min(len(reports), PER_ROW)
    width = max(MARGIN * 2 + columns * (CELL + GAP), 360.0)
    title = f"Status history of {clean(record.title)}"
    heading = wrap(title, width - 2 * MARGIN, 12, bold=True)
    top = MARGIN + 24 + (len(heading.shown) - 1) * 16
    cells: list[dict[str, Any]] = []
    seen: dict[str, Any] = {}
    for index, report in enumerate(reports):
        row, col = divmod(index, PER_ROW)
        overall = report.model.overall
        style = style_of(model.scale, overall)
        seen.setdefault(style.word, style)
        day = report.model.date.isoformat()
        summary = truncate(clean(getattr(report.model, "summary", None) or ""), 160)
        cells.append({
            "id": report.id, "date": day, "classes": style.classes, "style": style,
            "initials": style.initials,
            "x": num(MARGIN + col * (CELL + GAP)), "y": num(top + row * (CELL + ROW_GAP)),
            "tx": num(MARGIN + col * (CELL + GAP) + CELL / 2),
            "ty": num(top + row * (CELL + ROW_GAP) + CELL / 2 + 4),
            "href": href(root, record_url(report)),
            "tooltip": f"{day}: {overall}" + (f" \u2014 {summary}" if summary else "")})
    spans = []
    for start in range(0, len(cells), PER_ROW):
        first, last = cells[start]["date"], cells[min(start + PER_ROW, len(cells)) - 1]["date"]
        spans.append({"x": cells[start]["x"],
                      "y": num(top + start // PER_ROW * (CELL + ROW_GAP) + CELL + 13),
                      "text": first if first == last else f"{first} \u2013 {last}"})
    rows = (len(reports) + PER_ROW - 1) // PER_ROW
    order = {word: i for i, word in enumerate(model.scale.values)}
    legend_entries = [{"key": s.key, "initials": s.initials, "text": s.word}
                      for s in sorted(seen.values(), key=lambda s: order.get(s.word, 99))]
    legend_y = top + rows * (CELL + ROW_GAP) + 4
    legend, legend_h = flow(legend_entries, width, swatch=18)
    counts = ", ".join(f"{sum(1 for r in reports if r.model.overall == e['text'])} {e['text']}"
                       for e in legend_entries)
    desc = (f"{len(reports)} status reports from {reports[0].model.date.isoformat()} to "
            f"{reports[-1].model.date.isoformat()}, oldest first: {counts}. The latest is "
            f"{reports[-1].model.overall}.")
    return render(model, "history", prefix=f"history-{record.id}", title=title, desc=desc, heading=heading,
                  width=num(width), height=num(legend_y + legend_h + MARGIN - 4), cells=cells,
                  cell=CELL, spans=spans, legend=legend, legend_y=num(legend_y), project_id=record.id)
