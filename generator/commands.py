"""What each `pmsite` command does once the content is checked (the CLI only dispatches)."""

from __future__ import annotations

import argparse
import dataclasses
import gc
import logging
import os
import sys
import tempfile
from contextlib import nullcontext
from datetime import date
from pathlib import Path
from typing import Any

from generator.diagnostics import format_diagnostics
from generator.errors import ConfigError
from generator.pipeline import CheckResult, check
from generator.settings import Settings

# Each command imports what only it needs when it runs: `pmsite check`, the one CI runs
# on every pull request, never pays for MkDocs, Jinja, the diagrams or git.

EXIT_OK, EXIT_CONTENT = 0, 1


def summary(result: CheckResult) -> str:
    records = len(result.model.records) + len(result.model.records.people)
    errors, warnings = len(result.diagnostics.errors), len(result.diagnostics.warnings)
    return (f"pmsite: {records} records as of {result.as_of.isoformat()}: "
            f"{errors} error{'s' * (errors != 1)}, {warnings} warning{'s' * (warnings != 1)}")


def run_check(result: CheckResult, args: argparse.Namespace) -> int:
    items = result.diagnostics.sorted()
    text = format_diagnostics(items, args.format)
    if text or args.format == "json":
        print(text)
    print(summary(result), file=sys.stderr)
    return EXIT_CONTENT if result.failed(args.strict) else EXIT_OK


def run_export(result: CheckResult, args: argparse.Namespace) -> int:
    """Write the export (JSON to a file or standard output, CSV to a folder)."""
    from generator.export import export_csv, export_json

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
    _tell(result)
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
        umask = os.umask(0)
        os.umask(umask)
        os.chmod(temp, 0o666 & ~umask)  # mkstemp makes 0600; a report is for sharing
        os.replace(temp, path)
    except OSError as exc:
        Path(temp).unlink(missing_ok=True)
        raise ConfigError(f"--out {path}: cannot write there: {exc.strerror}") from None
    except BaseException:
        Path(temp).unlink(missing_ok=True)
        raise


def _tell(result: CheckResult) -> None:
    """Every problem and the one-line summary, on standard error."""
    items = result.diagnostics.sorted()
    if items:
        print(format_diagnostics(items, "text"), file=sys.stderr)
    print(summary(result), file=sys.stderr)


GC_YOUNG = 10_000
"""Objects allocated between two collections of the youngest generation while `pmsite
build` plans and builds (Python's default is 700): the planned site and its pages are
millions of objects that live to the end, collected again and again at the default."""


def run_build(result: CheckResult, args: argparse.Namespace) -> int:
    """Plan the checked site, then build it into --site-dir (default: mkdocs.yml's)."""
    before = gc.get_threshold()
    gc.set_threshold(max(GC_YOUNG, before[0]), *before[1:])
    try:
        return _run_build(result, args)
    finally:
        gc.set_threshold(*before)


def _run_build(result: CheckResult, args: argparse.Namespace) -> int:
    from generator.build import build_site, plan_build, site_templates_located
    from generator.forkmap import default_jobs

    _mkdocs_logging(args.verbose)
    site_dir = Path(args.site_dir) if args.site_dir else result.settings.site_dir
    # Planning adds its own problems (two sources for one URL, a diagram not drawn).
    with site_templates_located(result.settings.root):
        job = None if result.failed(args.strict) else plan_build(result, site_dir,
                                                                 args.strict, default_jobs())
    gc.freeze()  # (the planned site, like the model: kept until the command exits)
    _tell(result)
    if job is None or result.failed(args.strict):
        if job is not None:  # (planning found errors: what children it started stop)
            job.plan.close()
        elif result.changes_ahead is not None:  # (the check's own, for nothing)
            result.changes_ahead.close()
        print("pmsite: not built; the previous site is unchanged", file=sys.stderr)
        return EXIT_CONTENT
    try:
        with site_templates_located(result.settings.root):
            built = build_site(job)
    finally:
        job.plan.close()  # (what children planning started stop, whatever happened)
        if job.external:  # found in the built files, after the problems above
            print(format_diagnostics(job.external, "text"), file=sys.stderr)
    print(f"pmsite: site built in {built}", file=sys.stderr)
    return EXIT_OK


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever `sys.stderr` is at the time (it may be replaced after setup)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        pass


def _mkdocs_logging(verbose: bool) -> None:
    """MkDocs' own messages on standard error: warnings, or everything with -v."""
    logger = logging.getLogger("mkdocs")
    if not any(getattr(h, "pmsite", False) for h in logger.handlers):
        handler = _StderrHandler()
        handler.setFormatter(logging.Formatter("%(levelname)s: %(message)s"))
        handler.pmsite = True  # type: ignore[attr-defined]
        logger.addHandler(handler)
    logger.setLevel(logging.INFO if verbose else logging.WARNING)
    # MkDocs' notes on page links stay at WARNING and above, even with -v (its note on
    # each of pmsite's links, which are final URLs, is dropped anyway: see linknotes).
    logging.getLogger("mkdocs.structure.pages").setLevel(logging.WARNING)


def run_serve(settings: Settings, as_of: date, args: argparse.Namespace) -> int:
    """MkDocs' dev server with the plugin: content errors show on the site, not a crash."""
    from generator.preview import serve_preview

    _mkdocs_logging(verbose=True)
    serve_preview(settings, as_of, args.dev_addr)
    return EXIT_OK


def run_report(result: CheckResult, args: argparse.Namespace) -> int:
    """Write the standalone report; content errors stop it like a build."""
    from generator.report import standalone_report

    html = None if result.failed(args.strict) else standalone_report(result)
    _tell(result)
    if html is None or result.failed(args.strict):
        return EXIT_CONTENT
    out = _safe_out(Path(args.out), result.settings)
    _write_atomic(out, html.encode("utf-8"))
    print(f"pmsite: report written to {out}", file=sys.stderr)
    return EXIT_OK


def run_new(result: CheckResult, args: argparse.Namespace) -> int:
    """Scaffold a record; the content need not be error-free, only what it names."""
    from generator.scaffold import Request, scaffold

    request = Request(args.kind, args.id, args.title, args.program, args.project,
                      args.portfolio, args.manager, args.milestone)
    path = scaffold(result, request)
    print(path.relative_to(result.settings.root).as_posix())
    return EXIT_OK


def run_diff(settings: Settings, as_of: date, args: argparse.Namespace) -> int:
    """What changed (SPEC §4.1): a revision against the working tree, or --since against
    --as-of, or both at once; neither compares HEAD with the working tree."""
    from generator.changes import changes_between
    from generator.diffreport import Side, diff_json, diff_markdown, diff_text
    from generator.diffreport import summary as diff_summary
    from generator.forkmap import default_jobs
    from generator.gitsource import revision_docs

    since = _since(args.since, as_of)
    revision = args.rev if args.rev is not None or since is not None else "HEAD"
    head = check(settings, as_of, jobs=default_jobs())
    copy = revision_docs(settings.docs_dir, revision) if revision else nullcontext(None)
    with copy as docs:
        base_settings = settings if docs is None else dataclasses.replace(settings,
                                                                          docs_dir=docs)
        base = check(base_settings, since or as_of, jobs=default_jobs())
    changes = changes_between(base, head)
    sides = Side(base.as_of, revision), Side(as_of, None)
    if args.format == "json":
        sys.stdout.write(diff_json(changes, *sides))
    elif args.format == "markdown":
        sys.stdout.write(diff_markdown(changes, *sides))
    else:
        sys.stdout.write(diff_text(changes))
    print(diff_summary(changes, *sides), file=sys.stderr)
    worse = any(change.direction == "worse" for change in changes)
    return EXIT_CONTENT if args.fail_on == "worse" and worse else EXIT_OK


def _since(value: str | None, as_of: date) -> date | None:
    if value is None:
        return None
    try:
        since = date.fromisoformat(value)
    except ValueError:
        raise ConfigError(f"--since: '{value}' is not a date like 2026-03-31") from None
    if since > as_of:
        raise ConfigError(f"--since {since.isoformat()} is after the as-of date "
                          f"{as_of.isoformat()}; give an earlier --since or a later --as-of")
    return since
