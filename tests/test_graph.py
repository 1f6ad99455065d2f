"""Dependency graph: edges, need dates, at-risk reasons, cycles (SPEC §4); the critical path
is tested in test_critical_path.py."""

from __future__ import annotations

import random
import re
import tempfile
from datetime import date
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from generator.pipeline import check
from generator.settings import load_settings
from tests.conftest import AS_OF, PORTFOLIO, PROGRAM, codes, project, write_site


def proj(ident: str, *lines: str, program: str = "cx") -> str:
    """A project charter; `lines` are extra front-matter lines, written as given."""
    return project(ident, "\n".join(lines), program=program)


def line_of(text: str, needle: str) -> int:
    """1-based line of the (unique) line of `text` that is `needle` (ignoring comments)."""
    found = [i for i, line in enumerate(text.splitlines(), 1)
             if line.split(" #")[0].strip() == needle]
    assert len(found) == 1, (needle, found)
    return found[0]


def site(**projects: str) -> dict[str, str]:
    files = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM}
    files.update({f"projects/{k}.md": v for k, v in projects.items()})
    return files


def deps(result) -> dict[tuple[str, str], object]:
    return {(d.downstream, d.upstream): d for d in result.model.graph.dependencies}


def kinds_of(reasons: list[str]) -> set[str]:
    """Classify reason texts: worst status, overdue, finish after need date."""
    out = set()
    for reason in reasons:
        if reason.startswith("upstream project "):
            out.add("worst")
        elif "overdue" in reason:
            out.add("overdue")
        elif "after" in reason:
            out.add("late")
        else:
            out.add(reason)
    return out


# ------------------------------------------------------------------------------ edges


A = proj("a", "end: 2026-12-31",
         "milestones:",
         "  - {id: a1, title: A one, due: 2026-09-01}",
         "  - id: a2",
         "    title: A two",
         "    due: 2026-10-01",
         "    depends_on: [b#b1]",
         "depends_on:",
         "  - b",
         "  - {on: c#c1, for: a1, note: needs the API}")
B = proj("b", "end: 2026-08-31", "milestones:", "  - {id: b1, title: B one, due: 2026-08-15}")
C = proj("c", "end: 2026-09-30", "milestones:", "  - {id: c1, title: C one, due: 2026-08-20}")


def test_three_forms_of_dependency(run):
    result = run(site(a=A, b=B, c=C))
    assert codes(result, "error") == []
    got = deps(result)
    assert sorted(got) == [("a", "b"), ("a#a1", "c#c1"), ("a#a2", "b#b1")]
    project_dep = got[("a", "b")]
    assert (project_dep.need_date, project_dep.planned_finish) == (
        date(2026, 12, 31), date(2026, 8, 31))
    for_dep = got[("a#a1", "c#c1")]
    assert (for_dep.need_date, for_dep.planned_finish) == (date(2026, 9, 1), date(2026, 8, 20))
    assert for_dep.note == "needs the API"
    milestone_dep = got[("a#a2", "b#b1")]
    assert (milestone_dep.need_date, milestone_dep.planned_finish) == (
        date(2026, 10, 1), date(2026, 8, 15))
    assert not any(d.at_risk for d in got.values())
    assert all(d.reasons == [] for d in got.values())
    assert "at-risk-dependency" not in codes(result)


def test_dependencies_listed_in_sorted_order(run):
    result = run(site(a=A, b=B, c=C))
    listed = [(d.downstream, d.upstream) for d in result.model.graph.dependencies]
    assert listed == sorted(listed)


def test_references_spelled_in_other_case_resolve_to_defined_ids(run):
    a = proj("a", "end: 2026-12-31", "depends_on: [B]")
    result = run(site(a=a, b=B))
    assert sorted(deps(result)) == [("a", "b")]


def test_for_milestone_sets_need_date(run):
    # u finishes 09-01: fine for d's end (12-31), too late for d1 (08-01).
    d = proj("d", "end: 2026-12-31",
             "milestones:", "  - {id: d1, title: D one, due: 2026-08-01}",
             "depends_on:", "  - {on: u, for: d1}")
    u = proj("u", "end: 2026-09-01")
    dep = deps(run(site(d=d, u=u)))[("d#d1", "u")]
    assert dep.need_date == date(2026, 8, 1)
    assert dep.planned_finish == date(2026, 9, 1)
    assert dep.at_risk is True
    assert kinds_of(dep.reasons) == {"late"}
    assert "2026-09-01" in dep.reasons[0] and "2026-08-01" in dep.reasons[0]


# --------------------------------------------------------------------------- at risk


def test_own_status_is_no_risk_inside_one_project(run):
    """SPEC §4: wave 2 -> wave 3 inside one red project is not at risk for being red;
    the same red project is a risk to a milestone of another project."""
    red = proj("net", "end: 2027-06-30", "status: red", "milestones:",
               "  - {id: w2, title: Wave 2, due: 2026-12-04}",
               "  - {id: w3, title: Wave 3, due: 2027-02-01, depends_on: [net#w2]}")
    other = proj("erp", "end: 2027-06-30", "status: green", "milestones:",
                 "  - {id: golive, title: Go-live, due: 2027-03-01, depends_on: [net#w2]}")
    got = deps(run(site(net=red, erp=other)))
    inside = got[("net#w3", "net#w2")]
    assert inside.reasons == [] and inside.at_risk is False
    across = got[("erp#golive", "net#w2")]
    assert across.reasons == ["upstream project Project net is red"]


def test_reasons_name_items_by_title_with_id_where_titles_repeat(run):
    d = proj("d", "end: 2026-10-31", "depends_on: [a#m, b#m, c]")
    a = proj("a", "end: 2026-12-31", "status: green", "milestones:",
             "  - {id: m, title: Go-live, due: 2026-06-15}")
    b = proj("b", "end: 2026-12-31", "status: green", "milestones:",
             "  - {id: m, title: Go-live, due: 2026-12-15}")
    # Two projects titled alike: the id tells them apart.
    b = b.replace("title: Project b", "title: Project a")
    c = proj("c", "end: 2026-12-31", "status: red")
    got = deps(run(site(d=d, a=a, b=b, c=c)))
    assert got[("d", "a#m")].reasons == [
        "Project a: Go-live (a#m) is overdue (planned 2026-06-15)"]
    assert got[("d", "b#m")].reasons == [
        "Project a: Go-live (b#m) is planned for 2026-12-15, after it is needed on 2026-10-31"]
    assert got[("d", "c")].reasons == [
        "upstream project Project c is red",
        "Project c is planned for 2026-12-31, after it is needed on 2026-10-31"]
    assert not any("'" in r for dep in got.values() for r in dep.reasons)



def test_at_risk_reasons_each_reported(run):
    d = proj("d", "end: 2026-10-31",
             "depends_on:",
             "  - red",  # red upstream, otherwise fine
             "  - ovd",  # project end passed, still open
             "  - ms#m1",  # milestone due before as-of, not done
             "  - slow",  # finishes after d's end
             "  - amb",  # amber, on time: not at risk
             "  - redlate")  # red and after the need date
    e = proj("e", "end: 2026-06-15", "depends_on: [all3]")
    files = site(
        d=d, e=e,
        red=proj("red", "end: 2026-09-30", "status: red"),
        ovd=proj("ovd", "end: 2026-06-01", "phase: execution", "status: green"),
        ms=proj("ms", "end: 2026-12-31", "status: green",
                "milestones:", "  - {id: m1, title: M one, due: 2026-06-15}"),
        slow=proj("slow", "end: 2026-12-31", "status: green"),
        amb=proj("amb", "end: 2026-09-30", "status: amber"),
        redlate=proj("redlate", "end: 2027-01-31", "status: red"),
        all3=proj("all3", "end: 2026-06-20", "status: red"),
    )
    result = run(files)
    got = deps(result)
    assert kinds_of(got[("d", "red")].reasons) == {"worst"}
    assert "'red'" in got[("d", "red")].reasons[0] or "red" in got[("d", "red")].reasons[0]
    assert kinds_of(got[("d", "ovd")].reasons) == {"overdue"}
    assert kinds_of(got[("d", "ms#m1")].reasons) == {"overdue"}
    assert kinds_of(got[("d", "slow")].reasons) == {"late"}
    assert got[("d", "amb")].at_risk is False and got[("d", "amb")].reasons == []
    assert kinds_of(got[("d", "redlate")].reasons) == {"worst", "late"}
    assert len(got[("d", "redlate")].reasons) == 2
    # all3: red, end 06-20 passed (overdue), and after e's need date 06-15.
    assert kinds_of(got[("e", "all3")].reasons) == {"worst", "overdue", "late"}
    assert len(got[("e", "all3")].reasons) == 3
    at_risk = {k for k, v in got.items() if v.at_risk}
    assert at_risk == {("d", "red"), ("d", "ovd"), ("d", "ms#m1"), ("d", "slow"),
                       ("d", "redlate"), ("e", "all3")}

    warnings = [w for w in result.diagnostics.sorted() if w.code == "at-risk-dependency"]
    assert {(w.path, w.line) for w in warnings} == {
        ("content/projects/d.md", line_of(d, "- red")),
        ("content/projects/d.md", line_of(d, "- ovd")),
        ("content/projects/d.md", line_of(d, "- ms#m1")),
        ("content/projects/d.md", line_of(d, "- slow")),
        ("content/projects/d.md", line_of(d, "- redlate")),
        ("content/projects/e.md", line_of(e, "depends_on: [all3]")),
    }
    assert all(w.severity == "warning" for w in warnings)


def test_red_upstream_of_a_milestone_project(run):
    # The upstream is a milestone; its project is red: at risk for that reason.
    d = proj("d", "end: 2026-12-31", "depends_on: [up#m1]")
    up = proj("up", "end: 2026-12-31", "status: red",
              "milestones:", "  - {id: m1, title: M one, due: 2026-09-01}")
    dep = deps(run(site(d=d, up=up)))[("d", "up#m1")]
    assert dep.at_risk is True
    assert kinds_of(dep.reasons) == {"worst"}


def test_dependency_on_done_item_is_never_at_risk(run):
    d = proj("d", "end: 2026-10-31", "depends_on:", "  - closed", "  - k#k1", "  - k#k2")
    closed = proj("closed", "phase: closed", "end: 2026-01-31", "status: red")
    # k is red; k1 is done (late), k2 has a done date only after as-of.
    k = proj("k", "end: 2026-12-31", "status: red",
             "milestones:",
             "  - {id: k1, title: K one, due: 2026-05-01, done: 2026-05-02}",
             "  - {id: k2, title: K two, due: 2026-06-10, done: 2026-07-05}")
    got = deps(run(site(d=d, closed=closed, k=k)))
    assert got[("d", "closed")].at_risk is False
    assert got[("d", "closed")].reasons == []
    assert got[("d", "k#k1")].at_risk is False
    assert got[("d", "k#k1")].reasons == []
    assert got[("d", "k#k2")].at_risk is True
    assert kinds_of(got[("d", "k#k2")].reasons) == {"worst", "overdue"}


def test_worst_status_depends_on_the_scale(run):
    d = proj("d", "end: 2026-12-31", "depends_on: [ar, r]")
    files = site(d=d, ar=proj("ar", "end: 2026-09-01", "status: Amber/Red"),
                 r=proj("r", "end: 2026-09-01", "status: Red"))
    got = deps(run(files, options="status_scale: [green, amber-green, amber, amber-red, red]"))
    assert got[("d", "ar")].at_risk is False
    assert got[("d", "r")].at_risk is True


# ----------------------------------------------------------------------------- cycles


def _cycle_errors(result):
    return [d for d in result.diagnostics.sorted() if d.code == "dependency-cycle"]


def test_two_node_cycle_names_both_edges(run):
    a = proj("a", "depends_on:", "  - b")
    b = proj("b", "depends_on:", "  - a")
    result = run(site(a=a, b=b))
    [error] = _cycle_errors(result)
    assert error.severity == "error"
    assert (error.path, error.line) == ("content/projects/a.md", 8)
    assert "a -> b" in error.message and "b -> a" in error.message
    assert "content/projects/a.md:8" in error.message
    assert "content/projects/b.md:8" in error.message


def test_three_node_cycle_names_every_edge(run):
    a = proj("a", "depends_on:", "  - b")
    b = proj("b", "depends_on:", "  - c")
    c = proj("c", "depends_on:", "  - a")
    result = run(site(a=a, b=b, c=c))
    [error] = _cycle_errors(result)
    assert (error.path, error.line) == ("content/projects/a.md", 8)
    for edge in ("a -> b", "b -> c", "c -> a"):
        assert edge in error.message
    for where in ("content/projects/a.md:8", "content/projects/b.md:8",
                  "content/projects/c.md:8"):
        assert where in error.message


def test_self_dependency(run):
    a = proj("a", "depends_on:", "  - a")
    result = run(site(a=a))
    [error] = _cycle_errors(result)
    assert (error.path, error.line) == ("content/projects/a.md", 8)
    assert "'a'" in error.message


def test_milestone_waiting_on_its_own_project(run):
    a = proj("a", "milestones:",
             "  - id: m1",
             "    title: M one",
             "    due: 2026-09-01",
             "    depends_on: [a]")
    result = run(site(a=a))
    [error] = _cycle_errors(result)
    assert (error.path, error.line) == ("content/projects/a.md", 11)
    assert "a#m1 -> a" in error.message


def test_cycle_through_milestones_of_two_projects(run):
    # a#a1 needs all of b; b#b1 needs all of a; each project needs its own milestones.
    a = proj("a", "milestones:", "  - id: a1", "    title: A one", "    due: 2026-09-01",
             "    depends_on: [b]")
    b = proj("b", "milestones:", "  - id: b1", "    title: B one", "    due: 2026-09-01",
             "    depends_on: [a]")
    result = run(site(a=a, b=b))
    [error] = _cycle_errors(result)
    assert "a#a1 -> b" in error.message and "b#b1 -> a" in error.message
    assert "content/projects/a.md:11" in error.message
    assert "content/projects/b.md:11" in error.message


def test_two_separate_cycles_are_both_reported(run):
    result = run(site(a=proj("a", "depends_on: [b]"), b=proj("b", "depends_on: [a]"),
                      c=proj("c", "depends_on: [d]"), d=proj("d", "depends_on: [c]")))
    errors = _cycle_errors(result)
    assert [e.path for e in errors] == ["content/projects/a.md", "content/projects/c.md"]


def test_cycles_sharing_a_node_name_every_edge(run):
    # a <-> b and b <-> c: two cycles in one tangle; every edge must be named somewhere,
    # or the author fixes one cycle only to meet the other on the next run.
    b = proj("b", "depends_on:", "  - a", "  - c")
    result = run(site(a=proj("a", "depends_on: [b]"), b=b, c=proj("c", "depends_on: [b]")))
    messages = " | ".join(e.message for e in _cycle_errors(result))
    for edge in ("a -> b", "b -> a", "b -> c", "c -> b"):
        assert edge in messages, messages
    assert f"content/projects/b.md:{line_of(b, '- c')}" in messages


def test_crossing_milestone_dependencies_are_not_a_cycle(run):
    a = proj("a", "milestones:", "  - {id: a1, title: A one, due: 2026-08-01}",
             "  - id: a2", "    title: A two", "    due: 2026-09-01", "    depends_on: [a#a1]",
             "depends_on: [b#b1]")
    b = proj("b", "milestones:", "  - {id: b1, title: B one, due: 2026-07-15}",
             "depends_on: [a#a1]")
    result = run(site(a=a, b=b))
    assert _cycle_errors(result) == []
    assert result.model.acyclic is True


def test_cycle_does_not_stop_other_checks(run):
    a = proj("a", "depends_on: [b]", "milestones:",
             "  - {id: m1, title: M one, due: 2026-06-01}")
    b = proj("b", "depends_on: [a]")
    result = run(site(a=a, b=b))
    assert "dependency-cycle" in codes(result, "error")
    assert "overdue-milestone" in codes(result, "warning")


def test_four_projects_whose_smallest_node_is_on_no_cycle(run):
    # p0 -> p3 -> p1 -> p2 -> {p0, p1, p3}: one group with three cycles through p1, p2.
    # The old search started at a node that is on no cycle of what remained and raised.
    files = site(p0=proj("p0", "depends_on:", "  - p3"),
                 p1=proj("p1", "depends_on:", "  - p2"),
                 p2=proj("p2", "depends_on:", "  - p0", "  - p1", "  - p3"),
                 p3=proj("p3", "depends_on:", "  - p1"))
    result = run(files)
    where = {n: f"content/projects/{n}.md" for n in ("p0", "p1", "p2", "p3")}
    assert [(e.path, e.line, e.column, e.severity, e.message)
            for e in _cycle_errors(result)] == [
        (where["p0"], 8, 5, "error",
         (f"dependency cycle: p0 -> p3 ({where['p0']}:8), p3 -> p1 ({where['p3']}:8), "
          f"p1 -> p2 ({where['p1']}:8), p2 -> p0 ({where['p2']}:8)")),
        (where["p1"], 8, 5, "error",
         f"dependency cycle: p1 -> p2 ({where['p1']}:8), p2 -> p1 ({where['p2']}:9)"),
        (where["p1"], 8, 5, "error",
         (f"dependency cycle: p1 -> p2 ({where['p1']}:8), p2 -> p3 ({where['p2']}:10), "
          f"p3 -> p1 ({where['p3']}:8)")),
    ]
    assert result.model.acyclic is False


def test_huge_random_tangle_is_reported_in_bounded_form(run):
    # 3,000 random dependencies among 300 projects: one group holding every project.
    # Ten cycles are named, then one error counts the rest (no exception, no blow-up).
    rnd = random.Random(1)
    edges: set[tuple[int, int]] = set()
    while len(edges) < 3000:
        edges.add((rnd.randrange(300), rnd.randrange(300)))
    projects = {}
    for n in range(300):
        ups = sorted(f"p{b}" for a, b in edges if a == n)
        projects[f"p{n}"] = proj(f"p{n}", f"depends_on: [{', '.join(ups)}]" if ups else "")
    result = run(site(**projects))
    errors = _cycle_errors(result)
    assert len(errors) == 11
    assert all(e.severity == "error" for e in errors)
    named = [e for e in errors if e.message.startswith("dependency cycle: ")
             or e.message.endswith("depends on itself")]
    assert len(named) == 10
    [summary] = [e for e in errors if e not in named]
    assert summary.message.startswith(
        "dependency cycles: 300 projects and milestones (p0, p1, p10, p100, p101, ...) ")
    assert "more of their dependencies are in cycles not listed" in summary.message


_EDGE = re.compile(r"(\S+) -> (\S+) \(")


def _has_cycle(adjacency: dict[str, set[str]]) -> bool:
    """Brute force: some node reaches itself by one or more steps."""
    for start, upstream in adjacency.items():
        seen: set[str] = set()
        todo = list(upstream)
        while todo:
            node = todo.pop()
            if node == start:
                return True
            if node not in seen:
                seen.add(node)
                todo.extend(adjacency[node])
    return False


@st.composite
def small_graphs(draw):
    """Up to 4 projects, some with one milestone `m`, and dependencies among them all."""
    count = draw(st.integers(1, 4))
    with_milestone = draw(st.lists(st.booleans(), min_size=count, max_size=count))
    nodes = [f"p{i}" for i in range(count)] + [
        f"p{i}#m" for i in range(count) if with_milestone[i]]
    edges = draw(st.lists(st.tuples(st.sampled_from(nodes), st.sampled_from(nodes)),
                          max_size=8, unique=True))
    return count, with_milestone, edges


@given(small_graphs())
def test_cycle_reported_iff_brute_force_finds_one(graph):
    count, with_milestone, edges = graph
    files = {}
    adjacency: dict[str, set[str]] = {}
    for i in range(count):
        ident = f"p{i}"
        adjacency[ident] = set()
        own = [f"{ident}#m"] if with_milestone[i] else []
        for ref in own:
            adjacency[ref] = set()
            adjacency[ident].add(ref)
        lines = []
        ups = [b for a, b in edges if a == ident]
        if ups:
            lines.append(f"depends_on: [{', '.join(ups)}]")
        if own:
            lines += ["milestones:", "  - id: m", "    title: M", "    due: 2026-09-01",
                      f"    depends_on: [{', '.join(b for a, b in edges if a == own[0])}]"]
        files[f"projects/{ident}.md"] = proj(ident, *lines)
    for a, b in edges:
        adjacency[a].add(b)
    files.update({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM})
    with tempfile.TemporaryDirectory() as folder:
        result = check(load_settings(write_site(Path(folder), files)), AS_OF)
    errors = [d for d in result.diagnostics.sorted() if d.code == "dependency-cycle"]
    assert bool(errors) == _has_cycle(adjacency)
    assert result.model.acyclic is not bool(errors)
    named: set[tuple[str, str]] = set()
    for error in errors:
        if error.message.startswith("dependency cycles: "):
            continue  # the count of cycles left unnamed
        if error.message.endswith("depends on itself"):
            node = error.message.split("'")[1]
            assert node in adjacency[node]
            named.add((node, node))
            continue
        cycle = _EDGE.findall(error.message)
        assert all(b in adjacency[a] for a, b in cycle), error.message
        assert [b for _, b in cycle] == [a for a, _ in cycle[1:] + cycle[:1]], error.message
        named.update(cycle)
    on_cycles = {(a, b) for a, b in edges if a == b or _reaches(adjacency, b, a)}
    if not any(e.message.startswith("dependency cycles: ") for e in errors):
        assert on_cycles <= named


def _reaches(adjacency: dict[str, set[str]], start: str, goal: str) -> bool:
    seen = {start}
    todo = [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        for nxt in adjacency[node] - seen:
            seen.add(nxt)
            todo.append(nxt)
    return False
