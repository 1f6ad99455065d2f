"""The model owns every fact: its indexes on small scenarios, its warning rules, and the
rule that page builders only read them (checked on their source, not by convention)."""

from __future__ import annotations

import ast
import dataclasses
from datetime import date
from pathlib import Path

import pytest

from generator.codes import CODES
from generator.graph import DependencyGraph
from generator.records import Record, Records
from generator.registers import band
from generator.rules import RULES, unique_rules
from generator.settings import RISK_BANDS
from tests.conftest import PORTFOLIO, codes, project

REPO = Path(__file__).resolve().parent.parent

PROGRAMS = {
    "programs/cx.md": """\
---
kind: program
id: cx
title: Customer Experience
portfolio: pf
manager: Dana Reyes
aligns_to: [obj-growth]
budget: {planned: 1000}
risks:
  - {id: r-cx, title: Program risk, probability: 2, impact: 2}
---
The program.
""",
    "programs/ops.md": """\
---
kind: program
id: ops
title: Operations
portfolio: pf
manager: Dana Reyes
---
The program.
""",
}
PROJECTS = {
    "projects/a.md": project("a", """\
phase: execution
end: 2026-12-31
aligns_to: [obj-growth]
budget: {planned: 400, spent: 100}
milestones:
  - {id: a1, title: A one, due: 2026-06-01}
  - {id: a2, title: A two, due: 2026-08-01}
depends_on:
  - {on: b#b1, for: a2}
team:
  - {name: Kim Park, role: Architect, allocation: 0.5}
risks:
  - {id: r-a-high, title: Vendor slips, probability: 4, impact: 4, review: 2026-06-01}
  - {id: r-a-low, title: Minor, probability: 1, impact: 2}
issues:
  - {id: i-a, title: Late data, due: 2026-06-15, status: in-progress}
status: red
"""),
    "projects/b.md": project("b", """\
end: 2026-09-30
budget: {planned: 200, spent: 50}
milestones:
  - {id: b1, title: B one, due: 2026-07-10}
team:
  - {name: kim park, allocation: 0.75}
status: green
"""),
    "projects/c.md": project("c", """\
end: 2026-10-31
depends_on: [a]
status: amber
""", program="ops"),
    "projects/s.md": ("---\nkind: project\nid: s\ntitle: Standalone\nportfolio: pf\n"
                      "manager: Sam Patel\nstatus: green\n---\nAlone.\n"),
}
LOGS = {
    "risks/loose.yml": "kind: risk\nid: r-loose\ntitle: Nobody's\nprobability: 5\nimpact: 3\n",
    "decisions/d1.md": ("---\nkind: decision\nid: d1\ntitle: First\ndate: 2026-05-01\n"
                        "project: a\n---\nFirst.\n"),
    "decisions/d2.md": ("---\nkind: decision\nid: d2\ntitle: Second\ndate: 2026-06-01\n"
                        "project: a\nsupersedes: [d1]\n---\nSecond.\n"),
    "decisions/d3.md": ("---\nkind: decision\nid: d3\ntitle: Third\ndate: 2026-06-10\n"
                        "program: ops\nproject: a\n---\nBoth programs.\n"),
    "meetings/m1.md": """\
---
kind: meeting
id: m1
title: Steering committee
date: 2026-06-15
program: cx
actions:
  - {title: Done early, due: 2026-06-20, done: 2026-06-18}
  - {title: Done later, due: 2026-06-20, done: 2026-07-05}
  - {title: Forgotten, due: 2026-06-20}
  - {title: Ahead, due: 2026-07-20}
  - {title: Ticked, done: true}
---
Minutes.
""",
    "lessons/l1.yml": "kind: lesson\nid: l1\ntitle: Test early\nproject: c\n",
}
SITE = {"portfolio.md": PORTFOLIO, **PROGRAMS, **PROJECTS, **LOGS}


@pytest.fixture
def model(run):
    result = run(SITE)
    assert codes(result, "error") == [], [d.to_text() for d in result.diagnostics.sorted()]
    return result.model


def ids(records) -> list[str]:
    return [r.id for r in records]


def test_records_by_kind_are_built_once_in_id_order(model) -> None:
    assert ids(model.of_kind("project")) == ["a", "b", "c", "s"]
    assert model.of_kind("project") is model.kinds["project"]
    assert model.of_kind("nothing") == ()
    assert model.records.by_kind("decision") is model.records.by_kind("decision")
    assert set(model.kinds) == {"portfolio", "program", "project", "status", "risk", "issue",
                                "decision", "change", "meeting", "lesson"}


def test_records_iterate_by_kind_then_id_after_every_addition(model) -> None:
    records = Records()
    order = []
    for record in sorted(model.records, key=lambda r: (r.id[::-1], r.kind)):
        assert records.add(record) is None
        order.append(record)
        assert list(records) == sorted(order, key=lambda r: (r.kind, r.id))
    assert list(records) == list(model.records) and len(records) == len(order)


def test_an_unresolved_record_is_the_record_with_its_links_empty(model) -> None:
    """`Record.unresolved` is `dataclasses.replace` with the three link fields empty,
    field for field (a field added to Record and left out of it fails this)."""
    assert sum(bool(r.references and r.backlinks and r.targets) for r in model.records) > 1
    first = next(iter(model.records))
    odd = dataclasses.replace(first, body="text", body_line=7, parent="p", derived_id=True,
                              salvaged=True)  # no field at its default
    for record in [*model.records, odd]:
        made = record.unresolved()
        like = dataclasses.replace(record, references=[], backlinks=[], targets={})
        for f in dataclasses.fields(Record):
            assert getattr(made, f.name) == getattr(like, f.name), f.name
        assert made.references is not record.references and made.targets == {}


def test_the_model_is_frozen(model) -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        model.graph = None


def test_scope_of_each_record(model) -> None:
    scopes = model.scopes
    assert (scopes["c"].program.id, scopes["c"].portfolio.id) == ("ops", "pf")
    assert (scopes["s"].program, scopes["s"].portfolio.id) == (None, "pf")
    assert scopes["cx"].portfolio.id == "pf"
    nested = scopes["r-a-high"]
    assert (nested.written, nested.owner.id, nested.project.id, nested.program.id,
            nested.portfolio.id) == ("a", "a", "a", "cx", "pf")
    program_risk = scopes["r-cx"]
    assert (program_risk.owner.id, program_risk.project, program_risk.program.id) == (
        "cx", None, "cx")
    assert (scopes["r-loose"].written, scopes["r-loose"].portfolio.id) == (None, "pf")
    assert scopes["d3"].owner.id == "a"  # its `project` comes before its `program`
    assert scopes["m1"].owner.id == "cx"


def test_risk_and_issue_facts(model) -> None:
    high = model.risk_by_id["r-a-high"]
    assert (high.score, high.band, high.review_overdue, high.scope) == (16, "high", True, "a")
    assert high.scope_record.id == "a"
    loose = model.risk_by_id["r-loose"]
    assert (loose.score, loose.band, loose.scope, loose.scope_record.id) == (15, "high", "pf",
                                                                              "pf")
    assert model.risk_by_id["r-a-low"].band == "low"
    assert model.risk_by_id["r-cx"].band == "low"
    issue = model.issue_by_id["i-a"]
    assert (issue.overdue, issue.open, issue.scope_record.id) == (True, True, "a")
    assert ids(f.record for f in model.risks_by_scope["a"]) == ["r-a-high", "r-a-low"]
    assert ids(f.record for f in model.risks_by_scope["cx"]) == ["r-a-high", "r-a-low", "r-cx"]
    assert model.risks_by_scope["ops"] == () and model.risks_by_scope["s"] == ()
    assert ids(f.record for f in model.issues_by_scope["cx"]) == ["i-a"]


@pytest.mark.parametrize(("score", "name"), [(1, "low"), (4, "low"), (5, "medium"),
                                             (9, "medium"), (10, "high"), (16, "high"),
                                             (17, "severe"), (25, "severe")])
def test_one_definition_of_a_score_band(score: int, name: str) -> None:
    assert band(score, RISK_BANDS) == name


def test_upstream_and_downstream_by_project(model) -> None:
    graph = model.graph
    assert [(d.downstream, d.upstream) for d in graph.upstream["a"]] == [("a#a2", "b#b1")]
    assert [(d.downstream, d.upstream) for d in graph.downstream["a"]] == [("c", "a")]
    assert [(d.downstream, d.upstream) for d in graph.downstream["b"]] == [("a#a2", "b#b1")]
    assert "s" not in graph.upstream and graph.upstream_of("s") == []
    assert graph.upstream_of("a") == list(graph.upstream["a"])
    assert [(d.downstream, d.upstream) for d in model.program_dependencies["cx"]] == [
        ("a#a2", "b#b1"), ("c", "a")]
    assert [(d.downstream, d.upstream) for d in model.program_dependencies["ops"]] == [
        ("c", "a")]


def test_a_model_without_dependencies_still_has_a_graph(run) -> None:
    model = run({"portfolio.md": PORTFOLIO}).model
    assert isinstance(model.graph, DependencyGraph)
    assert model.graph.dependencies == [] and model.graph.upstream == {}


def test_program_and_portfolio_summaries(model) -> None:
    assert list(model.program_summaries) == ["cx", "ops"]
    cx = model.program_summaries["cx"]
    assert (cx.status, ids(cx.drivers), ids(cx.projects)) == ("red", ["a"], ["a", "b"])
    assert cx.rollup.counts == {"green": 1, "red": 1}
    assert (cx.budget.planned, cx.budget.spent, cx.portfolio.id) == (1000, 150, "pf")
    assert model.program_summaries["ops"].status == "amber"
    pf = model.portfolio_summaries["pf"]
    assert (pf.status, ids(pf.programs), ids(pf.standalone), ids(pf.drivers)) == (
        "red", ["cx", "ops"], ["s"], ["cx"])
    assert ids(model.standalone) == ["s"]
    assert list(model.status_counts) == list(model.scale.values)
    assert {s: n for s, n in model.status_counts.items() if n} == {"green": 2, "amber": 1,
                                                                    "red": 1}
    assert model.open_projects == 4


def test_milestones_by_due_date(model) -> None:
    assert [(f.ref, f.state) for f in model.by_due] == [
        ("a#a1", "overdue"), ("b#b1", "due-soon"), ("a#a2", "planned")]
    assert model.by_due[0].record is model.kinds["project"][0]


def test_what_supersedes_what(model) -> None:
    assert {k: ids(v) for k, v in model.superseded_by.items()} == {"d1": ["d2"]}


def test_meeting_action_states(model) -> None:
    facts = model.actions["m1"]
    assert [(f.action.title, f.state, f.done) for f in facts] == [
        ("Done early", "done", date(2026, 6, 18)),
        ("Done later", "overdue", None),  # done after as-of: not known then
        ("Forgotten", "overdue", None),
        ("Ahead", "open", None),
        ("Ticked", "done", None)]


def test_records_about_a_program(model) -> None:
    logs = model.program_logs
    assert ids(logs["cx"]) == ["d1", "d2", "d3", "m1"]
    assert ids(logs["ops"]) == ["d3", "l1"]  # d3 names ops; l1 is about its project c


def test_links_and_objectives(model) -> None:
    assert ids(model.linked["a"]) == ["d1", "d2", "d3", "cx", "b", "c"]
    assert sorted((via, r.id) for via, r in model.backlinks["d1"]) == [("supersedes", "d2")]
    assert [(p.id, o.id) for p, o in model.objectives_of["a"]] == [("pf", "obj-growth")]
    assert model.objectives_of["b"] == ()
    assert {k: ids(v) for k, v in model.aligned["pf"].items()} == {"obj-growth": ["cx", "a"]}
    target = model.target("A#A2")
    assert (target.record.id, target.milestone.id) == ("a", "a2")
    assert model.target("a#").record.id == "a" and model.target("a#zz") is None


def test_people_roles_and_allocations_hold_their_records(model) -> None:
    kim = model.people["kim-park"]
    assert [(a.project.id, a.share, a.role) for a in kim.allocations] == [
        ("a", 0.5, "Architect"), ("b", 0.75, "")]
    assert all(role.where.id == role.record for role in kim.roles)


# ------------------------------------------------------------------------------ rules


def test_warning_rules_are_named_for_their_codes_in_order() -> None:
    names = [name for name, _ in RULES]
    assert names == ["stale-status", "overdue-milestone", "invalid-dates",
                     "missing-path-to-green", "at-risk-dependency", "overdue-review",
                     "overdue-issue", "over-allocated", "empty-body", "status-copied",
                     "placeholder-text"]
    assert all(CODES[name].severity == "warning" for name in names)


def test_a_rule_registered_twice_is_an_error() -> None:
    with pytest.raises(ValueError, match="'stale-status' registered twice"):
        unique_rules([RULES[0], RULES[1], RULES[0]])


def test_the_rules_emit_the_scenarios_warnings(run) -> None:
    result = run(SITE)
    assert [(d.path, d.line, d.code) for d in result.diagnostics.sorted()] == [
        ("content/projects/a.md", 12, "overdue-milestone"),
        ("content/projects/a.md", 17, "over-allocated"),
        ("content/projects/a.md", 19, "overdue-review"),
        ("content/projects/a.md", 22, "overdue-issue"),
        ("content/projects/c.md", 8, "at-risk-dependency")]


# ------------------------------------------------------------------ pages only read

FORBIDDEN_CALLS = ("by_kind", "upstream_of", "downstream_of")
NOT_BUILDERS = ("figures.py", "registry.py")


def _lookups(path: Path) -> list[str]:
    """`records.get(...)`, `*.by_kind(...)`, `*.upstream_of(...)`, `*.downstream_of(...)`
    calls in a module, as `file:line: call`."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            continue
        func, owner = node.func, node.func.value
        owner_name = (owner.id if isinstance(owner, ast.Name)
                      else owner.attr if isinstance(owner, ast.Attribute) else "")
        if func.attr in FORBIDDEN_CALLS or (func.attr == "get" and owner_name == "records"):
            found.append(f"{path.name}:{node.lineno}: {ast.unparse(node)}")
    return found


def test_page_builders_never_look_an_id_up() -> None:
    modules = sorted(p for p in (REPO / "generator" / "pages").glob("*.py")
                     if p.name not in NOT_BUILDERS)
    assert "views.py" in {p.name for p in modules} and len(modules) > 5
    assert [hit for path in modules for hit in _lookups(path)] == []


def test_the_lookup_finder_finds_lookups(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("a = model.records.get(x)\nb = records.get(y)\nc = m.records.by_kind('p')\n"
                      "d = g.upstream_of(n)\ne = g.downstream_of(n)\nf = other.get(z)\n")
    assert [hit.split(": ")[0] for hit in _lookups(sample)] == [
        "sample.py:1", "sample.py:2", "sample.py:3", "sample.py:4", "sample.py:5"]


def test_portfolio_totals_are_model_facts(run) -> None:
    changes = {
        "changes/c1.md": ("---\nkind: change\nid: c1\ntitle: Re-plan\nproject: a\n"
                          "date: 2026-06-01\nstatus: approved\n"
                          "impact: {schedule_days: 14, cost: 1000}\n---\nWhy.\n"),
        "changes/c2.md": ("---\nkind: change\nid: c2\ntitle: Asked\nproject: a\n"
                          "date: 2026-06-02\nstatus: submitted\n"
                          "impact: {schedule_days: 30, cost: 5000}\n---\nWhy.\n"),
        "changes/c3.md": ("---\nkind: change\nid: c3\ntitle: Done\nproject: b\n"
                          "date: 2026-06-03\nstatus: implemented\n"
                          "impact: {schedule_days: 7}\n---\nWhy.\n"),
    }
    model = run({**SITE, **changes}).model
    totals = model.totals
    # r-a-high, r-a-low, r-cx and r-loose are open; i-a is open and overdue; of the two
    # dependencies only c -> a is at risk (a is red; b1 is planned before a2 needs it).
    assert (totals.open_risks, totals.open_issues, totals.overdue_issues) == (4, 1, 1)
    assert (totals.dependencies, totals.at_risk_dependencies) == (2, 1)
    # Only approved and implemented change requests count: 14 + 7 days, 1000 of cost.
    assert (totals.approved_change_days, totals.approved_change_cost) == (21, 1000)
