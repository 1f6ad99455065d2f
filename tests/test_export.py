"""The export: JSON core shape of SPEC §6.1, determinism (G6), CSV files and cells."""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.export import csv_cell, export_csv, export_data, export_json
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site

OPS = """\
---
kind: program
id: ops
title: Operations
portfolio: pf
manager: Dana Reyes
status: red
---
Run the shop.
"""

# Written in the order z, a, m; milestones of `a` written m2 before m1.
PROJECT_A = project("a", """\
phase: execution
end: 2026-12-31
baseline_end: 2026-11-30
budget: {planned: 1250000, spent: 99.5}
milestones:
  - {id: m2, title: Second, due: 2026-07-10}
  - {id: m1, title: First, due: 2026-06-20, baseline: 2026-06-20}
  - {id: m0, title: Zeroth, due: 2026-05-01, done: 2026-05-03, baseline: 2026-04-24}
depends_on: [z]
""")

STANDALONE = """\
---
kind: project
id: s
title: Standalone
portfolio: pf
manager: Ann Bo
status: green
---
On its own.
"""

RISKS = """\
kind: risk
project: a
entries:
  - id: rz
    title: '=HYPERLINK("http://x")'
    probability: 4
    impact: 5
    owner: '@evil'
    review: 2026-09-01
  - id: ra
    title: +1 idea
    probability: 2
    impact: 2
    owner: Kim Park
  - id: rm
    title: -5% revenue
    probability: low
    impact: high
    status: closed
"""

DECISION = """\
---
kind: decision
id: d-0001
title: Use X
date: 2026-05-01
status: accepted
program: cx
---
We decided to use X.
"""

LESSONS = """\
kind: lesson
project: a
entries:
  - title: Plan early
    category: planning
    type: improve
"""


def status(proj: str, day: str, overall: str) -> str:
    return (f"---\nkind: status\nproject: {proj}\ndate: {day}\noverall: {overall}\n"
            "path_to_green: more testers\n---\nNarrative.\n")


FILES: dict[str, str] = {
    "portfolio.md": PORTFOLIO,
    "programs/cx.md": PROGRAM,
    "programs/ops.md": OPS,
    "projects/z.md": project("z", "end: 2026-09-30\nstatus: green"),
    "projects/a/charter.md": PROJECT_A,
    "projects/a/2026-06-01.md": status("a", "2026-06-01", "red"),
    "projects/a/2026-06-25.md": status("a", "2026-06-25", "amber"),
    "projects/m.md": project("m"),
    "projects/o.md": project("o", "status: green", program="ops"),
    "projects/s.md": STANDALONE,
    "risks/register.yml": RISKS,
    "decisions/0001-use-x.md": DECISION,
    "lessons/a.yml": LESSONS,
}


@pytest.fixture
def exported(run):
    result = run(FILES)
    assert result.diagnostics.errors == []
    return result, export_data(result.model, result.diagnostics.sorted())


def by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


def test_top_level_keys_and_as_of(exported):
    _, data = exported
    for key in ("as_of", "portfolios", "programs", "projects", "dependencies", "risks",
                "decisions", "lessons", "diagnostics"):
        assert key in data
    assert data["as_of"] == "2026-06-30"
    for key in ("portfolios", "programs", "projects", "dependencies", "risks", "decisions",
                "lessons", "diagnostics"):
        assert isinstance(data[key], list)


def test_portfolios(exported):
    _, data = exported
    assert [{k: p[k] for k in ("id", "title", "status", "url")} for p in data["portfolios"]] == [
        {"id": "pf", "title": "IT Portfolio", "status": "red", "url": "portfolios/pf/"}]


def test_programs(exported):
    _, data = exported
    programs = data["programs"]
    assert [p["id"] for p in programs] == ["cx", "ops"]
    cx, ops = programs
    assert {k: cx[k] for k in ("id", "title", "portfolio", "status", "status_source",
                               "projects", "url")} == {
        "id": "cx", "title": "Customer Experience", "portfolio": "pf", "status": "amber",
        "status_source": "rollup", "projects": ["a", "m", "z"], "url": "programs/cx/"}
    assert (ops["status"], ops["status_source"], ops["projects"]) == ("red", "override", ["o"])
    # the sum of its milestones' slips: m0 done 9 days after its baseline, m1 on it
    assert (cx["slip_days"], ops["slip_days"]) == (9, 0)


def test_projects(exported):
    _, data = exported
    projects = data["projects"]
    assert [p["id"] for p in projects] == ["a", "m", "o", "s", "z"]
    fixed = ("id", "title", "program", "portfolio", "manager", "phase", "status", "trend",
             "stale", "last_report", "url", "milestones")
    for p in projects:
        assert set(fixed) <= set(p), p["id"]
        assert isinstance(p["stale"], bool)
        assert p["trend"] in ("better", "same", "worse", None)
        assert p["url"] == f"projects/{p['id']}/"
    a, m, _, s, z = projects
    assert {k: a[k] for k in fixed if k not in ("portfolio", "milestones")} == {
        "id": "a", "title": "Project a", "program": "cx", "manager": "Sam Patel",
        "phase": "execution", "status": "amber", "trend": "better", "stale": False,
        "last_report": "2026-06-25", "url": "projects/a/"}
    assert a["milestones"] == [
        {"id": "m0", "title": "Zeroth", "due": "2026-05-01", "done": "2026-05-03",
         "baseline": "2026-04-24", "slip_days": 9, "state": "late"},
        {"id": "m1", "title": "First", "due": "2026-06-20", "done": None,
         "baseline": "2026-06-20", "slip_days": 0, "state": "overdue"},
        {"id": "m2", "title": "Second", "due": "2026-07-10", "done": None,
         "baseline": None, "slip_days": None, "state": "due-soon"},
    ]
    assert (a["baseline_end"], a["slip_days"]) == ("2026-11-30", 31)
    assert (z["baseline_end"], z["slip_days"]) == (None, None)
    assert (m["status"], m["trend"], m["stale"], m["last_report"], m["phase"]) == (
        "unknown", None, False, None, None)
    assert m["milestones"] == []
    assert (s["program"], s["portfolio"], s["status"]) == (None, "pf", "green")
    assert (z["status"], z["trend"], z["last_report"]) == ("green", None, None)


def test_project_flagged_for_overdue_milestone(exported):
    _, data = exported
    flags = {p["id"]: p.get("has_overdue_milestone") for p in data["projects"]}
    assert flags["a"] is True
    assert flags["z"] is False


def test_dependencies(exported):
    _, data = exported
    assert [{k: d[k] for k in ("downstream", "upstream", "at_risk", "reasons")}
            for d in data["dependencies"]] == [
        {"downstream": "a", "upstream": "z", "at_risk": False, "reasons": []}]


def test_risks(exported):
    _, data = exported
    risks = data["risks"]
    assert [r["id"] for r in risks] == ["ra", "rm", "rz"]
    fixed = ("id", "title", "scope", "probability", "impact", "score", "status", "owner")
    assert [{k: r[k] for k in fixed} for r in risks] == [
        {"id": "ra", "title": "+1 idea", "scope": "a", "probability": 2, "impact": 2,
         "score": 4, "status": "open", "owner": "Kim Park"},
        {"id": "rm", "title": "-5% revenue", "scope": "a", "probability": 1, "impact": 5,
         "score": 5, "status": "closed", "owner": None},
        {"id": "rz", "title": '=HYPERLINK("http://x")', "scope": "a", "probability": 4,
         "impact": 5, "score": 20, "status": "open", "owner": "@evil"},
    ]


def test_decisions_and_lessons(exported):
    _, data = exported
    assert [{k: d[k] for k in ("id", "title", "date", "status", "url")}
            for d in data["decisions"]] == [
        {"id": "d-0001", "title": "Use X", "date": "2026-05-01", "status": "accepted",
         "url": "decisions/0001-use-x/"}]
    [lesson] = data["lessons"]
    assert isinstance(lesson["id"], str) and lesson["id"]
    assert (lesson["title"], lesson["project"], lesson["category"]) == (
        "Plan early", "a", "planning")
    # a row of its project's page, as a logged risk or issue is
    assert lesson["url"] == f"projects/a/#lesson-{lesson['id']}"


def test_diagnostics_in_export(exported):
    result, data = exported
    assert data["diagnostics"], "the overdue milestone m1 should be reported"
    for item in data["diagnostics"]:
        assert isinstance(item["path"], str) and isinstance(item["line"], int)
        assert item["severity"] in ("error", "warning")
        assert isinstance(item["message"], str)
    overdue = [d for d in data["diagnostics"] if "a#m1" in d["message"]]
    assert [(d["path"], d["severity"]) for d in overdue] == [
        ("content/projects/a/charter.md", "warning")]
    assert len(data["diagnostics"]) == len(result.diagnostics)


def test_json_is_plain_json_and_stable(exported):
    result, data = exported
    text = export_json(result.model, result.diagnostics.sorted())
    assert json.loads(text) == data
    assert text == export_json(result.model, result.diagnostics.sorted())


def test_lists_sorted_by_id_whatever_the_write_order(run):
    files = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM}
    for ident in ("zeta", "Alpha", "mid", "beta"):
        files[f"projects/{ident}.md"] = project(ident)
    result = run(files)
    data = export_data(result.model, result.diagnostics.sorted())
    ids = [p["id"] for p in data["projects"]]
    assert ids == sorted(ids)
    assert set(ids) == {"zeta", "Alpha", "mid", "beta"}


# ---------------------------------------------------------------------------------- CSV


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def test_csv_files_and_headers(exported):
    result, _ = exported
    files = export_csv(result.model, result.diagnostics.sorted())
    for name in ("projects.csv", "milestones.csv", "risks.csv"):
        assert name in files
    headers = {name: _rows(text)[0] for name, text in files.items()}
    assert headers["projects.csv"][:2] == ["id", "title"]
    assert {"status", "trend", "stale", "last_report", "baseline_end", "slip_days"} <= set(
        headers["projects.csv"])
    assert {"project", "id", "due", "done", "baseline", "slip_days", "state"} <= set(
        headers["milestones.csv"])
    assert {"id", "title", "probability", "impact", "score", "owner"} <= set(
        headers["risks.csv"])


def test_csv_formula_cells_are_neutralised(exported):
    result, _ = exported
    rows = _rows(export_csv(result.model, result.diagnostics.sorted())["risks.csv"])
    header, body = rows[0], rows[1:]
    table = {row[header.index("id")]: dict(zip(header, row)) for row in body}
    assert table["rz"]["title"] == "'=HYPERLINK(\"http://x\")"
    assert table["rz"]["owner"] == "'@evil"
    assert table["ra"]["title"] == "'+1 idea"
    assert table["rm"]["title"] == "'-5% revenue"
    assert table["ra"]["owner"] == "Kim Park"
    # numbers are numbers, not text and not floats
    assert (table["rz"]["probability"], table["rz"]["impact"], table["rz"]["score"]) == (
        "4", "5", "20")


def test_csv_numbers_not_mangled(exported):
    result, _ = exported
    rows = _rows(export_csv(result.model, result.diagnostics.sorted())["projects.csv"])
    header = rows[0]
    a = next(dict(zip(header, row)) for row in rows[1:] if row[0] == "a")
    assert a["planned"] == "1250000"
    assert a["spent"] == "99.5"
    assert (a["baseline_end"], a["slip_days"]) == ("2026-11-30", "31")
    assert a["stale"] in ("false", "False", "0")


def test_csv_cell_function():
    assert csv_cell("=1+1") == "'=1+1"
    assert csv_cell("+1") == "'+1"
    assert csv_cell("-1 day") == "'-1 day"
    assert csv_cell("@SUM(A1)") == "'@SUM(A1)"
    assert csv_cell("plain") == "plain"
    assert csv_cell(-10000) == "-10000"
    assert csv_cell(-2.5) == "-2.5"
    assert csv_cell(1250000.0) == "1250000"
    assert csv_cell(None) == ""


def test_milestones_csv_states(exported):
    result, _ = exported
    rows = _rows(export_csv(result.model, result.diagnostics.sorted())["milestones.csv"])
    header = rows[0]
    states = {(r[header.index("project")], r[header.index("id")]): r[header.index("state")]
              for r in rows[1:]}
    assert states == {("a", "m0"): "late", ("a", "m1"): "overdue", ("a", "m2"): "due-soon"}


# ------------------------------------------------------------------------ determinism


def _export_stdout(site: Path, env_extra: dict[str, str]) -> bytes:
    env = {k: v for k, v in os.environ.items() if k not in ("SOURCE_DATE_EPOCH",)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(env_extra)
    proc = subprocess.run([sys.executable, "-m", "generator", "export", "--as-of",
                           "2026-06-30"], cwd=site, env=env, capture_output=True, timeout=60,
                          check=False)
    assert proc.returncode == 0, proc.stderr.decode()
    assert b"Traceback" not in proc.stderr
    return proc.stdout


def test_export_bytes_identical_across_seed_tz_locale_and_path(tmp_path):
    first, second = tmp_path / "one", tmp_path / "elsewhere" / "two"
    write_site(first, FILES)
    second.parent.mkdir()
    shutil.copytree(first, second)
    a = _export_stdout(first, {"PYTHONHASHSEED": "1", "TZ": "UTC", "LC_ALL": "C"})
    b = _export_stdout(second, {"PYTHONHASHSEED": "4242", "TZ": "Pacific/Kiritimati",
                                "LC_ALL": "C.UTF-8"})
    assert a == b
    assert json.loads(a)["as_of"] == "2026-06-30"
    assert str(tmp_path).encode() not in a
