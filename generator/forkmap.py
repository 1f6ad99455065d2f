"""Work shared out to forked processes, its results and log records brought back in order.

A build is a loop over pages, each rendered from the same frozen plan. `fork_ahead`
shares such a loop out: child processes forked from this one, which start with the whole
plan already in memory (copy-on-write), make the items ahead of the caller's loop, in
order, and send each back, pickled, as it is done; the caller makes, the ordinary way,
the items no child has begun when its loop comes within `lead` items of them (`Claims`).
Neither has a share fixed beforehand: each makes as many as its pace allows, so neither
waits for the other whatever the items cost here. The caller takes the results in the
list's order, so the output does not depend on which process was quicker, or made which
item, and a child's side effects stay in the child. `fork_map` makes a list the same way
(the caller from the last item back); `fork_started` starts its children for a caller
that has other work to do first.

What a child logs is not printed by the child. It is kept with the item it belongs to,
and the caller `replay`s it when it takes that item's result, through the parent's own
loggers: messages come out once, in the serial order, and MkDocs' `--strict` counter
(a logging handler in the parent) counts them.

An item that raised in a child, or that a failed child never sent, comes back as None,
as the caller's own items do: the caller makes it the ordinary way, so an error is raised
by the parent exactly where and how a serial run raises it.

`fork_one` has one value made by a child while the caller goes on with other work (the
build's data files, while MkDocs renders the pages), by the same rules.
"""

from __future__ import annotations

import contextlib
import ctypes
import fcntl
import gc
import logging
import mmap
import os
import pickle
import select
import signal
import sys
import threading
import weakref
from collections import deque
from collections.abc import Callable, Generator, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Self, TypeVar

Item = TypeVar("Item")
Result = TypeVar("Result")

JOBS_VARIABLE = "PMSITE_JOBS"
"""Environment variable: how many processes a build renders in (1: no forking)."""
MIN_ITEMS = 64
"""Fewer items than this are made without forking: it would cost more than it saves."""
_PR_SET_PDEATHSIG = 1


@dataclass(slots=True)
class Done(Generic[Result]):
    """One item's result, and what was logged while it was made."""

    value: Result
    records: list[logging.LogRecord] = field(default_factory=list)

    def replay(self) -> Result:
        """Log the item's records through this process's loggers; its result."""
        replay(self.records)
        self.records = []
        return self.value


def replay(records: list[logging.LogRecord]) -> None:
    """Log `records` (kept by `kept_records`, or in another process) through this
    process's loggers, as they would have been logged."""
    for record in records:
        logger = logging.getLogger(record.name)
        if logger.isEnabledFor(record.levelno):
            logger.handle(record)


@contextlib.contextmanager
def kept_records() -> Iterator[list[logging.LogRecord]]:
    """Every record any logger would handle inside, kept in the list given instead (to
    `replay` later, or drop): work that may be done again, or done twice to compare,
    logs once."""
    kept = _Keep()
    with kept:
        yield kept.records


def default_jobs() -> int:
    """`PMSITE_JOBS` if set (at least 1), else the cores this process may use."""
    given = os.environ.get(JOBS_VARIABLE, "").strip()
    if given:
        try:
            return max(1, int(given))
        except ValueError:
            return 1
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # (not on every platform)
        return max(1, os.cpu_count() or 1)


def can_fork() -> bool:
    """Whether forking is safe here: a POSIX process with no other thread running (a
    thread holding a lock at the fork would leave it held in the child forever)."""
    return hasattr(os, "fork") and threading.active_count() == 1 and sys.platform != "darwin"


def forks(jobs: int, count: int) -> bool:
    """Whether `fork_ahead`, `fork_map` and `fork_started` would fork for `count` items."""
    return jobs > 1 and count >= MIN_ITEMS and can_fork()


class Started:
    """Children making a list of items from the first on (`fork_started`), until the
    caller makes the rest (`finish`)."""

    def __init__(self, make: Callable[[Item], Any], items: Sequence[Item],
                 made_by: list[int], children: list[_Child], claims: Claims) -> None:
        self._make, self._items = make, items
        self._made_by = made_by
        """Which child makes each item, unless the caller keeps it (`_children_only`)."""
        self._children = children
        self._claims = claims

    def finish(self) -> list[Any]:
        """`make` of every item, in order: the caller makes items from the last back,
        until it reaches one a child has begun (`Claims`), reading what the children
        send meanwhile, then takes their results in order. What it logs is kept and
        logged in order with the children's; an item a child did not make it makes at
        its place in the order (and one of its own that raised: made again there, it
        raises where one by one it would)."""
        make, items, children = self._make, self._items, self._children
        if not children:
            return [make(item) for item in items]
        try:
            mine: dict[int, Done[Any] | None] = {}
            for index in reversed(range(len(items))):
                if not self._claims.claim(index):
                    break
                mine[index] = _made(make, items[index], sent=False)
                for child in children:
                    child.drain()
            taken = _InOrder(children)
            results = []
            for index, (item, by) in enumerate(zip(items, self._made_by, strict=True)):
                if index in mine:
                    taken.kept(by)
                    done = mine[index]
                else:
                    done = taken.next(by)
                results.append(make(item) if done is None else done.replay())
            return results
        finally:
            self.close()

    def close(self) -> None:
        """Stop the children still at work, and reap them."""
        for child in self._children:
            child.stop()


def fork_started(make: Callable[[Item], Result], items: Sequence[Item], jobs: int,
                 wait: bool = True) -> Started:
    """`fork_map`'s children, started now: the caller may go on with other work before
    it makes its part and takes theirs (`Started.finish`), or stops them (`close`).

    A child that may not `wait` never waits for the caller to read what it sent: what
    the pipe does not take yet is kept (in memory) and sent when it does, or at the end.
    For a caller that reads nothing for a while and then all of it."""
    made_by = _children_only(len(items), jobs)
    claims = Claims(len(items))
    return Started(make, items, made_by,
                   _children(make, items, made_by, jobs, wait, claims), claims)


def _children(make: Callable[[Item], Result], items: Sequence[Item], made_by: list[int],
              jobs: int, wait: bool, claims: Claims) -> list[_Child]:
    """A child for each share (`made_by`, see `_children_only`), making the items of it
    the caller does not keep (`claims`), if `forks`; none if not, or if the system will
    not give them all (no process or pipe to be had: the caller makes every item)."""
    if not forks(jobs, len(items)):
        return []
    return _fork(make, items, [[index for index, by in enumerate(made_by) if by == child]
                               for child in range(1, jobs)], wait, claims)


def _fork(make: Callable[[Item], Result], items: Sequence[Item],
          shares: Sequence[Sequence[int]], wait: bool = True,
          claims: Claims | None = None) -> list[_Child]:
    """A child making each of `shares`; none if the system will not give them all."""
    children: list[_Child] = []
    # A child's collections would otherwise touch (and copy) every object. A caller that
    # froze its objects already (`cli.main`) keeps them frozen, with all made since.
    frozen = gc.get_freeze_count() > 0
    gc.freeze()
    try:
        for share in shares:
            children.append(_start(make, items, share, wait, claims))
    except OSError:
        for child in children:
            child.stop()
        children = []
    finally:
        if not frozen:
            gc.unfreeze()
    return children


def fork_ahead(make: Callable[[Item], Result], items: Sequence[Item], jobs: int,
               lead: int) -> Generator[Done[Result] | None, None, None]:
    """Every item's result, in order, as `fork_started`'s, but with no share fixed for
    the caller: the children make every item it has not kept, and the caller, as it
    takes each item in order, keeps for itself every item up to `lead` places further on
    that no child has begun yet (`Claims`). So a child only begins an item at least
    `lead` places ahead of the caller, who then seldom waits for one a child is making,
    and makes whatever the children leave it: the shares settle where their pace meets
    the caller's, whatever either costs on this machine, with this content."""
    made_by = _children_only(len(items), jobs)
    claims = Claims(len(items))
    children = _children(make, items, made_by, jobs, True, claims)
    if not children:
        yield from (None for _ in items)
        return
    taken = _InOrder(children)
    mine = bytearray(len(items))
    asked = 0
    """The items up to this one are decided: kept (`mine`) or begun by a child."""
    try:
        for index, by in enumerate(made_by):
            for ahead in range(asked, min(index + lead + 1, len(items))):
                mine[ahead] = claims.claim(ahead)
            asked = max(asked, index + lead + 1)
            if mine[index]:
                taken.kept(by)
                yield None
            else:
                yield taken.next(by)
    finally:
        for child in children:
            child.stop()


def fork_map(make: Callable[[Item], Result], items: Sequence[Item],
             jobs: int) -> list[Result]:
    """`make` of every item, in order, made in `jobs` processes: the children make the
    items from the first on, the caller from the last back, until it reaches one a child
    has begun (`Started.finish`). Neither waits for the other, and each makes as many
    as its pace allows. The caller's own items are made before any other is taken:
    `make` may not rely on what earlier items did."""
    return fork_started(make, items, jobs).finish()


def _children_only(count: int, jobs: int) -> list[int]:
    """Which child makes each of `count` items if the caller keeps none: every `jobs - 1`-th
    (for `Claims`: the caller keeps what they have not begun)."""
    return [1 + index % (jobs - 1) if jobs > 1 else 0 for index in range(count)]


class Claims:
    """Which items a child has begun (`take`) and which the caller keeps (`claim`), in
    memory the processes share (mapped before they fork): a child makes the items of
    its share the caller has not kept, and sends None for the others, so that each sends
    one result per item of its share, in order, whoever made it (`_InOrder`).

    Each side sets its own flag, then reads the other's: of two that go at once, at least
    one sees the other's flag, unless the processor orders the read first. Then both
    make the item, which costs time and nothing else: the caller makes what it keeps, and
    drops the child's result, whatever it holds."""

    def __init__(self, count: int) -> None:
        self._flags = mmap.mmap(-1, max(2 * count, 1))

    def take(self, index: int) -> bool:
        """In a child: whether to make the item (the caller has not kept it)."""
        self._flags[2 * index] = 1
        return not self._flags[2 * index + 1]

    def claim(self, index: int) -> bool:
        """In the caller: whether it keeps the item (no child has begun it)."""
        self._flags[2 * index + 1] = 1
        return not self._flags[2 * index]

    def taken(self, index: int) -> bool:
        """Whether a child has begun the item."""
        return bool(self._flags[2 * index])


class _InOrder:
    """Each child's results, item by item in the order of its share, those of the items
    the caller kept read and dropped (the child sent them, None or made: see `Claims`)."""

    def __init__(self, children: list[_Child]) -> None:
        self._children = children
        self._owed = [0] * len(children)
        """Results of kept items each child sends before its next one: to be dropped."""

    def kept(self, by: int) -> None:
        """The caller kept child `by`'s next item: its result is not taken."""
        self._owed[by - 1] += 1
        self._children[by - 1].drain()  # (so that it does not wait on a full pipe)

    def next(self, by: int) -> Any:
        """Child `by`'s result for its next item (see `_Child.next`)."""
        child = self._children[by - 1]
        while self._owed[by - 1]:
            child.next()
            self._owed[by - 1] -= 1
        return child.next()


class Pending(Generic[Result]):
    """A value a child process is making (`fork_one`): the caller `take`s it when it needs
    it, and goes on meanwhile."""

    def __init__(self, make: Callable[[], Result], child: _Child | None) -> None:
        self._make = make
        self._child = child
        self._owner = os.getpid()
        """The process that started the child: only it reads the child's pipe (a process
        forked from it later has a copy of this, and makes the value itself)."""
        self._value: list[Result] = []
        self._stop = weakref.finalize(self, child.stop) if child is not None else None
        """A value never taken: its child is stopped, not left waiting on a full pipe."""

    def take(self) -> Result:
        """The value as the child made it, what it logged logged here; or made here, as
        `make()` (no child, or one that failed: an error is raised here, as it would be
        made here alone). Taken once: the same value after that."""
        if not self._value:
            child = self._child
            done = child.next() if child is not None and self._ours() else None
            self.close()
            self._value.append(self._make() if done is None else done.replay())
        return self._value[0]

    def made(self) -> Result | None:
        """The value if the child has made it (it is sending it, or has sent it), else
        None, nothing made here; either way the child is done with."""
        child = self._child
        done = child.next() if child is not None and self._ours() and child.ready() else None
        self.close()
        return None if done is None else done.replay()

    def close(self) -> None:
        """Stop the child, if it is still at work, and reap it."""
        if self._stop is not None and self._ours():
            self._stop()
        self._child = None

    def _ours(self) -> bool:
        """Whether this process started the child (whose pipe it alone may read)."""
        return self._child is not None and os.getpid() == self._owner


def fork_one(make: Callable[[], Result], jobs: int, count: int,
             background: bool = False) -> Pending[Result]:
    """`make()` begun now, in a child process, if `forks(jobs, count)` (the build renders
    in more than one process, and its `count` items make the work worth one): the caller
    goes on with its own work, and `take`s the value when it needs it.

    A `background` child runs at a lower priority (`BACKGROUND`): it is to use a core the
    build leaves idle, not to slow the work the build waits for; for a value the caller
    takes only if it is `made` by then (a child the caller may wait for could starve)."""
    def lower(_: None) -> Result:
        if background:
            with contextlib.suppress(OSError):
                os.nice(BACKGROUND)
        return make()

    children = _fork(lower, [None], [range(1)]) if forks(jobs, count) else []
    return Pending(make, children[0] if children else None)


BACKGROUND = 10
"""How much lower `fork_one`'s child runs (`nice`): a tenth of a busy core's share."""


_LENGTH = 8
PIPE_BYTES = 1 << 20
"""How much a child may send ahead of the caller (Linux's default largest pipe)."""


@dataclass(slots=True)
class _Child:
    pid: int
    pipe: int
    data: bytearray = field(default_factory=bytearray)
    """Bytes read and not yet taken as results (from `taken` on)."""
    taken: int = 0
    eof: bool = False
    """The child closed its pipe (done, or failed): what was not sent is None."""
    ended: bool = False
    """Stopped and reaped: nothing more comes."""

    def next(self) -> Any:
        """The child's next result (None for an item that raised, or one never sent)."""
        while not self.ended:
            frame = self._frame()
            if frame is not None:
                try:
                    return pickle.loads(frame)
                except Exception:  # noqa: BLE001 (not readable back: done by the caller)
                    return None
            if self.eof:
                self.stop()
            else:
                self._read()
        return None

    def ready(self) -> bool:
        """Whether the child has made its next result (and is sending it, or has sent
        it), or ended: `next` waits at most for the rest of the bytes to arrive."""
        self.drain()
        return self.ended or self.eof or len(self.data) >= self.taken + _LENGTH

    def drain(self) -> None:
        """Read what the child has sent so far, without waiting (so that it does not
        wait on a full pipe while the caller is busy)."""
        if self.ended or self.eof:
            return
        ready = select.poll()  # (not select.select: it fails on descriptors past 1023)
        ready.register(self.pipe, select.POLLIN)
        while not (self.ended or self.eof) and ready.poll(0):
            self._read()

    def _read(self) -> None:
        chunk = os.read(self.pipe, PIPE_BYTES)
        self.eof = not chunk
        self.data += chunk

    def _frame(self) -> bytes | None:
        """The next whole result's bytes, if they are all here."""
        start = self.taken + _LENGTH
        if len(self.data) < start:
            return None
        end = start + int.from_bytes(self.data[self.taken:start], "big")
        if len(self.data) < end:
            return None
        frame = bytes(self.data[start:end])
        self.taken = end
        if self.taken > len(self.data) // 2:  # (now and then: at every frame, quadratic)
            del self.data[:self.taken]
            self.taken = 0
        return frame

    def stop(self) -> None:
        """Close the pipe and reap the child, stopping it if it is still at work."""
        if self.pipe < 0:
            return
        os.close(self.pipe)
        self.pipe, self.ended, self.eof, self.data, self.taken = -1, True, True, bytearray(), 0
        try:
            pid, _ = os.waitpid(self.pid, os.WNOHANG)
            if pid == 0:
                os.kill(self.pid, signal.SIGKILL)
                os.waitpid(self.pid, 0)
        except OSError:
            pass


def _start(make: Callable[[Item], Result], items: Sequence[Item],
           share: Sequence[int], wait: bool = True, claims: Claims | None = None) -> _Child:
    read_end, write_end = os.pipe()
    if hasattr(fcntl, "F_SETPIPE_SZ"):
        try:
            fcntl.fcntl(write_end, fcntl.F_SETPIPE_SZ, PIPE_BYTES)
        except OSError:
            pass
    parent = os.getpid()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        raise
    if pid:
        os.close(write_end)
        return _Child(pid, read_end)
    # The child: make its share, sending each item as it is done, and leave without
    # running anything of the parent's (atexit handlers, buffered output, finalizers).
    status = 1
    try:
        _die_with(parent)
        os.close(read_end)
        sender = _Sender(write_end, wait)
        for index in share:
            made = _made(make, items[index]) if claims is None or claims.take(index) else None
            data = pickle.dumps(made, pickle.HIGHEST_PROTOCOL)
            sender.send(len(data).to_bytes(_LENGTH, "big") + data)
        sender.close()
        status = 0
    finally:
        os._exit(status)


def _die_with(parent: int) -> None:
    """A child outlives no parent (one killed by SIGTERM or SIGKILL): on Linux the kernel
    kills it when the parent dies; elsewhere it stops when it finds its pipe closed."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)
        except (OSError, AttributeError):
            pass
    if os.getppid() != parent:  # (the parent died before that was set)
        os._exit(1)


def _made(make: Callable[[Item], Result], item: Item,
          sent: bool = True) -> Done[Result] | None:
    """`make(item)` with what it logs kept (made `_portable` if it is to be `sent` to
    another process); None if it raised."""
    kept = _Keep()
    with kept:
        try:
            value = make(item)
        except Exception:  # noqa: BLE001 (the parent does the item again, and raises it there)
            return None
    return Done(value, [_portable(record) for record in kept.records] if sent else kept.records)


def _send(pipe: int, data: bytes | memoryview) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(pipe, view):]


class _Sender:
    """A child's results written to its pipe: each at once, waiting for room (`wait`),
    or as much as the pipe takes without waiting, the rest kept and written later."""

    def __init__(self, pipe: int, wait: bool) -> None:
        self._pipe, self._wait = pipe, wait
        self._kept: deque[memoryview] = deque()
        if not wait:
            os.set_blocking(pipe, False)

    def send(self, frame: bytes) -> None:
        if self._wait:
            _send(self._pipe, frame)
            return
        self._kept.append(memoryview(frame))
        try:
            while self._kept:
                first = self._kept[0]
                written = os.write(self._pipe, first)
                if written < len(first):
                    self._kept[0] = first[written:]
                    return
                self._kept.popleft()
        except BlockingIOError:  # (the pipe is full: the caller is busy)
            pass

    def close(self) -> None:
        """Write what is kept, waiting for room as needed; close the pipe."""
        os.set_blocking(self._pipe, True)
        while self._kept:
            _send(self._pipe, self._kept.popleft())
        os.close(self._pipe)


class _Keep(logging.Handler):
    """While entered: every record any logger would handle is kept instead (once, even
    when it passes several handlers on its way up)."""

    def __init__(self) -> None:
        super().__init__(logging.NOTSET)
        self.records: list[logging.LogRecord] = []
        self._saved: list[tuple[logging.Logger, list[logging.Handler]]] = []

    def emit(self, record: logging.LogRecord) -> None:
        if not self.records or self.records[-1] is not record:
            self.records.append(record)

    def __enter__(self) -> Self:
        root = logging.getLogger()
        self._saved.append((root, root.handlers))  # (none: Python's last resort prints)
        root.handlers = [self]
        for logger in logging.Logger.manager.loggerDict.values():
            if isinstance(logger, logging.Logger) and logger.handlers:
                self._saved.append((logger, logger.handlers))
                logger.handlers = [self]
        return self

    def __exit__(self, *exc: object) -> None:
        for logger, handlers in self._saved:
            logger.handlers = handlers
        self._saved = []


def _portable(record: logging.LogRecord) -> logging.LogRecord:
    """`record` with its message made and nothing that may not pickle."""
    record.msg, record.args = record.getMessage(), None
    record.exc_info, record.exc_text, record.stack_info = None, None, None
    return record
