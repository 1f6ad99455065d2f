"""Benefits: latest measurement, progress from baseline to target, on track or not."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from generator.schema import Benefit, Measurement


@dataclass(frozen=True, slots=True)
class BenefitFact:
    """A program benefit as of a date."""

    program: str
    benefit: Benefit
    latest: Measurement | None
    """The latest measurement on or before as-of."""
    progress: float | None
    """(latest - baseline) / (target - baseline); 1.0 means the target is met."""
    expected: float | None
    """Share of the way from the first measurement to `due` that time has covered."""
    on_track: bool | None
    """Met, or progress at least as far as time has gone; None without the data to say."""


def benefit_fact(program: str, benefit: Benefit, as_of: date) -> BenefitFact:
    known = sorted((m for m in benefit.measurements if m.date <= as_of), key=lambda m: m.date)
    latest = known[-1] if known else None
    baseline = benefit.baseline
    if baseline is None and known:
        baseline = known[0].value
    progress = None
    if latest is not None and baseline is not None and benefit.target != baseline:
        progress = (latest.value - baseline) / (benefit.target - baseline)
    expected = None
    if known and benefit.due is not None:
        start = known[0].date
        span = (benefit.due - start).days
        expected = 1.0 if span <= 0 else min(1.0, max(0.0, (as_of - start).days / span))
    on_track = None
    if progress is not None:
        on_track = progress >= 1.0 or (expected is not None and progress >= expected)
        if expected is None and progress < 1.0:
            on_track = progress > 0
    return BenefitFact(program, benefit, latest, progress, expected, on_track)
