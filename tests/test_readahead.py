"""Content files read by children forked before pmsite's modules load (`readahead`): the
same documents and diagnostics, in the same order, as one process reads; never a stale
or foreign read taken."""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from generator import entry, load, readahead
from generator.cli import main
from generator.readahead import config_file
from tests.conftest import PORTFOLIO, PROGRAM, project, write_site


@pytest.mark.parametrize(("argv", "expected"), [
    (["build"], "mkdocs.yml"),
    (["check", "-f", "site/x.yml", "--format", "json"], "site/x.yml"),
    (["export", "--as-of", "2026-06-30", "--config-file=y.yml"], "y.yml"),
    (["report", "-fz.yml"], "z.yml"),
    (["build", "--config", "c.yml", "--strict"], "c.yml"),
    (["check", "--format", "json", "--", "-f", "no.yml"], "mkdocs.yml"),
    (["serve", "-f", "x.yml"], None),
    (["diff", "HEAD"], None),
    (["new", "risk"], None),
    (["build", "-h"], None),
    (["check", "-f"], None),
    (["--version"], None),
    ([], None),
])
def test_only_commands_that_read_every_file_read_ahead(argv: list[str],
                                                       expected: str | None) -> None:
    assert config_file(argv) == expected


def _site(tmp_path: Path, count: int = 40) -> Path:
    files: dict[str, str | bytes] = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
             "projects/bad.md": project("bad", "status: opne"),
             "projects/broken.yml": "kind: risk\nid: [unclosed\n"}
    for number in range(count):
        files[f"projects/p{number:03d}.md"] = project(f"p{number:03d}")
        files[f"projects/p{number:03d}-risks.yml"] = (
            f"kind: risk\nid: p{number:03d}-r1\nproject: p{number:03d}\n"
            "title: Vendor late\nstatus: open\nowner: Sam Patel\n")
    return write_site(tmp_path, files)


@pytest.fixture
def forking(monkeypatch: pytest.MonkeyPatch, forked: list[int]) -> Iterator[list[int]]:
    """Reading shared out for small sites (chunks of 2 files, any number of chunks), in
    two processes; the pids of the children started."""
    monkeypatch.setenv("PMSITE_JOBS", "2")
    monkeypatch.setattr(load, "SHARED_CHUNK", 2)
    yield forked
    readahead.discard()


def _alone(config: Path, monkeypatch: pytest.MonkeyPatch,
           capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    """What `check` gives in one process (no child read anything for it)."""
    monkeypatch.setenv("PMSITE_JOBS", "1")
    made = _check(config, capsys)
    monkeypatch.setenv("PMSITE_JOBS", "2")
    return made


def _check(config: Path, capsys: pytest.CaptureFixture[str]) -> tuple[int, Any]:
    code = main(["check", "-f", str(config), "--as-of", "2026-06-30", "--format", "json"])
    return code, json.loads(capsys.readouterr().out)


def _reaped(pids: list[int]) -> bool:
    for pid in pids:
        try:
            os.waitpid(pid, os.WNOHANG)
        except ChildProcessError:
            continue  # (reaped already: what should be)
        return False
    return True


def test_what_children_read_ahead_is_what_one_process_reads(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forking: list[int],
        capsys: pytest.CaptureFixture[str]) -> None:
    config = _site(tmp_path)
    alone = _alone(config, monkeypatch, capsys)
    assert forking == []
    taken: list[int] = []
    read = readahead.ReadAhead.read

    def spied(self: readahead.ReadAhead) -> Any:
        made = read(self)
        taken.append(len(made))
        return made

    monkeypatch.setattr(readahead.ReadAhead, "read", spied)
    readahead.start(["check", "-f", str(config)])
    assert len(forking) == 1  # (started before the command runs)
    assert _check(config, capsys) == alone
    assert taken == [len(load.chunked(sorted((tmp_path / "content").rglob("*.*"))))]
    codes = {problem["code"] for problem in alone[1]}
    assert {"invalid-status", "yaml-syntax"} <= codes and alone[0] == 1
    assert _reaped(forking)


def test_files_added_meanwhile_are_read_by_the_command_itself(
        tmp_path: Path, forking: list[int], capsys: pytest.CaptureFixture[str]) -> None:
    config = _site(tmp_path)
    readahead.start(["check", "-f", str(config)])
    assert len(forking) == 1
    (tmp_path / "content/projects/zz.md").write_text(project("zz", "status: opne"),
                                                      encoding="utf-8")
    code, found = _check(config, capsys)
    assert _reaped(forking[:1])  # (stopped: its files are not the site's any more)
    paths = [problem["path"] for problem in found]
    assert "content/projects/zz.md" in paths and code == 1


def test_another_sites_reading_is_not_taken(tmp_path: Path, forking: list[int],
                                            capsys: pytest.CaptureFixture[str]) -> None:
    one, other = _site(tmp_path / "one"), _site(tmp_path / "other", count=3)
    (tmp_path / "other/content/projects/p000.md").write_text(
        project("p000", "status: opne"), encoding="utf-8")
    readahead.start(["check", "-f", str(one)])
    code, found = _check(other, capsys)
    assert _reaped(forking[:1]) and code == 1
    assert [p["path"] for p in found if p["code"] == "invalid-status"] == [
        "content/projects/bad.md", "content/projects/p000.md"]


def test_a_chunk_a_child_failed_to_read_is_read_by_the_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forking: list[int],
        capsys: pytest.CaptureFixture[str]) -> None:
    config = _site(tmp_path)
    alone = _alone(config, monkeypatch, capsys)
    parent, real = os.getpid(), load.read_chunk

    def fails_in_children(docs_dir: Path, root: Path, paths: list[Path]) -> Any:
        if os.getpid() != parent:
            raise OSError("the disk went away")
        return real(docs_dir, root, paths)

    monkeypatch.setattr(load, "read_chunk", fails_in_children)
    readahead.start(["check", "-f", str(config)])
    assert _check(config, capsys) == alone


def test_reading_no_check_took_is_stopped(tmp_path: Path, forking: list[int],
                                          capsys: pytest.CaptureFixture[str]) -> None:
    config = _site(tmp_path, count=200)
    readahead.start(["check", "-f", str(config)])
    assert len(forking) == 1
    # A command line that fails before reading anything: the children are stopped.
    assert main(["check", "-f", str(config), "--as-of", "not-a-date"]) == 2
    assert _reaped(forking)
    assert "as-of" in capsys.readouterr().err


def test_the_command_starts_reading_before_it_loads(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[list[str]] = []
    monkeypatch.setattr(readahead, "start", lambda argv: seen.append(list(argv)))
    assert entry.main(["--version"]) == 0
    assert seen == [["--version"]]


def test_one_process_or_a_bad_site_reads_nothing_ahead(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forking: list[int]) -> None:
    config = _site(tmp_path)
    readahead.start(["check", "-f", str(tmp_path / "missing.yml")])
    (tmp_path / "bad.yml").write_text("site_name: [\n", encoding="utf-8")
    readahead.start(["check", "-f", str(tmp_path / "bad.yml")])
    monkeypatch.setenv("PMSITE_JOBS", "1")
    readahead.start(["check", "-f", str(config)])
    assert forking == [] and readahead._STARTED == []


def test_documents_and_their_problems_come_in_the_order_one_process_reads_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forking: list[int]) -> None:
    from generator.diagnostics import Diagnostics
    from generator.settings import load_settings

    settings = load_settings(_site(tmp_path))

    def read() -> tuple[list[str], list[str]]:
        found = Diagnostics()
        documents = load.read_documents(settings.docs_dir, settings.root, found, jobs=1)
        return [d.rel for d in documents], [d.to_text() for d in found]

    alone = read()
    readahead.start(["check", "-f", str(settings.config_file)])
    assert len(forking) == 1
    assert read() == alone and readahead._STARTED == []
    assert len(alone[0]) > 80 and alone[1]
