"""What the benchmark scripts share: paths, defaults and their common options."""

from __future__ import annotations

import argparse
import compileall
import contextlib
import functools
import os
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

R = TypeVar("R")

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AS_OF = "2026-06-30"
DEFAULT_SIZES = (250, 500, 1000)


def child_env(root: Path) -> dict[str, str]:
    """The environment of a measured Python child: the generator package of `root` first
    on the path, byte-compiled as an installed package is (`byte_compile`), and without
    PYTHONDONTWRITEBYTECODE, which some CI and sandbox shells set: with it every run would
    compile pmsite's modules again (0.2-0.3 s), while MkDocs, installed by pip, comes
    compiled. A user's Python keeps the byte code it compiles; so do the children."""
    byte_compile(root)
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(root), env.get("PYTHONPATH")]))
    return env


@functools.cache
def byte_compile(root: Path) -> None:
    """Byte-compile the generator package under `root` once (its `__pycache__` folders)."""
    compileall.compile_dir(str(root / "generator"), quiet=1)


class BenchError(Exception):
    """A measurement could not be made (exit code 2)."""


def parse_sizes(text: str) -> list[int]:
    """`250,500,1000` -> [250, 500, 1000], sorted and positive."""
    try:
        sizes = sorted({int(part) for part in text.split(",") if part.strip()})
    except ValueError:
        raise argparse.ArgumentTypeError("sizes must be comma-separated integers") from None
    if not sizes or sizes[0] < 1:
        raise argparse.ArgumentTypeError("sizes must be positive integers")
    return sizes


def base_parser(description: str, reps: int, max_ratio: float,
                ratio_help: str) -> argparse.ArgumentParser:
    """The options every benchmark takes: sizes, repetitions, the ratio limit, seeds."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--sizes", type=parse_sizes, default=list(DEFAULT_SIZES),
                        help="comma-separated project counts (default 250,500,1000)")
    parser.add_argument("--reps", type=int, default=reps, help="repetitions, best kept")
    parser.add_argument("--max-ratio", type=float, default=max_ratio, help=ratio_help)
    parser.add_argument("--as-of", default=AS_OF)
    parser.add_argument("--seed", type=int, default=20260630)
    parser.add_argument("--root", type=Path, default=REPO,
                        help="folder that holds the generator package (default: the repo)")
    parser.add_argument("--keep", type=Path, help="generate into this folder and keep it")
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    return parser


def report_header(args: argparse.Namespace, failures: list[str]) -> dict[str, object]:
    """The fields every benchmark's --json output starts with."""
    return {"as_of": args.as_of, "python": sys.version.split()[0], "platform": sys.platform,
            "reps": args.reps, "max_ratio": args.max_ratio, "ok": not failures,
            "failures": failures}


def measure_sizes(args: argparse.Namespace, name: str,
                  measure: Callable[[int, Path, int, str, Path, int], R]) -> list[R] | None:
    """`measure(n, workdir, reps, as_of, root, seed)` for every size of `args`, in a kept
    (`--keep`) or temporary folder; None (after saying why) when one cannot be made."""
    results: list[R] = []
    with contextlib.ExitStack() as stack:
        if args.keep:
            workdir = args.keep.resolve()
            workdir.mkdir(parents=True, exist_ok=True)
        else:
            workdir = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="pmsite-")))
        for n in args.sizes:
            print(f"N={n}: generating and measuring ({args.reps} reps)...", file=sys.stderr)
            try:
                results.append(measure(n, workdir, args.reps, args.as_of, args.root, args.seed))
            except BenchError as exc:
                print(f"{name}: {exc}", file=sys.stderr)
                return None
    return results
