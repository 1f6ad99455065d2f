"""Read the docs dir: every Markdown and YAML file, decoded, split, parsed, located."""

from __future__ import annotations

import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

from generator import readahead
from generator.contentfiles import scan_docs
from generator.diagnostics import Diagnostic, Diagnostics
from generator.forkmap import fork_map, forks
from generator.yamlsafe import MAX_BYTES, YamlDocument, YamlProblem, read_yaml, top_level_values

MAX_FILE_BYTES = 4_000_000
"""Largest Markdown file read; larger ones are reported, not read."""

_FENCE = re.compile(r"[ \t]*---[ \t]*")
_FENCE_END = re.compile(r"[ \t]*(---|\.\.\.)[ \t]*")


@dataclass(slots=True)
class SourceDocument:
    """One content file, read and parsed but not yet validated."""

    path: str
    """Path relative to the site repository, with `/` (as shown in diagnostics)."""
    rel: str
    """Path relative to the docs dir, with `/` (as MkDocs names the file)."""
    fmt: str
    """`markdown` or `yaml`."""
    yaml: YamlDocument | None
    """The front matter (Markdown) or the whole file (YAML); None when there is none."""
    body: str = ""
    """The Markdown body after the front matter."""
    body_line: int = 1
    """1-based line of the file on which the body starts."""

    @property
    def data(self) -> Any:
        return self.yaml.data if self.yaml is not None else None

    @property
    def stem(self) -> str:
        return self.rel.rsplit("/", 1)[-1].rsplit(".", 1)[0]

    @property
    def folder(self) -> str:
        return self.rel.rsplit("/", 1)[0] if "/" in self.rel else ""


def content_files(docs_dir: Path, diagnostics: Diagnostics, root: Path) -> list[Path]:
    """Markdown and YAML files under `docs_dir`, sorted; junk skipped, and every link,
    special file or bad name (anywhere in the folder) reported instead of read."""
    scan = scan_docs(docs_dir)
    for problem in scan.problems:
        diagnostics.error(_rel(docs_dir / problem.path, root), 0, 0, problem.code,
                          problem.message, problem.hint)
    return [docs_dir / rel for rel in scan.files]


ReadDocument = Callable[[Path, Path, Path, Diagnostics], SourceDocument | None]
"""How one content file is read (`read_document`, or a cache in front of it)."""


SHARED_CHUNK = 16
"""Files a process reads at a time when the reading is shared out (`read_documents`)."""


def read_documents(docs_dir: Path, root: Path, diagnostics: Diagnostics,
                   read: ReadDocument | None = None, jobs: int = 1) -> list[SourceDocument]:
    """Every content file as a SourceDocument; unreadable files become diagnostics.
    `read` reads one file (default `read_document`; the live preview passes a cache).

    Without `read`, the files are read in `jobs` processes where there are enough of
    them (`forks`: `fork_map` over chunks of `SHARED_CHUNK` files): parsing YAML is half
    of a check. Children that began reading them while the command loaded (`readahead`)
    give what they read instead. The documents and diagnostics are the same, in the same
    order, either way."""
    paths = content_files(docs_dir, diagnostics, root)
    chunks = chunked(paths)
    ahead = readahead.claim(docs_dir, root, paths) if read is None else None
    if ahead is not None:
        made = ahead.read()
    elif read is None and forks(jobs, len(chunks)):
        made = fork_map(partial(read_chunk, docs_dir, root), chunks, jobs)
    else:
        documents = []
        for path in paths:
            document = (read or read_document)(path, docs_dir, root, diagnostics)
            if document is not None:
                documents.append(document)
        return documents
    documents = []
    for chunk in made:
        for document, found in chunk:
            diagnostics.extend(found)
            if document is not None:
                documents.append(document)
    return documents


def chunked(paths: list[Path]) -> list[list[Path]]:
    """`paths` in chunks of `SHARED_CHUNK`, as processes share them out."""
    return [paths[at:at + SHARED_CHUNK] for at in range(0, len(paths), SHARED_CHUNK)]


def read_chunk(docs_dir: Path, root: Path, paths: list[Path]
               ) -> list[tuple[SourceDocument | None, list[Diagnostic]]]:
    """`read_document` of each of `paths`, with the diagnostics each gave, as added."""
    read = []
    for path in paths:
        found = Diagnostics()
        read.append((read_document(path, docs_dir, root, found), found.added))
    return read


def read_document(path: Path, docs_dir: Path, root: Path,
                  diagnostics: Diagnostics) -> SourceDocument | None:
    shown = _rel(path, root)
    rel = path.relative_to(docs_dir).as_posix()
    text = _read_text(path, shown, diagnostics)
    if text is None:
        return _unreadable(path, shown, rel)
    if rel.lower().endswith(".md"):
        return split_markdown(text, shown, rel, diagnostics)
    yaml_doc = read_yaml(text)
    _report(yaml_doc, shown, diagnostics)
    return SourceDocument(shown, rel, "yaml", yaml_doc)


def split_markdown(text: str, shown: str, rel: str, diagnostics: Diagnostics) -> SourceDocument:
    """Split front matter from body; the front matter's lines keep their file numbers."""
    lines = text.split("\n")
    if not lines or not _FENCE.fullmatch(lines[0]):
        return SourceDocument(shown, rel, "markdown", None, text, 1)
    for index in range(1, len(lines)):
        if _FENCE_END.fullmatch(lines[index]):
            front = "\n".join(lines[1:index])
            yaml_doc = read_yaml(front, line_offset=1)
            _report(yaml_doc, shown, diagnostics)
            body = "\n".join(lines[index + 1:])
            return SourceDocument(shown, rel, "markdown", yaml_doc, body, index + 2)
    diagnostics.error(shown, 1, 1, "front-matter-unterminated",
                      "front matter starts with '---' but has no closing '---' line",
                      "add a line with just '---' after the last front-matter field")
    return SourceDocument(shown, rel, "markdown", _identity_only(text), "", 1)


def _unreadable(path: Path, shown: str, rel: str) -> SourceDocument | None:
    """A file whose text could not be read (already reported): only the identity it
    names, read from its bytes as well as they decode, so references to it stay quiet
    (SPEC §7: one fault, one error). None when nothing could be read at all."""
    try:
        if not stat.S_ISREG(path.lstat().st_mode) or path.stat().st_size > MAX_FILE_BYTES:
            return None
        raw = path.read_bytes()
    except OSError:
        return None
    text = raw.replace(b"\x00", b"").decode("utf-8", "replace").replace("\r\n", "\n")
    fmt = "markdown" if rel.lower().endswith(".md") else "yaml"
    if fmt == "markdown":
        lines = text.split("\n")
        if not lines or not _FENCE.fullmatch(lines[0]):
            return None
        ends = [i for i, line in enumerate(lines[1:], 1) if _FENCE_END.fullmatch(line)]
        text = "\n".join(lines[1:ends[0] if ends else len(lines)])
    return SourceDocument(shown, rel, fmt, _identity_only(text), "", 1)


def _identity_only(text: str) -> YamlDocument:
    """A document that could not be read, holding only the identity its lines name.

    Its one problem was already reported; it is here so that validation knows the
    document is broken (and keeps the identity rather than publishing it as a page).
    """
    return YamlDocument(data=None, top_level=top_level_values(text),
                        problems=[YamlProblem(1, 1, "unreadable", "already reported")])


def _read_text(path: Path, shown: str, diagnostics: Diagnostics) -> str | None:
    try:
        info = path.stat()
        if not stat.S_ISREG(info.st_mode):  # a FIFO would block the read forever
            diagnostics.error(shown, 0, 0, "special-file",
                              "not a regular file (a FIFO, socket or device)", "remove it")
            return None
        size = info.st_size
        if size > max(MAX_FILE_BYTES, MAX_BYTES):
            diagnostics.error(shown, 0, 0, "too-large",
                              f"file is {size:,} bytes; the limit is {MAX_FILE_BYTES:,}",
                              "split it into smaller files")
            return None
        raw = path.read_bytes()
    except OSError as exc:
        diagnostics.error(shown, 0, 0, "unreadable", f"cannot read file: {exc.strerror}")
        return None
    if b"\x00" in raw:
        at = raw.index(b"\x00")
        line = raw[:at].count(b"\n") + 1
        column = at - (raw.rfind(b"\n", 0, at) + 1) + 1
        diagnostics.error(shown, line, column, "encoding", "file contains NUL bytes (binary?)",
                          "save it as UTF-8 text")
        return None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        diagnostics.error(shown, line, column, "encoding",
                          f"file is not UTF-8 (byte 0x{raw[exc.start]:02x})",
                          "save it as UTF-8; Windows editors may use cp1252")
        return None
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _report(yaml_doc: YamlDocument, shown: str, diagnostics: Diagnostics) -> None:
    for problem in yaml_doc.problems:
        if problem.severity == "error":
            diagnostics.error(shown, problem.line, problem.column, problem.code,
                              problem.message, problem.hint)
        else:
            diagnostics.warning(shown, problem.line, problem.column, problem.code,
                                problem.message, problem.hint)


def _rel(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
