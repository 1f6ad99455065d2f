"""The roadmap: programs, projects and milestones on a timeline, with the as-of line."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from generator.diagrams.metrics import text_width
from generator.diagrams.render import (
    COLUMN,
    Label,
    clean,
    flow,
    href,
    num,
    palette,
    render,
    style_of,
    wrap,
)
from generator.model import PortfolioModel
from generator.records import Record
from generator.schema import Program, Project
from generator.urls import milestone_url, record_url

MARGIN, LABEL_W = 16.0, 270.0
"""The label column (titles and status words); the time axis takes the rest of `COLUMN`."""
LINE_H, ROW_PAD, ROW_MIN, TITLE_SIZE, SMALL = 14.0, 10.0, 24.0, 12.0, 10.5
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
STEPS = (1, 2, 3, 6, 12, 24, 60, 120, 240)
"""Tick spacings in months; the first whose labels do not touch is used."""
TICK_GAP = 10.0
"""Least room between two tick labels."""


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
    h: float = ROW_MIN
    span: tuple[date, date] | None = None
    baseline_end: date | None = None
    bar: tuple[str, str] | None = None
    """x and width of the bar, formatted."""
    milestones: list[dict[str, Any]] = field(default_factory=list)
    flyout: Label | None = None
    """The whole title when `title` is shortened, shown on hover and focus (CSS)."""
    geo: dict[str, str] = field(default_factory=dict)
    """Its y coordinates, formatted for the template."""


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


def roadmap_span(model: PortfolioModel, program_id: str | None = None
                 ) -> tuple[date, date] | None:
    """The first and last day the roadmap shows: whole months around every project's
    start and end, every milestone's forecast and baseline, and the as-of date."""
    groups = _groups(model, program_id)
    if not groups:
        return None
    dates = [model.as_of]
    for _, projects in groups:
        for project in projects:
            dates += _item_dates(model, project)
    return _month_start(min(dates)), _month_start(max(dates), 1)


def _item_dates(model: PortfolioModel, project: Record[Project]) -> list[date]:
    span = _span(model, project)
    dates = list(span) if span else []
    dates += [project.model.baseline_end] if project.model.baseline_end else []
    for fact in model.milestones.get(project.id, []):
        dates += [fact.due] + ([fact.baseline] if fact.baseline else [])
    return dates


def _rows(model: PortfolioModel, root: str,
          groups: list[tuple[Record[Program] | None, list[Record[Project]]]],
          word_w: float) -> list[Row]:
    scale = model.scale
    rows: list[Row] = []
    for program, projects in groups:
        if program is None:
            rows.append(Row("group", "", wrap("Not in a program", LABEL_W - 8, TITLE_SIZE,
                                              True), "", "", ""))
        else:
            status = model.status_of(program.id)
            rows.append(Row("program", program.id,
                            wrap(program.title, LABEL_W - word_w - 8, TITLE_SIZE, True),
                            status, style_of(scale, status).classes,
                            href(root, record_url(program))))
        first = len(rows)
        for project in projects:
            status = model.statuses[project.id].status
            rows.append(Row("project", project.id,
                            wrap(project.title, LABEL_W - word_w - 20, TITLE_SIZE),
                            status, style_of(scale, status).classes,
                            href(root, record_url(project)), span=_span(model, project),
                            baseline_end=project.model.baseline_end))
        spans = [r.span for r in rows[first:] if r.span is not None]
        if spans and rows[first - 1].kind == "program":
            rows[first - 1].span = (min(s[0] for s in spans), max(s[1] for s in spans))
    for row in rows:
        row.h = max(ROW_MIN, len(row.title.shown) * LINE_H + ROW_PAD)
        if row.title.shortened:
            row.flyout = wrap(row.title.full, LABEL_W - 28, TITLE_SIZE, row.kind != "project",
                              max_lines=12)
    return rows


def _ticks(lo: date, hi: date, x: Any, right: float) -> list[dict[str, str]]:
    """Month lines at the first spacing whose labels leave `TICK_GAP` between them."""
    days = max(1, (hi - lo).days)
    per_month = (x(hi) - x(lo)) * 30.44 / days

    def text(tick: date, step: int) -> str:
        return str(tick.year) if step >= 12 else f"{MONTHS[tick.month - 1]} {tick.year}"

    step = next((s for s in STEPS if s * per_month >= text_width(
        text(lo, s), SMALL) + TICK_GAP), STEPS[-1])
    ticks = []
    tick = lo
    while tick <= hi:
        if (tick.year * 12 + tick.month - 1) % step == 0:
            words = text(tick, step)
            room = x(tick) + 3 + text_width(words, SMALL) <= right
            ticks.append({"x": num(x(tick)), "text": words if room else ""})
        tick = _month_start(tick, 1)
    return ticks


def roadmap_svg(model: PortfolioModel, root: str, program_id: str | None = None) -> str:
    """Programs with their projects as bars and milestones as diamonds; "" when empty.

    It is `COLUMN` wide: the time axis spans every item (`roadmap_span`) with the as-of
    line in view; titles wrap onto up to three lines; a milestone or project with a
    baseline other than its forecast gets a hollow ghost mark at the baseline, joined to
    the forecast by a thin line, its slip in the tooltip.
    """
    groups = _groups(model, program_id)
    span = roadmap_span(model, program_id)
    if not groups or span is None:
        return ""
    scale = model.scale
    word_w = max(text_width(s.word, SMALL) for s in palette(scale)) + 22
    rows = _rows(model, root, groups, word_w)
    lo, hi = span
    days = max(1, (hi - lo).days)
    left = MARGIN + LABEL_W
    plot_w = COLUMN - left - MARGIN - 8  # room for the last diamond's right half
    worst = style_of(scale, scale.worst_level).key
    middle = style_of(scale, scale.levels[len(scale.levels) // 2]).key
    shapes = {"done": "sf done", "late": "sf late done", "overdue": f"sf {worst}",
              "due-soon": f"sf {middle}", "planned": "hollow"}

    def x(day: date) -> float:
        return left + (day - lo).days / days * plot_w

    subject = (f"Roadmap of {clean(groups[0][0].title)}" if program_id is not None
               and groups[0][0] is not None else "Roadmap")
    heading = wrap(subject, COLUMN - 2 * MARGIN, 14, bold=True)
    head_h = len(heading.shown) * 18
    legend, legend_h = flow(_legend(model, shapes), COLUMN)
    top = MARGIN + 6 + head_h + legend_h + 34
    points: dict[str, tuple[float, float]] = {}
    y = top
    for row in rows:
        row.y, mid = y, y + row.h / 2
        y += row.h
        lines = len(row.title.shown)
        row.geo = {"y": num(row.y), "h": num(row.h), "mid": num(mid),
                   "ty": num(mid - (lines - 1) * LINE_H / 2 + 4), "cy": num(mid),
                   "wy": num(mid + 4), "by": num(mid - (3 if row.kind == "program" else 7)),
                   "dy": num(mid - 7)}
        if row.span is not None:
            row.bar = (num(x(row.span[0])), num(max(2.0, x(row.span[1]) - x(row.span[0]))))
            if row.kind == "project":
                points[row.key] = (x(row.span[1]), mid)
        if row.kind != "project":
            continue
        if row.span is not None and row.baseline_end not in (None, row.span[1]):
            assert row.baseline_end is not None
            row.milestones.append(_ghost(x, row.span[1], row.baseline_end,
                                         f"planned finish of {row.title.full}", mid))
        title = row.title.full
        for fact in model.milestones[row.key]:
            cx = x(fact.due)
            points[fact.ref] = (cx, mid)
            when = f"due {fact.due.isoformat()}" + (
                f", done {fact.done.isoformat()}" if fact.done else "")
            if fact.baseline is not None:
                when += f", baseline {fact.baseline.isoformat()}" + (
                    f", {_slip_text(fact.slip_days)}" if fact.slip_days is not None else "")
            tooltip = f"{clean(fact.milestone.title)} ({title}): {fact.state}, {when}"
            if fact.baseline is not None and fact.baseline != fact.due:
                row.milestones.append(_ghost(x, fact.due, fact.baseline, tooltip, mid,
                                             fact.ref, fact.slip_days))
            row.milestones.append({
                "ref": fact.ref, "x": num(cx), "state": fact.state, "ghost": False,
                "classes": shapes.get(fact.state, "hollow"),
                "href": href(root, milestone_url(row.key, fact.milestone.id)),
                "label": tooltip, "tooltip": tooltip})
    arrows = _arrows(model, points)
    ticks = _ticks(lo, hi, x, COLUMN - MARGIN)
    project_rows = [r for r in rows if r.kind == "project"]
    milestone_count = sum(1 for r in project_rows for m in r.milestones if not m["ghost"])
    risky = sum(1 for a in arrows if a["classes"] == "at-risk")
    desc = (f"{len(project_rows)} projects and {milestone_count} milestones on a timeline from "
            f"{lo.isoformat()} to {hi.isoformat()}, as of {model.as_of.isoformat()}; "
            f"{len(arrows)} dependency arrows between them, {risky} at risk.")
    height = y + MARGIN
    for row in rows:
        if row.flyout is not None:
            fly_h = len(row.flyout.shown) * LINE_H + 10
            fly_y = max(MARGIN, min(row.y + 1, height - MARGIN - fly_h))
            row.geo.update(fy=num(fly_y), fh=num(fly_h), fty=num(fly_y + 16))
    asof_x = x(model.as_of)
    asof_text = f"as of {model.as_of.isoformat()}"
    asof_end = asof_x + 4 + text_width(asof_text, SMALL, bold=True) > COLUMN - MARGIN
    return render(model, "roadmap", prefix=f"roadmap-{program_id or 'all'}", title=subject,
                  desc=desc, width=num(COLUMN), height=num(height), heading=heading,
                  rows=rows, arrows=arrows, ticks=ticks, top=num(top), bottom=num(y),
                  plot_left=num(left), plot_right=num(left + plot_w),
                  label_right=num(left - 12), word_x=num(left - word_w + 8),
                  asof_x=num(asof_x), as_of=model.as_of.isoformat(), asof_end=asof_end,
                  legend=legend, legend_y=num(MARGIN + 6 + head_h), line_h=num(LINE_H))


def _slip_text(slip: int) -> str:
    if slip == 0:
        return "on baseline"
    return f"{abs(slip)} days {'late against' if slip > 0 else 'ahead of'} baseline"


def _ghost(x: Any, forecast: date, baseline: date, what: str, mid: float,
           ref: str = "", slip: int | None = None) -> dict[str, Any]:
    """A hollow dashed mark at the baseline, a thin line to the forecast; its tooltip
    says the slip."""
    days = (forecast - baseline).days if slip is None else slip
    tooltip = (f"Baseline of {what}: {baseline.isoformat()}; forecast "
               f"{forecast.isoformat()}, {_slip_text(days)}")
    bx, fx = x(baseline), x(forecast)
    return {"ref": ref, "ghost": True, "x": num(bx), "tooltip": tooltip,
            "link": f"M{num(bx)},{num(mid)} H{num(fx)}", "slip": days}


def _arrows(model: PortfolioModel, points: dict[str, tuple[float, float]]
            ) -> list[dict[str, Any]]:
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
    return arrows


def _legend(model: PortfolioModel, shapes: dict[str, str]) -> list[dict[str, Any]]:
    entries: list[dict[str, Any]] = [{"kind": "status", "key": s.key, "text": s.word}
                                     for s in palette(model.scale)]
    entries += [{"kind": "ms", "classes": shapes[state], "text": f"milestone {text}"}
                for state, text in (("done", "done"), ("late", "done late"),
                                    ("overdue", "overdue"), ("due-soon", "due soon"),
                                    ("planned", "planned"))]
    entries += [{"kind": "ghost", "text": "baseline (when moved)"}]
    entries += [{"kind": "edge", "swatch": 30, "text": "dependency"},
                {"kind": "risk", "swatch": 30, "text": "at risk"},
                {"kind": "asof", "swatch": 10, "text": f"as of {model.as_of.isoformat()}"}]
    return entries
