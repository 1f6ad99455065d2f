"""Benchmark the incremental live preview (`pmsite serve`, generator/incremental.py).

Usage: ``python benchmarks/bench_preview.py [--size 1000] [--from DIR] [--json]``

A synthetic portfolio of ``--size`` projects (``synth.py``, or a copy of ``--from DIR``,
e.g. /tmp/p1000) gets one hand-written page, then a full preview build (what `pmsite
serve` did on every edit before). Then, for each kind of edit (a status report's
overall status, a charter's milestone date, the hand-written page), timed from writing
the file:

* **update**: the edited file re-read, the model derived and the site planned again;
* **page**: the page the author looks at (the project's page; the hand-written page)
  is up to date on disk, as the browser's request would make it;
* **dashboard**: then the dashboard (index.html), which shows the edit too;
* **all**: the background pass is done: every page, data file and the search index.

No assertion on the numbers: they are printed (``--json`` for a machine).
"""

from __future__ import annotations

import argparse
import json
import logging
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from common import AS_OF, HERE
from mkdocs.config import load_config

from generator.incremental import IncrementalPreview
from generator.mkdocs_plugin import BuildValues
from generator.preview import _build

SERVE_URL = "http://127.0.0.1:8000/"
HANDBOOK = "# How we work\n\nStatus reports are due every second Friday.\n"


def prepare(size: int, source: Path | None, folder: Path) -> None:
    """A synthetic portfolio in `folder`, with one hand-written page."""
    if source is not None:
        shutil.copytree(source / "content", folder / "content")
        shutil.copy(source / "mkdocs.yml", folder / "mkdocs.yml")
    else:
        subprocess.run([sys.executable, str(HERE / "synth.py"), str(size), str(folder),
                        "--force"], check=True, capture_output=True)
    (folder / "content" / "handbook.md").write_text(HANDBOOK, encoding="utf-8")


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path}: '{old}' not found")
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def project_page(state: IncrementalPreview, ident: str) -> str:
    """The output path of project `ident`'s page."""
    for src_uri, spec in state.plan.pages.items():
        record = spec.values.get("record")
        if spec.template == "project.md.j2" and getattr(record, "id", None) == ident:
            return src_uri[:-3] + "/index.html"
    raise SystemExit(f"no page for project {ident}")


def measure(state: IncrementalPreview, page: str) -> dict[str, Any]:
    """Times from the write just made: update, the page, the dashboard, everything."""
    started = time.perf_counter()
    outcome = state.update()
    figures: dict[str, Any] = {"full_build": outcome.full, "read": outcome.read,
                               "update": time.perf_counter() - started}
    state.ensure(page)
    figures["page"] = time.perf_counter() - started
    state.ensure("index.html")
    figures["dashboard"] = time.perf_counter() - started
    state.finish()
    figures["all"] = time.perf_counter() - started
    figures["pages_rendered"] = len(state.rendered)
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=1000, help="projects (default 1000)")
    parser.add_argument("--from", dest="source", type=Path,
                        help="copy this synthetic portfolio (synth.py output) instead")
    parser.add_argument("--as-of", default=AS_OF)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    logging.getLogger("mkdocs").setLevel(logging.ERROR)
    with tempfile.TemporaryDirectory(prefix="pmsite_bench_preview_") as tmp:
        folder = Path(tmp)
        prepare(args.size, args.source, folder)
        config = folder / "mkdocs.yml"
        state = IncrementalPreview(
            lambda: load_config(str(config), site_dir=str(folder / "site")),
            BuildValues(date.fromisoformat(args.as_of), keep_going=True), SERVE_URL, _build)
        started = time.perf_counter()
        state.full_build()
        results: dict[str, Any] = {"size": args.size,
                                   "full_build": time.perf_counter() - started,
                                   "pages": len(state.doc_files)}
        projects = folder / "content" / "projects"
        report = max((projects / "p0001" / "status").glob("*.md"))
        text = report.read_text(encoding="utf-8")
        overall = next(line for line in text.splitlines() if line.startswith("overall:"))
        flipped = "overall: red" if overall != "overall: red" else "overall: green"
        edit(report, overall, flipped)
        results["status_report"] = measure(state, project_page(state, "p0001"))
        charter = projects / "p0002" / "charter.md"
        due = next(line for line in charter.read_text(encoding="utf-8").splitlines()
                   if line.strip().startswith("due:"))
        moved = date.fromisoformat(due.split("due:")[1].strip()) + timedelta(days=7)
        edit(charter, due, due.split("due:")[0] + f"due: {moved.isoformat()}")
        results["charter_milestone"] = measure(state, project_page(state, "p0002"))
        edit(folder / "content" / "handbook.md", "every second Friday",
             "every Friday")
        results["hand_written_page"] = measure(state, "handbook/index.html")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{args.size} projects, {results['pages']} pages; "
              f"full preview build {results['full_build']:.1f} s")
        for kind in ("status_report", "charter_milestone", "hand_written_page"):
            r = results[kind]
            print(f"{kind:18} update {r['update']:5.2f} s  page {r['page']:5.2f} s  "
                  f"dashboard {r['dashboard']:5.2f} s  all {r['all']:5.1f} s  "
                  f"({r['pages_rendered']} pages rendered; read {r['read']}"
                  f"{'; FULL BUILD' if r['full_build'] else ''})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
