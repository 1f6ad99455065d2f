"""The dependency graph over projects and milestones: cycles, at-risk links, critical paths.

Nodes are project ids and `project#milestone` refs. An edge points from the item that
needs (downstream) to the item it needs (upstream). A project also needs each of its
own milestones (it is not finished before they are), so a milestone that waits for its
own project, directly or through others, closes a cycle.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date
from itertools import pairwise
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


@dataclass(slots=True)
class CriticalPath:
    """The longest chain of dependent milestones of a program, by date."""

    program: str
    milestones: list[str]
    start: date
    finish: date

    @property
    def days(self) -> int:
        return (self.finish - self.start).days


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

    def evaluate(self, statuses: dict[str, ProjectStatus], scale: StatusScale,
                 as_of: date) -> None:
        """Need dates, planned finishes and at-risk reasons of every dependency."""
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
            if status == scale.worst_level:
                dep.reasons.append(f"upstream project '{up_project.id}' is {status}")
            if overdue:
                dep.reasons.append(f"'{dep.upstream}' is overdue (planned "
                                   f"{dep.planned_finish.isoformat() if dep.planned_finish else '?'})")
            if (dep.planned_finish is not None and dep.need_date is not None
                    and dep.planned_finish > dep.need_date):
                dep.reasons.append(f"'{dep.upstream}' is planned for "
                                   f"{dep.planned_finish.isoformat()}, after it is needed on "
                                   f"{dep.need_date.isoformat()}")
            dep.at_risk = bool(dep.reasons)

    def upstream_of(self, node: str) -> list[Dependency]:
        return list(self.upstream.get(node, ()))

    def downstream_of(self, node: str) -> list[Dependency]:
        return list(self.downstream.get(node, ()))

    # -- critical paths --------------------------------------------------------------------

    def critical_path(self, program: str, projects: list[Record[Project]]) -> CriticalPath | None:
        """The longest chain of dependent milestones among `projects`, by date.

        A chain runs through a project's milestones in due order and across written
        dependencies (a dependency on a whole project counts from its last milestone);
        only links forward in time count. Longest means the most days from the first
        milestone's due date to the last's; ties go to more milestones, then to ids.
        """
        due: dict[str, date] = {}
        last: dict[str, str] = {}
        edges: dict[str, set[str]] = {}
        for project in projects:
            facts = sorted(self.milestones.get(project.id, []), key=lambda f: (f.due, f.index))
            for earlier, later in pairwise(facts):
                edges.setdefault(later.ref, set()).add(earlier.ref)
            for fact in facts:
                due[fact.ref] = fact.due
            if facts:
                last[project.id] = facts[-1].ref
        for dep in self.dependencies:
            down = dep.downstream if "#" in dep.downstream else last.get(dep.downstream)
            up = dep.upstream if "#" in dep.upstream else last.get(dep.upstream)
            if down in due and up in due:
                edges.setdefault(down, set()).add(up)
        if not due:
            return None
        order = sorted(due, key=lambda ref: (due[ref], ref))
        rank = {ref: index for index, ref in enumerate(order)}
        best: dict[str, tuple[int, int, list[str]]] = {}
        for ref in order:
            chain = (0, 1, [ref])
            for before in sorted(edges.get(ref, ())):
                if rank[before] >= rank[ref] or before not in best:
                    continue
                days, count, path = best[before]
                candidate = (days + (due[ref] - due[before]).days, count + 1, path + [ref])
                if candidate[:2] > chain[:2]:
                    chain = candidate
            best[ref] = chain
        path = min(best.values(), key=lambda c: (-c[0], -c[1], c[2]))[2]
        return CriticalPath(program, path, due[path[0]], due[path[-1]])


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
