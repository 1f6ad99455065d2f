"""Content files read by child processes while pmsite's own modules load.

A command that reads every content file (`build`, `check`, `export`, `report`) spends its
first half second importing its modules (MkDocs, Jinja, pydantic, networkx) on one core,
the others idle, and only then reads the files, in `jobs` processes (`read_documents`).
`start` finds the files and forks the readers before those imports, with no more than
the site's settings loaded: the children read the chunks from the first on, the
command's own process from the last back once it has loaded, until it meets them
(`forkmap.Started.finish`), then takes the children's in order. It takes them only if the
command finds the same files in the same site when its check reads them (`claim`);
otherwise (another site, files added or removed meanwhile) it reads every file itself,
and a chunk a child failed to read it reads itself too. Either way the documents and
diagnostics are the same, in the same order, as reading them in one process."""

from __future__ import annotations

import os
from collections.abc import Sequence
from functools import partial
from pathlib import Path
from typing import Any

from generator.diagnostics import Diagnostics
from generator.forkmap import Started, can_fork, default_jobs, fork_started, forks

COMMANDS = frozenset({"build", "check", "export", "report"})
"""The commands that read every content file first."""
Chunk = list[tuple[Any, list[Any]]]
"""What `load.read_chunk` gives: each file's document and diagnostics."""


class ReadAhead:
    """The children reading one site's content files (`start`)."""

    def __init__(self, docs_dir: Path, root: Path, paths: list[Path],
                 started: Started) -> None:
        self.docs_dir, self.root, self.paths = docs_dir, root, paths
        """The site's folders, and the content files found in it when reading began."""
        self._started = started
        self._owner = os.getpid()

    def read(self) -> list[Chunk]:
        """Every chunk read, in order: the children's as they read them, the rest here."""
        return self._started.finish()

    def close(self) -> None:
        """Stop the children still reading (a command that did not read the files)."""
        if os.getpid() == self._owner:
            self._started.close()


_STARTED: list[ReadAhead] = []


def start(argv: Sequence[str]) -> None:
    """Have child processes begin reading the content files of the site `argv` names, if
    it is a command that reads them all and this machine renders in several processes.
    Nothing is said here about a command line or site that is wrong (the command says
    it), and nothing raised: without children, the command reads the files itself."""
    config = config_file(argv)
    jobs = default_jobs()
    if config is None or jobs < 2 or not can_fork():
        return
    try:
        ahead = _started(Path(config), jobs)
    except Exception:  # noqa: BLE001 (a bad config or folder: the command reports it)
        return
    if ahead is not None:
        discard()
        _STARTED.append(ahead)


def _started(config: Path, jobs: int) -> ReadAhead | None:
    from generator.load import chunked, content_files, read_chunk  # (it imports this module)
    from generator.settings import load_settings  # (light: PyYAML and the options)

    settings = load_settings(config)
    docs_dir, root = settings.docs_dir, settings.root
    paths = content_files(docs_dir, Diagnostics(), root)
    chunks = chunked(paths)
    if not forks(jobs, len(chunks)):
        return None
    read = partial(read_chunk, docs_dir, root)
    started = fork_started(read, chunks, jobs, wait=False)
    return ReadAhead(docs_dir, root, paths, started)


def claim(docs_dir: Path, root: Path, paths: list[Path]) -> ReadAhead | None:
    """The children reading this site's files, if `start` began them and they found
    exactly `paths` (once)."""
    if not _STARTED:
        return None
    ahead = _STARTED.pop()
    if (ahead.docs_dir, ahead.root, ahead.paths) != (docs_dir, root, paths):
        ahead.close()
        return None
    return ahead


def discard() -> None:
    """Stop children whose reading no check claimed."""
    while _STARTED:
        _STARTED.pop().close()


def config_file(argv: Sequence[str]) -> str | None:
    """The config file of a command line that reads every content file, as its parser
    reads `-f`/`--config-file` (default mkdocs.yml); None for any other command, for help,
    or for an option this cannot tell apart."""
    if not argv or argv[0] not in COMMANDS:
        return None
    config = "mkdocs.yml"
    args = list(argv[1:])
    for index, arg in enumerate(args):
        if arg == "--":
            break
        name, equals, value = arg.partition("=")
        if arg in ("-h", "--help"):
            return None
        if arg == "-f" or (len(name) > 3 and "--config-file".startswith(name)):
            if equals:
                config = value
            elif index + 1 < len(args):
                config = args[index + 1]
            else:
                return None
        elif arg.startswith("-f"):
            config = arg[2:]
    return config

