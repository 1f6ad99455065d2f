"""The roadmap: programs, projects and milestones on a timeline, with the as-of line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.diagrams.render import (
    Label,
    clean,
    flow,
    href,
    label,
    num,
    palette,
    render,
    style_of,
)
from generator.model import PortfolioModel
from generator.records import Record
from generator.schema import Program, Project
from generator.urls import milestone_url, record_url

MARGIN, LABEL_W, PLOT_W, ROW_H = 16.0, 330.0, 900.0, 24.0
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STEPS = (1, 3, 6, 12, 24, 60, 120, 240)
"""Tick spacings in months; the first that leaves room for a label is used."""


@dataclass(slots=True)
class Row:
    kind: str
    """`program`, `project` or `group` (the heading of projects in no program)."""
    key: str
    title: Label
    word: str
    classes: str
    href: str
    y: float = 0.0
    span: tuple[date, date] | None = None
    bar: tuple[str, str] | None = None
    """x and width of the bar, formatted."""
    milestones: list[dict[str, Any]] = field(default_factory=list)


def _month_start(day: date, months: int = 0) -> date:
    total = day.year * 12 + day.month - 1 + months
    return date(total // 12, total % 12 + 1, 1)


def _span(model: PortfolioModel, project: Record[Project]) -> tuple[date, date] | None:
    dues = [f.due for f in model.milestones.get(project.id, [])]
    points = [d for d in (project.model.start, project.model.end, *dues) if d is not None]
    if not points:
        return None
    start = project.model.start or min(points)
    end = project.model.end or max(points)
    return (min(start, end), max(start, end))


def _groups(model: PortfolioModel, program_id: str | None
            ) -> list[tuple[Record[Program] | None, list[Record[Project]]]]:
    if program_id is not None:
        record = model.records.get(program_id)
        if record is None or record.kind != "program":
            return []
        return [(record, model.projects_of(record.id))]
    groups: list[tuple[Record[Program] | None, list[Record[Project]]]] = [
        (p, model.projects_of(p.id)) for p in model.records.by_kind("program")]
    groups.append((None, [p for p in model.records.by_kind("project")
                          if model.program_of.get(p.id) is None]))
    return [(program, projects) for program, projects in groups if projects]


def roadmap_svg(model: PortfolioModel, root: str, program_id: str | None = None) -> str:
    """Programs with their projects as bars and milestones as diamonds; "" when empty."""
    groups = _groups(model, program_id)
    if not groups:
        return ""
    scale = model.scale
    rows: list[Row] = []
    for program, projects in groups:
        if program is None:
            rows.append(Row("group", "", label("Not in a program", LABEL_W, 12, True), "",
                            "", ""))
        else:
            status = model.status_of(program.id)
            rows.append(Row("program", program.id, label(program.title, LABEL_W - 110, 12, True),
                            status, style_of(scale, status).classes,
                            href(root, record_url(program))))
        first = len(rows)
        for project in projects:
            status = model.statuses[project.id].status
            rows.append(Row("project", project.id, label(project.title, LABEL_W - 124, 12),
                            status, style_of(scale, status).classes,
                            href(root, record_url(project)), span=_span(model, project)))
        spans = [r.span for r in rows[first:] if r.span is not None]
        if spans and rows[first - 1].kind == "program":
            rows[first - 1].span = (min(s[0] for s in spans), max(s[1] for s in spans))
    dates = [d for r in rows if r.span for d in r.span] + [model.as_of]
    dates += [f.due for r in rows if r.kind == "project" for f in model.milestones[r.key]]
    lo, hi = _month_start(min(dates)), _month_start(max(dates), 1)
    days = max(1, (hi - lo).days)
    left = MARGIN + LABEL_W
    worst = style_of(scale, scale.worst_level).key
    middle = style_of(scale, scale.levels[len(scale.levels) // 2]).key
    shapes = {"done": "sf done", "late": "sf late done", "overdue": f"sf {worst}",
              "due-soon": f"sf {middle}", "planned": "hollow"}

    def x(day: date) -> float:
        return left + (day - lo).days / days * PLOT_W

    legend, legend_h = flow(_legend(model, shapes), left + PLOT_W + MARGIN)
    top = MARGIN + 24 + legend_h + 34
    points: dict[str, tuple[float, float]] = {}
    for index, row in enumerate(rows):
        row.y = top + index * ROW_H
        if row.span is not None:
            row.bar = (num(x(row.span[0])), num(max(2.0, x(row.span[1]) - x(row.span[0]))))
            if row.kind == "project":
                points[row.key] = (x(row.span[1]), row.y + ROW_H / 2)
        if row.kind != "project":
            continue
        title = clean(model.records.get(row.key).title)  # type: ignore[union-attr]
        for fact in model.milestones[row.key]:
            cx = x(fact.due)
            points[fact.ref] = (cx, row.y + ROW_H / 2)
            when = f"due {fact.due.isoformat()}" + (
                f", done {fact.done.isoformat()}" if fact.done else "")
            row.milestones.append({
                "ref": fact.ref, "x": num(cx), "state": fact.state,
                "classes": shapes.get(fact.state, "hollow"),
                "href": href(root, milestone_url(row.key, fact.milestone.id)),
                "tooltip": f"{clean(fact.milestone.title)} ({title}): {fact.state}, {when}"})
    arrows: list[dict[str, Any]] = []
    for dep in model.graph.dependencies:
        if dep.upstream in points and dep.downstream in points:
            (x1, y1), (x2, y2) = points[dep.upstream], points[dep.downstream]
            bend = max(18.0, abs(x2 - x1) / 3)
            arrows.append({
                "dep": dep, "classes": "at-risk" if dep.at_risk else "done" if dep.done else "",
                "marker": "risk" if dep.at_risk else "done" if dep.done else "plain",
                "d": f"M{num(x1)},{num(y1)} C{num(x1 + bend)},{num(y1)} "
                     f"{num(x2 - bend)},{num(y2)} {num(x2 - 14)},{num(y2)}",
                "tooltip": clean(f"{dep.downstream} needs {dep.upstream}"
                                 + ("; AT RISK: " + "; ".join(dep.reasons) if dep.at_risk
                                    else ""))})
    step = next((s for s in STEPS if s * 30.4 / days * PLOT_W >= 64), STEPS[-1])
    ticks = []
    tick = _month_start(lo)
    while tick <= hi:
        if (tick.year * 12 + tick.month - 1) % step == 0:
            text = (str(tick.year) if step >= 12 else
                    f"{MONTHS[tick.month - 1]} {tick.year}")
            room = x(tick) < left + PLOT_W - 40
            ticks.append({"x": num(x(tick)), "text": text if room else ""})
        tick = _month_start(tick, 1)
    project_rows = [r for r in rows if r.kind == "project"]
    milestone_count = sum(len(r.milestones) for r in project_rows)
    risky = sum(1 for a in arrows if a["classes"] == "at-risk")
    subject = (f"Roadmap of {clean(groups[0][0].title)}" if program_id is not None
               and groups[0][0] is not None else "Roadmap")
    desc = (f"{len(project_rows)} projects and {milestone_count} milestones on a timeline from "
            f"{lo.isoformat()} to {hi.isoformat()}, as of {model.as_of.isoformat()}; "
            f"{len(arrows)} dependency arrows between them, {risky} at risk.")
    height = top + len(rows) * ROW_H + MARGIN
    return render(model, "roadmap", prefix=f"roadmap-{program_id or 'all'}", title=subject,
                  desc=desc, width=num(left + PLOT_W + MARGIN), height=num(height),
                  rows=rows, arrows=arrows, ticks=ticks, top=num(top), bottom=num(height - MARGIN),
                  plot_left=num(left), plot_right=num(left + PLOT_W), label_right=num(left - 12),
                  asof_x=num(x(model.as_of)), as_of=model.as_of.isoformat(), row_h=ROW_H,
                  legend=legend, legend_y=num(MARGIN + 24))


def _legend(model: PortfolioModel, shapes: dict[str, str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = [{"kind": "status", "key": s.key, "text": s.word}
                                     for s in palette(model.scale)]
    entries += [{"kind": "ms", "classes": shapes[state], "text": f"milestone {text}"}
                for state, text in (("done", "done"), ("late", "done late"),
                                    ("overdue", "overdue"), ("due-soon", "due soon"),
                                    ("planned", "planned"))]
    entries += [{"kind": "edge", "swatch": 30, "text": "dependency"},
                {"kind": "risk", "swatch": 30, "text": "at risk"},
                {"kind": "asof", "swatch": 10, "text": f"as of {model.as_of.isoformat()}"}]
    return entries
