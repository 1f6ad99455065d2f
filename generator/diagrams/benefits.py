"""A benefit chart: measurements over time against the baseline and the target."""

from __future__ import annotations

import math
from datetime import date
from typing import Any

from generator.benefits import BenefitFact
from generator.diagrams.metrics import text_width
from generator.diagrams.render import clean, css_class, label, num, render
from generator.model import PortfolioModel
from generator.templating import number_text as value_text

MARGIN, AXIS, PLOT_W, PLOT_H, HEAD = 16.0, 64.0, 460.0, 180.0, 52.0
LABEL_SIZE = 10.5
"""Font size of tick and rule labels."""
RULE_ROOM = 114.0
"""Least room right of the plot for the baseline and target labels."""


def _ticks(low: float, high: float) -> list[float]:
    raw = (high - low) / 5 or 1.0
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.ceil(low / step)
    return [round(k * step, 10) for k in range(first, math.floor(high / step) + 1)]


def benefit_svg(model: PortfolioModel, fact: BenefitFact) -> str:
    """Measured values as a line, baseline and target as rules, the expected path dotted."""
    benefit = fact.benefit
    measured = sorted((m for m in benefit.measurements if m.date <= model.as_of),
                      key=lambda m: m.date)
    if not measured:
        return ""
    unit = clean(benefit.unit or "")
    baseline = benefit.baseline if benefit.baseline is not None else measured[0].value
    values = [m.value for m in measured] + [baseline, benefit.target]
    low, high = min(values), max(values)
    pad = (high - low) * 0.08 or abs(high) * 0.1 or 1.0
    low, high = low - pad, high + pad
    days = [m.date for m in measured] + [model.as_of] + ([benefit.due] if benefit.due else [])
    start, end = min(days), max(days)
    span = max(1, (end - start).days)
    yticks = _ticks(low, high)
    # The axis and the rule labels get the room their text takes (never clipped).
    axis = max([AXIS] + [text_width(value_text(v), LABEL_SIZE) + 12 for v in yticks])
    left, top = MARGIN + axis, MARGIN + HEAD

    def x(day: date) -> float:
        return float(left + (day - start).days / span * PLOT_W)

    def y(value: float) -> float:
        return float(top + (high - value) / (high - low) * PLOT_H)

    points = [{"x": num(x(m.date)), "y": num(y(m.value)),
               "tooltip": f"{m.date.isoformat()}: {value_text(m.value, unit)}"} for m in measured]
    line = " ".join(f"{p['x']},{p['y']}" for p in points)
    expected = ""
    if benefit.due is not None and benefit.due > measured[0].date:
        expected = (f"M{num(x(measured[0].date))},{num(y(baseline))} "
                    f"L{num(x(benefit.due))},{num(y(benefit.target))}")
    state = {True: "on track", False: "behind"}.get(fact.on_track, "not known")  # type: ignore[arg-type]
    latest = fact.latest or measured[-1]
    summary = f"latest {value_text(latest.value, unit)} on {latest.date.isoformat()}"
    if fact.progress is not None:
        summary += f" \u00b7 {round(fact.progress * 100)}% of the way to target"
    summary += f" \u00b7 {state}"
    title = clean(benefit.title)
    desc = (f"{summary}. Baseline {value_text(baseline, unit)}, target "
            f"{value_text(benefit.target, unit)}"
            + (f" by {benefit.due.isoformat()}" if benefit.due else "")
            + f"; {len(measured)} measurements from {measured[0].date.isoformat()} to "
              f"{measured[-1].date.isoformat()}, as of {model.as_of.isoformat()}.")
    rules: list[dict[str, Any]] = [
        {"kind": "baseline", "y": num(y(baseline)),
         "text": f"baseline {value_text(baseline, unit)}"},
        {"kind": "target", "y": num(y(benefit.target)),
         "text": f"target {value_text(benefit.target, unit)}"}]
    if abs(y(baseline) - y(benefit.target)) < 12:
        rules[1]["dy"] = -12
    room = max([RULE_ROOM] + [text_width(r["text"], LABEL_SIZE) + 6 for r in rules])
    return render(model, "benefit", prefix=f"benefit-{css_class(fact.program)}-"
                  f"{css_class(benefit.id)}", title=label(title, PLOT_W + AXIS, 14, True, 60),
                  summary=summary, desc=desc, state=css_class(state),
                  width=num(left + PLOT_W + 6 + room), height=num(top + PLOT_H + 30 + MARGIN),
                  left=left, top=top, plot_w=PLOT_W, plot_h=PLOT_H, points=points, line=line,
                  expected=expected, rules=rules, benefit_id=benefit.id,
                  yticks=[{"y": num(y(v)), "text": value_text(v)} for v in yticks],
                  xticks=[{"x": num(x(d)), "text": d.isoformat()} for d in (start, end)],
                  due_x=num(x(benefit.due)) if benefit.due else "",
                  due=benefit.due.isoformat() if benefit.due else "",
                  asof_x=num(x(model.as_of)), as_of=model.as_of.isoformat())
