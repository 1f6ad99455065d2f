"""The live preview's file watcher: the system's own file events instead of polling.

MkDocs' live-reload server polls every watched file twice a second. At 1,000 projects
one poll stats 6,000 files (a tenth of a second of CPU, twice a second, while nothing
happens), and an edit waits a quarter of a second on average before it is even seen.
`EditWatcher` takes the server's place for its observer: the platform's file events
(inotify, FSEvents, kqueue, ReadDirectoryChangesW, through watchdog), of the kinds that
change a file, so that the preview's own reading of content files is no edit. A folder
the system cannot watch that way (too many inotify watches, a network file system) is
polled, as MkDocs does.
"""

from __future__ import annotations

import logging
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer
from watchdog.observers.api import BaseObserver, ObservedWatch
from watchdog.observers.polling import PollingObserver

log = logging.getLogger("mkdocs.commands.serve")

EDITS: list[type[FileSystemEvent]] = [
    FileCreatedEvent, FileDeletedEvent, FileModifiedEvent, FileMovedEvent, FileClosedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent]
"""Events that change what is on disk (not a file opened or read)."""
POLL_SECONDS = 0.5
"""How often a folder that must be polled is looked at (MkDocs' own interval)."""


class EditWatcher:
    """What `LiveReloadServer` needs of its `observer`: schedule, unschedule, start, stop,
    join. Native events where they can be had, polling where not.

    The native observer runs from the first `schedule` on: watchdog sets a watch up when
    it starts, so a watch the system refuses (inotify's limit reached) fails there, where
    it can still be polled instead, not later in `start`."""

    def __init__(self) -> None:
        self._native: BaseObserver = Observer()
        self._polling: BaseObserver | None = None
        self._started = False
        self._by_watch: dict[ObservedWatch, BaseObserver] = {}

    def schedule(self, handler: FileSystemEventHandler, path: str | Path, *,
                 recursive: bool = False) -> ObservedWatch:
        handler = _FoldersAsFiles(handler)
        try:
            if not self._native.is_alive():
                self._native.start()
            watch = self._native.schedule(handler, path, recursive=recursive, event_filter=EDITS)
            self._by_watch[watch] = self._native
            return watch
        except OSError as exc:
            log.warning("pmsite: %s is polled for edits (the system's file events could not "
                        "watch it: %s)", path, exc)
        if self._polling is None:
            self._polling = PollingObserver(timeout=POLL_SECONDS)
            if self._started:
                self._polling.start()
        watch = self._polling.schedule(handler, path, recursive=recursive)
        self._by_watch[watch] = self._polling
        return watch

    def unschedule(self, watch: ObservedWatch) -> None:
        self._by_watch.pop(watch).unschedule(watch)

    def start(self) -> None:
        self._started = True
        for observer in self._observers():
            if not observer.is_alive():
                observer.start()

    def stop(self) -> None:
        for observer in self._observers():
            if observer.is_alive():
                observer.stop()

    def join(self, timeout: float | None = None) -> None:
        for observer in self._observers():
            if observer.is_alive():
                observer.join(timeout)

    def _observers(self) -> list[BaseObserver]:
        return [o for o in (self._native, self._polling) if o is not None]


class _FoldersAsFiles(FileSystemEventHandler):
    """A handler that also hears of a folder that goes away (deleted, moved out, put in
    the trash): the system reports only the folder, not each file in it, and MkDocs'
    handler ignores folder events. It is handed as a file's event instead."""

    def __init__(self, handler: FileSystemEventHandler) -> None:
        super().__init__()
        self._handler = handler

    def dispatch(self, event: FileSystemEvent) -> None:
        if isinstance(event, DirDeletedEvent):
            event = FileDeletedEvent(event.src_path)
        elif isinstance(event, DirMovedEvent):
            event = FileMovedEvent(event.src_path, event.dest_path)
        self._handler.dispatch(event)
