"""The `pmsite` command's entry point. The command line is imported inside it, so that
Ctrl-C while Python loads pmsite's modules (the first 0.3-0.5 s) ends the command as
quietly as Ctrl-C later does (`cli.main`): exit status 130, no traceback."""

from __future__ import annotations

import sys
from collections.abc import Sequence

EXIT_INTERRUPTED = 130
"""128 + SIGINT, as a shell reports a command that Ctrl-C stopped."""


def main(argv: Sequence[str] | None = None) -> int:
    try:
        # The content files are read meanwhile (`readahead`), by processes forked first.
        from generator import readahead
        readahead.start(sys.argv[1:] if argv is None else argv)
        from generator.cli import main as run
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    return run(argv)
