"""Benchmark the incremental live preview (`pmsite serve`, generator/incremental.py).

Usage: ``python benchmarks/bench_preview.py [--size 1000] [--from DIR] [--server] [--json]``

A synthetic portfolio of ``--size`` projects (``synth.py``, or a copy of ``--from DIR``,
e.g. /tmp/p1000) gets one hand-written page, then a full preview build (what `pmsite
serve` did on every edit before). Then, for each kind of edit (a status report's
overall status, a charter's milestone date, a charter's project-level dependency moved to
another project, the hand-written page), timed from writing the file:

* **update**: the edited file re-read, the model derived and the site planned again;
* **page**: the page the author looks at (the project's page; the hand-written page)
  is up to date on disk, as the browser's request would make it;
* **dashboard**: then the dashboard (index.html), which shows the edit too;
* **all**: the background pass is done: every page, data file and the search index.

With ``--server`` the same three edits are measured end to end, as a reader sees them:
``python -m generator serve -f DIR/mkdocs.yml --as-of DATE -a 127.0.0.1:PORT`` runs as a
child process (its first, full build takes about 40 s at 1,000 projects; the benchmark
waits until the dashboard answers 200). For each edit the file is written in one go (the
status report's ``overall:`` flipped, a charter milestone's ``due:`` moved by 7 days, and
in all three a unique word such as ``Quokka1`` appended to the body), then the page the
author looks at is fetched every 20 ms until its HTML holds that word (a request made
while the server rebuilds waits for the rebuild); the time from the write to that
response is printed. This includes what the in-process mode leaves out:
the file watcher noticing the write, MkDocs' short wait for more writes, the HTTP round
trip. Between edits the benchmark waits ``--settle`` seconds (default 3). The background
pass that brings the rest of the site up to date does not block requests (a page asked
for goes first), but it does compete for the CPU, and at 1,000 projects it takes longer
than 3 s: the next edit stops it at its next page. The server is stopped with SIGINT (as
Ctrl+C, so that it removes its temporary site folder), then terminated if it lingers.

No assertion on the numbers: they are printed (``--json`` for a machine).
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import Any, TextIO

from common import AS_OF, HERE, REPO, child_env
from mkdocs.config import load_config

from generator.incremental import IncrementalPreview
from generator.mkdocs_plugin import BuildValues
from generator.preview import _build

SERVE_URL = "http://127.0.0.1:8000/"
HANDBOOK = "# How we work\n\nStatus reports are due every second Friday.\n"
KINDS = ("status_report", "charter_milestone", "charter_dependency", "hand_written_page")
POLL_SECONDS = 0.02
"""--server: how often the edited page is fetched again."""
UP_SECONDS = 900.0
"""--server: how long the first build may take before the benchmark gives up."""
SEEN_SECONDS = 120.0
"""--server: how long an edit may take to show before the benchmark gives up."""


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


def dependent_charter(projects: Path) -> tuple[Path, str]:
    """The first charter with a project-level dependency, and the project it needs."""
    for charter in sorted(projects.glob("*/charter.md")):
        found = re.search(r"(?m)^depends_on:\n  - (p\d+)$", charter.read_text(encoding="utf-8"))
        if found:
            return charter, found[1]
    raise SystemExit("no charter with a project-level dependency")


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
    parser.add_argument("--server", action="store_true",
                        help="measure end to end: a `pmsite serve` child, edits seen over HTTP")
    parser.add_argument("--settle", type=float, default=3.0,
                        help="--server: seconds between edits (default 3)")
    args = parser.parse_args(argv)
    if args.server:
        return main_server(args)
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
        charter, needed = dependent_charter(projects)
        other = next(f"p{n:04d}" for n in range(1, args.size + 1)
                     if f"p{n:04d}" not in (charter.parent.name, needed))
        edit(charter, f"depends_on:\n  - {needed}\n", f"depends_on:\n  - {other}\n")
        results["charter_dependency"] = measure(state, project_page(state, charter.parent.name))
        edit(folder / "content" / "handbook.md", "every second Friday",
             "every Friday")
        results["hand_written_page"] = measure(state, "handbook/index.html")
    if args.json:
        print(json.dumps(results, indent=2))
    else:
        print(f"{args.size} projects, {results['pages']} pages; "
              f"full preview build {results['full_build']:.1f} s")
        for kind in KINDS:
            r = results[kind]
            print(f"{kind:18} update {r['update']:5.2f} s  page {r['page']:5.2f} s  "
                  f"dashboard {r['dashboard']:5.2f} s  all {r['all']:5.1f} s  "
                  f"({r['pages_rendered']} pages rendered; read {r['read']}"
                  f"{'; FULL BUILD' if r['full_build'] else ''})")
    return 0


# --server: the same edits, end to end through a `pmsite serve` child process.


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def fetch(url: str) -> tuple[int, str] | None:
    """The status and body of GET `url`; None when nothing answers (yet)."""
    try:
        with urllib.request.urlopen(url, timeout=SEEN_SECONDS) as response:
            return int(response.status), response.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode("utf-8", "replace")
    except (urllib.error.URLError, ConnectionError, TimeoutError):
        return None


def wait_until_up(server: subprocess.Popen[bytes], url: str) -> float:
    """Seconds until GET `url` answers 200; SystemExit when the server exits first."""
    started = time.perf_counter()
    while time.perf_counter() - started < UP_SECONDS:
        if server.poll() is not None:
            raise SystemExit(f"pmsite serve exited ({server.returncode}) before serving")
        answer = fetch(url)
        if answer is not None and answer[0] == 200:
            return time.perf_counter() - started
        time.sleep(0.5)
    raise SystemExit(f"{url} did not answer 200 within {UP_SECONDS:.0f} s")


def rewrite(path: Path, old: str, new: str, word: str) -> None:
    """`old` replaced by `new` and a paragraph with `word` appended: one write."""
    text = path.read_text(encoding="utf-8")
    if old not in text:
        raise SystemExit(f"{path}: '{old}' not found")
    path.write_text(text.replace(old, new, 1).rstrip("\n") + f"\n\n{word} was here.\n",
                    encoding="utf-8")


def seen_after_write(url: str, write: Callable[[str], None], word: str) -> dict[str, Any]:
    """Seconds from `write(word)` returning to the first 200 response of `url` with `word`."""
    before = fetch(url)
    if before is None or before[0] != 200:
        raise SystemExit(f"{url}: {before[0] if before else 'no answer'} before the edit")
    if word in before[1]:
        raise SystemExit(f"{url}: '{word}' is there before the edit")
    write(word)
    started = time.perf_counter()
    requests = 0
    while time.perf_counter() - started < SEEN_SECONDS:
        answer = fetch(url)
        requests += 1
        if answer is not None and answer[0] == 200 and word in answer[1]:
            return {"seen": time.perf_counter() - started, "requests": requests}
        time.sleep(POLL_SECONDS)
    raise SystemExit(f"{url}: '{word}' not shown {SEEN_SECONDS:.0f} s after the edit")


def stop(server: subprocess.Popen[bytes]) -> None:
    """Ctrl+C first (the server removes its temporary site folder), then terminate, kill."""
    if server.poll() is not None:
        return
    server.send_signal(signal.SIGINT if os.name == "posix" else signal.SIGTERM)
    try:
        server.wait(30)
        return
    except subprocess.TimeoutExpired:
        server.terminate()
    try:
        server.wait(10)
    except subprocess.TimeoutExpired:
        server.kill()
        server.wait()


def server_edits(folder: Path, base: str, settle: float, out: TextIO) -> dict[str, Any]:
    """The three edits, each timed from its write to the page showing it (a line each on
    `out`)."""
    projects = folder / "content" / "projects"
    report = max((projects / "p0001" / "status").glob("*.md"))
    overall = next(line for line in report.read_text(encoding="utf-8").splitlines()
                   if line.startswith("overall:"))
    flipped = "overall: red" if overall != "overall: red" else "overall: green"
    charter = projects / "p0002" / "charter.md"
    due = next(line for line in charter.read_text(encoding="utf-8").splitlines()
               if line.strip().startswith("due:"))
    moved = date.fromisoformat(due.split("due:")[1].strip()) + timedelta(days=7)
    handbook = folder / "content" / "handbook.md"
    # Project pages are planned as projects/<id>.md (generator/pages/records.py), so
    # served at projects/<id>/ (what project_page() finds in the plan).
    edits: dict[str, tuple[str, Callable[[str], None]]] = {
        "status_report": (f"{base}projects/p0001/",
                          lambda word: rewrite(report, overall, flipped, word)),
        "charter_milestone": (f"{base}projects/p0002/", lambda word: rewrite(
            charter, due, due.split("due:")[0] + f"due: {moved.isoformat()}", word)),
        "hand_written_page": (f"{base}handbook/",
                              lambda word: rewrite(handbook, "", "", word)),
    }
    results: dict[str, Any] = {}
    for n, (kind, (url, write)) in enumerate(edits.items(), start=1):
        time.sleep(settle)
        word = f"Quokka{n}"
        results[kind] = {"url": url, "word": word,
                         **seen_after_write(url, write, word)}
        print(f"{kind:18} '{word}' on {url[len(base) - 1:]} "
              f"{results[kind]['seen']:5.2f} s after the write "
              f"({results[kind]['requests']} requests)", file=out, flush=True)
    return results


def main_server(args: argparse.Namespace) -> int:
    with tempfile.TemporaryDirectory(prefix="pmsite_bench_preview_") as tmp:
        folder = Path(tmp)
        prepare(args.size, args.source, folder)
        port = free_port()
        base = f"http://127.0.0.1:{port}/"
        env = child_env(REPO)
        log_path = folder / "serve.log"
        with log_path.open("wb") as log:
            server = subprocess.Popen(
                [sys.executable, "-m", "generator", "serve", "-f", str(folder / "mkdocs.yml"),
                 "--as-of", args.as_of, "-a", f"127.0.0.1:{port}"],
                cwd=folder, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                up = wait_until_up(server, base)
                out = sys.stderr if args.json else sys.stdout
                print(f"{args.size} projects: pmsite serve answered after {up:.1f} s",
                      file=out, flush=True)
                results: dict[str, Any] = {"size": args.size, "mode": "server",
                                           "first_build": up, "settle": args.settle,
                                           **server_edits(folder, base, args.settle, out)}
            except BaseException:
                lines = log_path.read_text(encoding="utf-8", errors="replace").splitlines()
                print("\n".join(["pmsite serve said (last 40 lines):", *lines[-40:]]),
                      file=sys.stderr)
                raise
            finally:
                stop(server)
    if args.json:
        print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
