"""`pmsite build`: plan the site, build it into a staging folder, then swap it in atomically.

The site is planned (`plan_build`) before anything is written, with the content files as
MkDocs finds them; MkDocs then renders that plan, handed to the plugin as a value.

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
import stat
import traceback
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import jinja2
from mkdocs.commands.build import build as mkdocs_build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.structure.files import get_files

from generator.contentfiles import drop_unpublishable
from generator.diagnostics import Diagnostic
from generator.errors import ConfigError, PmsiteError
from generator.mkdocs_plugin import BuildValues, pmsite_plugin
from generator.pipeline import CheckResult
from generator.settings import Settings
from generator.site import SitePlan, content_files, plan_site

MARKER = ".pmsite-site"
"""A file in every folder pmsite built, so it knows which folders it may replace."""
_RENAME_EXCHANGE = 2


class BuildError(PmsiteError):
    """MkDocs could not build the site (the previous site is untouched)."""


@dataclass(slots=True)
class SiteBuild:
    """A planned build: the site, and MkDocs' configuration to render it with."""

    plan: SitePlan
    config: MkDocsConfig
    """mkdocs.yml as MkDocs reads it, writing to the staging folder."""
    site_dir: Path
    strict: bool = False
    """Warnings fail the build: the previous site stays."""
    jobs: int = 1
    """Processes the pages are rendered in (see `forkmap`)."""
    external: list[Diagnostic] = field(default_factory=list)
    """What the built site loads from outside itself (`external-asset`), once built."""


def plan_build(result: CheckResult, site_dir: Path, strict: bool = False,
               jobs: int = 1) -> SiteBuild:
    """Plan the site to be built into `site_dir`, against the content files as MkDocs finds
    them (two sources for one URL are found before anything is written).

    Needs content without errors: MkDocs' own walk follows the symlinks the check refuses.
    Diagrams are drawn, and pages rendered, in `jobs` processes.
    """
    settings = result.settings
    site_dir = site_dir.resolve()
    check_output_folder(settings, site_dir)
    staging = site_dir.parent / f".{site_dir.name}.staging-{os.getpid()}"
    try:
        config = load_config(str(settings.config_file), site_dir=str(staging), strict=strict)
    except (MkDocsException, Abort) as exc:
        raise BuildError(f"MkDocs could not build the site: {exc}") from None
    pmsite_plugin(config)
    files = get_files(config)
    drop_unpublishable(files, config.docs_dir)
    return SiteBuild(plan_site(result, content_files(files, settings), jobs=jobs), config,
                     site_dir, strict, jobs=jobs)


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


def build_site(job: SiteBuild) -> Path:
    """Build the planned site into its folder; return the folder written.

    Any failure to create, write, swap in or remove the output (a full disk, a read-only
    file system, a folder without permission) is a `ConfigError` that says so; the
    staging folder is removed on every path and the previous site is left as it was.
    """
    site_dir, staging = job.site_dir, Path(job.config.site_dir)
    check_output_folder(job.plan.result.settings, site_dir)
    try:
        with build_lock(site_dir):
            _remove_leftovers(site_dir)
            try:
                _build_into(job, staging)
                if job.strict and job.external:
                    raise BuildError(f"the built site loads {len(job.external)} file(s) from "
                                     "outside itself (--strict); the previous site is unchanged")
                _swap_in(staging, site_dir)
            except BaseException:
                _discard(staging)
                raise
            try:
                _remove_tree(staging)  # the previous site, swapped out
            except OSError as exc:
                raise ConfigError(
                    f"the site is built in {site_dir}, but the previous site, moved aside to "
                    f"{staging}, cannot be removed: {_reason(exc, site_dir)}; remove it yourself"
                ) from None
    except OSError as exc:
        if not _is_output(exc, site_dir):
            raise
        kept = ("the previous site is unchanged" if site_dir.exists()
                else "no site was written")
        raise ConfigError(f"cannot write the site to {site_dir}: {_reason(exc, site_dir)}; "
                          f"{_advice(exc)} ({kept})") from None
    return site_dir


def _build_into(job: SiteBuild, staging: Path) -> None:
    """MkDocs renders the plan into `staging`, which then gets pmsite's marker."""
    config = job.config
    config.plugins.on_startup(command="build", dirty=False)
    plugin = pmsite_plugin(config)
    plugin.prepare(BuildValues(job.plan.result.as_of, plan=job.plan, site_dir=job.site_dir,
                               jobs=job.jobs))
    try:
        # MkDocs lets an OSError from writing a page or copying a file through as it is.
        mkdocs_build(config)
        job.external = plugin.external
    except (MkDocsException, Abort) as exc:
        raise BuildError(f"MkDocs could not build the site: {exc}") from None
    finally:
        config.plugins.on_shutdown()
    (staging / MARKER).write_text("built by pmsite\n", encoding="utf-8")


@contextmanager
def site_templates_located(root: Path) -> Iterator[None]:
    """A template of the site's own (`site_template`) that fails while the site is
    planned or built: a `ConfigError` that names its file and line, not a bug in pmsite."""
    try:
        yield
    except PmsiteError:
        raise
    except Exception as exc:
        where = site_template(exc, root)
        if where is None:
            raise
        raise ConfigError(f"{where}: the site's template failed: {type(exc).__name__}: "
                          f"{exc} (the previous site is unchanged)") from None


def site_template(exc: BaseException, root: Path) -> str | None:
    """Where in a template of the site's own (a file under `root`, not one installed
    with a package or shipped with pmsite) `exc` was raised, as `path:line`: a Jinja
    error, or an error in the template's own expressions. None for an error raised
    anywhere else (a bug in pmsite, the theme or MkDocs: an internal error)."""
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return _own_template(exc.filename, exc.lineno, root)
    frames = traceback.extract_tb(exc.__traceback__)
    for index in range(len(frames) - 1, -1, -1):
        frame = frames[index]
        if not frame.filename.endswith(".py"):  # (Jinja names a template's frames so)
            after = frames[index + 1:]
            # A name the template used that nothing defines is the template's, even
            # where a filter of pmsite's is what found it out (`{{ as_of|day }}`).
            if (isinstance(exc, jinja2.UndefinedError) or all(
                    Path(f.filename).parent.name in ("jinja2", "markupsafe") for f in after)):
                return _own_template(frame.filename, frame.lineno or 0, root)
            return None
    return None


def _own_template(filename: str | None, line: int, root: Path) -> str | None:
    if not filename:
        return None
    path = Path(filename).resolve()
    try:
        from generator.templating import default_templates_dir
        shipped: Path | None = default_templates_dir()
    except FileNotFoundError:
        shipped = None
    if (not path.is_file() or not path.is_relative_to(root)
            or "site-packages" in path.parts or "dist-packages" in path.parts
            or (shipped is not None and path.is_relative_to(shipped))):
        return None
    return f"{path.relative_to(root).as_posix()}:{line}"


def _is_output(exc: OSError, site_dir: Path) -> bool:
    """Whether `exc` is about the output: the site, its staging folders or the way there."""
    names = [name for name in (exc.filename, exc.filename2) if name is not None]
    # A failed write() or close() names no file; only the output is written.
    return not names or any(_on_the_way(name, site_dir) or _inside(name, site_dir)
                            for name in names)


def _on_the_way(name: Any, site_dir: Path) -> bool:
    """`name` is the site's parent folder or one above it."""
    return site_dir.is_relative_to(os.path.abspath(os.fsdecode(name)))


def _inside(name: Any, site_dir: Path) -> bool:
    """`name` is in the site or in one of its siblings pmsite makes (staging, old, lock)."""
    path = Path(os.path.abspath(os.fsdecode(name)))
    if path == site_dir.parent or not path.is_relative_to(site_dir.parent):
        return False
    top = path.relative_to(site_dir.parent).parts[0]
    return top == site_dir.name or top.startswith(f".{site_dir.name}.")


def _reason(exc: OSError, site_dir: Path) -> str:
    """`No space left on device`; with the file when it is not one of the site's own."""
    reason = exc.strerror or str(exc)
    if exc.filename is None or _inside(exc.filename, site_dir):
        return reason
    return f"{reason} ({os.fsdecode(exc.filename)})"


def _advice(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG):
        return "free some space or choose another --site-dir"
    if exc.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return "make the folder writable or choose another --site-dir"
    return "choose another --site-dir"


def _remove_leftovers(site_dir: Path) -> None:
    """Staging folders of builds that were killed (we hold the lock: none is running)."""
    for leftover in sorted(site_dir.parent.glob(f".{site_dir.name}.staging-*")):
        _remove_tree(leftover)


def _remove_tree(path: Path) -> None:
    """Remove `path` and everything in it, even folders made read-only inside it."""
    if not path.exists() and not path.is_symlink():
        return
    try:
        shutil.rmtree(path)
    except OSError:
        _make_removable(path)
        shutil.rmtree(path)


def _make_removable(top: Path) -> None:
    """Give the owner read, write and search permission on every folder under `top`."""
    def allow(folder: str) -> None:
        mode = os.lstat(folder).st_mode
        if stat.S_ISDIR(mode):  # never a symlink: chmod would follow it
            os.chmod(folder, stat.S_IMODE(mode) | stat.S_IRWXU)

    allow(str(top))
    for folder, subfolders, _ in os.walk(top):
        for name in subfolders:
            allow(os.path.join(folder, name))


def _discard(staging: Path) -> None:
    """Remove a failed build's staging folder; the error that failed it is the one to tell."""
    try:
        _remove_tree(staging)
    except OSError:
        pass  # left for the next build's `_remove_leftovers`


def _swap_in(staging: Path, site_dir: Path) -> None:
    """Make `staging` the site; the old site ends up at `staging` (then removed).

    If that fails, the previous site is where it was.
    """
    if not site_dir.exists():
        os.rename(staging, site_dir)
        return
    if _exchange(staging, site_dir):
        return
    old = site_dir.parent / f".{site_dir.name}.old-{os.getpid()}"
    os.rename(site_dir, old)
    try:
        os.rename(staging, site_dir)
    except BaseException:
        os.rename(old, site_dir)
        raise
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
