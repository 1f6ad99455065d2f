"""The ordered status scale (best to worst) and how authors may spell its values."""

from __future__ import annotations

import re
from collections.abc import Iterable

UNKNOWN = "unknown"
"""No data: ignored by rollups unless nothing else is known."""
DONE = "done"
"""Closed work: never the worst of anything."""

DEFAULT_SCALE = ("green", "amber", "red")
_SEPARATORS = re.compile(r"[\s/_-]+")


def normalise_word(value: str) -> str:
    """`Amber/Green`, `amber_green` and `AMBER green` all become `amber-green`."""
    return _SEPARATORS.sub("-", value.strip().lower()).strip("-")


class StatusScale:
    """Statuses from best to worst, plus `unknown` and `done`; values read case-insensitively."""

    def __init__(self, levels: Iterable[str] = DEFAULT_SCALE) -> None:
        self.levels: tuple[str, ...] = tuple(normalise_word(level) for level in levels)
        if len(self.levels) < 2:
            raise ValueError("a status scale needs at least two levels")
        if len(set(self.levels)) != len(self.levels):
            raise ValueError("a status scale lists a level twice")
        for reserved in (UNKNOWN, DONE):
            if reserved in self.levels:
                raise ValueError(f"'{reserved}' is built in and cannot be a level of the scale")
        self._rank = {level: index for index, level in enumerate(self.levels)}
        self._spellings: dict[str, str] = {UNKNOWN: UNKNOWN, DONE: DONE,
                                           normalise_word("n/a"): UNKNOWN}
        initials: dict[str, list[str]] = {}
        for level in self.levels:
            self._spellings[level] = level
            initials.setdefault("".join(part[0] for part in level.split("-")), []).append(level)
        for short, owners in initials.items():
            if len(owners) == 1 and short not in self._spellings:
                self._spellings[short] = owners[0]

    def __repr__(self) -> str:  # (all of it: the rest follows from the levels)
        return f"StatusScale({self.levels!r})"

    @property
    def best(self) -> str:
        return self.levels[0]

    @property
    def worst_level(self) -> str:
        return self.levels[-1]

    @property
    def values(self) -> tuple[str, ...]:
        """Every canonical value: the levels, then `unknown` and `done`."""
        return self.levels + (UNKNOWN, DONE)

    def parse(self, raw: str) -> str | None:
        """The canonical value for what an author wrote, or None if it is not on the scale."""
        word = normalise_word(raw)
        if word in self._spellings:
            return self._spellings[word]
        return self._spellings.get(word.replace("-", ""))

    def rank(self, status: str) -> int | None:
        """0 for the best level, larger is worse; None for `unknown` and `done`."""
        return self._rank.get(status)

    def worst(self, statuses: Iterable[str]) -> str | None:
        """The worst ranked status among `statuses`, or None if none is ranked."""
        ranked = [s for s in statuses if s in self._rank]
        return max(ranked, key=self._rank.__getitem__) if ranked else None

    def compare(self, new: str, old: str) -> str | None:
        """`better`, `same` or `worse` going from `old` to `new`; None if either is unranked."""
        a, b = self._rank.get(new), self._rank.get(old)
        if a is None or b is None:
            return None
        return "better" if a < b else "worse" if a > b else "same"
