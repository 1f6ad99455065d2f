"""The dependency graph over projects and milestones: cycles, at-risk links, critical paths.

Nodes are project ids and `project#milestone` refs. An edge points from the item that
needs (downstream) to the item it needs (upstream). A project also needs each of its
own milestones (it is not finished before they are), so a milestone that waits for its
own project, directly or through others, closes a cycle.
"""

from __future__ import annotations

from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import date
from typing import Any

import networkx as nx

from generator.diagnostics import Diagnostics
from generator.records import Record, Records, holds
from generator.rollup import ProjectStatus
from generator.scale import StatusScale
from generator.schedule import MilestoneFact, project_done, project_overdue
from generator.schema import Project
from generator.yamlsafe import Pos

MAX_CYCLES_PER_GROUP = 10
"""Cycles named per strongly connected group; the rest are counted."""


@dataclass(slots=True)
class Dependency:
    """One written dependency: `downstream` needs `upstream`."""

    downstream: str
    upstream: str
    record: Record[Project]
    """The project whose file declares it."""
    loc: tuple[Any, ...]
    """Where in that record it is written."""
    note: str | None = None
    need_date: date | None = None
    planned_finish: date | None = None
    at_risk: bool = False
    reasons: list[str] = field(default_factory=list)
    done: bool = False
    """The upstream item is done: never at risk."""

    @property
    def pos(self) -> Pos:
        return self.record.source.pos(self.loc)


@dataclass(slots=True, frozen=True)
class CriticalStep:
    """One item on a critical path."""

    item: str
    """A project id or `project#milestone` ref."""
    planned: date | None
    """Its planned finish (a milestone's due, a project's end)."""
    float_days: int | None
    """Float of its link to the next item (need date minus planned finish); None for the
    last item, or when a date is missing."""


@dataclass(slots=True)
class CriticalPath:
    """The chain of not-done items that decides a program's finish (SPEC §4), upstream first;
    empty when all is done."""

    program: str
    steps: list[CriticalStep]

    @property
    def items(self) -> list[str]:
        return [step.item for step in self.steps]


class DependencyGraph:
    """Every dependency of the portfolio, evaluated as of a date."""

    def __init__(self, records: Records, milestones: dict[str, list[MilestoneFact]]) -> None:
        self.records = records
        self.milestones = milestones
        self.by_ref: dict[str, MilestoneFact] = {
            fact.ref: fact for facts in milestones.values() for fact in facts}
        self.dependencies: list[Dependency] = []
        self.graph: nx.DiGraph = nx.DiGraph()
        for project in records.by_kind("project"):
            self.graph.add_node(project.id)
            for fact in milestones.get(project.id, []):
                self.graph.add_node(fact.ref)
                self.graph.add_edge(project.id, fact.ref, containment=True)
            self._collect(project)
        for dep in self.dependencies:
            self.graph.add_edge(dep.downstream, dep.upstream, dependency=dep)
        self.dependencies.sort(key=lambda d: (d.downstream, d.upstream))
        needs: dict[str, list[Dependency]] = {}
        needed: dict[str, list[Dependency]] = {}
        for dep in self.dependencies:
            needs.setdefault(dep.downstream.partition("#")[0], []).append(dep)
            needed.setdefault(dep.upstream.partition("#")[0], []).append(dep)
        self.upstream = {node: tuple(deps) for node, deps in needs.items()}
        """Project id -> what it or its milestones need, built once."""
        self.downstream = {node: tuple(deps) for node, deps in needed.items()}
        """Project id -> what needs it or its milestones, built once."""
        exact: dict[str, list[Dependency]] = {}
        for dep in self.dependencies:
            exact.setdefault(dep.downstream, []).append(dep)
        self._needs = {node: tuple(deps) for node, deps in exact.items()}
        """Item (project or milestone ref) -> the written dependencies it has itself."""

    def _collect(self, project: Record[Project]) -> None:
        for index, dep in enumerate(project.model.depends_on):
            upstream = self._resolved(project, ("depends_on", index, "on"))
            if upstream is None:
                continue
            downstream = project.id
            if dep.for_ is not None:
                own = self._own_milestone(project, dep.for_)
                downstream = own or project.id
            self.dependencies.append(Dependency(downstream, upstream, project,
                                                ("depends_on", index), dep.note))
        for m_index, milestone in enumerate(project.model.milestones):
            for index, dep in enumerate(milestone.depends_on):
                upstream = self._resolved(project, ("milestones", m_index, "depends_on",
                                                    index, "on"))
                if upstream is None:
                    continue
                self.dependencies.append(Dependency(
                    f"{project.id}#{milestone.id}", upstream, project,
                    ("milestones", m_index, "depends_on", index), dep.note))

    @staticmethod
    def _resolved(project: Record[Project], loc: tuple[Any, ...]) -> str | None:
        """The item a dependency names, as resolution found it (ids spelled as defined);
        None when it named nothing, or a record that is not a project."""
        target = project.targets.get(loc)
        if target is None or target.record.kind != "project":
            return None
        return target.ref

    @staticmethod
    def _own_milestone(project: Record[Project], milestone_id: str) -> str | None:
        for milestone in project.model.milestones:
            if milestone.id.casefold() == milestone_id.casefold():
                return f"{project.id}#{milestone.id}"
        return None

    # -- cycles -----------------------------------------------------------------------

    def report_cycles(self, diagnostics: Diagnostics) -> bool:
        """Report the cycles of every strongly connected group; True if there is none.

        A written dependency `u -> v` lies on a cycle exactly when `u` and `v` are in one
        strongly connected group (or `u == v`). Each group's written dependencies are taken
        in sorted order; one not yet named in a reported cycle is named by the shortest
        way back from `v` to `u` (breadth first, neighbours in sorted order), so cycles
        sharing nodes are all named in one run and the search cannot fail. At most
        MAX_CYCLES_PER_GROUP cycles are reported per group; if written dependencies of the
        group are still unnamed then, one more error says how many, among how many
        projects and milestones. The work is O(nodes + edges) per reported cycle, so a
        huge tangle is reported quickly, and nothing here raises.
        """
        if nx.is_directed_acyclic_graph(self.graph):
            return True
        groups = [sorted(c) for c in nx.strongly_connected_components(self.graph)
                  if len(c) > 1 or self._self_loop(next(iter(c)))]
        for group in sorted(groups):
            self._report_group(group, diagnostics)
        return False

    def _report_group(self, group: list[str], diagnostics: Diagnostics) -> None:
        members = set(group)
        succ = {n: sorted(m for m in self.graph.successors(n) if m in members) for n in group}
        written = [(u, v) for u in group for v in succ[u]
                   if "dependency" in self.graph.edges[u, v]]
        named: set[tuple[str, str]] = set()
        reported = 0
        for edge in written:
            if edge in named:
                continue
            if reported == MAX_CYCLES_PER_GROUP:
                break
            cycle = _cycle_through(edge, succ)
            if not cycle:  # cannot happen inside a strongly connected group
                continue
            named.update(cycle)
            self._report_cycle(cycle, diagnostics)
            reported += 1
        left = [self.graph.edges[e]["dependency"] for e in written if e not in named]
        if not left:
            return
        first = min(left, key=lambda d: (d.record.path, d.pos.line))
        shown = ", ".join(group[:5]) + (", ..." if len(group) > 5 else "")
        diagnostics.error(
            first.record.path, first.pos.line, first.pos.column, "dependency-cycle",
            f"dependency cycles: {len(group)} projects and milestones ({shown}) wait on "
            f"each other; {len(left)} more of their dependencies are in cycles not listed "
            f"(at most {MAX_CYCLES_PER_GROUP} cycles of one group are named)",
            "break the cycles listed, then run the check again to see the rest")

    def _self_loop(self, node: str) -> bool:
        return bool(self.graph.has_edge(node, node))

    def _report_cycle(self, cycle: list[tuple[str, str]], diagnostics: Diagnostics) -> None:
        parts = []
        written: list[Dependency] = []
        for downstream, upstream in cycle:
            data = self.graph.edges[downstream, upstream]
            dep = data.get("dependency")
            if dep is None:
                parts.append(f"{downstream} -> {upstream} (its own milestone)")
                continue
            written.append(dep)
            parts.append(f"{downstream} -> {upstream} ({dep.record.path}:{dep.pos.line})")
        first = min(written, key=lambda d: (d.record.path, d.pos.line))
        if len(cycle) == 1:
            message = f"'{cycle[0][0]}' depends on itself"
        else:
            message = "dependency cycle: " + ", ".join(parts)
        diagnostics.error(first.record.path, first.pos.line, first.pos.column,
                          "dependency-cycle", message,
                          "remove or redirect one of these dependencies")

    # -- at-risk evaluation --------------------------------------------------------------

    def item_names(self) -> dict[str, str]:
        """How reasons name each item (SPEC §4): a project by its title, a milestone as
        `Project title: Milestone title`, with the id added where that name repeats."""
        names: dict[str, str] = {}
        for project in self.records.by_kind("project"):
            names[project.id] = project.title
            for fact in self.milestones.get(project.id, []):
                names[fact.ref] = f"{project.title}: {fact.milestone.title}"
        seen = Counter(names.values())
        return {ref: f"{name} ({ref})" if seen[name] > 1 else name
                for ref, name in names.items()}

    def evaluate(self, statuses: dict[str, ProjectStatus], scale: StatusScale,
                 as_of: date) -> None:
        """Need dates, planned finishes and at-risk reasons of every dependency."""
        names = self.item_names()
        for dep in self.dependencies:
            down_project, _, down_milestone = dep.downstream.partition("#")
            if down_milestone:
                dep.need_date = self.by_ref[dep.downstream].due
            else:
                down = self.records.get(down_project)
                assert down is not None and holds(down, Project)  # (ids are canonical)
                dep.need_date = down.model.end
            up_project_id, _, up_milestone = dep.upstream.partition("#")
            up_project = self.records.get(up_project_id)
            assert up_project is not None and holds(up_project, Project)
            status = statuses[up_project.id].status
            if up_milestone:
                fact = self.by_ref[dep.upstream]
                dep.done = fact.done is not None
                dep.planned_finish = fact.due
                overdue = fact.state == "overdue"
            else:
                dep.done = project_done(up_project)
                dep.planned_finish = up_project.model.end
                overdue = project_overdue(up_project, as_of)
            if dep.done:
                continue
            # Inside one project its own status is no dependency risk (SPEC §4).
            if status == scale.worst_level and up_project.id != down_project:
                dep.reasons.append(f"upstream project {names[up_project.id]} is {status}")
            upstream = names[dep.upstream]
            if overdue:
                dep.reasons.append(f"{upstream} is overdue (planned "
                                   f"{dep.planned_finish.isoformat() if dep.planned_finish else '?'})")
            if (dep.planned_finish is not None and dep.need_date is not None
                    and dep.planned_finish > dep.need_date):
                dep.reasons.append(f"{upstream} is planned for "
                                   f"{dep.planned_finish.isoformat()}, after it is needed on "
                                   f"{dep.need_date.isoformat()}")
            dep.at_risk = bool(dep.reasons)

    def upstream_of(self, node: str) -> list[Dependency]:
        return list(self.upstream.get(node, ()))

    def downstream_of(self, node: str) -> list[Dependency]:
        return list(self.downstream.get(node, ()))

    # -- critical paths --------------------------------------------------------------------

    def critical_path(self, program: str, projects: list[Record[Project]]) -> CriticalPath:
        """The program's critical path as of the evaluated date (SPEC §4).

        It ends at the not-done item (project or milestone of `projects`) with the latest
        planned finish; where a project ties with one of its own milestones, the milestone
        stands for it (the project is finished by it), other ties go to the smaller id.
        Walking back, each step takes the not-done upstream item of the item's own written
        dependencies with the least float, ties to the smaller id. Needs `evaluate` to have
        run. A cycle stops the walk where it would repeat.
        """
        ends: list[tuple[date, str]] = []
        for project in projects:
            if not project_done(project) and project.model.end is not None:
                ends.append((project.model.end, project.id))
            ends += [(fact.due, fact.ref) for fact in self.milestones.get(project.id, [])
                     if fact.done is None]
        if not ends:
            return CriticalPath(program, [])
        latest = max(day for day, _ in ends)
        tied = [ref for day, ref in ends if day == latest]
        owners = {ref.partition("#")[0] for ref in tied if "#" in ref}
        item = min(ref for ref in tied if "#" in ref or ref not in owners)
        chain: list[CriticalStep] = [CriticalStep(item, latest, None)]
        seen = {item}
        while True:
            options = [d for d in self._needs.get(item, ()) if not d.done
                       and d.upstream not in seen]
            if not options:
                break
            dep = min(options, key=lambda d: (_float(d) is None, _float(d) or 0, d.upstream))
            item = dep.upstream
            seen.add(item)
            chain.append(CriticalStep(item, dep.planned_finish, _float(dep)))
        chain.reverse()
        return CriticalPath(program, chain)


def _float(dep: Dependency) -> int | None:
    """Need date minus planned finish, in days; None when either is unknown."""
    if dep.need_date is None or dep.planned_finish is None:
        return None
    return (dep.need_date - dep.planned_finish).days


def _cycle_through(edge: tuple[str, str],
                   succ: dict[str, list[str]]) -> list[tuple[str, str]]:
    """The shortest cycle that takes `edge`, as edges from its smallest node; [] if none."""
    down, up = edge
    if down == up:
        return [edge]
    parent: dict[str, str] = {up: up}
    queue = deque([up])
    while queue and down not in parent:
        node = queue.popleft()
        for nxt in succ[node]:
            if nxt not in parent:
                parent[nxt] = node
                queue.append(nxt)
    if down not in parent:
        return []
    cycle = [edge]
    node = down
    path: list[tuple[str, str]] = []
    while node != up:
        path.append((parent[node], node))
        node = parent[node]
    cycle += reversed(path)
    start = min(range(len(cycle)), key=lambda i: cycle[i][0])
    return cycle[start:] + cycle[:start]
