"""Draw a dependency diagram: nodes, edges and clusters laid out by Graphviz, as SVG."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.diagrams.layout import Box, GraphSpec, Point, layout
from generator.diagrams.render import Label, css_class, label, num, render, text_width
from generator.graph import Dependency

NODE_W, NODE_H = 224.0, 44.0
MARGIN = 16.0
ROW = 4
"""Nodes of a cluster without any edge are set in rows of this many, not one long column."""


@dataclass(slots=True)
class Node:
    """A project (`crm`) or milestone (`crm#go-live`) box."""

    key: str
    kind: str
    title: Label
    word: str
    """The status (project) or state and date (milestone), always shown as a word."""
    classes: str
    href: str
    tooltip: str
    path: tuple[str, ...] = ()
    """Keys of the clusters it sits in, outermost first."""
    critical: bool = False
    box: Box | None = None


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
    """Flow the legend entries into rows no wider than `width`; return them and the height."""
    items = [{"kind": "status", "key": key, "text": word} for key, word in words]
    items += [{"kind": "milestone", "text": "\u25c6 milestone (state and date)"},
              {"kind": "edge", "text": "dependency: arrow points to the item that needs it"},
              {"kind": "risk", "text": "at risk (reasons in the arrow's tooltip)"},
              {"kind": "done", "text": "upstream done"},
              {"kind": "critical", "text": "critical path"}]
    x, y = MARGIN, 0.0
    for item in items:
        swatch = 30.0 if item["kind"] in ("edge", "risk", "done", "critical") else 14.0
        w = swatch + 6 + text_width(item["text"], 11)
        if x > MARGIN and x + w > width - MARGIN:
            x, y = MARGIN, y + 20
        item.update(x=num(x), y=num(y), tx=num(x + swatch + 6), sx=num(x + swatch))
        x += w + 18
    return items, y + 20


def draw(model: Any, prefix: str, title: str, desc: str, nodes: dict[str, Node],
         edges: dict[tuple[str, str], Edge], clusters: dict[str, Cluster],
         statuses: list[tuple[str, str]]) -> str:
    """Lay the graph out and render `deps.svg.j2`; "" when there is no node."""
    if not nodes:
        return ""
    ordered = sorted(nodes.values(), key=lambda n: (n.path, n.kind != "project", n.key))
    spec = GraphSpec(labelled={c.key for c in clusters.values() if c.title is not None})
    spec.nodes = [(n.key, NODE_W, NODE_H, n.path) for n in ordered]
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
            spec.invisible += list(zip(row, row[1:]))
    laid = layout(spec)
    legend, legend_h = _legend(statuses, max(laid.width + 2 * MARGIN, 720.0))
    top = MARGIN + 22 + legend_h + 8
    width = max(laid.width + 2 * MARGIN, 720.0)

    def moved(box: Box) -> Box:
        return Box(box.x + MARGIN, box.y + top, box.w, box.h)

    for node in ordered:
        node.box = moved(laid.nodes[node.key])
    shown = []
    for cluster in sorted(clusters.values(), key=lambda c: c.key):
        if cluster.key in laid.clusters:
            cluster.box = moved(laid.clusters[cluster.key])
            if cluster.title is not None:
                cluster.title = label(cluster.title.full, cluster.box.w - 24, 12, bold=True,
                                      limit=max(6, int((cluster.box.w - 24) / 7.2)))
            shown.append(cluster)
    drawn = []
    for edge, (points, tip) in zip(edge_list, laid.edges):
        pts = [(x + MARGIN, y + top) for x, y in points]
        end = (tip[0] + MARGIN, tip[1] + top) if tip is not None else None
        kind = ("risk" if edge.at_risk else "done" if edge.done else
                "critical" if edge.critical else "plain")
        classes = " ".join(c for c, on in (("at-risk", edge.at_risk), ("done", edge.done),
                                            ("critical", edge.critical)) if on)
        drawn.append({"edge": edge, "d": _spline(pts, end), "marker": kind,
                      "classes": classes, "mid": _middle(pts) if pts else (0.0, 0.0),
                      "deps": " ".join(f"{d.upstream}>{d.downstream}" for d in edge.deps),
                      "tooltip": _edge_tooltip(edge)})
    return render(model, "deps", prefix=css_class(prefix), title=title, desc=desc,
                  width=num(width), height=num(top + laid.height + MARGIN), legend=legend,
                  nodes=ordered, edges=drawn, clusters=shown, node_h=NODE_H)


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
    return " | ".join(lines)
