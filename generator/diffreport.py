"""`pmsite diff` output: text for a terminal, Markdown for a pull-request comment, JSON.

Every value in a change may come from content, so each format makes it inert where it
is placed: control characters never reach a terminal; in Markdown nothing can become
a link, an image, HTML, a mention, a table cell boundary or a new line.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from generator.changes import DIRECTIONS, Change
from generator.jsontext import pretty_json

HEADLINE_ITEMS = 3
"""How many of the worst changes the Markdown headline names."""
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029]")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]|~!])")
_WJ = "\u2060"
"""WORD JOINER: invisible; breaks `@mentions` and bare-URL autolinks apart."""


@dataclass(frozen=True, slots=True)
class Side:
    """One side of the comparison: a revision (None: the working tree) as of a date."""

    as_of: date
    revision: str | None

    @property
    def label(self) -> str:
        tree = f"revision {self.revision}" if self.revision else "the working tree"
        return f"{tree} as of {self.as_of.isoformat()}"

    def to_dict(self) -> dict[str, str | None]:
        return {"as_of": self.as_of.isoformat(), "revision": self.revision}


def counts(changes: Sequence[Change]) -> str:
    """`2 worse, 1 better, 3 neutral` (directions with none left out)."""
    found = Counter(c.direction for c in changes)
    return ", ".join(f"{found[d]} {d}" for d in ("worse", "better", "neutral") if found[d])


def summary(changes: Sequence[Change], base: Side, head: Side) -> str:
    """The one line on standard error."""
    span = f"from {base.label} to {head.label}"
    if not changes:
        return f"pmsite: no changes {span}"
    many = len(changes)
    return f"pmsite: {many} change{'s' * (many != 1)} {span}: {counts(changes)}"


def terminal(text: str) -> str:
    """Content text safe for a terminal: control characters shown as `?`."""
    return _CONTROL.sub("?", text)


def diff_text(changes: Sequence[Change]) -> str:
    """One line per change: its direction, padded, then its sentence ("" when none)."""
    width = max(len(d) for d in DIRECTIONS)
    return "".join(f"{c.direction:<{width}}  {terminal(c.message)}\n" for c in changes)


def markdown_text(value: object) -> str:
    """Any value as inert Markdown text for a table cell or a paragraph."""
    text = "" if value is None else str(value)
    text = _CONTROL.sub(" ", text)
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = text.replace("@", "@" + _WJ).replace("://", ":" + _WJ + "//")
    return re.sub(r"(?i)\bwww\.", lambda m: m.group(0)[:3] + _WJ + ".", text)


def diff_markdown(changes: Sequence[Change], base: Side, head: Side) -> str:
    """A pull-request comment: headline, the sides compared, then a table ("" when none)."""
    if not changes:
        return ""
    worst = [c for c in changes if c.direction == "worse"][:HEADLINE_ITEMS]
    lines = [f"### What changed: {counts(changes)}", ""]
    if worst:
        more = sum(c.direction == "worse" for c in changes) - len(worst)
        lines += ["**Worst first:**", ""]
        lines += [f"- {markdown_text(c.message)}" for c in worst]
        if more:
            lines.append(f"- and {more} more worse change{'s' * (more != 1)} in the table")
        lines.append("")
    else:
        lines += ["Nothing got worse.", ""]
    lines += [f"From {markdown_text(base.label)} to {markdown_text(head.label)}.", "",
              "| Direction | Kind | Change | Before | After |",
              "| --- | --- | --- | --- | --- |"]
    for c in changes:
        cells = [c.direction, c.kind, c.message, _value(c.before), _value(c.after)]
        lines.append("| " + " | ".join(markdown_text(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


def _value(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:,.2f}".rstrip("0").rstrip(".")
    return str(value)


def diff_json(changes: Sequence[Change], base: Side, head: Side) -> str:
    """SPEC §6.2's shape."""
    data = {"base": base.to_dict(), "head": head.to_dict(),
            "changes": [c.to_dict() for c in changes]}
    return pretty_json(data) + "\n"
