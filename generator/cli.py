"""The `pmsite` command line: a thin front end over the pipeline."""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path

from generator import __version__
from generator.diagnostics import format_diagnostics
from generator.errors import ConfigError, PmsiteError
from generator.export import export_csv, export_json
from generator.pipeline import CheckResult, check
from generator.settings import load_settings, resolve_as_of

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run pmsite; return the exit code (0 fine, 1 content errors, 2 usage)."""
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on usage errors, 0 on --help
        return int(exc.code or 0)
    try:
        settings = load_settings(Path(args.config_file))
        as_of = resolve_as_of(args.as_of)
        result = check(settings, as_of)
        if args.command == "check":
            return _check(result, args)
        return _export(result, args)
    except ConfigError as exc:
        print(f"pmsite: error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except PmsiteError as exc:
        print(f"pmsite: error: {exc}", file=sys.stderr)
        return EXIT_CONTENT
    except KeyboardInterrupt:
        return 130
    except Exception as exc:  # a bug, not a content problem: say so plainly
        if os.environ.get("PMSITE_DEBUG"):
            traceback.print_exc()
        print(f"pmsite: internal error: {type(exc).__name__}: {exc} "
              "(a bug in pmsite; set PMSITE_DEBUG=1 for details)", file=sys.stderr)
        return EXIT_INTERNAL


def _summary(result: CheckResult) -> str:
    records = len(result.model.records) + len(result.model.records.people)
    errors, warnings = len(result.diagnostics.errors), len(result.diagnostics.warnings)
    return (f"pmsite: {records} records as of {result.as_of.isoformat()}: "
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")


def _check(result: CheckResult, args: argparse.Namespace) -> int:
    items = result.diagnostics.sorted()
    text = format_diagnostics(items, args.format)
    if text or args.format == "json":
        print(text)
    print(_summary(result), file=sys.stderr)
    return EXIT_CONTENT if result.failed(args.strict) else EXIT_OK


def _export(result: CheckResult, args: argparse.Namespace) -> int:
    items = result.diagnostics.sorted()
    docs_dir = result.settings.docs_dir
    if args.format == "csv":
        if not args.out:
            raise ConfigError("export --format csv needs --out FOLDER")
        folder = _safe_out(Path(args.out), docs_dir)
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in export_csv(result.model, items).items():
            _write_atomic(folder / name, text.encode("utf-8-sig"))
    elif args.out:
        _write_atomic(_safe_out(Path(args.out), docs_dir),
                      export_json(result.model, items).encode("utf-8"))
    else:
        sys.stdout.write(export_json(result.model, items))
    if items:
        print(format_diagnostics(items, "text"), file=sys.stderr)
    print(_summary(result), file=sys.stderr)
    return EXIT_CONTENT if result.failed(args.strict) else EXIT_OK


def _safe_out(path: Path, docs_dir: Path) -> Path:
    """Refuse to write into the content folder."""
    resolved = path.resolve()
    if resolved == docs_dir or resolved.is_relative_to(docs_dir):
        raise ConfigError(f"--out {path}: refusing to write inside the content folder")
    return resolved


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
