"""Benchmark `pmsite check` against a bare CSafeLoader read of the same files (SPEC §8).

Usage: ``python benchmarks/bench_check.py [--sizes 250,500,1000] [--reps 3] [--json]``

For each size N a synthetic portfolio is written by ``synth.py`` into a temporary folder.
Then, each in a fresh child process (so the peak RSS belongs to one measurement):

* **baseline**: walk ``content/`` in sorted order, read every file, load the front matter
  of each ``.md`` and the whole of each ``.yml`` with ``yaml.CSafeLoader``;
* **check**: ``generator.cli.main(["check", "-f", mkdocs.yml, "--format", "json",
  "--as-of", DATE])`` with its output captured; imports are timed separately;
* **command**: the same through ``generator.entry.main``, as the ``pmsite`` command runs
  it: the content files' reading begins before the command's modules load
  (``generator.readahead``).

Each is repeated (best time kept). The ratio judged is of whole processes, timed from
the parent (interpreter start, imports, the work, exit), the way CI runs ``pmsite
check`` (issue 11): the **command**'s. The work alone, imports left out, is the ``work
ratio`` beside it (the **check**'s).
Exit 1 when check takes more than ``--max-ratio`` (default 2.0) times the baseline at
the largest N, or reports content errors; exit 2 when a measurement cannot run at all.
"""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import resource
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from common import BenchError, base_parser, child_env, measure_sizes, report_header

FRONT_MATTER = re.compile(r"\A---[ \t]*\r?\n(.*?)^---[ \t]*\r?$", re.DOTALL | re.MULTILINE)





# -- child side: one measurement per process ---------------------------------------------


def peak_rss_mb() -> float:
    """Peak resident set size of this process in MiB."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def content_files(content: Path) -> Iterator[Path]:
    """Every file under `content`, folders and names in sorted order."""
    for folder, dirs, files in os.walk(content):
        dirs.sort()
        for name in sorted(files):
            yield Path(folder, name)


def child_baseline(content: Path) -> dict[str, Any]:
    """Read and YAML-load every content file the way a minimal loader would."""
    import yaml

    loader = yaml.CSafeLoader
    started = time.perf_counter()
    files = 0
    for path in content_files(content):
        files += 1
        text = path.read_text(encoding="utf-8")
        if path.suffix == ".md":
            match = FRONT_MATTER.match(text)
            if match:
                yaml.load(match.group(1), Loader=loader)
        elif path.suffix in (".yml", ".yaml"):
            yaml.load(text, Loader=loader)
    seconds = time.perf_counter() - started
    return {"seconds": seconds, "files": files, "peak_rss_mb": peak_rss_mb()}


def count_diagnostics(output: str) -> dict[str, int]:
    """Severity counts from check's JSON output (a list, or an object with `diagnostics`)."""
    try:
        data = json.loads(output)
    except ValueError:
        return {}
    items = data.get("diagnostics", []) if isinstance(data, dict) else data
    counts: dict[str, int] = {}
    for item in items if isinstance(items, list) else []:
        if isinstance(item, dict):
            severity = str(item.get("severity", "unknown"))
            counts[severity] = counts.get(severity, 0) + 1
    return counts


def child_check(mkdocs_yml: Path, as_of: str, command: bool = False) -> dict[str, Any]:
    """Time `generator.cli.main(["check", ...])` in-process, imports excluded; or (with
    `command`) `generator.entry.main`, the `pmsite` command, its imports included."""
    started = time.perf_counter()
    if command:
        import generator.entry

        run = generator.entry.main
    else:
        import generator.cli

        run = generator.cli.main
    import_seconds = time.perf_counter() - started
    out = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    err = io.TextIOWrapper(io.BytesIO(), encoding="utf-8")
    argv = ["check", "-f", str(mkdocs_yml), "--format", "json", "--as-of", as_of]
    started = time.perf_counter()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = int(run(argv) or 0)
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else 0 if exc.code is None else 2
    seconds = time.perf_counter() - started
    out.flush()
    err.flush()
    output = out.buffer.getvalue().decode("utf-8", "replace")
    errors = err.buffer.getvalue().decode("utf-8", "replace")
    return {
        "seconds": seconds,
        "import_seconds": import_seconds,
        "peak_rss_mb": peak_rss_mb(),
        "exit_code": code,
        "diagnostics": count_diagnostics(output),
        "output_head": output[:2000],
        "stderr_head": errors[:2000],
    }


def child_main(argv: Sequence[str]) -> int:
    """Entry of a child process: measure once and print one JSON line."""
    mode, target, as_of = argv
    result = (
        child_baseline(Path(target)) if mode == "baseline"
        else child_check(Path(target), as_of, command=mode == "command")
    )
    print(json.dumps(result))
    return 0


# -- parent side ----------------------------------------------------------------------------


@dataclass
class SizeResult:
    """Best-of-reps measurements for one portfolio size."""

    n: int
    files: int
    generate_seconds: float
    baseline_seconds: float
    baseline_peak_rss_mb: float
    check_seconds: float
    check_import_seconds: float
    check_peak_rss_mb: float
    check_exit_code: int
    diagnostics: dict[str, int] = field(default_factory=dict)
    ratio: float = 0.0
    """Whole processes (start, imports, work, exit), as CI runs `pmsite check`."""
    baseline_process_seconds: float = 0.0
    check_process_seconds: float = 0.0
    in_process_ratio: float = 0.0
    """The work alone, imports and interpreter start left out on both sides."""
    check_ms_per_project: float = 0.0
    growth: float = 1.0  # per-project check time relative to the smallest N


def run_child(mode: str, target: Path, as_of: str, root: Path) -> dict[str, Any]:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    env = child_env(root)
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", mode, str(target), as_of],
        env=env,
        cwd=target.parent,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise BenchError(f"{mode} child failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    result["process_seconds"] = time.perf_counter() - started
    return result


def measure(n: int, workdir: Path, reps: int, as_of: str, root: Path, seed: int) -> SizeResult:
    """Generate a portfolio of `n` projects and take the best of `reps` runs of each side."""
    import synth

    outdir = workdir / f"n{n}"
    started = time.perf_counter()
    files = synth.generate(n, outdir, seed=seed, force=True)
    generate_seconds = time.perf_counter() - started
    baseline: list[dict[str, Any]] = []
    check: list[dict[str, Any]] = []
    command: list[dict[str, Any]] = []
    for _ in range(reps):  # interleaved, so a noisy moment hurts both sides alike
        baseline.append(run_child("baseline", outdir / "content", as_of, root))
        check.append(run_child("check", outdir / "mkdocs.yml", as_of, root))
        command.append(run_child("command", outdir / "mkdocs.yml", as_of, root))
    best_base = min(baseline, key=lambda r: r["seconds"])
    best_check = min(check, key=lambda r: r["seconds"])
    failed = next((r for r in check + command if r["exit_code"] != 0), None)
    if failed is not None:
        print(f"N={n}: check exited {failed['exit_code']}; its output begins:", file=sys.stderr)
        print(failed["output_head"] or failed["stderr_head"], file=sys.stderr)
    return SizeResult(
        n=n,
        files=files,
        generate_seconds=generate_seconds,
        baseline_seconds=best_base["seconds"],
        baseline_peak_rss_mb=max(r["peak_rss_mb"] for r in baseline),
        check_seconds=best_check["seconds"],
        check_import_seconds=min(r["import_seconds"] for r in check),
        check_peak_rss_mb=max(r["peak_rss_mb"] for r in check + command),
        check_exit_code=max(r["exit_code"] for r in check + command),
        diagnostics=best_check["diagnostics"],
        baseline_process_seconds=min(r["process_seconds"] for r in baseline),
        check_process_seconds=min(r["process_seconds"] for r in command),
        ratio=(min(r["process_seconds"] for r in command)
               / min(r["process_seconds"] for r in baseline)),
        in_process_ratio=best_check["seconds"] / best_base["seconds"],
        check_ms_per_project=1000 * best_check["seconds"] / n,
    )


def format_table(results: Sequence[SizeResult]) -> str:
    """A fixed-width table of the results, one row per size."""
    columns: list[tuple[str, int, Callable[[SizeResult], str]]] = [  # header, width, cell
        ("N", 6, lambda r: f"{r.n}"),
        ("files", 6, lambda r: f"{r.files}"),
        ("baseline s", 10, lambda r: f"{r.baseline_process_seconds:.3f}"),
        ("check s", 8, lambda r: f"{r.check_process_seconds:.3f}"),
        ("ratio", 6, lambda r: f"{r.ratio:.2f}"),
        ("work ratio", 10, lambda r: f"{r.in_process_ratio:.2f}"),
        ("import s", 8, lambda r: f"{r.check_import_seconds:.3f}"),
        ("peak MB", 8, lambda r: f"{r.check_peak_rss_mb:.1f}"),
        ("ms/project", 10, lambda r: f"{r.check_ms_per_project:.3f}"),
        ("growth", 6, lambda r: f"{r.growth:.2f}"),
    ]
    head = "  ".join(f"{name:>{width}}" for name, width, _ in columns) + "  diagnostics"
    rows = [head, "-" * len(head)]
    for r in results:
        diags = ", ".join(f"{v} {k}" for k, v in sorted(r.diagnostics.items())) or "-"
        cells = "  ".join(f"{cell(r):>{width}}" for _, width, cell in columns)
        rows.append(f"{cells}  {diags}")
    return "\n".join(rows)





def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["--child"]:
        return child_main(args_list[1:])
    parser = base_parser(__doc__.splitlines()[0], reps=3, max_ratio=2.0,
                         ratio_help="fail when check/baseline exceeds this at the largest N")
    args = parser.parse_args(args_list)

    found = measure_sizes(args, "bench_check", measure)
    if found is None:
        return 2
    results: list[SizeResult] = found
    for r in results:
        r.growth = r.check_ms_per_project / results[0].check_ms_per_project

    largest = results[-1]
    failures = []
    if largest.ratio > args.max_ratio:
        failures.append(
            f"check is {largest.ratio:.2f}x the baseline at N={largest.n} "
            f"(target <= {args.max_ratio:.2f}x)"
        )
    failures += [
        f"check exited {r.check_exit_code} at N={r.n}" for r in results if r.check_exit_code != 0
    ]
    if args.json:
        print(
            json.dumps(
                {
                    **report_header(args, failures),
                    "sizes": [asdict(r) for r in results],
                },
                indent=2,
            )
        )
    else:
        print(format_table(results))
        print(
            "\n".join(failures)
            if failures
            else f"OK: ratio {largest.ratio:.2f} at N={largest.n} is within {args.max_ratio:.2f}x"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
