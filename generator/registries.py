"""Registries are plain data: ordered `(name, thing)` lists in which a name may appear once."""

from __future__ import annotations

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
