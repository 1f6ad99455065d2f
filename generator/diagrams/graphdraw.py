"""Draw a dependency diagram: nodes, edges and clusters laid out by Graphviz, as SVG."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from generator.diagrams.layout import (
    NODESEP,
    POINTS_PER_INCH,
    RANKSEP,
    Box,
    GraphSpec,
    Layout,
    Point,
    layout,
)
from generator.diagrams.metrics import text_width
from generator.diagrams.render import (
    COLUMN,
    Label,
    StatusStyle,
    clean,
    css_class,
    flow,
    label,
    num,
    render,
    wrap,
)
from generator.graph import Dependency

NODE_W, NODE_MAX_W = 168.0, 240.0
"""A node is as wide as its state line needs, within these bounds; its title wraps."""
TITLE_SIZE, WORD_SIZE, LINE_H, TITLE_LINES = 12.0, 11.0, 15.0, 3
FLYOUT_LINES = 12
MIN_WIDTH = 360.0
"""A diagram is never narrower than this, so its legend and heading have room."""
MARGIN = 16.0
ROW = 4
"""Nodes of a cluster without any edge are set in rows of this many, not one long column."""
EDGE_PAINT = {"plain": ("#4a4a4a", "1.4", ""), "done": ("#9e9e9e", "1.4", ""),
              "critical": ("#6a1b9a", "3.2", ""), "risk": ("#c62828", "1.6", "7 4")}
"""Light-mode stroke colour, width and dash of each kind of arrow (CSS does dark/print)."""


@dataclass(slots=True)
class Node:
    """A project (`crm`) or milestone (`crm#go-live`) box."""

    key: str
    kind: str
    title: Label
    word: str
    """The status (project) or state and date (milestone), always shown as a word."""
    classes: str
    style: StatusStyle
    """The colours of its status (a milestone: of the status its state resembles)."""
    href: str
    tooltip: str
    path: tuple[str, ...] = ()
    """Keys of the clusters it sits in, outermost first."""
    critical: bool = False
    flyout: Label | None = None
    """The whole title on as many lines as it needs, when `title` is shortened: shown
    over the node while it is hovered or focused (CSS)."""
    box: Box | None = None
    geo: dict[str, str] = field(default_factory=dict)
    """Its coordinates, formatted for the template."""


@dataclass(slots=True)
class Edge:
    """One arrow from the item needed (upstream) to the item that needs it."""

    upstream: str
    downstream: str
    deps: list[Dependency] = field(default_factory=list)
    critical: bool = False

    @property
    def at_risk(self) -> bool:
        return any(d.at_risk for d in self.deps)

    @property
    def done(self) -> bool:
        return all(d.done for d in self.deps)


@dataclass(slots=True)
class Cluster:
    """A frame around a program's nodes (labelled) or a project and its milestones."""

    key: str
    title: Label | None
    """None for a plain group (a project with its milestones)."""
    classes: str = ""
    href: str = ""
    box: Box | None = None


def _spline(points: list[Point], tip: Point | None) -> str:
    if not points:
        return ""
    parts = [f"M{num(points[0][0])},{num(points[0][1])}"]
    for i in range(1, len(points) - 2, 3):
        (ax, ay), (bx, by), (cx, cy) = points[i:i + 3]
        parts.append(f"C{num(ax)},{num(ay)} {num(bx)},{num(by)} {num(cx)},{num(cy)}")
    if tip is not None:
        parts.append(f"L{num(tip[0])},{num(tip[1])}")
    return " ".join(parts)


def _middle(points: list[Point]) -> Point:
    """The point halfway along the spline's segments (where the at-risk mark goes)."""
    segments = max(1, (len(points) - 1) // 3)
    if segments % 2 == 0 or len(points) < 4:
        return points[min(len(points) - 1, 3 * (segments // 2))]
    p0, p1, p2, p3 = points[3 * (segments // 2):3 * (segments // 2) + 4]
    return ((p0[0] + 3 * p1[0] + 3 * p2[0] + p3[0]) / 8, (p0[1] + 3 * p1[1] + 3 * p2[1] + p3[1]) / 8)


def _legend(words: list[tuple[str, str]], width: float) -> tuple[list[dict[str, Any]], float]:
    items: list[dict[str, Any]] = [{"kind": "status", "key": key, "text": word}
                                   for key, word in words]
    items += [{"kind": "milestone", "text": "\u25c6 milestone (state and date)"},
              {"kind": "edge", "swatch": 30, "text": "dependency: arrow points to the item that needs it"},
              {"kind": "risk", "swatch": 30, "text": "at risk (reasons in the arrow's tooltip)"},
              {"kind": "done", "swatch": 30, "text": "upstream done"},
              {"kind": "critical", "swatch": 30, "text": "critical path"}]
    return flow(items, width)


def _size(node: Node) -> tuple[float, float]:
    """Fit the node to its text: as wide as its state line needs (within bounds), its
    title wrapped onto up to three lines; its width and height."""
    width = min(NODE_MAX_W, max(NODE_W, text_width(node.word, WORD_SIZE) + 33))
    node.word = label(node.word, width - 33, WORD_SIZE, limit=200).text
    node.title = wrap(node.title.full, width - 20, TITLE_SIZE, bold=True,
                      max_lines=TITLE_LINES)
    if node.title.shortened:
        node.flyout = wrap(node.title.full, width - 20, TITLE_SIZE, bold=True,
                           max_lines=FLYOUT_LINES)
    return width, len(node.title.shown) * LINE_H + 30


def _arrange(spec: GraphSpec) -> Layout:
    """Left to right; top to bottom instead where left to right would not fit the
    page's column and top to bottom is narrower without being twice as tall."""
    laid = layout(spec)
    if laid.width + 2 * MARGIN <= COLUMN or _top_down_loses(laid):
        return laid
    spec.rankdir = "TB"
    other = layout(spec)
    return other if other.width < laid.width and other.height < 2 * laid.height else laid


_SLACK = 1.0
"""Points of rounding allowed for: Graphviz rounds its coordinates, and so do we."""


def _top_down_loses(laid: Layout) -> bool:
    """Whether the top-to-bottom layout of the graph `laid` out left to right is sure to
    be no narrower or at least twice as tall, so `_arrange` would keep `laid` anyway:
    then laying it out (a third of the layouts of 1,000 projects' diagrams) is skipped."""
    wide, tall = _least_top_down(laid)
    return tall >= 2 * laid.height + _SLACK or wide >= laid.width + _SLACK


def _least_top_down(laid: Layout) -> tuple[float, float]:
    """The least width and height the graph `laid` out left to right can have top to
    bottom.

    Graphviz ranks a graph the same way in either direction (its direction only turns
    the finished layout), and left to right the nodes of a rank share their centre's x.
    Top to bottom, the ranks are stacked: the layout is at least as tall as the ranks'
    tallest nodes and a rank gap between each two, and at least as wide as any rank's
    nodes side by side with the node gap between them."""
    ranks: list[list[Box]] = []
    centre = -math.inf
    for box in sorted(laid.nodes.values(), key=lambda box: box.x + box.w / 2):
        if box.x + box.w / 2 - centre > _SLACK:  # (ranks lie a rank gap apart, at least)
            ranks.append([])
            centre = box.x + box.w / 2
        ranks[-1].append(box)
    tall = (sum(max(box.h for box in rank) for rank in ranks)
            + (len(ranks) - 1) * RANKSEP * POINTS_PER_INCH)
    wide = max(sum(box.w for box in rank) + (len(rank) - 1) * NODESEP * POINTS_PER_INCH
               for rank in ranks)
    return wide, tall


def draw(model: Any, prefix: str, title: str, desc: str, nodes: dict[str, Node],
         edges: dict[tuple[str, str], Edge], clusters: dict[str, Cluster],
         statuses: list[tuple[str, str]]) -> str:
    """Lay the graph out and render `deps.svg.j2`; "" when there is no node."""
    if not nodes:
        return ""
    ordered = sorted(nodes.values(), key=lambda n: (n.path, n.kind != "project", n.key))
    spec = GraphSpec(labelled={c.key for c in clusters.values() if c.title is not None})
    spec.nodes = [(n.key, *_size(n), n.path) for n in ordered]
    edge_list = sorted(edges.values(), key=lambda e: (e.upstream, e.downstream))
    spec.edges = [(e.upstream, e.downstream) for e in edge_list]
    linked = {k for e in edge_list for k in (e.upstream, e.downstream)}
    alone: dict[tuple[str, ...], list[str]] = {}
    for node in ordered:
        if node.key not in linked:
            alone.setdefault(node.path, []).append(node.key)
    for keys in alone.values():
        for start in range(0, len(keys), ROW):
            row = keys[start:start + ROW]
            spec.invisible += list(pairwise(row))
    laid = _arrange(spec)
    width = max(laid.width + 2 * MARGIN, MIN_WIDTH)
    heading = wrap(title, width - 2 * MARGIN, 14, bold=True)
    head_h = len(heading.shown) * 18
    legend, legend_h = _legend(statuses, width)
    top = MARGIN + 6 + head_h + legend_h + 8

    def moved(box: Box) -> Box:
        return Box(box.x + MARGIN, box.y + top, box.w, box.h)

    height = top + laid.height + MARGIN
    for node in ordered:
        node.box = box = moved(laid.nodes[node.key])
        word_y = box.y + 20 + len(node.title.shown) * LINE_H
        node.geo = {"x": num(box.x), "y": num(box.y), "w": num(box.w), "h": num(box.h),
                    "hx": num(box.x - 4), "hy": num(box.y - 4), "hw": num(box.w + 8),
                    "hh": num(box.h + 8), "tx": num(box.x + 10), "ty": num(box.y + 18),
                    "cx": num(box.x + 14), "cy": num(word_y - 4), "wx": num(box.x + 23),
                    "wy": num(word_y)}
        if node.flyout is not None:
            fly_h = len(node.flyout.shown) * LINE_H + 12
            fly_y = max(MARGIN, min(box.y, height - MARGIN - fly_h))
            node.geo.update(fy=num(fly_y), fh=num(fly_h), fty=num(fly_y + 18))
    shown = []
    for cluster in sorted(clusters.values(), key=lambda c: c.key):
        if cluster.key in laid.clusters:
            cluster.box = moved(laid.clusters[cluster.key])
            if cluster.title is not None:
                cluster.title = label(cluster.title.full, cluster.box.w - 34, 12, bold=True,
                                      limit=200)
            shown.append(cluster)
    drawn = []
    for edge, (points, tip) in zip(edge_list, laid.edges):
        pts = [(x + MARGIN, y + top) for x, y in points]
        end = (tip[0] + MARGIN, tip[1] + top) if tip is not None else None
        kind = ("risk" if edge.at_risk else "done" if edge.done else
                "critical" if edge.critical else "plain")
        classes = " ".join(c for c, on in (("at-risk", edge.at_risk), ("done", edge.done),
                                            ("critical", edge.critical)) if on)
        stroke, width_, dash = EDGE_PAINT[kind]
        mid = _middle(pts) if pts else (0.0, 0.0)
        drawn.append({"edge": edge, "d": _spline(pts, end), "marker": kind,
                      "classes": classes, "stroke": stroke, "dash": dash,
                      "width": "3.2" if edge.critical else width_,
                      "mx": num(mid[0]), "my": num(mid[1]), "ty": num(mid[1] + 4),
                      "deps": " ".join(f"{d.upstream}>{d.downstream}" for d in edge.deps),
                      "tooltip": _edge_tooltip(edge)})
    return render(model, "deps", prefix=css_class(prefix), title=title, desc=desc,
                  width=num(width), height=num(height), legend=legend,
                  nodes=ordered, edges=drawn, clusters=shown,
                  legend_y=num(MARGIN + 6 + head_h), heading=heading, line_h=LINE_H,
                  edge_paint=EDGE_PAINT)


def _edge_tooltip(edge: Edge) -> str:
    lines = []
    for dep in edge.deps:
        text = f"{dep.downstream} needs {dep.upstream}"
        if dep.need_date is not None:
            text += f" by {dep.need_date.isoformat()}"
        if dep.planned_finish is not None:
            text += f" (planned {dep.planned_finish.isoformat()})"
        if dep.note:
            text += f"; {dep.note}"
        if dep.done:
            text += "; done"
        elif dep.at_risk:
            text += "; AT RISK: " + "; ".join(dep.reasons)
        lines.append(text)
    return clean(" | ".join(lines))
