"""Benchmark `pmsite build` against a plain `mkdocs build` of the same files (SPEC §8).

Usage: ``python benchmarks/bench_build.py [--sizes 250,500,1000] [--reps 2] [--material]
[--json]``

For each size N, ``synth.py N DIR --force`` writes a synthetic portfolio. Beside its
``mkdocs.yml`` (``plugins: [search, {pmsite: ...}]``) goes ``mkdocs-plain.yml``: the same
settings and theme with ``plugins: [search]`` only and a curated ``nav`` (the portfolio and
its programs, as a real site's would be; see `curated_nav`). Without the plugin the
``.yml`` files are copied as static files and every record renders as a plain page: the
"same files" built by MkDocs alone. Then, each in a fresh child process, interleaved:

* **plain**: ``python -m mkdocs build -q -f mkdocs-plain.yml -d OUT``;
* **pmsite**: ``python -m generator build --as-of DATE -f mkdocs.yml --site-dir OUT``.

The best wall time of ``--reps`` is kept for each. Every output folder is scanned for its
size, its HTML pages and the largest page. With ``--material`` both sides are measured
again with ``theme: material``; with ``--material-ext`` with Material and the Markdown
extensions a Material site commonly turns on. Last, one in-process build at the largest N
is timed by stage (check, plan_site with its diagrams, page Markdown, MkDocs itself).

Exit 1 when pmsite takes more than ``--max-ratio`` (default 1.5) times the plain build at
any N of 1,000 or more (the largest N when all are smaller), or writes an HTML page over
``--max-page-bytes`` (default 1 MB); exit 2 when a measurement cannot run at all.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import io
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from common import HERE, BenchError, base_parser, child_env, report_header

MAX_PAGE_BYTES = 1_000_000
MATERIAL_EXTENSIONS: list[Any] = [
    {"toc": {"permalink": True}}, "tables", "admonition", "attr_list", "def_list", "footnotes",
    "md_in_html", "pymdownx.details", "pymdownx.superfences",
    {"pymdownx.tabbed": {"alternate_style": True}}, "pymdownx.highlight",
    "pymdownx.inlinehilite", "pymdownx.emoji", "pymdownx.tasklist", "pymdownx.mark",
    "pymdownx.caret", "pymdownx.tilde", "pymdownx.keys",
]
"""`material-ext`: what a Material site commonly turns on (both sides get the same)."""


def peak_rss_mb(who: int) -> float:
    """Peak resident set size in MiB of `who` (RUSAGE_SELF, or RUSAGE_CHILDREN: the largest
    waited-for child)."""
    peak = resource.getrusage(who).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


# -- child side: one measurement per process ---------------------------------------------


def child_run(cwd: Path, command: Sequence[str]) -> dict[str, Any]:
    """Run `command` once and time it. This wrapper has no other child, so the peak RSS of
    RUSAGE_CHILDREN is the command's own (ru_maxrss is a maximum, not a sum: a parent that
    ran several builds could not tell them apart)."""
    started = time.perf_counter()
    proc = subprocess.run(command, cwd=cwd, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "peak_rss_mb": peak_rss_mb(resource.RUSAGE_CHILDREN),
        "exit_code": proc.returncode,
        "stderr_tail": proc.stderr[-3000:],
    }


class StageTimer:
    """Wraps functions so their calls add up to named stages (nested stages overlap)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}
        self.calls: dict[str, int] = {}

    def wrap(self, owner: Any, attribute: str, stage: str) -> None:
        function = getattr(owner, attribute)

        @functools.wraps(function)
        def timed(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return function(*args, **kwargs)
            finally:
                self.seconds[stage] = self.seconds.get(stage, 0.0) + (
                    time.perf_counter() - started
                )
                self.calls[stage] = self.calls.get(stage, 0) + 1

        setattr(owner, attribute, timed)


def run_build_main(argv: Sequence[str]) -> tuple[int, str]:
    """`generator.cli.main(argv)` with its output captured; (exit code, stderr tail)."""
    import generator.cli

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = int(generator.cli.main(list(argv)) or 0)
    return code, err.getvalue()[-3000:]


def child_stages(config: Path, site_dir: Path, as_of: str) -> dict[str, Any]:
    """One `pmsite build` in-process, its time split by stage."""
    started = time.perf_counter()
    import mkdocs.commands.build
    import mkdocs.contrib.search
    import mkdocs.structure.files

    import generator.build
    import generator.cli
    import generator.mkdocs_plugin
    import generator.site

    import_seconds = time.perf_counter() - started
    timer = StageTimer()
    plugin = generator.mkdocs_plugin.PmsitePlugin
    search = mkdocs.contrib.search.SearchPlugin
    for owner, attribute, stage in [
        (generator.cli, "check", "check"),
        (generator.build, "plan_site", "plan_site"),
        (generator.site, "draw_figures", "diagrams"),
        (generator.site.SitePlan, "markdown", "markdown"),
        (plugin, "on_files", "on_files"),
        (plugin, "on_page_markdown", "page_hooks"),
        (plugin, "on_page_content", "page_hooks"),
        (mkdocs.commands.build, "_populate_page", "populate"),
        (mkdocs.commands.build, "_build_page", "write_pages"),
        (search, "on_page_context", "search_pages"),
        (search, "on_post_build", "search_index"),
        (mkdocs.structure.files.Files, "copy_static_files", "static_files"),
    ]:
        timer.wrap(owner, attribute, stage)
    argv = ["build", "--as-of", as_of, "-f", str(config), "--site-dir", str(site_dir)]
    # In one process, so that each stage is the work itself (shared out to forked
    # processes, the parent's timers would see only its own share and its waiting).
    os.environ["PMSITE_JOBS"] = "1"
    started = time.perf_counter()
    code, errors = run_build_main(argv)
    total = time.perf_counter() - started
    return {
        "total_seconds": total,
        "import_seconds": import_seconds,
        "seconds": timer.seconds,
        "calls": timer.calls,
        "peak_rss_mb": peak_rss_mb(resource.RUSAGE_SELF),
        "exit_code": code,
        "stderr_tail": errors,
    }


def child_profile(config: Path, site_dir: Path, as_of: str, out: Path) -> dict[str, Any]:
    """One `pmsite build` in-process under cProfile; the stats go to `out`."""
    import cProfile

    import generator.cli  # noqa: F401 - imports outside the profile, as in child_stages

    argv = ["build", "--as-of", as_of, "-f", str(config), "--site-dir", str(site_dir)]
    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.enable()
    code, errors = run_build_main(argv)
    profiler.disable()
    seconds = time.perf_counter() - started
    profiler.dump_stats(str(out))
    return {"seconds": seconds, "exit_code": code, "stderr_tail": errors}


def child_main(argv: Sequence[str]) -> int:
    """Entry of a child process: measure once and print one JSON line."""
    mode, rest = argv[0], list(argv[1:])
    if mode == "run":  # run CWD -- COMMAND...
        result = child_run(Path(rest[0]), rest[2:])
    elif mode == "stages":  # stages CONFIG SITE_DIR AS_OF
        result = child_stages(Path(rest[0]), Path(rest[1]), rest[2])
    else:  # profile CONFIG SITE_DIR AS_OF OUT
        result = child_profile(Path(rest[0]), Path(rest[1]), rest[2], Path(rest[3]))
    print(json.dumps(result))
    return 0


# -- parent side ----------------------------------------------------------------------------


@dataclass
class Output:
    """What a build wrote."""

    bytes: int = 0
    files: int = 0
    pages: int = 0
    largest_page_bytes: int = 0
    largest_page: str = ""
    pages_over_limit: list[tuple[str, int]] = field(default_factory=list)


@dataclass
class SizeResult:
    """Best-of-reps measurements for one portfolio size and theme."""

    n: int
    theme: str
    files: int
    generate_seconds: float
    plain_seconds: float
    plain_peak_rss_mb: float
    plain_output: Output
    pmsite_seconds: float
    pmsite_peak_rss_mb: float
    pmsite_output: Output
    ratio: float = 0.0
    bytes_per_project: float = 0.0
    size_growth: float = 1.0  # pmsite bytes per project relative to the smallest N
    pmsite_ms_per_project: float = 0.0
    time_growth: float = 1.0  # pmsite ms per project relative to the smallest N


def scan_output(site: Path, limit: int) -> Output:
    """Total bytes and files under `site`; its HTML pages, the largest, those over `limit`."""
    out = Output()
    for folder, _, names in os.walk(site):
        for name in names:
            path = Path(folder, name)
            size = path.stat().st_size
            out.bytes += size
            out.files += 1
            if name.endswith(".html"):
                out.pages += 1
                rel = path.relative_to(site).as_posix()
                if size > out.largest_page_bytes:
                    out.largest_page_bytes, out.largest_page = size, rel
                if size > limit:
                    out.pages_over_limit.append((rel, size))
    out.pages_over_limit.sort(key=lambda item: -item[1])
    return out


def run_child(args: Sequence[str], cwd: Path, root: Path, what: str) -> dict[str, Any]:
    """Run this script as a child in `args` mode and return its JSON result."""
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", *args],
        env=child_env(root),
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
    )
    lines = proc.stdout.strip().splitlines()
    if proc.returncode != 0 or not lines:
        raise BenchError(f"{what} child failed (exit {proc.returncode}):\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    if result.get("exit_code", 0) != 0:
        raise BenchError(
            f"{what} exited {result['exit_code']}; its stderr ends:\n{result['stderr_tail']}"
        )
    return result


def generate(n: int, outdir: Path, seed: int) -> tuple[int, float]:
    """`synth.py N OUTDIR --force`; (content files written, seconds)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(HERE / "synth.py"), str(n), str(outdir), "--force", "--seed",
         str(seed)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    if proc.returncode != 0:
        raise BenchError(f"synth.py {n} failed (exit {proc.returncode}):\n{proc.stderr}")
    words = proc.stdout.split()  # "wrote 5892 content files for 1000 projects to ..."
    return (int(words[1]) if len(words) > 1 and words[1].isdigit() else 0), seconds


def curated_nav(docs: Path) -> list[Any]:
    """The navigation a PMO would curate by hand for the plain site: the portfolio page and
    its programs. Every other page is still built (MkDocs builds what the nav leaves
    out); a nav of every page would make MkDocs itself quadratic, which no real site is."""
    programs = sorted(p.relative_to(docs).as_posix() for p in (docs / "programs").glob("*.md"))
    return [{"Portfolio": "portfolio.md"}, {"Programs": programs}]


def write_configs(outdir: Path, theme: str) -> tuple[Path, Path]:
    """The pmsite and the plain config for `theme`: identical but for plugins and nav."""
    import yaml

    config = yaml.safe_load((outdir / "mkdocs.yml").read_text(encoding="utf-8"))
    if theme == "mkdocs":  # the synthetic config as written: no theme key, MkDocs' default
        if config.get("theme", "mkdocs") not in ("mkdocs", {"name": "mkdocs"}):
            raise BenchError(f"{outdir / 'mkdocs.yml'} sets theme {config['theme']!r}")
        pmsite_yml, plain_yml = outdir / "mkdocs.yml", outdir / "mkdocs-plain.yml"
    else:
        config["theme"] = {"name": "material"}
        if theme == "material-ext":
            config["markdown_extensions"] = MATERIAL_EXTENSIONS
        pmsite_yml, plain_yml = outdir / f"mkdocs-{theme}.yml", outdir / f"mkdocs-plain-{theme}.yml"
        pmsite_yml.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    plain = dict(config, plugins=["search"], nav=curated_nav(outdir / config["docs_dir"]))
    plain_yml.write_text(yaml.safe_dump(plain, sort_keys=False), encoding="utf-8")
    return pmsite_yml, plain_yml


def measure(
    n: int, workdir: Path, themes: Sequence[str], args: argparse.Namespace
) -> list[SizeResult]:
    """Generate `n` projects; the best of `reps` interleaved builds of each side and theme."""
    outdir = workdir / f"n{n}"
    files, generate_seconds = generate(n, outdir, args.seed)
    configs = {theme: write_configs(outdir, theme) for theme in themes}
    runs: dict[tuple[str, str], list[dict[str, Any]]] = {}
    outputs: dict[tuple[str, str], Output] = {}
    for rep in range(args.reps):  # interleaved, so a noisy moment hurts both sides alike
        for theme in themes:
            pmsite_yml, plain_yml = configs[theme]
            for side in ("plain", "pmsite"):
                site = workdir / f"n{n}-{theme}-{side}-site"
                shutil.rmtree(site, ignore_errors=True)  # both start from nothing
                command = (
                    [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(plain_yml),
                     "-d", str(site)]
                    if side == "plain"
                    else [sys.executable, "-m", "generator", "build", "--as-of", args.as_of,
                          "-f", str(pmsite_yml), "--site-dir", str(site)]
                )
                print(f"N={n}: {side} build, theme {theme}, rep {rep + 1}/{args.reps}...",
                      file=sys.stderr)
                result = run_child(["run", str(outdir), "--", *command], outdir, args.root,
                                   f"{side} build (N={n}, theme {theme})")
                runs.setdefault((theme, side), []).append(result)
                outputs[(theme, side)] = scan_output(site, args.max_page_bytes)
                if not args.keep:
                    shutil.rmtree(site, ignore_errors=True)
    results = []
    for theme in themes:
        plain, pmsite = runs[(theme, "plain")], runs[(theme, "pmsite")]
        best_plain = min(r["seconds"] for r in plain)
        best_pmsite = min(r["seconds"] for r in pmsite)
        out = outputs[(theme, "pmsite")]
        results.append(SizeResult(
            n=n,
            theme=theme,
            files=files,
            generate_seconds=generate_seconds,
            plain_seconds=best_plain,
            plain_peak_rss_mb=max(r["peak_rss_mb"] for r in plain),
            plain_output=outputs[(theme, "plain")],
            pmsite_seconds=best_pmsite,
            pmsite_peak_rss_mb=max(r["peak_rss_mb"] for r in pmsite),
            pmsite_output=out,
            ratio=best_pmsite / best_plain,
            bytes_per_project=out.bytes / n,
            pmsite_ms_per_project=1000 * best_pmsite / n,
        ))
    return results


def stage_breakdown(n: int, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One in-process pmsite build at size `n` (default theme), timed by stage."""
    outdir = workdir / f"n{n}"
    site = workdir / f"n{n}-stages-site"
    shutil.rmtree(site, ignore_errors=True)
    print(f"N={n}: stage breakdown (one in-process build)...", file=sys.stderr)
    result = run_child(["stages", str(outdir / "mkdocs.yml"), str(site), args.as_of], outdir,
                       args.root, f"stage breakdown (N={n})")
    if not args.keep:
        shutil.rmtree(site, ignore_errors=True)
    result["n"] = n
    return result


def profile_build(n: int, workdir: Path, args: argparse.Namespace) -> dict[str, Any]:
    """One in-process pmsite build at size `n` under cProfile; top functions both ways."""
    import pstats

    outdir = workdir / f"n{n}"
    site = workdir / f"n{n}-profile-site"
    shutil.rmtree(site, ignore_errors=True)
    print(f"N={n}: profiling one in-process build...", file=sys.stderr)
    stats_file = args.profile.resolve()
    result = run_child(["profile", str(outdir / "mkdocs.yml"), str(site), args.as_of,
                        str(stats_file)], outdir, args.root, f"profile (N={n})")
    if not args.keep:
        shutil.rmtree(site, ignore_errors=True)
    for order in ("cumulative", "tottime"):
        text = io.StringIO()
        pstats.Stats(str(stats_file), stream=text).sort_stats(order).print_stats(25)
        result[order] = text.getvalue()
    result["stats_file"] = str(stats_file)
    return result


def format_table(results: Sequence[SizeResult], themes: Sequence[str]) -> str:
    """A fixed-width table of the results, one row per size (and theme)."""
    columns: list[tuple[str, int, Callable[[SizeResult], str]]] = [  # header, width, cell
        ("N", 5, lambda r: f"{r.n}"),
        ("pages(plain)", 12, lambda r: f"{r.plain_output.pages}"),
        ("pages(pmsite)", 13, lambda r: f"{r.pmsite_output.pages}"),
        ("plain s", 8, lambda r: f"{r.plain_seconds:.2f}"),
        ("pmsite s", 8, lambda r: f"{r.pmsite_seconds:.2f}"),
        ("ratio", 5, lambda r: f"{r.ratio:.2f}"),
        ("peak MB", 7, lambda r: f"{r.pmsite_peak_rss_mb:.0f}"),
        ("output MB", 9, lambda r: f"{r.pmsite_output.bytes / 1e6:.1f}"),
        ("bytes/project", 13, lambda r: f"{r.bytes_per_project:,.0f}"),
        ("growth", 6, lambda r: f"{r.size_growth:.2f}"),
        ("largest page KB", 15, lambda r: f"{r.pmsite_output.largest_page_bytes / 1e3:.0f}"),
    ]
    if len(themes) > 1:
        columns.insert(1, ("theme", 12, lambda r: r.theme))
    head = "  ".join(f"{name:>{width}}" for name, width, _ in columns) + "  largest page"
    rows = [head, "-" * len(head)]
    for r in results:
        cells = "  ".join(f"{cell(r):>{width}}" for _, width, cell in columns)
        rows.append(f"{cells}  {r.pmsite_output.largest_page}")
    return "\n".join(rows)


STAGES = [  # key, label, depth; "mkdocs" and "other" are computed
    ("check", "check (load, validate, resolve, model)", 0),
    ("plan_site", "plan_site (page specs, diagrams, exports, assets, collisions)", 0),
    ("diagrams", "of which diagrams (draw_figures)", 1),
    ("markdown", "page Markdown: plan.markdown(src) for each page", 0),
    ("mkdocs", "MkDocs itself (the rest)", 0),
    ("on_files_other", "plugin on_files besides the page Markdown (files, nav)", 1),
    ("populate", "read + Markdown->HTML of every page (_populate_page)", 1),
    ("page_hooks", "of which plugin on_page_markdown + on_page_content", 2),
    ("write_pages", "theme template + write of every page (_build_page)", 1),
    ("search_pages", "of which search on_page_context", 2),
    ("search_index", "search index (search on_post_build)", 1),
    ("static_files", "static files copied", 1),
    ("other", "everything else (config, nav, theme, sitemap, swap)", 1),
]


def stage_rows(stages: dict[str, Any]) -> list[tuple[str, str, int, float, int]]:
    """(key, label, depth, seconds, calls) for the breakdown, the computed stages filled in."""
    seconds: dict[str, float] = dict(stages["seconds"])
    calls: dict[str, int] = dict(stages["calls"])
    total = stages["total_seconds"]
    own = sum(seconds.get(k, 0.0) for k in ("check", "plan_site", "markdown"))
    seconds["mkdocs"] = total - own
    seconds["on_files_other"] = (
        seconds.get("on_files", 0.0) - seconds.get("markdown", 0.0)
    )
    seconds["other"] = seconds["mkdocs"] - sum(
        seconds.get(k, 0.0)
        for k in ("on_files_other", "populate", "write_pages", "search_index", "static_files")
    )
    return [(key, label, depth, seconds.get(key, 0.0), calls.get(key, 0))
            for key, label, depth in STAGES]


def format_stages(stages: dict[str, Any]) -> str:
    total = stages["total_seconds"]
    head = (f"Stages of one in-process pmsite build at N={stages['n']} (default theme, "
            "PMSITE_JOBS=1)")
    rows = [head, f"{'stage':<62}{'seconds':>9}{'share':>7}{'calls':>7}", "-" * 85]
    for _, label, depth, seconds, calls in stage_rows(stages):
        name = "  " * depth + label
        rows.append(f"{name:<62}{seconds:>9.2f}{seconds / total:>7.0%}{calls or '':>7}")
    rows.append("-" * 85)
    rows.append(f"{'total: generator.cli.main([build, ...])':<62}{total:>9.2f}{1:>7.0%}")
    rows.append(f"{'(imports before it: generator.cli, mkdocs)':<62}"
                f"{stages['import_seconds']:>9.2f}")
    rows.append(f"{'(peak RSS of that process, MB)':<62}{stages['peak_rss_mb']:>9.0f}")
    return "\n".join(rows)





JUDGED_FROM = 1000
"""The issue's goal is a build of 1,000 projects: the ratio is judged at every N from it
up (plain MkDocs slows down faster than pmsite as N grows, so the largest N alone would
pass where 1,000 does not), or at the largest N when every N is smaller."""


def judged_sizes(results: Sequence[SizeResult]) -> set[int]:
    """The N whose ratio the exit status judges (see `JUDGED_FROM`)."""
    sizes = {r.n for r in results}
    return {n for n in sizes if n >= JUDGED_FROM} or {max(sizes)}


def failures_of(results: Sequence[SizeResult], args: argparse.Namespace) -> list[str]:
    failures = []
    judged = judged_sizes(results)
    for r in results:
        if r.n in judged and r.ratio > args.max_ratio:
            failures.append(
                f"pmsite build is {r.ratio:.2f}x the plain build at N={r.n}, theme {r.theme} "
                f"(target <= {args.max_ratio:.2f}x)"
            )
        for rel, size in r.pmsite_output.pages_over_limit:
            failures.append(
                f"N={r.n}, theme {r.theme}: page {rel} is {size / 1e6:.2f} MB "
                f"(limit {args.max_page_bytes / 1e6:g} MB)"
            )
    return failures


@contextlib.contextmanager
def work_folder(keep: Path | None) -> Iterator[Path]:
    if keep:
        keep = keep.resolve()
        keep.mkdir(parents=True, exist_ok=True)
        yield keep
    else:
        with tempfile.TemporaryDirectory(prefix="pmsite-build-") as folder:
            yield Path(folder)


def main(argv: Sequence[str] | None = None) -> int:
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list[:1] == ["--child"]:
        return child_main(args_list[1:])
    parser = base_parser(__doc__.splitlines()[0], reps=2, max_ratio=1.5,
                         ratio_help="fail when pmsite/plain exceeds this at any N >= 1000 "
                         "(the largest N when all are smaller)")
    parser.add_argument(
        "--max-page-bytes",
        type=int,
        default=MAX_PAGE_BYTES,
        help="fail when a pmsite HTML page is larger (default 1,000,000)",
    )
    parser.add_argument("--material", action="store_true",
                        help="also measure both sides with theme: material")
    parser.add_argument("--material-ext", action="store_true",
                        help="also measure both sides with theme: material and 18 common "
                             "Markdown extensions (pymdownx.emoji among them)")
    parser.add_argument("--no-stages", action="store_true",
                        help="skip the stage breakdown at the largest N")
    parser.add_argument("--profile", type=Path, metavar="FILE",
                        help="also profile one build at the largest N; pstats go to FILE")
    args = parser.parse_args(args_list)
    themes = ["mkdocs", *(["material"] if args.material else []),
              *(["material-ext"] if args.material_ext else [])]

    results: list[SizeResult] = []
    stages: dict[str, Any] | None = None
    profile: dict[str, Any] | None = None
    with work_folder(args.keep) as workdir:
        try:
            for n in args.sizes:
                results += measure(n, workdir, themes, args)
            if not args.no_stages:
                stages = stage_breakdown(args.sizes[-1], workdir, args)
            if args.profile:
                profile = profile_build(args.sizes[-1], workdir, args)
        except BenchError as exc:
            print(f"bench_build: {exc}", file=sys.stderr)
            return 2
    for theme in themes:
        rows = [r for r in results if r.theme == theme]
        for r in rows:
            r.size_growth = r.bytes_per_project / rows[0].bytes_per_project
            r.time_growth = r.pmsite_ms_per_project / rows[0].pmsite_ms_per_project

    failures = failures_of(results, args)
    if args.json:
        print(
            json.dumps(
                {
                    **report_header(args, failures),
                    "max_page_bytes": args.max_page_bytes,
                    "sizes": [asdict(r) for r in results],
                    "stages": stages and {
                        "n": stages["n"],
                        "total_seconds": stages["total_seconds"],
                        "import_seconds": stages["import_seconds"],
                        "peak_rss_mb": stages["peak_rss_mb"],
                        "stages": [
                            {"stage": key, "seconds": seconds, "calls": calls}
                            for key, _, _, seconds, calls in stage_rows(stages)
                        ],
                    },
                    "profile": profile,
                },
                indent=2,
            )
        )
    else:
        print(format_table(results, themes))
        if stages:
            print()
            print(format_stages(stages))
        if profile:
            for order in ("cumulative", "tottime"):
                print(f"\nTop 25 by {order} ({profile['stats_file']}):")
                print(profile[order].strip())
        print()
        judged = [r for r in results if r.n in judged_sizes(results)]
        print(
            "\n".join(failures)
            if failures
            else "OK: " + ", ".join(f"ratio {r.ratio:.2f} ({r.theme}) at N={r.n}"
                                    for r in judged)
            + f" within {args.max_ratio:.2f}x; no page over "
            f"{args.max_page_bytes / 1e6:g} MB"
        )
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
