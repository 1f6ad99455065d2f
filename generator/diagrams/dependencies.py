"""Dependency diagrams of the portfolio, of a program and of a project's neighbourhood."""

from __future__ import annotations

from itertools import pairwise

from generator.diagrams.graphdraw import NODE_W, Cluster, Edge, Node, draw
from generator.diagrams.render import clean, href, label, palette, style_of
from generator.graph import CriticalPath, Dependency
from generator.model import PortfolioModel
from generator.urls import milestone_url, record_url

STANDALONE = "standalone"
"""Cluster key of projects that belong to no program."""


class _Builder:
    """Collects the nodes, edges and clusters of one diagram from the model."""

    def __init__(self, model: PortfolioModel, root: str, milestones: bool) -> None:
        self.model, self.root, self.milestones = model, root, milestones
        self.scale = model.scale
        self.nodes: dict[str, Node] = {}
        self.edges: dict[tuple[str, str], Edge] = {}
        self.clusters: dict[str, Cluster] = {}

    def project(self, pid: str) -> str:
        if pid in self.nodes:
            return pid
        model = self.model
        record = model.records.get(pid)
        assert record is not None
        status = model.statuses[pid].status
        style = style_of(self.scale, status)
        program = model.program_of.get(pid)
        cluster = f"program:{program}" if program is not None else STANDALONE
        if cluster not in self.clusters:
            self._cluster(cluster, program)
        self.nodes[pid] = Node(pid, "project", label(record.title, NODE_W - 20, 12, bold=True),
                               status, f"project {style.classes}", style,
                               href(self.root, record_url(record)),
                               f"{clean(record.title)} ({pid}): {status}", (cluster,))
        return pid

    def _cluster(self, key: str, program: str | None) -> None:
        if program is None:
            self.clusters[key] = Cluster(key, label("Not in a program", 400, 12, True))
            return
        record = self.model.records.get(program)
        assert record is not None
        status = self.model.status_of(program)
        self.clusters[key] = Cluster(key, label(f"{clean(record.title)} \u00b7 {status}", 400, 12,
                                                True, limit=200),
                                     style_of(self.scale, status).key,
                                     href(self.root, record_url(record)))

    def item(self, ref: str) -> str:
        """The node standing for `ref` (a milestone node only at milestone level)."""
        pid, _, milestone = ref.partition("#")
        self.project(pid)
        if not milestone or not self.milestones:
            return pid
        if ref not in self.nodes:
            fact = self.model.graph.by_ref[ref]
            project = self.nodes[pid]
            scale = self.scale
            key = {"done": "done", "late": "done", "overdue": scale.worst_level,
                   "due-soon": scale.levels[len(scale.levels) // 2]}.get(fact.state, "unknown")
            when = f"done {fact.done.isoformat()}" if fact.done else f"due {fact.due.isoformat()}"
            group = f"group:{pid}"
            self.clusters.setdefault(group, Cluster(group, None))
            project.path = project.path[:1] + (group,)
            title = clean(fact.milestone.title)
            self.nodes[ref] = Node(
                ref, "milestone", label("\u25c6 " + title, NODE_W - 20, 12, bold=True),
                f"{fact.state} \u00b7 {when}",
                f"milestone ms-{fact.state} {style_of(scale, key).key}", style_of(scale, key),
                href(self.root, milestone_url(pid, fact.milestone.id)),
                f"{title} ({ref}), milestone of {project.title.full}: {fact.state}, {when}",
                project.path)
        return ref

    def connect(self, dep: Dependency) -> None:
        up, down = self.item(dep.upstream), self.item(dep.downstream)
        if up != down:
            self.edges.setdefault((up, down), Edge(up, down)).deps.append(dep)

    def mark(self, paths: list[CriticalPath]) -> None:
        """Highlight the nodes and arrows each critical path runs through."""
        for path in paths:
            keys = [ref if ref in self.nodes else ref.partition("#")[0] for ref in path.items]
            keys = [k if k in self.nodes else "" for k in keys]
            for key in keys:
                if key:
                    self.nodes[key].critical = True
            for a, b in pairwise(keys):
                if (a, b) in self.edges:
                    self.edges[a, b].critical = True

    def draw(self, prefix: str, title: str, desc: str) -> str:
        for node in self.nodes.values():
            node.path = self.nodes[node.key.partition("#")[0]].path
        words = [(s.key, s.word) for s in palette(self.scale)]
        return draw(self.model, prefix, clean(title), clean(desc), self.nodes, self.edges,
                    self.clusters, words)


def _summary(builder: _Builder) -> str:
    projects = sum(1 for n in builder.nodes.values() if n.kind == "project")
    milestones = len(builder.nodes) - projects
    risky = [builder.edges[k] for k in sorted(builder.edges) if builder.edges[k].at_risk]
    text = (f"{projects} projects{f' and {milestones} milestones' if milestones else ''}, "
            f"{len(builder.edges)} dependency arrows, {len(risky)} at risk. Each arrow points "
            "from the item needed to the item that needs it.")
    if risky:
        named = [f"{e.downstream} needs {e.upstream}" for e in risky[:10]]
        more = f" and {len(risky) - 10} more" if len(risky) > 10 else ""
        text += " At risk: " + "; ".join(named) + more + "."
    return text


def _graph_deps(model: PortfolioModel) -> list[Dependency]:
    return model.graph.dependencies


def _project(ref: str) -> str:
    return ref.partition("#")[0]


def _index(model: PortfolioModel) -> dict[str, dict[str, tuple[Dependency, ...]]]:
    """Dependencies by the project on each side (`downstream`: the project that needs),
    as the graph indexes them once."""
    return {"downstream": model.graph.upstream, "upstream": model.graph.downstream}


def portfolio_dependencies_svg(model: PortfolioModel, root: str) -> str:
    """Every project, clustered by program, with dependencies between projects.

    Drawn at project level: a milestone's dependency is shown between the two projects
    (the arrow's tooltip names the milestones), which keeps 1,000 projects drawable.
    """
    builder = _Builder(model, root, milestones=False)
    for project in model.records.by_kind("project"):
        builder.project(project.id)
    for dep in _graph_deps(model):
        builder.connect(dep)
    builder.mark([model.critical_paths[k] for k in sorted(model.critical_paths)])
    return builder.draw("deps-portfolio", "Dependencies across the portfolio", _summary(builder))


def program_dependencies_svg(model: PortfolioModel, program_id: str, root: str) -> str:
    """The program's projects and the outside projects they touch, at milestone level."""
    record = model.records.get(program_id)
    if record is None or record.kind != "program":
        return ""
    builder = _Builder(model, root, milestones=True)
    members = {p.id for p in model.projects_of(record.id)}
    for pid in sorted(members):
        builder.project(pid)
    index = _index(model)
    touching = {(d.downstream, d.upstream): d for side in ("downstream", "upstream")
                for pid in members for d in index[side].get(pid, ())}
    for key in sorted(touching):
        builder.connect(touching[key])
    if record.id in model.critical_paths:
        builder.mark([model.critical_paths[record.id]])
    return builder.draw(f"deps-program-{record.id}",
                        f"Dependencies of the program {record.title}", _summary(builder))


def project_dependencies_svg(model: PortfolioModel, project_id: str, root: str) -> str:
    """The project and what it needs and is needed by, two steps each way; "" if none."""
    record = model.records.get(project_id)
    if record is None or record.kind != "project":
        return ""
    pid = record.id
    by_project = _index(model)
    chosen: list[Dependency] = []
    for side, far in (("downstream", "upstream"), ("upstream", "downstream")):
        frontier = {pid}
        for _ in range(2):
            step = [d for p in sorted(frontier) for d in by_project[side].get(p, ())
                    if _project(getattr(d, far)) != p or p == pid]
            chosen += step
            frontier = {_project(getattr(d, far)) for d in step} - {pid}
    if not chosen:
        return ""
    builder = _Builder(model, root, milestones=True)
    builder.project(pid)
    unique = {(d.downstream, d.upstream): d for d in chosen}
    for key in sorted(unique):
        builder.connect(unique[key])
    builder.nodes[pid].classes += " focus"
    program = model.program_of.get(pid)
    if program is not None and program in model.critical_paths:
        builder.mark([model.critical_paths[program]])
    return builder.draw(f"deps-project-{pid}",
                        f"Dependencies of {record.title}, two steps up and down",
                        _summary(builder))
