"""Slip against baselines (SPEC §3.4, §4 "Slip", §6.1): model facts, schema, export, pages."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

from generator.export import export_csv, export_data
from tests.conftest import PORTFOLIO, PROGRAM, codes, only, project, write_site
from tests.test_pages import build, parse, row

# As of 2026-06-30 (conftest.AS_OF). Line numbers of `a` matter to the schema test.
PROJECT_A = project("a", """\
phase: execution
end: 2026-12-31
baseline_end: 2026-12-17
milestones:
  - {id: ahead, title: Done early, due: 2026-06-10, baseline: 2026-06-12, done: 2026-06-09}
  - {id: late, title: Done late, due: 2026-06-10, baseline: 2026-06-01, done: 2026-06-15}
  - {id: moved, title: Forecast moved, due: 2026-08-14, baseline: 2026-07-31}
  - {id: later, title: Done after as-of, due: 2026-07-20, baseline: 2026-07-10, done: 2026-07-25}
  - {id: rebaselined, title: Re-baselined, due: 2026-09-30, baseline: 2026-09-30}
  - {id: none, title: No baseline, due: 2026-10-01}
""")
# slips: ahead done-baseline -3, late done-baseline +14, moved due-baseline +14,
# later (done after as-of, so not done yet) due-baseline +10, rebaselined 0, none None
PROGRAM_SLIP = -3 + 14 + 14 + 10 + 0

OPS = """\
---
kind: program
id: ops
title: Operations
portfolio: pf
---
No baselines anywhere.
"""

EMPTY = """\
---
kind: program
id: empty
title: Empty
portfolio: pf
---
No projects.
"""

FILES = {
    "portfolio.md": PORTFOLIO,
    "programs/cx.md": PROGRAM,
    "programs/ops.md": OPS,
    "programs/empty.md": EMPTY,
    "projects/a.md": PROJECT_A,
    # no baseline_end: no project slip, whatever the milestones say
    "projects/b.md": project("b", "end: 2026-12-31\nmilestones:\n"
                                  "  - {id: m, title: M, due: 2026-08-01}"),
    # a baseline_end but no end: no project slip either
    "projects/c.md": project("c", "baseline_end: 2026-12-31"),
    "projects/o.md": project("o", "end: 2026-11-30\nmilestones:\n"
                                  "  - {id: m, title: M, due: 2026-08-01, done: 2026-06-01}",
                             program="ops"),
}


def _slips(result, ident: str) -> dict[str, tuple[date | None, int | None]]:
    return {f.milestone.id: (f.baseline, f.slip_days) for f in result.model.milestones[ident]}


# ---------------------------------------------------------------------------- the model

def test_milestone_slip_is_forecast_or_done_minus_baseline(run) -> None:
    result = run(FILES)
    assert result.diagnostics.errors == []
    assert _slips(result, "a") == {
        "ahead": (date(2026, 6, 12), -3),        # done before its baseline
        "late": (date(2026, 6, 1), 14),          # done: done - baseline, not due - baseline
        "moved": (date(2026, 7, 31), 14),        # not done: due - baseline
        "later": (date(2026, 7, 10), 10),        # done after as-of: not done yet, so due
        "rebaselined": (date(2026, 9, 30), 0),
        "none": (None, None),
    }
    assert _slips(result, "b") == {"m": (None, None)}


def test_a_done_date_counts_once_it_is_known(run) -> None:
    later = {f.milestone.id: f.slip_days
             for f in run(FILES, as_of=date(2026, 7, 31)).model.milestones["a"]}
    assert later["later"] == 15  # done 2026-07-25, baseline 2026-07-10


def test_project_slip_is_end_minus_baseline_end(run) -> None:
    slip = run(FILES).model.project_slip
    assert dict(slip) == {"a": 14, "b": None, "c": None, "o": None}


def test_program_slip_sums_its_milestones_with_a_baseline(run) -> None:
    model = run(FILES).model
    assert dict(model.program_slip) == {"cx": PROGRAM_SLIP, "ops": 0, "empty": 0}


# --------------------------------------------------------------------------- the schema

def test_a_bad_baseline_date_is_a_located_error(run) -> None:
    bad = PROJECT_A.replace("baseline: 2026-07-31", "baseline: 2026-07-32")
    bad = bad.replace("baseline_end: 2026-12-17", "baseline_end: someday")
    result = run(FILES | {"projects/a.md": bad})
    errors = [(d.path, d.line, d.code) for d in result.diagnostics.sorted()
              if d.severity == "error"]
    assert errors == [("content/projects/a.md", 9, "invalid-date"),
                      ("content/projects/a.md", 13, "invalid-date")]
    # the record is kept with what is valid: the other baselines still count
    assert result.model.project_slip["a"] is None
    assert _slips(result, "a")["late"] == (date(2026, 6, 1), 14)


def test_a_baseline_that_is_not_a_date_is_one_located_error(run) -> None:
    result = run(FILES | {"projects/a.md": PROJECT_A.replace(
        "baseline: 2026-06-12", "baseline: [2026-06-12]")})
    error = only(result, "invalid-date")
    assert (error.path, error.line) == ("content/projects/a.md", 11)
    assert codes(result, "error") == ["invalid-date"]


# --------------------------------------------------------------------------- the export

def test_export_carries_baselines_and_slip(run) -> None:
    result = run(FILES)
    data = export_data(result.model, result.diagnostics.sorted())
    projects = {p["id"]: p for p in data["projects"]}
    a = projects["a"]
    assert (a["baseline_end"], a["slip_days"]) == ("2026-12-17", 14)
    assert (projects["b"]["baseline_end"], projects["b"]["slip_days"]) == (None, None)
    assert {m["id"]: (m["baseline"], m["slip_days"]) for m in a["milestones"]} == {
        "ahead": ("2026-06-12", -3), "late": ("2026-06-01", 14), "later": ("2026-07-10", 10),
        "moved": ("2026-07-31", 14), "none": (None, None), "rebaselined": ("2026-09-30", 0)}
    assert {p["id"]: p["slip_days"] for p in data["programs"]} == {
        "cx": PROGRAM_SLIP, "empty": 0, "ops": 0}


def test_csv_carries_baselines_and_slip(run) -> None:
    result = run(FILES)
    files = export_csv(result.model, result.diagnostics.sorted())
    projects = {r["id"]: r for r in csv.DictReader(io.StringIO(files["projects.csv"]))}
    assert (projects["a"]["baseline_end"], projects["a"]["slip_days"]) == ("2026-12-17", "14")
    assert (projects["b"]["baseline_end"], projects["b"]["slip_days"]) == ("", "")
    milestones = {(r["project"], r["id"]): r
                  for r in csv.DictReader(io.StringIO(files["milestones.csv"]))}
    ahead = milestones[("a", "ahead")]
    assert (ahead["baseline"], ahead["slip_days"]) == ("2026-06-12", "-3")  # a number
    assert milestones[("a", "none")]["slip_days"] == ""


# ---------------------------------------------------------------------------- the pages

def _site(tmp_path: Path):
    return build(write_site(tmp_path, FILES), date(2026, 6, 30))


def _text(html: str) -> str:
    return parse(html).text


def test_project_page_shows_project_and_milestone_slip(tmp_path: Path) -> None:
    site = _site(tmp_path)
    html = site.html["projects/a/"]
    header = _text(html.split("</dl>")[0])
    assert "Slip: +14\u00a0d later (planned finish against the baseline 2026-12-17)" in header
    assert "<th>Baseline</th>" in html and "<th>Slip</th>" in html
    assert _text(row(html, 'id="milestone-late"')).startswith(
        "Done late2026-06-102026-06-012026-06-15+14\u00a0d later")
    assert "\u22123\u00a0d" in _text(row(html, 'id="milestone-ahead"'))
    assert "on baseline" in _text(row(html, 'id="milestone-rebaselined"'))
    later = row(html, 'id="milestone-late"')
    assert 'class="flag flag-risk pm-slip"' in later and 'data-sort="14"' in later
    none = row(html, 'id="milestone-none"')
    assert _text(none) == "No baseline2026-10-01planned"  # empty baseline, done, slip


def test_no_baseline_shows_nothing(tmp_path: Path) -> None:
    html = _site(tmp_path).html["projects/b/"]
    assert "<dt>Slip<" not in html
    assert "<th>Baseline</th>" not in html and "<th>Slip</th>" not in html


def test_program_page_shows_program_and_project_slip(tmp_path: Path) -> None:
    site = _site(tmp_path)
    header = _text(site.html["programs/cx/"].split("</dl>")[0])
    assert (f"Slip: +{PROGRAM_SLIP}\u00a0d later (sum over 5 milestones with a baseline)"
            in header)
    table = site.html["programs/cx/"].split('id="project-status"')[1].split("</table>")[0]
    assert "<th>Slip</th>" in table
    a = row(table, 'title="a">')
    assert 'data-sort="14"' in a and "+14\u00a0d later" in _text(a)
    assert 'data-sort="-99999"></td>' in row(table, 'title="b">')
    # a program none of whose milestones has a baseline shows no slip at all
    assert "<dt>Slip<" not in site.html["programs/ops/"]


def test_status_board_has_a_sortable_slip_column(tmp_path: Path) -> None:
    html = _site(tmp_path).html["status/"]
    head = re.search(r"<thead>.*?</thead>", html.split("pm-status-board")[1], re.DOTALL)
    assert head is not None and "<th>Slip</th>" in head.group(0)
    a, b = row(html, 'id="project-a"'), row(html, 'id="project-b"')
    assert '<td data-sort="14"><span class="flag flag-risk pm-slip"' in a
    assert '<td data-sort="-99999"></td>' in b
