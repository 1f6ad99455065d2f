"""Walk the docs dir without following links: what may be read, what must not be published."""

from __future__ import annotations

import functools
import os
import re
import stat
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from generator.diagnostics import Diagnostic

JUNK = re.compile(r"(^\.|^#.*#$|~$|\.(swp|swo|swx|tmp|bak|orig|rej)$)")
"""Editor and VCS leftovers (and hidden files): never read, never reported."""
CONTENT_SUFFIXES = (".md", ".yml", ".yaml")
PAGE_SUFFIXES = (".md", ".markdown", ".mdown", ".mkdn", ".mkd")
"""What MkDocs publishes as a page (`a/b.md` -> `a/b/index.html`)."""
MAX_NAME_BYTES = 255
"""Longest file or folder name most file systems accept (NAME_MAX)."""
MAX_PATH_BYTES = 3800
"""Longest published path (docs-relative), leaving room for the site folder (PATH_MAX 4096)."""


@dataclass(frozen=True, slots=True)
class FileProblem:
    """Something in the docs dir that must not be read or published."""

    path: str
    """Docs-relative, with `/`; bytes that are not UTF-8 shown as U+FFFD."""
    code: str
    message: str
    hint: str
    hazard: bool = False
    """MkDocs' own walk (which follows links) would leave the docs dir or go in circles."""


@dataclass(slots=True)
class DocsScan:
    """Every file and folder of the docs dir, seen without following links."""

    files: list[str] = field(default_factory=list)
    """Docs-relative paths of the Markdown and YAML files that are safe to read, sorted."""
    problems: list[FileProblem] = field(default_factory=list)


def scan_docs(docs_dir: Path) -> DocsScan:
    """Look at every entry with lstat; nothing is opened, no link is followed."""
    docs_real = Path(os.path.realpath(docs_dir))
    scan = DocsScan()
    folder_links: list[tuple[str, Path, bool]] = []
    unlisted: list[OSError] = []
    for folder, dirs, names in os.walk(docs_dir, onerror=unlisted.append):
        here = Path(folder).relative_to(docs_dir).as_posix()
        prefix = "" if here == "." else here + "/"
        skip = any(JUNK.search(part) for part in prefix.split("/") if part) or not _utf8(prefix)
        entries = sorted({*dirs, *names})  # os.walk lists symlinked folders among the folders
        dirs[:] = sorted(d for d in dirs if not os.path.islink(os.path.join(folder, d)))
        for name in entries:
            rel, junk = prefix + name, skip or bool(JUNK.search(name))
            try:
                mode = os.lstat(os.path.join(folder, name)).st_mode
            except OSError:
                continue  # gone meanwhile
            if stat.S_ISLNK(mode):
                _link(scan, docs_real, Path(folder, name), rel, junk, folder_links)
            elif stat.S_ISDIR(mode):
                if not junk and not _utf8(name):
                    scan.problems.append(_bad_name(rel))
            elif not junk:
                _file(scan, rel, stat.S_ISREG(mode))
    _folder_links(scan, docs_real, folder_links)
    for error in unlisted:
        _unlisted(scan, docs_dir, error)
    scan.files.sort()
    scan.problems.sort(key=lambda p: (p.path, p.code, p.message))
    return scan


def _unlisted(scan: DocsScan, docs_dir: Path, error: OSError) -> None:
    """A folder whose entries cannot be listed: every file in it would be left out unseen
    (MkDocs' own walk skips it without a word)."""
    if isinstance(error, FileNotFoundError) or error.filename is None:
        return  # gone meanwhile, or no docs dir at all (the settings tell that)
    rel = Path(os.fsdecode(error.filename)).relative_to(docs_dir).as_posix()
    if any(JUNK.search(part) for part in rel.split("/") if part != "."):
        return  # hidden folders and editor leftovers are never read
    scan.problems.append(FileProblem(
        _shown(rel), "unreadable", f"cannot read folder: {error.strerror}",
        "give the build read access to the folder, or move it out of the content folder"))


def _link(scan: DocsScan, docs_real: Path, path: Path, rel: str, junk: bool,
          folder_links: list[tuple[str, Path, bool]]) -> None:
    try:
        target = path.resolve(strict=True)
        mode = os.stat(target).st_mode
    except (OSError, RuntimeError):
        if not junk:  # Emacs' lock files `.#x.md` are dangling links
            scan.problems.append(FileProblem(_shown(rel), "symlink", "broken or looping symlink",
                                             "remove it"))
        return
    inside = target.is_relative_to(docs_real)
    if stat.S_ISDIR(mode):
        if inside:
            folder_links.append((rel, target, junk))
        else:
            scan.problems.append(FileProblem(
                _shown(rel), "symlink", "symlinked folder points outside the content folder",
                "move the files into the content folder", hazard=True))
        return
    if junk:
        return
    if not inside:
        scan.problems.append(FileProblem(_shown(rel), "symlink",
                                         "symlink points outside the content folder",
                                         "copy the file in instead of linking it"))
        return
    _file(scan, rel, stat.S_ISREG(mode))


def _file(scan: DocsScan, rel: str, regular: bool) -> None:
    if not regular:
        scan.problems.append(FileProblem(
            _shown(rel), "special-file", "not a regular file (a FIFO, socket or device)",
            "remove it; only files and folders belong in the content folder"))
        return
    problem = name_problem(rel)
    if problem is not None:
        scan.problems.append(problem)
    elif rel.lower().endswith(CONTENT_SUFFIXES):
        scan.files.append(rel)


def _folder_links(scan: DocsScan, docs_real: Path,
                  links: list[tuple[str, Path, bool]]) -> None:
    """A symlinked folder inside the docs dir publishes its files twice; one that leads
    to itself or to another symlinked folder makes MkDocs walk in circles."""
    for rel, target, junk in links:
        inner = sorted(o for o, _, _ in links if (docs_real / o).is_relative_to(target))
        hint = "move the files instead of linking the folder"
        if rel in inner:
            message, hint = "symlinked folder loops back to a folder that contains it", "remove it"
        elif inner:
            message = f"symlinked folder leads to another one ('{_shown(inner[0])}')"
        elif junk:
            continue  # never published: MkDocs leaves out hidden files
        else:
            message = "symlinked folder: MkDocs would publish its files a second time"
        scan.problems.append(FileProblem(_shown(rel), "symlink", message, hint,
                                         hazard=bool(inner)))


def name_problem(rel: str) -> FileProblem | None:
    """A name that is not UTF-8, or that is too long once published (`a.md` -> `a/index.html`)."""
    if not _utf8(rel):
        return _bad_name(rel)
    out = published_path(rel)
    for part in out.split("/"):
        size = len(part.encode("utf-8"))
        if size > MAX_NAME_BYTES:
            short = part if len(part) <= 40 else part[:37] + "..."
            return FileProblem(rel, "file-name",
                               f"name '{short}' is {size} bytes once published; the limit is "
                               f"{MAX_NAME_BYTES}", "give it a shorter name")
    size = len(out.encode("utf-8"))
    if size > MAX_PATH_BYTES:
        return FileProblem(rel, "file-name", f"path is {size:,} bytes once published; the "
                           f"limit is {MAX_PATH_BYTES:,}", "use shorter folder and file names")
    return None


def published_path(rel: str) -> str:
    """Where MkDocs writes a docs file under directory URLs."""
    if not rel.lower().endswith(PAGE_SUFFIXES):
        return rel
    head, _, name = rel.rpartition("/")
    stem = name.rsplit(".", 1)[0]
    folder = f"{head}/" if head else ""
    return f"{folder}index.html" if stem in ("index", "README") else f"{folder}{stem}/index.html"


def walk_hazards(docs_dir: Path, root: Path) -> str:
    """The links MkDocs' own walk would follow out of the docs dir or in circles, located
    (one per line); '' when there are none."""
    shown = _root_prefix(docs_dir, root)
    return "\n".join(
        Diagnostic(shown + p.path, 0, 0, "error", p.code, p.message, p.hint).to_text()
        for p in scan_docs(docs_dir).problems if p.hazard)


class FileList(Protocol):
    """MkDocs' `Files` (or a list of `File`s), as far as it is used here."""

    def __iter__(self) -> Iterator[Any]: ...

    def remove(self, file: Any, /) -> None: ...


def drop_unpublishable(files: FileList, docs_dir: str) -> list[Any]:
    """MkDocs' files from `docs_dir` that must not be published: not a regular file inside
    the real docs dir, reached through a symlinked folder, or badly named. Pass a list of
    MkDocs `File`s (or `Files`); the ones returned are removed from it."""
    docs_real, docs_normal = os.path.realpath(docs_dir), os.path.normpath(docs_dir)
    linked = _Links(docs_dir)
    dropped = [f for f in list(files) if f.generated_by is None and f.abs_src_path
               and os.path.normpath(f.src_dir or "") == docs_normal
               and not _publishable(f.abs_src_path, docs_dir, docs_real, linked)]
    for file in dropped:
        files.remove(file)
    return dropped


def _publishable(path: str, docs_dir: str, docs_real: str, linked: _Links) -> bool:
    rel = plain_relative(path, docs_dir)
    if rel is None:
        rel = os.path.relpath(path, docs_dir)
    parts = rel.split(os.sep)
    if parts[0] == ".." or name_problem("/".join(parts)) is not None:
        return False
    if linked.on_the_way(parts[:-1]):
        return False
    try:
        mode = os.lstat(path).st_mode
        if stat.S_ISLNK(mode):
            if not os.path.realpath(path).startswith(docs_real + os.sep):
                return False
            mode = os.stat(path).st_mode
        return stat.S_ISREG(mode)
    except OSError:
        return False


class _Links:
    """Which folders under a docs dir are symlinks, each looked up once."""

    def __init__(self, docs_dir: str) -> None:
        self.docs_dir = docs_dir
        self.folders: dict[str, bool] = {}
        """Whether each folder (its path) is a symlink."""
        self.ways: dict[tuple[str, ...], bool] = {}
        """Whether a symlink is on each way down (folder names) asked about."""

    def on_the_way(self, names: list[str]) -> bool:
        """Whether a folder on the way down through `names` is a symlink."""
        way = tuple(names)
        found = self.ways.get(way)
        if found is None:
            folder, found = self.docs_dir, False
            for name in names:
                folder = os.path.join(folder, name)
                if folder not in self.folders:
                    self.folders[folder] = os.path.islink(folder)
                if self.folders[folder]:
                    found = True
                    break
            self.ways[way] = found
        return found


def plain_relative(path: str, folder: str) -> str | None:
    """`path` relative to `folder` when both are absolute and normal (as `normpath` leaves
    them: no `.`, `..`, doubled or trailing separator) and `path` is inside `folder`, read
    from the strings alone; else None, to be decided the slow way (`os.path.relpath`,
    `PurePath.relative_to`), which gives the same wherever this answers."""
    size = len(folder)
    if (len(path) <= size + 1 or path[size] != os.sep or not path.startswith(folder)
            or not _normal_folder(folder) or not _normal(path)):
        return None
    return path[size + 1:]


def _normal(path: str) -> bool:
    # (POSIX keeps a leading `//` as it is: such a path is left to the slow way)
    return (path.startswith(os.sep) and not path.startswith(os.sep * 2)
            and os.path.normpath(path) == path)


_normal_folder = functools.lru_cache(maxsize=64)(_normal)
"""`_normal` of the few folders asked about, again and again."""


def _root_prefix(docs_dir: Path, root: Path) -> str:
    try:
        rel = docs_dir.relative_to(root).as_posix()
    except ValueError:
        rel = docs_dir.as_posix()
    return "" if rel == "." else rel + "/"


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _shown(rel: str) -> str:
    return rel.encode("utf-8", "surrogateescape").decode("utf-8", "replace")


def _bad_name(rel: str) -> FileProblem:
    return FileProblem(_shown(rel), "file-name", "name is not valid UTF-8",
                       "rename it (the bad bytes are shown as \ufffd)")
