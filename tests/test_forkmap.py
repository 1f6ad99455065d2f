"""`forkmap`: work shared out to forked processes, results and log records back in order."""

from __future__ import annotations

import gc
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest

from generator import forkmap
from generator.forkmap import Done, default_jobs, fork_ahead, fork_map, forks
from tests.conftest import REPO

log = logging.getLogger("mkdocs.test_forkmap")


@pytest.fixture(autouse=True)
def few_items(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(forkmap, "MIN_ITEMS", 4)


def test_fork_map_makes_every_item_in_order() -> None:
    assert fork_map(lambda n: n * n, list(range(30)), jobs=2) == [n * n for n in range(30)]


def test_fork_map_takes_results_larger_than_the_pipe_in_order() -> None:
    """Results together many times the pipe's size, read while the caller makes its own
    share and after: every one comes back whole, in order."""
    made_here: list[int] = []

    def make(n: int) -> str:
        if os.getpid() == caller:
            made_here.append(n)
            time.sleep(0.02)  # (a slow caller: the children make most)
        return f"{n}:" + "x" * (forkmap.PIPE_BYTES // 3 + n)

    caller = os.getpid()
    items = list(range(24))
    assert fork_map(make, items, jobs=3) == [make(n) for n in items]
    made_here = made_here[:-24]  # (what the caller made in fork_map, not above)
    # The caller made the last items, back to the first a child had begun; the children
    # the others (and sent them, three to a pipe's size).
    assert made_here == list(range(23, 23 - len(made_here), -1))
    assert 0 < len(made_here) < 12


@pytest.mark.parametrize("wait", [True, False])
def test_a_child_that_may_not_wait_makes_its_share_while_nothing_is_read(
        tmp_path: Any, wait: bool) -> None:
    """`fork_started(wait=False)`: the child makes every item though the caller reads
    nothing for a while (results three times the pipe's size); with `wait`, it stops at
    a full pipe. Either way every result comes back whole, in order, the caller making
    what the child has not."""
    marks = tmp_path / "made"

    def make(n: int) -> str:
        with marks.open("a", encoding="utf-8") as note:
            note.write(f"{n}\n")
        return f"{n}:" + "y" * (forkmap.PIPE_BYTES // 4)

    items = list(range(12))
    started = forkmap.fork_started(make, items, 2, wait=wait)
    made: list[str] = []
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        made = marks.read_text(encoding="utf-8").split() if marks.exists() else []
        if len(made) == 12 or (wait and len(made) >= 4):
            break
        time.sleep(0.05)
    time.sleep(0.3)  # (a child that waits would have gone on by now, were it able to)
    made = marks.read_text(encoding="utf-8").split()
    assert (len(made) < 12) if wait else (len(made) == 12)
    assert started.finish() == [make(n) for n in items]


def test_fork_map_makes_again_what_a_child_could_not(tmp_path: Any) -> None:
    failed = tmp_path / "failed"

    def make(n: int) -> int:
        if os.getpid() == caller:
            time.sleep(0.02)  # (a slow caller: the child reaches 2 and 5)
        elif n in (2, 5):
            with failed.open("a", encoding="utf-8") as note:
                note.write(f"{n}\n")
            if n == 5:
                os._exit(9)  # (a child that dies: 5, and what it had not made, are the caller's)
            raise ValueError("only in a child")
        return n * 10

    caller = os.getpid()
    assert fork_map(make, list(range(12)), jobs=2) == [n * 10 for n in range(12)]
    assert failed.read_text(encoding="utf-8").split() == ["2", "5"]


def test_what_a_child_changes_stays_in_the_child() -> None:
    touched: list[int] = []

    def make(n: int) -> int:
        touched.append(n)
        time.sleep(0.01)
        return n

    assert fork_map(make, list(range(10)), jobs=2) == list(range(10))
    assert touched == list(range(9, 9 - len(touched), -1))  # (the caller's items only)
    assert 0 < len(touched) < 10


def test_a_caller_that_stops_early_stops_the_children() -> None:
    made = fork_ahead(lambda n: time.sleep(60) if n > 3 else n, list(range(8)), 3, lead=0)
    next(made)  # (at once: its own, or a child's made in no time)
    time.sleep(0.2)  # (the children are at items that take a minute)
    started = time.monotonic()
    made.close()
    assert time.monotonic() - started < 5
    waiting = forkmap.fork_started(lambda n: time.sleep(60), list(range(8)), 3)
    time.sleep(0.2)
    started = time.monotonic()
    waiting.close()
    assert time.monotonic() - started < 5


class _Count(logging.Handler):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(f"{record.levelname}:{record.getMessage()}")


@pytest.fixture
def counted() -> Iterator[_Count]:
    logger = logging.getLogger("mkdocs")
    handler, propagate, level = _Count(), logger.propagate, logger.level
    logger.addHandler(handler)
    logger.propagate = False
    logger.setLevel(logging.INFO)
    yield handler
    logger.removeHandler(handler)
    logger.propagate = propagate
    logger.setLevel(level)


def test_what_children_log_is_logged_by_the_parent_once_in_order(counted: _Count) -> None:
    def make(n: int) -> int:
        log.warning("item %d of %s", n, "ten")
        if n % 3 == 0:
            log.info("every third: %d", n)
        return n

    made, replayed = fork_ahead(make, list(range(10)), 2, lead=0), 0
    for index, item in enumerate(made):
        time.sleep(0.005)  # (a busy caller: the child makes most)
        if item is None:  # (the caller's own: logged as it is made)
            make(index)
        else:
            assert f"WARNING:item {index} of ten" not in counted.messages  # (not yet)
            item.replay()
            item.replay()  # (once only)
            replayed += 1
    assert replayed >= 5
    expected = []
    for n in range(10):
        expected.append(f"WARNING:item {n} of ten")
        if n % 3 == 0:
            expected.append(f"INFO:every third: {n}")
    assert counted.messages == expected


def test_with_another_thread_running_nothing_forks() -> None:
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert not forks(2, 100)
        assert list(fork_ahead(lambda n: n, list(range(10)), 2, lead=0)) == [None] * 10
        assert set(fork_map(lambda n: os.getpid(), list(range(10)), jobs=2)) == {os.getpid()}
    finally:
        stop.set()
        thread.join()
    assert forks(2, 100)


def test_one_job_or_few_items_do_not_fork() -> None:
    assert not forks(1, 100)
    assert not forks(2, 3)
    assert list(fork_ahead(lambda n: n, list(range(10)), 1, lead=0)) == [None] * 10
    assert list(fork_ahead(lambda n: n, list(range(3)), 2, lead=0)) == [None] * 3


def test_jobs_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PMSITE_JOBS", "3")
    assert default_jobs() == 3
    monkeypatch.setenv("PMSITE_JOBS", "0")
    assert default_jobs() == 1
    monkeypatch.setenv("PMSITE_JOBS", "many")
    assert default_jobs() == 1
    monkeypatch.delenv("PMSITE_JOBS")
    assert default_jobs() == len(os.sched_getaffinity(0))


CHILDREN_OF_A_KILLED_BUILD = """
import sys, time
from generator import forkmap
forkmap.MIN_ITEMS = 1
start = forkmap._start
def shown(*args):
    child = start(*args)
    print(child.pid, flush=True)
    return child
forkmap._start = shown
forkmap.fork_map(lambda n: time.sleep(60), list(range(6)), 3)
"""


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as status:
            return "\nState:\tZ" not in status.read()
    except FileNotFoundError:
        return False


@pytest.mark.skipif(not os.path.isdir("/proc/self"), reason="reads /proc (Linux)")
def test_children_do_not_outlive_a_killed_parent() -> None:
    parent = subprocess.Popen([sys.executable, "-c", CHILDREN_OF_A_KILLED_BUILD],
                              stdout=subprocess.PIPE, text=True, cwd=REPO)
    assert parent.stdout is not None
    pids = [int(parent.stdout.readline()) for _ in range(2)]
    assert all(_alive(pid) for pid in pids)
    parent.send_signal(signal.SIGKILL)
    parent.wait()
    deadline = time.monotonic() + 10
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not any(_alive(pid) for pid in pids)


def test_when_a_fork_fails_the_caller_makes_every_item_and_no_child_is_left(
        monkeypatch: pytest.MonkeyPatch) -> None:
    real_fork, started = os.fork, list[int]()

    def fork() -> int:
        if started:
            raise BlockingIOError("Resource temporarily unavailable")
        pid = real_fork()
        if pid:
            started.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    assert list(fork_ahead(lambda n: time.sleep(60), list(range(9)), 3, lead=0)) == [None] * 9
    assert len(started) == 1
    assert not _alive(started[0])


def test_forking_leaves_the_garbage_collector_as_it_found_it() -> None:
    """A one-shot command freezes its long-lived objects (`cli.main`): forking keeps that
    (undoing it made each later full collection walk the whole site again), and freezes
    nothing for good in a process that had not."""
    gc.unfreeze()
    assert fork_map(str, list(range(8)), 2) == [str(n) for n in range(8)]
    assert gc.get_freeze_count() == 0
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        assert frozen > 0
        assert fork_map(str, list(range(8)), 2) == [str(n) for n in range(8)]
        assert gc.get_freeze_count() >= frozen
    finally:
        gc.unfreeze()


def test_fork_one_makes_the_value_in_a_child_while_the_caller_goes_on(
        counted: _Count) -> None:
    caller, made_here = os.getpid(), []

    def make() -> tuple[int, str]:
        if os.getpid() == caller:
            made_here.append(1)
        log.info("made once")
        return os.getpid(), "x" * (3 * forkmap.PIPE_BYTES)  # (more than the pipe holds)

    pending = forkmap.fork_one(make, jobs=2, count=8)
    assert counted.messages == []  # (the child's record waits to be taken with its value)
    pid, text = pending.take()
    assert pid != caller and made_here == [] and len(text) == 3 * forkmap.PIPE_BYTES
    assert counted.messages == ["INFO:made once"]
    assert pending.take() == (pid, text)  # (taken once: not made, nor logged, again)
    assert counted.messages == ["INFO:made once"]
    assert not _alive(pid)


def test_fork_one_makes_the_value_here_when_it_does_not_fork_or_the_child_fails() -> None:
    caller = os.getpid()
    calls: list[int] = []

    def make() -> int:
        calls.append(os.getpid())
        if os.getpid() != caller:
            raise RuntimeError("fails in the child only")
        return 7

    for jobs, count in ((1, 100), (2, 3), (2, 100)):  # (one job; few items; a failing child)
        calls.clear()
        pending = forkmap.fork_one(make, jobs, count)
        assert calls == []  # (not made here before it is taken)
        assert pending.take() == 7 and calls == [caller]

    def fails() -> int:
        raise ValueError("everywhere")

    with pytest.raises(ValueError, match="everywhere"):  # (raised here, as made here alone)
        forkmap.fork_one(fails, 2, 100).take()


def test_a_value_never_taken_leaves_no_child_behind() -> None:
    pending = forkmap.fork_one(lambda: "x" * (3 * forkmap.PIPE_BYTES), 2, 100)
    child = pending._child
    assert child is not None and _alive(child.pid)
    del pending
    gc.collect()
    assert not _alive(child.pid)


def test_a_background_child_runs_at_a_lower_priority() -> None:
    mine = os.nice(0)
    assert forkmap.fork_one(lambda: os.nice(0), 2, 100).take() == mine
    background = forkmap.fork_one(lambda: os.nice(0), 2, 100, background=True)
    child, deadline = background._child, time.monotonic() + 20
    assert child is not None
    while not child.ready() and time.monotonic() < deadline:
        time.sleep(0.02)
    assert background.made() == min(mine + forkmap.BACKGROUND, 19)
    assert os.nice(0) == mine


def test_made_gives_only_what_the_child_made_and_never_makes_it_here() -> None:
    calls: list[int] = []

    def slow() -> int:
        calls.append(os.getpid())
        time.sleep(60)
        return 1

    pending = forkmap.fork_one(slow, 2, 100)
    child = pending._child
    assert child is not None
    assert pending.made() is None and calls == []  # (not made: nothing made here)
    assert not _alive(child.pid)
    assert forkmap.fork_one(lambda: 5, 1, 100).made() is None and calls == []


def test_a_process_forked_later_makes_the_value_itself_and_leaves_the_pipe_alone() -> None:
    """A build's page renderers are forked after its `fork_one` children: one that asks
    for the value makes it, and the build still reads the child's from the pipe."""
    pending = forkmap.fork_one(os.getpid, 2, 100)
    read_end, write_end = os.pipe()
    later = os.fork()
    if later == 0:
        try:
            os.write(write_end, str(pending.take()).encode())
            pending.close()
        finally:
            os._exit(0)
    os.waitpid(later, 0)
    assert int(os.read(read_end, 64)) == later
    os.close(read_end)
    os.close(write_end)
    value = pending.take()
    assert value not in (later, os.getpid())  # (the child's own pid, read from its pipe)


def _taken_in_order(made: Iterator[Done[Any] | None], make: Any,
                    wait: float = 0.0) -> tuple[list[Any], list[int]]:
    """What a loop over `fork_ahead`'s results ends with: each value, the caller's own
    made as it reaches them (waiting `wait` at each item, as a busy caller would); and
    the items it made."""
    values, mine = [], []
    for index, done in enumerate(made):
        time.sleep(wait)
        if done is None:
            mine.append(index)
            values.append(make(index))
        else:
            values.append(done.replay())
    return values, mine


@pytest.mark.parametrize("jobs", [2, 3])
def test_fork_ahead_leaves_the_caller_what_slow_children_have_not_reached(jobs: int) -> None:
    caller = os.getpid()

    def make(n: int) -> tuple[int, bool]:
        if os.getpid() != caller:
            time.sleep(0.02)
        return n * n, os.getpid() == caller

    values, mine = _taken_in_order(fork_ahead(make, list(range(60)), jobs, lead=4), make)
    assert [square for square, _ in values] == [n * n for n in range(60)]
    assert [n for n, (_, here) in enumerate(values) if here] == mine
    # Far more than a fixed share (60 / jobs): the children make one item each while
    # it makes the others in its reach; it waits only for those they began.
    assert len(mine) > 60 / jobs + 10
    assert len(mine) < 60


def test_fork_ahead_children_keep_ahead_of_a_busy_caller() -> None:
    """A caller that takes 10 ms at each item keeps none for itself once the child is
    under way: the child makes an item in no time, always more than `lead` ahead."""
    made = fork_ahead(lambda n: (n, os.getpid()), list(range(60)), 2, lead=4)
    values, mine = _taken_in_order(made, lambda n: (n, os.getpid()), wait=0.01)
    assert [n for n, _ in values] == list(range(60))
    # Only what it kept before the child was under way (the first `lead` + 1 if it
    # starts at once); the child made every later item.
    assert mine == list(range(len(mine)))
    assert len(mine) < 30
    assert os.getpid() not in {pid for n, pid in values if n not in mine}


def test_fork_ahead_an_item_both_made_is_the_callers_and_the_order_holds(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Where the flags cross (each side sets its own, then reads the other's, which the
    processor may order first), both make the item: the caller keeps its own and drops
    the child's result, and every later result is still the one of its item."""
    claim = forkmap.Claims.claim

    def crossed(self: forkmap.Claims, index: int) -> bool:
        return claim(self, index) or index % 2 == 0  # (as if the child's flag were unseen)

    monkeypatch.setattr(forkmap.Claims, "claim", crossed)
    caller, made_by_child = os.getpid(), []

    def make(n: int) -> tuple[int, int]:
        return n * 3, os.getpid()

    done = []
    for item in fork_ahead(make, list(range(60)), 2, lead=3):
        time.sleep(0.005)  # (a busy caller: the child runs ahead, and makes every item)
        done.append(item)
    assert all(done[n] is None for n in range(0, 60, 2))
    for n, item in enumerate(done):
        if item is not None:
            value, pid = item.replay()
            assert value == n * 3
            made_by_child.append(pid)
    assert len(made_by_child) >= 10  # (the odd items once the child is under way)
    assert caller not in made_by_child


def test_fork_ahead_leaves_an_item_a_child_could_not_make_to_the_caller(tmp_path: Any) -> None:
    caller, failed = os.getpid(), tmp_path / "failed"

    def make(n: int) -> int:
        if os.getpid() != caller and n in (9, 30):
            with failed.open("a", encoding="utf-8") as note:
                note.write(f"{n}\n")
            if n == 30:
                os._exit(9)  # (the rest are the caller's)
            raise ValueError("only in a child")
        return n

    values, _ = _taken_in_order(fork_ahead(make, list(range(40)), 2, lead=2), make,
                                wait=0.005)
    assert values == list(range(40))
    assert failed.read_text(encoding="utf-8").split() == ["9", "30"]
