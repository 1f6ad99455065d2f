"""The critical path of a program (SPEC §4) and its export shape (SPEC §6.1)."""

from __future__ import annotations

from datetime import date

from generator.export import export_data
from tests.conftest import PORTFOLIO, PROGRAM, codes, project

OPS = PROGRAM.replace("id: cx", "id: ops").replace("Customer Experience", "Operations")


def proj(ident: str, *lines: str, program: str = "cx") -> str:
    return project(ident, "\n".join(lines), program=program)


def standalone(ident: str, *lines: str) -> str:
    return (f"---\nkind: project\nid: {ident}\ntitle: Project {ident}\nportfolio: pf\n"
            f"manager: Sam Patel\n" + "".join(f"{line}\n" for line in lines) + "---\nCharter.\n")


def site(**projects: str) -> dict[str, str]:
    files = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM, "programs/ops.md": OPS}
    files.update({f"projects/{k}.md": v for k, v in projects.items()})
    return files


def steps(result, program: str = "cx") -> list[tuple[str, date | None, int | None]]:
    assert codes(result, "error") == []
    return [(s.item, s.planned, s.float_days)
            for s in result.model.critical_paths[program].steps]


def test_remaining_work_only(run):
    # a#a2 needs a#a1 (done) and b#b1: the done milestone is never on the path, and the
    # done milestone a#a3 with the latest date is not its end.
    a = proj("a", "milestones:",
             "  - {id: a1, title: A one, due: 2026-05-01, done: 2026-04-30}",
             "  - {id: a2, title: A two, due: 2026-09-01, depends_on: [a#a1, b#b1]}",
             "  - {id: a3, title: A three, due: 2026-12-01, done: 2026-06-01}")
    b = proj("b", "milestones:", "  - {id: b1, title: B one, due: 2026-08-01}")
    assert steps(run(site(a=a, b=b))) == [
        ("b#b1", date(2026, 8, 1), 31), ("a#a2", date(2026, 9, 1), None)]


def test_least_float_wins_and_ties_go_to_the_smaller_id(run):
    # x#x9 (due 12-01) needs p#p1 (float 30), r#r1 and q#q1 (float 10 each): q#q1.
    # q#q1 in turn needs s (a project, end 11-30: float -9, already late) and t#t1 (float 1).
    x = proj("x", "milestones:", "  - id: x9", "    title: X", "    due: 2026-12-01",
             "    depends_on: [p#p1, r#r1, q#q1]")
    p = proj("p", "milestones:", "  - {id: p1, title: P, due: 2026-11-01}")
    q = proj("q", "milestones:", "  - id: q1", "    title: Q", "    due: 2026-11-21",
             "    depends_on: [t#t1, s]")
    r = proj("r", "milestones:", "  - {id: r1, title: R, due: 2026-11-21}")
    s = proj("s", "end: 2026-11-30")
    t = proj("t", "milestones:", "  - {id: t1, title: T, due: 2026-11-20}")
    assert steps(run(site(x=x, p=p, q=q, r=r, s=s, t=t))) == [
        ("s", date(2026, 11, 30), -9), ("q#q1", date(2026, 11, 21), 10),
        ("x#x9", date(2026, 12, 1), None)]


def test_upstream_in_another_program_and_a_standalone_project(run):
    # a#a1 needs far#f1 (program ops), which needs the standalone project solo.
    a = proj("a", "milestones:",
             "  - {id: a1, title: A one, due: 2026-10-01, depends_on: [far#f1]}")
    far = proj("far", "milestones:",
               "  - {id: f1, title: F one, due: 2026-09-01, depends_on: [solo]}",
               program="ops")
    solo = standalone("solo", "end: 2026-08-15")
    result = run(site(a=a, far=far, solo=solo))
    assert steps(result) == [("solo", date(2026, 8, 15), 17),
                             ("far#f1", date(2026, 9, 1), 30),
                             ("a#a1", date(2026, 10, 1), None)]
    assert steps(result, "ops") == [("solo", date(2026, 8, 15), 17),
                                    ("far#f1", date(2026, 9, 1), None)]


def test_without_dependencies_it_is_the_item_with_the_latest_finish(run):
    a = proj("a", "end: 2026-12-31", "milestones:",
             "  - {id: a1, title: A one, due: 2026-10-01}")
    b = proj("b", "milestones:", "  - {id: b1, title: B one, due: 2026-11-01}")
    assert steps(run(site(a=a, b=b))) == [("a", date(2026, 12, 31), None)]


def test_a_milestone_finishing_its_project_stands_for_it(run):
    # a ends when a#a2 is due; a#a2 needs a#a1, a itself needs nothing.
    a = proj("a", "end: 2026-12-31", "milestones:",
             "  - {id: a1, title: A one, due: 2026-10-01}",
             "  - {id: a2, title: A two, due: 2026-12-31, depends_on: [a#a1]}")
    assert steps(run(site(a=a))) == [("a#a1", date(2026, 10, 1), 91),
                                     ("a#a2", date(2026, 12, 31), None)]


def test_all_done_is_empty(run):
    a = proj("a", "phase: closed", "end: 2026-06-01", "milestones:",
             "  - {id: a1, title: A one, due: 2026-05-01, done: 2026-05-01}")
    b = proj("b", "milestones:",
             "  - {id: b1, title: B one, due: 2026-05-01, done: 2026-05-02}")
    result = run(site(a=a, b=b))
    assert steps(result) == []
    data = export_data(result.model, result.diagnostics.sorted())
    assert {p["id"]: p["critical_path"] for p in data["programs"]} == {"cx": [], "ops": []}


def test_export_shape(run):
    a = proj("a", "milestones:",
             "  - {id: a1, title: A one, due: 2026-09-01, depends_on: [b]}")
    b = proj("b", "end: 2026-08-01")
    result = run(site(a=a, b=b))
    data = export_data(result.model, result.diagnostics.sorted())
    cx = next(p for p in data["programs"] if p["id"] == "cx")
    assert cx["critical_path"] == [
        {"item": "b", "planned": "2026-08-01", "float": 31},
        {"item": "a#a1", "planned": "2026-09-01", "float": None}]
