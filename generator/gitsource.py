"""The content folder as it was at a git revision, read through git itself.

`revision_docs` copies the docs dir of a revision (`git ls-tree` + `git cat-file
--batch`) into a temporary folder (in memory, /dev/shm, when there is room: creating
thousands of files on disk was most of a diff's time), so the same loader reads it as it
reads the working tree; the folder is removed when the `with` block ends. The working tree is never
written. Every way this can fail is a usage error with a sentence saying what to do.
"""

from __future__ import annotations

import errno
import os
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.errors import ConfigError

_MODES = {b"100644": 0o644, b"100755": 0o755}
"""Git modes of regular files; `120000` is a symlink, `160000` a submodule (skipped)."""
_BAD_PARTS = {b"", b".", b"..", b".git"}
_MEMORY = "/dev/shm"
_NAME_ERRORS = {errno.ENAMETOOLONG, errno.EILSEQ, errno.EINVAL}
"""A name (not the disk) that this file system cannot hold."""
_REDIRECTS = {"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_OBJECT_DIRECTORY"}
"""Variables that would point git at another repository than the site's."""


def _git(args: list[str], cwd: Path, stdin: bytes | None = None) -> subprocess.CompletedProcess[bytes]:
    env = {k: v for k, v in os.environ.items() if k not in _REDIRECTS}
    env["GIT_TERMINAL_PROMPT"] = "0"
    try:
        return subprocess.run(["git", *args], cwd=cwd, input=stdin, capture_output=True,
                              env=env, check=False)
    except FileNotFoundError:
        raise ConfigError("git is not installed (or not on PATH); install git to compare "
                          "with a revision, or use --since DATE to compare two dates") from None


def _toplevel(folder: Path) -> Path:
    done = _git(["rev-parse", "--show-toplevel"], folder)
    if done.returncode != 0:
        said = done.stderr.decode("utf-8", "replace").strip().splitlines()
        if said and "not a git repository" not in said[0]:
            raise ConfigError(f"git cannot read {folder}: {said[0]}")
        raise ConfigError(f"{folder} is not in a git repository; run pmsite diff inside a "
                          "clone of the site, or use --since DATE to compare two dates")
    return Path(os.fsdecode(done.stdout.rstrip(b"\n"))).resolve()


def _commit(revision: str, top: Path) -> str:
    if not revision or revision.startswith("-"):
        raise ConfigError(f"revision '{revision}' is not a revision name; name a branch, tag "
                          "or commit such as origin/main")
    done = _git(["rev-parse", "--verify", "--quiet", "--end-of-options",
                 f"{revision}^{{commit}}"], top)
    if done.returncode == 0:
        return done.stdout.decode("ascii").strip()
    shallow = _git(["rev-parse", "--is-shallow-repository"], top).stdout.strip() == b"true"
    if shallow:
        raise ConfigError(f"revision '{revision}' is not in this shallow clone; fetch it "
                          "first (git fetch --unshallow, or fetch-depth: 0 in "
                          "actions/checkout)")
    raise ConfigError(f"revision '{revision}' does not exist in this repository; name an "
                      "existing branch, tag or commit (git fetch it first if it is remote)")


@contextmanager
def revision_docs(docs_dir: Path, revision: str) -> Iterator[Path]:
    """A temporary copy of `docs_dir` as it is at `revision`; yields the copy's docs dir,
    whose parent stands for the site repository (diagnostics' paths read the same)."""
    top = _toplevel(docs_dir.parent)
    commit = _commit(revision, top)
    if not docs_dir.is_relative_to(top):
        raise ConfigError(f"{docs_dir} is outside the git repository {top}; run pmsite "
                          "diff in the repository that holds the content")
    inside = docs_dir.relative_to(top).as_posix()
    listing = _git(["--literal-pathspecs", "ls-tree", "-r", "-z", "--full-tree", commit, "--",
                    inside if inside != "." else "."], top)
    if listing.returncode != 0:
        raise ConfigError(f"cannot list revision '{revision}': "
                          f"{listing.stderr.decode('utf-8', 'replace').strip()}")
    blobs = _blobs(listing.stdout, b"" if inside == "." else os.fsencode(inside) + b"/", top)
    temp = Path(tempfile.mkdtemp(prefix="pmsite-diff-", dir=_scratch(blobs)))
    try:
        target = temp / docs_dir.name
        target.mkdir()
        _write(blobs, target)
        yield target
    finally:
        shutil.rmtree(temp, ignore_errors=True)


Blob = tuple[bytes, bytes, bytes]
"""(git mode, path inside the docs dir, content) of one file of the revision."""


def _blobs(listing: bytes, prefix: bytes, top: Path) -> list[Blob]:
    """Every file under `prefix` in an `ls-tree -r -z` listing, read by one `cat-file`."""
    entries: list[tuple[bytes, bytes, bytes]] = []  # (mode, object, path inside docs)
    for line in listing.split(b"\0"):
        if not line:
            continue
        meta, _, path = line.partition(b"\t")
        mode, kind, obj = meta.split(b" ")
        if kind != b"blob" or not path.startswith(prefix):
            continue
        rel = path[len(prefix):]
        if any(part in _BAD_PARTS for part in rel.split(b"/")):
            continue  # git refuses such names; never write outside the copy
        entries.append((mode, obj, rel))
    if not entries:
        return []
    batch = _git(["cat-file", "--batch"], top, b"".join(e[1] + b"\n" for e in entries))
    if batch.returncode != 0:
        raise ConfigError("git cat-file failed: "
                          f"{batch.stderr.decode('utf-8', 'replace').strip()}")
    data, at = batch.stdout, 0
    blobs: list[Blob] = []
    for mode, _, rel in entries:
        end = data.index(b"\n", at)
        header = data[at:end].split(b" ")
        if len(header) != 3:
            raise ConfigError(f"git cannot read {os.fsdecode(rel)} at this revision "
                              "(a partial clone?); fetch the revision's objects first")
        size = int(header[2])
        blobs.append((mode, rel, data[end + 1:end + 1 + size]))
        at = end + 1 + size + 1
    return blobs


def _scratch(blobs: list[Blob]) -> str | None:
    """Where the copy goes: memory (/dev/shm) when it has room to spare, for a disk-backed
    temporary folder creates files many times slower (a thousand projects are thousands
    of files); else the usual temporary folder."""
    need = sum(len(blob) + 4096 for _, _, blob in blobs)
    try:
        shm = os.statvfs(_MEMORY)
    except OSError:
        return None
    free = shm.f_bavail * shm.f_frsize
    return _MEMORY if os.access(_MEMORY, os.W_OK) and free > 4 * need + (64 << 20) else None


def _write(blobs: list[Blob], target: Path) -> None:
    """The files written under `target`; a name this file system cannot hold is left out
    (it is not in the picture), but a full or failing disk is an error, never a gap."""
    root = os.fsencode(target)
    for mode, rel, blob in blobs:
        path = root + b"/" + rel
        try:
            os.makedirs(os.path.dirname(path), exist_ok=True)
            if mode == b"120000":
                os.symlink(blob, path)  # the scan reports links; it never follows them
            elif mode in _MODES:
                with open(path, "wb") as stream:
                    stream.write(blob)
        except ValueError:
            continue  # a NUL in a name: not in the picture
        except OSError as exc:
            if exc.errno not in _NAME_ERRORS:
                raise ConfigError(f"cannot copy the revision's {os.fsdecode(rel)} to "
                                  f"{target}: {exc.strerror}; free space in the temporary "
                                  "folder (TMPDIR) and run again") from None
