"""Benchmark the diagrams: a 500-node dependency graph, and every diagram of 1,000 projects.

Usage: ``python benchmarks/bench_diagrams.py [--nodes 500] [--projects 1000] [--reps 3]``

1. **One big graph**: ``synth.py`` writes a portfolio of ``--nodes`` projects; its
   portfolio dependency diagram has one node per project (about 1.15 dependencies
   each). The time of ``portfolio_dependencies_svg`` (Graphviz layout plus SVG) is taken
   cold (the first call, which compiles the WebAssembly module) and warm (best of
   ``--reps``). Target: warm under 2 s.
2. **A whole site**: for ``--projects`` projects, every diagram the site draws: the
   portfolio graph, per program its graph and roadmap, per project its neighbourhood
   graph and status history strip, the full roadmap, the risk heat map and every
   benefit chart. Reported next to the time ``check`` takes on the same content, the
   other fixed cost of a build.

Exit 1 when the warm big-graph time is over ``--max-seconds`` (default 2.0).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
AS_OF = date(2026, 6, 30)
sys.path.insert(0, str(REPO))


def synthesize(count: int, folder: Path) -> Path:
    subprocess.run([sys.executable, str(HERE / "synth.py"), str(count), str(folder), "--force"],
                   check=True, capture_output=True)
    return folder / "mkdocs.yml"


def load(config: Path) -> tuple[Any, float]:
    from generator.pipeline import check
    from generator.settings import load_settings

    started = time.perf_counter()
    result = check(load_settings(config), AS_OF)
    return result.model, time.perf_counter() - started


def timed(call: Callable[[], object]) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def big_graph(model: Any, reps: int) -> dict[str, float]:
    from generator.diagrams import portfolio_dependencies_svg

    cold = timed(lambda: portfolio_dependencies_svg(model, "../"))
    warm = min(timed(lambda: portfolio_dependencies_svg(model, "../")) for _ in range(reps))
    svg = portfolio_dependencies_svg(model, "../")
    return {"cold": cold, "warm": warm, "nodes": float(svg.count('class="node ')),
            "edges": float(svg.count("data-from=")), "kb": len(svg.encode()) / 1024}


def whole_site(model: Any) -> dict[str, tuple[int, float, int]]:
    """Per kind of diagram: how many, seconds, bytes."""
    from generator.diagrams import (
        benefit_svg,
        heatmap_svg,
        history_svg,
        portfolio_dependencies_svg,
        program_dependencies_svg,
        project_dependencies_svg,
        roadmap_svg,
    )

    programs = [p.id for p in model.records.by_kind("program")]
    projects = [p.id for p in model.records.by_kind("project")]
    open_risks = [r for r in model.risks if r.record.model.status == "open"]
    jobs: dict[str, list[Callable[[], str]]] = {
        "portfolio graph": [lambda: portfolio_dependencies_svg(model, "../")],
        "program graphs": [lambda p=p: program_dependencies_svg(model, p, "../../")
                           for p in programs],
        "program roadmaps": [lambda p=p: roadmap_svg(model, "../../", p) for p in programs],
        "project graphs": [lambda p=p: project_dependencies_svg(model, p, "../../")
                           for p in projects],
        "history strips": [lambda p=p: history_svg(model, p, "../../") for p in projects],
        "roadmap": [lambda: roadmap_svg(model, "../")],
        "heat map": [lambda: heatmap_svg(model, open_risks, "../", lambda p, i: f"#p{p}i{i}")],
        "benefit charts": [lambda f=f: benefit_svg(model, f) for f in model.benefits],
    }
    results = {}
    for name, calls in jobs.items():
        started = time.perf_counter()
        outputs = [call() for call in calls]
        seconds = time.perf_counter() - started
        results[name] = (sum(1 for o in outputs if o), seconds,
                         sum(len(o.encode()) for o in outputs))
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=500)
    parser.add_argument("--projects", type=int, default=1000)
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--max-seconds", type=float, default=2.0)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="pmsite-bench-diagrams-") as tmp:
        model, _ = load(synthesize(args.nodes, Path(tmp) / "graph"))
        graph = big_graph(model, args.reps)
        print(f"{int(graph['nodes'])}-node dependency graph ({int(graph['edges'])} arrows, "
              f"{graph['kb']:.0f} KB): layout + SVG {graph['warm']:.3f} s warm, "
              f"{graph['cold']:.3f} s cold (target < {args.max_seconds:g} s)")
        model, check_seconds = load(synthesize(args.projects, Path(tmp) / "site"))
        results = whole_site(model)
    print(f"\nEvery diagram of the {args.projects}-project synthetic portfolio "
          f"(check itself: {check_seconds:.2f} s)")
    print(f"{'diagram':<18}{'count':>7}{'seconds':>10}{'ms each':>9}{'MB':>8}")
    for name, (count, seconds, size) in results.items():
        each = seconds / count * 1000 if count else 0.0
        print(f"{name:<18}{count:>7}{seconds:>10.2f}{each:>9.1f}{size / 1e6:>8.1f}")
    total = sum(s for _, s, _ in results.values())
    count = sum(c for c, _, _ in results.values())
    size = sum(b for _, _, b in results.values())
    print(f"{'total':<18}{count:>7}{total:>10.2f}{'':>9}{size / 1e6:>8.1f}")
    return 0 if graph["warm"] <= args.max_seconds else 1


if __name__ == "__main__":
    sys.exit(main())
