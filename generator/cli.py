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
    if args.format == "csv":
        if not args.out:
            raise ConfigError("export --format csv needs --out FOLDER")
        folder = _safe_out(Path(args.out), result.settings)
        if folder.exists() and not folder.is_dir():
            raise ConfigError(f"--out {args.out}: is a file; csv needs a folder")
        try:
            folder.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ConfigError(f"--out {args.out}: cannot create it: {exc.strerror}") from None
        for name, text in export_csv(result.model, items).items():
            _write_atomic(folder / name, text.encode("utf-8-sig"))
    elif args.out:
        _write_atomic(_safe_out(Path(args.out), result.settings),
                      export_json(result.model, items).encode("utf-8"))
    else:
        sys.stdout.write(export_json(result.model, items))
    if items:
        print(format_diagnostics(items, "text"), file=sys.stderr)
    print(_summary(result), file=sys.stderr)
    return EXIT_CONTENT if result.failed(args.strict) else EXIT_OK


def _safe_out(path: Path, settings: Settings) -> Path:
    """Refuse to write into the content folder or over the site's configuration."""
    resolved = path.resolve()
    if resolved.is_relative_to(settings.docs_dir):
        raise ConfigError(f"--out {path}: refusing to write inside the content folder")
    if resolved == settings.config_file:
        raise ConfigError(f"--out {path}: refusing to overwrite the site's configuration")
    return resolved


def _write_atomic(path: Path, data: bytes) -> None:
    """Write to a temporary file beside `path`, then rename it into place."""
    if path.is_dir():
        raise ConfigError(f"--out {path}: is a folder; name a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.",
                                        suffix=".tmp")
    except OSError as exc:
        raise ConfigError(f"--out {path}: cannot write there: {exc.strerror}") from None
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ConfigError(f"--out {path}: cannot write there: {exc.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise
