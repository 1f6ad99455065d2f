"""An output folder that cannot be written: exit 2 with a sentence, no staging folder left."""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import mkdocs.utils
import pytest

from generator import build as build_module
from generator.cli import main
from tests.conftest import PORTFOLIO, PROGRAM, project, write_site

AS_OF = "2026-06-30"




@pytest.fixture
def repo(tmp_path: Path) -> Path:
    write_site(tmp_path, {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                          "projects/a.md": project("a")})
    return tmp_path


def pmsite_build(repo: Path, site: Path) -> int:
    return main(["build", "-f", str(repo / "mkdocs.yml"), "--as-of", AS_OF,
                 "--site-dir", str(site)])


def tree_hash(folder: Path) -> dict[str, str]:
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def leftovers(repo: Path) -> list[str]:
    return sorted(p.name for p in repo.glob(".site.*") if not p.name.endswith("-lock"))


@pytest.fixture
def built(repo: Path, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """A first, good build of `repo/site`; its tree hash."""
    assert pmsite_build(repo, repo / "site") == 0
    capsys.readouterr()
    return tree_hash(repo / "site")


def failing_write(after: int, error: int) -> Callable[[bytes, str], None]:
    """MkDocs' `write_file` that writes `after` files, then fails like a full disk would."""
    real = mkdocs.utils.write_file
    count = 0

    def write_file(content: bytes, output_path: str) -> None:
        nonlocal count
        count += 1
        if count > after:
            os.makedirs(os.path.dirname(output_path), exist_ok=True)
            with open(output_path, "wb") as handle:  # a partial file, as a full disk leaves
                handle.write(content[:10])
            raise OSError(error, os.strerror(error))
        real(content, output_path)
    return write_file


@pytest.mark.parametrize("error, words", [
    (errno.ENOSPC, "No space left on device; free some space or choose another --site-dir"),
    (errno.EDQUOT, "Disk quota exceeded; free some space or choose another --site-dir"),
    (errno.EIO, "Input/output error; choose another --site-dir"),
])
def test_a_full_disk_gives_exit_2_and_keeps_the_previous_site(
        repo: Path, built: dict[str, str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch, error: int, words: str) -> None:
    monkeypatch.setattr(mkdocs.utils, "write_file", failing_write(3, error))
    assert pmsite_build(repo, repo / "site") == 2
    err = capsys.readouterr().err
    assert f"pmsite: error: cannot write the site to {repo / 'site'}: {words}" in err
    assert "(the previous site is unchanged)" in err
    assert "internal error" not in err
    assert tree_hash(repo / "site") == built
    assert leftovers(repo) == []


def test_a_full_disk_on_a_first_build_leaves_nothing(
        repo: Path, capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(mkdocs.utils, "write_file", failing_write(0, errno.ENOSPC))
    assert pmsite_build(repo, repo / "site") == 2
    err = capsys.readouterr().err
    assert f"cannot write the site to {repo / 'site'}: No space left on device" in err
    assert "(no site was written)" in err
    assert not (repo / "site").exists()
    assert leftovers(repo) == []


def test_a_read_only_file_system_gives_exit_2(
        repo: Path, built: dict[str, str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    real = os.makedirs

    def makedirs(name: Any, *args: Any, **kwargs: Any) -> None:
        if ".site.staging-" in os.fsdecode(name):
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), os.fsdecode(name))
        real(name, *args, **kwargs)

    monkeypatch.setattr(os, "makedirs", makedirs)
    assert pmsite_build(repo, repo / "site") == 2
    err = capsys.readouterr().err
    assert (f"cannot write the site to {repo / 'site'}: Read-only file system; make the "
            "folder writable or choose another --site-dir (the previous site is unchanged)"
            ) in err
    assert tree_hash(repo / "site") == built
    assert leftovers(repo) == []


def test_a_site_dir_under_a_file_gives_exit_2(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "a-file").write_text("not a folder")
    assert pmsite_build(repo, repo / "a-file/site") == 2
    err = capsys.readouterr().err
    assert f"cannot write the site to {repo / 'a-file/site'}:" in err
    assert "choose another --site-dir" in err
    assert (repo / "a-file").read_text() == "not a folder"


def test_a_failed_exchange_keeps_the_previous_site(
        repo: Path, built: dict[str, str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    def exchange(a: Path, b: Path) -> bool:
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), str(b))

    monkeypatch.setattr(build_module, "_exchange", exchange)
    assert pmsite_build(repo, repo / "site") == 2
    err = capsys.readouterr().err
    assert (f"cannot write the site to {repo / 'site'}: Permission denied; make the folder "
            "writable or choose another --site-dir (the previous site is unchanged)") in err
    assert tree_hash(repo / "site") == built
    assert leftovers(repo) == []


def test_a_failed_rename_puts_the_previous_site_back(
        repo: Path, built: dict[str, str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Where there is no atomic exchange: site -> old, staging -> site fails, old -> site."""
    real = os.rename

    def rename(src: Any, dst: Any, *args: Any, **kwargs: Any) -> None:
        if ".site.staging-" in os.fsdecode(src) and os.fsdecode(dst).endswith("/site"):
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), os.fsdecode(src))
        real(src, dst, *args, **kwargs)

    monkeypatch.setattr(build_module, "_exchange", lambda a, b: False)
    monkeypatch.setattr(os, "rename", rename)
    assert pmsite_build(repo, repo / "site") == 2
    assert "No space left on device" in capsys.readouterr().err
    assert tree_hash(repo / "site") == built
    assert leftovers(repo) == []


def as_if_not_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Deleting from a folder without write permission fails, as it does for a user.

    The tests run as root, whom permission bits do not stop; these wrappers check them.
    """
    def writable(path: Any, dir_fd: int | None) -> None:
        if dir_fd is not None:
            mode = os.fstat(dir_fd).st_mode
        else:
            mode = os.stat(os.path.dirname(os.path.abspath(os.fsdecode(path)))).st_mode
        if not mode & stat.S_IWUSR:
            raise PermissionError(errno.EACCES, os.strerror(errno.EACCES), os.fsdecode(path))

    for name in ("unlink", "rmdir", "remove"):
        real = getattr(os, name)

        def guarded(path: Any, *, dir_fd: int | None = None, _real: Any = real) -> None:
            writable(path, dir_fd)
            _real(path, dir_fd=dir_fd)
        monkeypatch.setattr(os, name, guarded)


def test_a_read_only_previous_site_is_replaced_and_removed(
        repo: Path, built: dict[str, str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    as_if_not_root(monkeypatch)
    for folder in sorted((repo / "site").rglob("*"), reverse=True):
        if folder.is_dir():
            folder.chmod(0o555)
    assert pmsite_build(repo, repo / "site") == 0, capsys.readouterr().err
    assert tree_hash(repo / "site") == built
    assert leftovers(repo) == []


def test_a_read_only_folder_in_a_failed_build_is_removed(
        repo: Path, built: dict[str, str], capsys: pytest.CaptureFixture[str],
        monkeypatch: pytest.MonkeyPatch) -> None:
    as_if_not_root(monkeypatch)
    real = mkdocs.utils.write_file
    count = 0

    def write_file(content: bytes, output_path: str) -> None:
        nonlocal count
        count += 1
        real(content, output_path)
        if count == 3:
            Path(output_path).parent.chmod(0o555)
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))

    monkeypatch.setattr(mkdocs.utils, "write_file", write_file)
    assert pmsite_build(repo, repo / "site") == 2
    assert "No space left on device" in capsys.readouterr().err
    assert tree_hash(repo / "site") == built
    assert leftovers(repo) == []


def test_a_content_error_still_gives_exit_1_and_removes_the_staging(
        repo: Path, built: dict[str, str], capsys: pytest.CaptureFixture[str]) -> None:
    (repo / "content/projects/b.md").write_text(project("b", program="nope"))
    assert pmsite_build(repo, repo / "site") == 1
    assert tree_hash(repo / "site") == built
    assert leftovers(repo) == []


def test_letting_pages_go_once_written_changes_no_byte(
        repo: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """A build lets each page's Markdown and HTML go once the page is written (a quarter
    of the memory at 1,000 projects); the site is the same bytes as when it keeps them,
    titles in every page's nav included."""
    from generator import mkdocs_plugin

    seen: list[bool] = []
    real = mkdocs_plugin._lets_go
    monkeypatch.setattr(mkdocs_plugin, "_lets_go", lambda *a: seen.append(real(*a)) or seen[-1])
    assert pmsite_build(repo, repo / "let-go") == 0
    assert seen == [True]
    monkeypatch.setattr(mkdocs_plugin, "_lets_go", lambda *a: False)
    assert pmsite_build(repo, repo / "kept") == 0
    capsys.readouterr()
    assert tree_hash(repo / "let-go") == tree_hash(repo / "kept")


def test_pages_are_kept_for_the_preview_and_for_unknown_plugins() -> None:
    from types import SimpleNamespace

    from generator.mkdocs_plugin import BuildValues, _lets_go

    build = BuildValues(date(2026, 6, 30))
    known = SimpleNamespace(plugins={"search": 1, "pmsite": 2})
    assert _lets_go(known, build)  # type: ignore[arg-type]
    assert not _lets_go(known, BuildValues(date(2026, 6, 30), keep_going=True))  # type: ignore[arg-type]
    other = SimpleNamespace(plugins={"search": 1, "pmsite": 2, "rss": 3})
    assert not _lets_go(other, build)  # type: ignore[arg-type]
