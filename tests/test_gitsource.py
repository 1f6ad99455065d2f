"""Writing a revision's files for the loader (gitsource.py): a name the file system
cannot hold is left out, but a full disk is an error, never a silent gap in the picture."""

from __future__ import annotations

import errno
from pathlib import Path
from typing import Any

import pytest

from generator import gitsource
from generator.errors import ConfigError


def test_files_links_and_folders_are_written(tmp_path: Path) -> None:
    gitsource._write([(b"100644", b"a/b/c.md", b"text"), (b"120000", b"a/link", b"../x")],
                     tmp_path)
    assert (tmp_path / "a/b/c.md").read_bytes() == b"text"
    assert (tmp_path / "a/link").is_symlink()


def test_a_name_too_long_is_left_out(tmp_path: Path) -> None:
    name = b"x" * 300 + b".md"
    gitsource._write([(b"100644", name, b"long"), (b"100644", b"ok.md", b"fine")], tmp_path)
    assert [p.name for p in tmp_path.iterdir()] == ["ok.md"]


def test_a_full_disk_is_an_error_not_a_missing_file(tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    def full(*_: Any, **__: Any) -> Any:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(gitsource, "open", full, raising=False)
    with pytest.raises(ConfigError, match="No space left on device; free space"):
        gitsource._write([(b"100644", b"a.md", b"text")], tmp_path)


def test_the_copy_goes_to_memory_only_with_room_to_spare(
        monkeypatch: pytest.MonkeyPatch) -> None:
    blobs = [(b"100644", b"a.md", b"x" * 1000)]
    assert gitsource._scratch(blobs) in (None, "/dev/shm")
    monkeypatch.setattr(gitsource, "_MEMORY", "/nonexistent-shm")
    assert gitsource._scratch(blobs) is None
