"""`pmsite build`: check, build into a staging folder, then swap it in atomically.

A failed or killed build leaves the previous site exactly as it was (RELIABILITY G4-G5):
MkDocs builds into `.<site>.staging-<pid>` beside the output folder (same filesystem),
and only a finished build replaces the site, by one atomic exchange of the two folders
(Linux renameat2), falling back to two renames elsewhere.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import errno
import fcntl
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.exceptions import Abort, MkDocsException

from generator.errors import ConfigError, PmsiteError
from generator.pipeline import CheckResult
from generator.settings import Settings

MARKER = ".pmsite-site"
"""A file in every folder pmsite built, so it knows which folders it may replace."""
_RENAME_EXCHANGE = 2


class BuildError(PmsiteError):
    """MkDocs could not build the site (the previous site is untouched)."""


def check_output_folder(settings: Settings, site_dir: Path) -> None:
    """Refuse output folders whose replacement would lose something that is not ours."""
    site = site_dir.resolve()
    docs, root = settings.docs_dir, settings.root
    home = Path.home().resolve()
    if site == docs or site.is_relative_to(docs):
        raise ConfigError(f"site dir {site_dir} is inside the content folder; refusing")
    if docs.is_relative_to(site) or site in (root, home, Path(site.anchor)):
        raise ConfigError(f"site dir {site_dir} contains the content or the repository; "
                          "refusing to replace it")
    if site == settings.config_file.parent:
        raise ConfigError(f"site dir {site_dir} is the site's own folder; refusing")
    if site.exists():
        if not site.is_dir():
            raise ConfigError(f"site dir {site_dir} is a file; refusing to replace it")
        if any(site.iterdir()) and not (site / MARKER).is_file():
            raise ConfigError(
                f"site dir {site_dir} is not empty and was not built by pmsite; refusing "
                "to replace it (delete it yourself, or choose another --site-dir)")


@contextmanager
def build_lock(site_dir: Path) -> Iterator[None]:
    """One build per output folder at a time."""
    lock_path = site_dir.parent / f".{site_dir.name}.pmsite-lock"
    lock_path.parent.mkdir(parents=True, exist_ok=True)
    with open(lock_path, "w", encoding="utf-8") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise ConfigError(f"another pmsite build is writing {site_dir}; "
                              "wait for it to finish") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def build_site(result: CheckResult, site_dir: Path, strict: bool = False) -> Path:
    """Build the site for `result` into `site_dir`; return the folder written."""
    settings = result.settings
    site_dir = site_dir.resolve()
    check_output_folder(settings, site_dir)
    with build_lock(site_dir):
        _remove_leftovers(site_dir)
        staging = site_dir.parent / f".{site_dir.name}.staging-{os.getpid()}"
        try:
            config = load_config(str(settings.config_file), site_dir=str(staging),
                                 strict=strict)
            plugin = config.plugins.get("pmsite")
            if plugin is None:
                raise ConfigError(f"{settings.config_file.name}: add `- pmsite` to plugins")
            plugin.preset = result
            plugin.as_of = result.as_of
            mkdocs_build(config)
            (staging / MARKER).write_text("built by pmsite\n", encoding="utf-8")
            _swap_in(staging, site_dir)
        except (MkDocsException, Abort) as exc:
            raise BuildError(f"MkDocs could not build the site: {exc}") from None
        finally:
            if staging.exists():
                shutil.rmtree(staging, ignore_errors=True)
    return site_dir


def _remove_leftovers(site_dir: Path) -> None:
    """Staging folders of builds that were killed (we hold the lock: none is running)."""
    for leftover in site_dir.parent.glob(f".{site_dir.name}.staging-*"):
        shutil.rmtree(leftover, ignore_errors=True)


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Make `staging` the site; the old site ends up at `staging` (then removed)."""
    if not site_dir.exists():
        os.rename(staging, site_dir)
        return
    if _exchange(staging, site_dir):
        return
    old = site_dir.parent / f".{site_dir.name}.old-{os.getpid()}"
    os.rename(site_dir, old)
    os.rename(staging, site_dir)
    os.rename(old, staging)


def _exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths (Linux renameat2); False where not supported."""
    name = ctypes.util.find_library("c")
    if name is None:
        return False
    libc = ctypes.CDLL(name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    if result == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(b))
