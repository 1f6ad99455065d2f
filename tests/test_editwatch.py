"""The live preview's file watcher (generator/editwatch.py) on a real folder: a write is
seen, a read is not, a folder the system's events cannot watch is polled (and said so),
and an unscheduled folder is no longer watched."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from watchdog.events import FileSystemEvent, FileSystemEventHandler

from generator import editwatch
from generator.editwatch import EditWatcher

SEEN = 5.0
"""How long a write may take to be reported (generous: the machine is shared)."""
QUIET = 0.5
"""How long to wait for an event that must not come."""


class Recorder(FileSystemEventHandler):
    """Every event the watcher hands over; `edited` is set by any of them."""

    def __init__(self) -> None:
        self.events: list[FileSystemEvent] = []
        self.edited = threading.Event()

    def on_any_event(self, event: FileSystemEvent) -> None:
        self.events.append(event)
        self.edited.set()

    def reset(self) -> None:
        self.events.clear()
        self.edited.clear()

    def paths(self) -> set[str]:
        return {str(e.src_path) for e in self.events}


class Records(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "content").mkdir()
    page = tmp_path / "content" / "page.md"
    page.write_text("# A page\n", encoding="utf-8")
    return tmp_path / "content"


@pytest.fixture
def watcher() -> Iterator[EditWatcher]:
    watcher = EditWatcher()
    yield watcher
    watcher.stop()
    watcher.join(SEEN)


@pytest.fixture
def warnings() -> Iterator[Records]:
    records = Records()
    editwatch.log.addHandler(records)
    yield records
    editwatch.log.removeHandler(records)


def no_native_events(watcher: EditWatcher, monkeypatch: pytest.MonkeyPatch) -> None:
    """The system's file events refuse every folder (as when inotify runs out of watches)."""
    def refuse(*args: Any, **kwargs: Any) -> None:
        raise OSError(28, "inotify watch limit reached")
    monkeypatch.setattr(watcher._native, "schedule", refuse)


def test_a_write_is_seen(folder: Path, watcher: EditWatcher) -> None:
    handler = Recorder()
    watcher.schedule(handler, folder, recursive=True)
    watcher.start()
    (folder / "page.md").write_text("# A page, edited\n", encoding="utf-8")
    assert handler.edited.wait(SEEN)
    assert str(folder / "page.md") in handler.paths()


def test_a_new_file_in_a_subfolder_is_seen(folder: Path, watcher: EditWatcher) -> None:
    handler = Recorder()
    watcher.schedule(handler, folder, recursive=True)
    watcher.start()
    (folder / "projects").mkdir()
    handler.reset()
    (folder / "projects" / "charter.md").write_text("---\nkind: project\n---\n", "utf-8")
    wanted = str(folder / "projects" / "charter.md")
    deadline = time.monotonic() + SEEN  # (the folder's own event may come in first)
    while wanted not in handler.paths() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert wanted in handler.paths()


def test_reading_a_file_is_no_edit(folder: Path, watcher: EditWatcher) -> None:
    handler = Recorder()
    watcher.schedule(handler, folder, recursive=True)
    watcher.start()
    with (folder / "page.md").open(encoding="utf-8") as page:
        assert page.read() == "# A page\n"
    assert not handler.edited.wait(QUIET), [str(e) for e in handler.events]


@pytest.mark.parametrize("started_first", [False, True], ids=["before-start", "after-start"])
def test_a_folder_the_system_cannot_watch_is_polled(
        folder: Path, watcher: EditWatcher, warnings: Records,
        monkeypatch: pytest.MonkeyPatch, started_first: bool) -> None:
    no_native_events(watcher, monkeypatch)
    handler = Recorder()
    if started_first:
        watcher.start()
    watcher.schedule(handler, folder, recursive=True)
    if not started_first:
        watcher.start()
    said = [r.getMessage() for r in warnings.records if r.levelno == logging.WARNING]
    assert len(said) == 1 and str(folder) in said[0] and "polled" in said[0], said
    (folder / "page.md").write_text("# A page, edited at last\n", encoding="utf-8")
    assert handler.edited.wait(SEEN)
    assert str(folder / "page.md") in handler.paths()


def test_a_watched_folder_says_nothing(folder: Path, watcher: EditWatcher,
                                       warnings: Records) -> None:
    watcher.schedule(Recorder(), folder, recursive=True)
    assert [r for r in warnings.records if r.levelno >= logging.WARNING] == []


@pytest.mark.parametrize("native", [True, False], ids=["native", "polled"])
def test_unschedule_stops_events(folder: Path, watcher: EditWatcher,
                                 monkeypatch: pytest.MonkeyPatch, native: bool) -> None:
    if not native:
        no_native_events(watcher, monkeypatch)
    handler = Recorder()
    watch = watcher.schedule(handler, folder, recursive=True)
    watcher.start()
    (folder / "page.md").write_text("# Edited once\n", encoding="utf-8")
    assert handler.edited.wait(SEEN)
    watcher.unschedule(watch)
    handler.reset()
    (folder / "page.md").write_text("# Edited twice, unwatched\n", encoding="utf-8")
    (folder / "other.md").write_text("# Another page\n", encoding="utf-8")
    # A polled folder is looked at every POLL_SECONDS: wait past two looks.
    assert not handler.edited.wait(max(QUIET, 2.5 * editwatch.POLL_SECONDS)), \
        [str(e) for e in handler.events]


def test_start_stop_join(folder: Path, tmp_path: Path,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    """A watch the system refuses when it is set up (inotify's limit, as watchdog meets it
    in its emitter's start) is polled; native events flow from the first watch on, the
    polling from `start`; after stop and join nothing runs and nothing is heard."""
    watcher = EditWatcher()
    (tmp_path / "polled").mkdir()
    emitter = watcher._native._emitter_class  # type: ignore[attr-defined]
    set_up = emitter.on_thread_start

    def refuse_one(self: Any) -> None:
        if Path(self.watch.path).name == "polled":
            raise OSError(28, "inotify watch limit reached")
        set_up(self)

    monkeypatch.setattr(emitter, "on_thread_start", refuse_one)
    handler = Recorder()
    watcher.schedule(handler, folder, recursive=True)
    watcher.schedule(handler, tmp_path / "polled", recursive=True)
    native, polling = watcher._observers()
    assert native.is_alive() and not polling.is_alive()
    watcher.start()
    assert native.is_alive() and polling.is_alive()
    (tmp_path / "polled" / "late.md").write_text("# Polled\n", encoding="utf-8")
    (folder / "page.md").write_text("# Native\n", encoding="utf-8")
    both = {str(tmp_path / "polled" / "late.md"), str(folder / "page.md")}
    deadline = time.monotonic() + SEEN
    while not both <= handler.paths() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert both <= handler.paths()
    watcher.stop()
    watcher.join(SEEN)
    assert not native.is_alive() and not polling.is_alive()
    handler.reset()
    (folder / "page.md").write_text("# After stop\n", encoding="utf-8")
    assert not handler.edited.wait(QUIET)


def test_a_folder_moved_out_is_an_edit(folder: Path, tmp_path: Path,
                                        watcher: EditWatcher) -> None:
    """Moving a folder out of the docs (or to the trash) is reported for the folder only,
    which MkDocs' handler ignores: it reaches the handler as a file's event."""
    (folder / "sub").mkdir()
    (folder / "sub" / "a.md").write_text("# A\n", encoding="utf-8")
    handler = Recorder()
    mkdocs_rebuilds = threading.Event()

    def as_mkdocs_does(event: FileSystemEvent) -> None:  # livereload's callback
        if not event.is_directory:
            mkdocs_rebuilds.set()

    mkdocs = FileSystemEventHandler()
    mkdocs.on_any_event = as_mkdocs_does  # type: ignore[method-assign]
    watcher.schedule(handler, folder, recursive=True)
    watcher.schedule(mkdocs, folder, recursive=True)
    watcher.start()
    (folder / "sub").rename(tmp_path / "moved-out")
    assert mkdocs_rebuilds.wait(SEEN), [str(e) for e in handler.events]
    assert str(folder / "sub") in handler.paths()


def test_join_before_start_returns(folder: Path) -> None:
    watcher = EditWatcher()
    watcher.schedule(Recorder(), folder, recursive=True)
    watcher.stop()
    watcher.join(0.1)  # threads never started: nothing to wait for, no error
    assert not any(t.is_alive() for t in watcher._observers())
