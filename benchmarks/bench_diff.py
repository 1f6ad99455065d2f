"""Benchmark `pmsite diff REV` against one `pmsite check` of the same portfolio (SPEC §8).

Usage: ``python benchmarks/bench_diff.py [--sizes 250,500,1000] [--reps 3] [--json]``

For each size N a synthetic portfolio is written by ``synth.py`` into a temporary folder
and committed to a new git repository; then one status report in twenty turns red and
one milestone in twenty moves a week, and that is committed too. Timed, each as a whole
process (interpreter start and imports included), best of ``--reps``:

* **check**: ``python -m generator check --format json --as-of DATE``;
* **diff**: ``python -m generator diff HEAD~1 --format json --as-of DATE``: the revision
  read through git into a temporary folder, two pipeline runs, the comparison.

Exit 1 when diff takes more than ``--max-ratio`` (default 2.5) times check at the largest
N, or either exits non-zero; exit 2 when a measurement cannot run at all.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from common import BenchError, base_parser, child_env, measure_sizes, report_header

EVERY = 20
"""One status report (and one project's first milestone) in this many is edited."""
GIT_ENV = {"GIT_AUTHOR_NAME": "bench", "GIT_AUTHOR_EMAIL": "bench@example.org",
           "GIT_COMMITTER_NAME": "bench", "GIT_COMMITTER_EMAIL": "bench@example.org",
           "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}
_DUE = re.compile(r"^(\s+due: )(\d{4})-(\d\d)-(\d\d)$", re.MULTILINE)


@dataclass
class SizeResult:
    n: int
    files: int
    changes: int
    check_seconds: float
    diff_seconds: float
    ratio: float


def git(root: Path, *args: str) -> None:
    env = {**os.environ, **GIT_ENV}
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=False)
    if done.returncode != 0:
        raise BenchError(f"git {' '.join(args)} failed: {done.stderr.strip()}")


def edit(content: Path) -> int:
    """Turn every EVERY-th status report red and move every EVERY-th project's first
    milestone by a week; return how many files changed."""
    changed = 0
    reports = sorted(p for p in content.rglob("*") if p.is_file() and "status" in p.parts)
    for path in reports[::EVERY]:
        text = path.read_text(encoding="utf-8")
        new = re.sub(r"(?m)^(\s*-?\s*overall: )\w[\w-]*$", r"\1red", text, count=1)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    charters = sorted(content.glob("projects/*/*.md"))
    for path in charters[::EVERY]:
        text = path.read_text(encoding="utf-8")
        new = _DUE.sub(lambda m: f"{m.group(1)}{m.group(2)}-{m.group(3)}-"
                       f"{min(int(m.group(4)) + 7, 28):02d}", text, count=1)
        if new != text:
            path.write_text(new, encoding="utf-8")
            changed += 1
    return changed


def timed(args: list[str], cwd: Path, root: Path) -> tuple[float, str]:
    env = child_env(root)
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "generator", *args], cwd=cwd, env=env,
                          capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise BenchError(f"{' '.join(args[:2])} exited {done.returncode}: "
                         f"{done.stderr[-2000:]}")
    return seconds, done.stdout


def measure(n: int, workdir: Path, reps: int, as_of: str, root: Path, seed: int) -> SizeResult:
    import synth

    outdir = workdir / f"n{n}"
    files = synth.generate(n, outdir, seed=seed, force=True)
    git(outdir, "init", "-q")
    git(outdir, "add", "-A")
    git(outdir, "commit", "-q", "-m", "base")
    if edit(outdir / "content") == 0:
        raise BenchError("the synthetic content had nothing to edit")
    git(outdir, "commit", "-q", "-am", "edits")
    checks, diffs, changes = [], [], 0
    for _ in range(reps):  # interleaved, so a noisy moment hurts both alike
        checks.append(timed(["check", "--format", "json", "--as-of", as_of], outdir, root)[0])
        seconds, out = timed(["diff", "HEAD~1", "--format", "json", "--as-of", as_of],
                             outdir, root)
        diffs.append(seconds)
        changes = len(json.loads(out)["changes"])
    check, diff = min(checks), min(diffs)
    return SizeResult(n, files, changes, check, diff, diff / check)


def main(argv: Sequence[str] | None = None) -> int:
    parser = base_parser(__doc__.splitlines()[0], reps=3, max_ratio=2.5,
                         ratio_help="fail when diff/check exceeds this at the largest N")
    args = parser.parse_args(argv)
    found = measure_sizes(args, "bench_diff", measure)
    if found is None:
        return 2
    results: list[SizeResult] = found
    largest = results[-1]
    failures = []
    if largest.ratio > args.max_ratio:
        failures.append(f"diff is {largest.ratio:.2f}x check at N={largest.n} "
                        f"(target <= {args.max_ratio:.2f}x)")
    if args.json:
        print(json.dumps({**report_header(args, failures),
                          "sizes": [asdict(r) for r in results]}, indent=2))
    else:
        print(f"{'N':>6}  {'files':>6}  {'changes':>7}  {'check s':>8}  {'diff s':>8}  ratio")
        for r in results:
            print(f"{r.n:>6}  {r.files:>6}  {r.changes:>7}  {r.check_seconds:>8.3f}  "
                  f"{r.diff_seconds:>8.3f}  {r.ratio:.2f}")
        print("\n".join(failures) if failures else
              f"OK: ratio {largest.ratio:.2f} at N={largest.n} is within {args.max_ratio:.2f}x")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
