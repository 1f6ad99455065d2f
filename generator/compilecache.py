"""pmsite's own code, compiled once per machine instead of once per command.

Two things every `pmsite build` compiled again, though they depend on no content: Graphviz's
WebAssembly module (to machine code, by wasmtime: a second of processor time) and the
Jinja templates of the pages and diagrams (to Python bytecode: a second more at any size).
Each is kept, as Python keeps `.pyc` files, in the user's cache folder (`cache_folder`),
and read back in milliseconds next time. What is kept is named by what it was compiled
from (the module's or template's bytes, wasmtime's or Python's version, the processor),
so a change to any of them compiles anew; the output is the same bytes either way.

A file kept here is code, and is trusted only as far as a `.pyc` file is: it is read from
a folder that only this user may write (else nothing is kept or read), only if it is this
user's regular file that no one else may write, and only with the SHA-256 digest of its
bytes, written with them, intact. Files are written aside and renamed, so a reader never
sees half of one. A folder that cannot be made or written is no error: the code is
compiled, as before. `PMSITE_CACHE_DIR` names another folder, or turns the cache off
when it is `off` (or empty).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import stat
import tempfile
from pathlib import Path

CACHE_VARIABLE = "PMSITE_CACHE_DIR"
MAGIC = b"pmsite compiled 1\n"
"""What a kept file begins with, before the digest of the rest."""
_DIGEST = 32
_SUFFIX = ".bin"


def cache_folder() -> Path | None:
    """Where compiled code is kept: `PMSITE_CACHE_DIR`, else `$XDG_CACHE_HOME/pmsite`, else
    `~/.cache/pmsite`; None when `PMSITE_CACHE_DIR` is `off` or empty."""
    given = os.environ.get(CACHE_VARIABLE)
    if given is not None:
        return None if given.strip().lower() in ("", "off") else Path(given)
    base = os.environ.get("XDG_CACHE_HOME", "").strip()
    if base and Path(base).is_absolute():
        return Path(base) / "pmsite"
    try:
        return Path.home() / ".cache" / "pmsite"
    except RuntimeError:  # (no home folder known)
        return None


class CompileCache:
    """One kind of compiled code (a subfolder of the cache folder), by name."""

    def __init__(self, kind: str, keep: int) -> None:
        self.kind = kind
        self.keep = keep
        """How many files of this kind are kept at most: writing one more removes the
        oldest (a template's file is named by its path, and a checkout moved is another)."""
        self._folder: Path | None | bool = False
        """The folder, once looked for (None: no cache)."""
        self._pruned = False

    def folder(self) -> Path | None:
        """This kind's folder, made if missing, where only this user may write; else None."""
        if self._folder is False:
            self._folder = _own_folder(cache_folder(), self.kind)
        return self._folder  # type: ignore[return-value]

    def read(self, name: str) -> bytes | None:
        """What `write` kept under `name`, intact; None if nothing is (or it is not)."""
        folder = self.folder()
        return None if folder is None else _read(folder / (_safe(name) + _SUFFIX))

    def write(self, name: str, data: bytes) -> None:
        """Keep `data` under `name` (whole or not at all; a failure is silent)."""
        folder = self.folder()
        if folder is None:
            return
        with contextlib.suppress(OSError):
            _write(folder / (_safe(name) + _SUFFIX), data)
            if not self._pruned:  # (once a process: a build may write dozens)
                self._pruned = True
                _prune(folder, self.keep)


def _safe(name: str) -> str:
    """A file name for `name`: its digest (a template's name holds slashes, any text)."""
    return hashlib.sha256(name.encode("utf-8", "surrogatepass")).hexdigest()[:40]


def _own_folder(base: Path | None, kind: str) -> Path | None:
    """`base/kind`, made if missing, where this user owns both and no one else may write
    to either; else None."""
    if base is None:
        return None
    folder = base / kind
    try:
        folder.mkdir(mode=0o700, parents=True, exist_ok=True)
        for path in (base, folder):
            info = os.lstat(path)
            if not stat.S_ISDIR(info.st_mode) or not _only_mine(info):
                return None
    except OSError:
        return None
    return folder


def _only_mine(info: os.stat_result) -> bool:
    """Owned by this user, and no one else may write to it."""
    getuid = getattr(os, "getuid", None)
    owner_ok = getuid is None or info.st_uid == getuid()
    return owner_ok and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _read(path: Path) -> bytes | None:
    """The bytes kept at `path`, if it is a regular file of this user's, intact."""
    flags = os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError:
        return None
    with open(fd, "rb") as handle:
        try:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or not _only_mine(info):
                return None
            data = handle.read()
        except OSError:
            return None
    head = len(MAGIC) + _DIGEST
    if len(data) < head or not data.startswith(MAGIC):
        return None
    payload = memoryview(data)[head:]
    if hashlib.sha256(payload).digest() != data[len(MAGIC):head]:
        return None
    return bytes(payload)


def _write(path: Path, data: bytes) -> None:
    """`data` at `path`, with its digest: written aside, then renamed over it."""
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=".", suffix=".tmp")
    try:
        with open(fd, "wb") as handle:
            handle.write(MAGIC + hashlib.sha256(data).digest())
            handle.write(data)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise


def _prune(folder: Path, keep: int) -> None:
    """Remove the oldest kept files of `folder` beyond `keep` (by when each was written)."""
    files = []
    with os.scandir(folder) as entries:
        for entry in entries:
            if entry.name.endswith(_SUFFIX) and entry.is_file(follow_symlinks=False):
                files.append((entry.stat(follow_symlinks=False).st_mtime_ns, entry.name))
    if len(files) <= keep:
        return
    files.sort()
    for _, name in files[:len(files) - keep]:
        with contextlib.suppress(OSError):
            os.unlink(folder / name)
