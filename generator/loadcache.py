"""A cache in front of `load.read_document` for the live preview: a content file is read
and parsed again only when its size or modification time changed."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from generator.diagnostics import Diagnostic, Diagnostics
from generator.load import SourceDocument, read_document

Stamp = tuple[int, int, int, int]
"""What tells a file changed: (mtime_ns, ctime_ns, size, inode)."""


def stamp(path: str | Path) -> Stamp | None:
    """The file's stamp, None when it cannot be stat'ed."""
    try:
        info = os.stat(path)
    except OSError:
        return None
    return (info.st_mtime_ns, info.st_ctime_ns, info.st_size, info.st_ino)


@dataclass(slots=True)
class _Entry:
    stamp: Stamp
    document: SourceDocument | None
    problems: list[Diagnostic]


@dataclass(slots=True)
class DocumentCache:
    """`read_document` with memory: pass `cache.read` to `pipeline.check`. Documents are
    never changed after they are read, so one read serves every later check."""

    entries: dict[Path, _Entry] = field(default_factory=dict)
    read_paths: list[Path] = field(default_factory=list)
    """The files the last check actually read (the others came from the cache)."""
    known: Mapping[str, Stamp | None] = field(default_factory=dict)
    """Stamps taken just before this check (the live preview's snapshot), by path: a
    file is not stat'ed twice. One changed since is read at the next check, which the
    change itself brings about."""

    def start(self, known: Mapping[str, Stamp | None] | None = None) -> None:
        """Begin a new check: forget what the last one read (and the stamps given)."""
        self.read_paths = []
        self.known = known or {}

    def read(self, path: Path, docs_dir: Path, root: Path,
             diagnostics: Diagnostics) -> SourceDocument | None:
        now = self.known.get(str(path)) or stamp(path)
        entry = self.entries.get(path)
        if now is None or entry is None or entry.stamp != now:
            own = Diagnostics()
            document = read_document(path, docs_dir, root, own)
            self.read_paths.append(path)
            if now is None or stamp(path) != now:  # changed while read: never cached
                self.entries.pop(path, None)
                diagnostics.extend(own.sorted())
                return document
            entry = self.entries[path] = _Entry(now, document, own.sorted())
        diagnostics.extend(entry.problems)
        return entry.document
