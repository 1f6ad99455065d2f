"""The `pmsite` command line: a thin front end over the pipeline."""

from __future__ import annotations

import argparse
import contextlib
import gc
import os
import sys
import traceback
from collections.abc import Sequence
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

from generator import __version__, commands, readahead
from generator.entry import EXIT_INTERRUPTED
from generator.errors import ConfigError, PmsiteError
from generator.forkmap import MIN_ITEMS, Pending, default_jobs, fork_one
from generator.kinds import scaffold_kinds
from generator.load import SourceDocument
from generator.pipeline import CheckResult, check
from generator.records import Records
from generator.resolve import Links
from generator.settings import Settings, load_settings, resolve_as_of

EXIT_OK, EXIT_CONTENT, EXIT_USAGE, EXIT_INTERNAL = 0, 1, 2, 3


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="pmsite", description="Portfolio, program and project office sites from Markdown.")
    parser.add_argument("--version", action="version", version=f"pmsite {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, help_text: str) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=help_text, description=help_text)
        sub.add_argument("-f", "--config-file", default="mkdocs.yml", metavar="FILE",
                         help="the site's mkdocs.yml (default: ./mkdocs.yml)")
        sub.add_argument("--as-of", metavar="DATE",
                         help="report as of this date (default: SOURCE_DATE_EPOCH, else today)")
        return sub

    sub = command("check", "validate the content (fast; for pull requests)")
    sub.add_argument("--format", choices=("text", "github", "json"), default="text")
    sub.add_argument("--strict", action="store_true", help="fail on warnings too")
    sub = command("export", "write the derived data as JSON (a file) or CSV (a folder)")
    sub.add_argument("--format", choices=("json", "csv"), default="json")
    sub.add_argument("--out", metavar="PATH", help="file (json) or folder (csv); "
                     "json goes to standard output without it")
    sub.add_argument("--strict", action="store_true", help="fail on warnings too")
    sub = command("build", "check, then build the whole site (the previous one stays on failure)")
    sub.add_argument("--strict", action="store_true", help="fail on warnings too")
    sub.add_argument("--site-dir", metavar="DIR", help="output folder (default: site_dir)")
    sub.add_argument("-v", "--verbose", action="store_true", help="show MkDocs' messages")
    sub = command("serve", "live preview: rebuilds on every content or template edit")
    sub.add_argument("-a", "--dev-addr", metavar="IP:PORT", help="default: 127.0.0.1:8000")
    sub = command("report", "the printable portfolio report as one self-contained HTML file")
    sub.add_argument("--out", metavar="FILE", default="portfolio-report.html")
    sub.add_argument("--strict", action="store_true", help="fail on warnings too")
    sub = command("diff", "what changed: a git revision against the working tree, or "
                  "--since DATE against --as-of")
    sub.add_argument("rev", nargs="?", metavar="REV",
                     help="git revision to compare the working tree with (default: HEAD, "
                     "unless --since is given)")
    sub.add_argument("--since", metavar="DATE", help="compare as of DATE with as of --as-of")
    sub.add_argument("--format", choices=("text", "markdown", "json"), default="text")
    sub.add_argument("--fail-on", choices=("worse",), help="exit 1 when any change is worse")
    sub = command("new", "scaffold a record from its template")
    sub.add_argument("kind", choices=scaffold_kinds())
    sub.add_argument("id", nargs="?", help="its id (for status: the project's id)")
    sub.add_argument("--title", help="its title (for person: the name)")
    for name in ("program", "project", "portfolio", "manager"):
        sub.add_argument(f"--{name}")
    sub.add_argument("--milestone", help="for change: the milestone it re-plans")
    return parser


def _checked(settings: Settings, as_of: date, command: str) -> CheckResult:
    """`check`; for a build, with Graphviz and the templates compiled meanwhile on other
    cores (the templates by a child process, if the build renders in more than one:
    taken if they are ready when the check is, else compiled where they are used)."""
    if command != "build":
        return check(settings, as_of, jobs=default_jobs())
    from generator import diagrams  # (only a build draws: `check` does not import it)
    from generator.jinjaenv import use_precompiled
    from generator.templating import precompile

    # (forked first, as the check's readers are: with Graphviz compiling in a thread,
    # nothing forks)
    compiling = fork_one(partial(precompile, settings), default_jobs(), MIN_ITEMS,
                         background=True)
    try:
        try:
            result = check(settings, as_of, jobs=default_jobs(),
                           after_reading=diagrams.start_warm_up,
                           after_resolving=partial(_changes_ahead, settings, as_of))
        except BaseException:
            with contextlib.suppress(Exception):
                if diagrams.warming_up():  # (waited for: the check's error is the one to tell)
                    diagrams.warm_up()
            raise
        diagrams.warm_up()  # (done by now: a build forks later, with one thread only)
        use_precompiled(compiling.made() or {})
    finally:
        compiling.close()
    return result


def _changes_ahead(settings: Settings, as_of: date, records: Records, links: Links,
                   pages: list[SourceDocument]) -> Pending[Any] | None:
    """What changed, begun in a child while the check builds the model (`changes_ahead`);
    not while Graphviz still compiles in a thread (nothing forks then: the build finds
    the changes its usual way, once it plans the site)."""
    from generator import diagrams
    from generator.changes import changes_ahead

    if not diagrams.warmed_up():
        return None
    diagrams.warm_up()  # (the thread is done: it is only joined)
    return changes_ahead(settings, as_of, records, links, pages, default_jobs())


def main(argv: Sequence[str] | None = None) -> int:
    """Run pmsite; return the exit code (0 fine, 1 content errors, 2 usage)."""
    try:
        return _main(argv)
    finally:
        readahead.discard()  # (children whose reading no check took: stopped, reaped)


def _main(argv: Sequence[str] | None) -> int:
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        settings = load_settings(Path(args.config_file))
        as_of = resolve_as_of(args.as_of)
        if args.command == "serve":
            return commands.run_serve(settings, as_of, args)
        if args.command == "diff":
            return commands.run_diff(settings, as_of, args)
        result = _checked(settings, as_of, args.command)
        # A one-shot command keeps the model until it exits: leave its millions of objects
        # out of every later garbage collection (each would walk them all again, the last
        # one at the interpreter's exit). A caller that goes on may `gc.unfreeze()`.
        gc.freeze()
        run = {"check": commands.run_check, "export": commands.run_export,
               "build": commands.run_build, "report": commands.run_report,
               "new": commands.run_new}[args.command]
        return run(result, args)
    except ConfigError as exc:
        print(f"pmsite: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PmsiteError as exc:
        print(f"pmsite: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except Exception as exc:  # noqa: BLE001 - a bug, not a content problem: say so plainly
        if os.environ.get("PMSITE_DEBUG"):
            traceback.print_exc()
        print(f"pmsite: internal error: {type(exc).__name__}: {exc} "
              "(a bug in pmsite; set PMSITE_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


