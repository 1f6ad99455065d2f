"""Registries are plain data: ordered `(name, thing)` lists in which a name may appear once."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

T = TypeVar("T")


def unique(entries: list[tuple[str, T]], what: str) -> list[tuple[str, T]]:
    """`entries` as given; a name registered twice raises ValueError naming `what`."""
    seen: set[str] = set()
    for name, _ in entries:
        if name in seen:
            raise ValueError(f"{what} '{name}' registered twice")
        seen.add(name)
    return entries


def table(items: Iterable[T], name: Callable[[T], str], what: str) -> dict[str, T]:
    """`items` by their name, in order; a name declared twice raises ValueError."""
    return dict(unique([(name(item), item) for item in items], what))
