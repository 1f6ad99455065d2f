"""Validation (generator/validate.py, schema.py, fieldtypes.py, adr.py) and diagnostics.

Kinds, fields and their errors, logs and derived ids, duplicate ids, ADR layouts, a site
with several defects (RELIABILITY G3), and the text/GitHub/JSON views of diagnostics.
`project(id, extra)` puts `extra` on line 7, after kind/id/title/program/manager (2-6).
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import pytest

from generator import cli
from generator.diagnostics import Diagnostic, format_diagnostics
from generator.pipeline import check
from generator.settings import load_settings
from tests.conftest import AS_OF, PORTFOLIO, PROGRAM, only, project

BASE = {"index.md": PORTFOLIO, "programs/cx.md": PROGRAM}
SCENARIOS = Path(__file__).parent / "scenarios"


def located(result) -> list[tuple[str, int, int, str, str]]:
    return [(d.path, d.line, d.column, d.severity, d.code) for d in result.diagnostics.sorted()]


def one(result) -> Diagnostic:
    items = result.diagnostics.sorted()
    assert len(items) == 1, [d.to_text() for d in items]
    return items[0]


# --------------------------------------------------------------------------- fields


def test_a_valid_project_is_a_record(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm", "phase: execution\nstart: 2026-01-05")})
    assert located(result) == []
    record = result.model.records.get("crm")
    assert (record.kind, record.title, record.path) == ("project", "Project crm",
                                                        "content/projects/crm.md")
    assert record.model.start == date(2026, 1, 5)
    assert (record.body, record.body_line) == ("Charter of crm.\n", 10)


def test_missing_required_field(run) -> None:
    result = run({**BASE, "projects/a.md": "---\nkind: project\nid: a\ntitle: A\nprogram: cx\n"
                                           "---\nCharter.\n"})
    d = one(result)
    assert (d.path, d.line, d.column, d.severity, d.code) == (
        "content/projects/a.md", 2, 1, "error", "missing-field")
    assert d.message == "project is missing required field 'manager'"
    assert d.hint == "add `manager:`"
    # one fault, one error: the project keeps its identity, with no manager named
    kept = result.model.records.get("a")
    assert kept is not None and kept.salvaged and kept.model.manager == ""
    assert not any(role.record == "a" for person in result.model.people.values()
                   for role in person.roles)


def test_missing_field_of_a_milestone_points_at_the_milestone(run) -> None:
    result = run({**BASE, "projects/a.md": project(
        "a", "milestones:\n  - id: go\n    due: 2026-09-01")})
    d = one(result)
    assert (d.line, d.column, d.code) == (8, 5, "missing-field")
    assert d.message == "project is missing required field 'milestones[1].title'"
    assert d.hint == "add `title:`"


def test_unknown_field_with_did_you_mean(run) -> None:
    result = run({**BASE, "projects/a.md": project("a", "manger: Kim Lee")})
    d = one(result)
    assert (d.path, d.line, d.column, d.code) == ("content/projects/a.md", 7, 1, "unknown-field")
    assert d.message == "unknown field 'manger' for a project"
    assert d.hint == "did you mean 'manager'?"


def test_unknown_nested_fields_suggest_the_nested_model_fields(run) -> None:
    result = run({**BASE, "projects/a.md": project("a", """\
        milestones:
          - id: go
            title: Go
            dew: 2026-09-01
        team:
          - name: Ana
            alocation: 50%""")})
    assert [(d.line, d.column, d.code, d.message, d.hint) for d in result.diagnostics.sorted()] == [
        (8, 5, "missing-field", "project is missing required field 'milestones[1].due'",
         "add `due:`"),
        (10, 5, "unknown-field", "unknown field 'milestones[1].dew' for a project",
         "did you mean 'due'?"),
        (13, 5, "unknown-field", "unknown field 'team[1].alocation' for a project",
         "did you mean 'allocation'?"),
    ]


def test_unknown_field_without_a_close_match_lists_the_fields(run) -> None:
    d = one(run({**BASE, "projects/a.md": project("a", "zzz: 1")}))
    assert d.message == "unknown field 'zzz' for a project"
    assert d.hint.startswith(
        "known fields: aligns_to, baseline_end, budget, depends_on, description, end, id")


def test_extension_and_page_settings_fields_are_allowed(run) -> None:
    result = run({**BASE, "projects/a.md": project(
        "a", "x-cost-centre: 4711\ntemplate: wide.html\nhide: [toc]\nsearch:\n  boost: 2")})
    assert located(result) == []


def test_page_settings_are_not_fields_in_yml_files(run) -> None:
    result = run({**BASE, "risks/r.yml": "kind: risk\nid: r\ntitle: R\ntemplate: x.html\n"})
    assert located(result) == [("content/risks/r.yml", 4, 1, "error", "unknown-field")]


@pytest.mark.parametrize("extra, line, column, message", [
    ("milestones: nope", 7, 13, "'milestones' must be a list, got 'nope'"),
    ("budget: 5", 7, 9, "'budget' must be a mapping of fields, got '5'"),
    ("team: Sam", 7, 7, "'team' must be a list, got 'Sam'"),
    ("tags:\n  - {a: 1}", 8, 5, "tags[1]: expected text, got a mapping"),
    ("manager2: x\n", 7, 1, "unknown field 'manager2' for a project"),
])
def test_wrong_types(run, extra: str, line: int, column: int, message: str) -> None:
    d = one(run({**BASE, "projects/a.md": project("a", extra)}))
    assert (d.path, d.line, d.column) == ("content/projects/a.md", line, column)
    assert d.message == message


def test_wrong_number(run) -> None:
    d = one(run({**BASE, "projects/a.md": project("a", "budget:\n  planned: 1.25M")}))
    assert (d.line, d.column, d.code) == (8, 12, "invalid-value")
    assert d.message == ("budget.planned: '1.25M' is not a number "
                         "(write 1250000, not '1.25M' or '1,250,000')")


@pytest.mark.parametrize("written", ["nan", "NaN", "inf", "-Infinity", "1e400"])
def test_money_must_be_a_finite_number(run, written: str) -> None:
    # NaN and infinities would end up in portfolio.json as NaN/Infinity: not JSON.
    d = one(run({**BASE, "projects/a.md": project("a", f"budget:\n  planned: {written}")}))
    assert (d.line, d.column, d.code) == (8, 12, "invalid-value")
    assert d.message.startswith(f"budget.planned: '{written}' is not a number")


def test_wrong_enum_value_lists_the_allowed_values(run) -> None:
    d = one(run({**BASE, "projects/a.md": project("a", "phase: executing")}))
    assert (d.path, d.line, d.column, d.code) == ("content/projects/a.md", 7, 8, "invalid-value")
    assert d.message == "'executing' is not a valid phase"
    assert d.hint == "use one of: 'initiation', 'planning', 'execution', 'closing', 'closed'"


def test_wrong_status_lists_the_scale(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm"),
                  "status/s.md": "---\nkind: status\nproject: crm\ndate: 2026-06-29\n"
                                 "overall: purple\n---\nAll fine.\n"})
    d = one(result)
    assert (d.path, d.line, d.column, d.code) == ("content/status/s.md", 5, 10, "invalid-status")
    assert d.message == ("overall: 'purple' is not a status; "
                         "use one of: green, amber, red, unknown, done")


@pytest.mark.parametrize("written, message", [
    ("2026-13-45", "start: '2026-13-45' is not a real date (month must be in 1..12)"),
    ("2026-02-30", "start: '2026-02-30' is not a real date (day is out of range for month)"),
    ("31/12/2026", "start: '31/12/2026' is not a date: write it as YYYY-MM-DD"),
    ("2026-1-5", "start: '2026-1-5' is not a date: write it as YYYY-MM-DD"),
    ("next week", "start: 'next week' is not a date: write it as YYYY-MM-DD"),
])
def test_invalid_date_has_the_line_of_the_value(run, written: str, message: str) -> None:
    d = one(run({**BASE, "projects/a.md": project("a", f"start: {written}")}))
    assert (d.path, d.line, d.column, d.code) == ("content/projects/a.md", 7, 8, "invalid-date")
    assert d.message == message


@pytest.mark.parametrize("written", ["NO", "1.10", "0777", "yes", "2026", "off", "1e3", "null!"])
def test_values_are_kept_as_written_in_text_fields(run, written: str) -> None:
    result = run({**BASE, "projects/a.md": project("a", f"tags: [{written}]\nsponsor: {written}")
                 .replace("title: Project a", f"title: {written}")})
    assert located(result) == []
    record = result.model.records.get("a")
    assert (record.title, record.model.sponsor, record.model.tags) == (written, written, [written])


def test_update_hash_two_warns_but_the_record_is_kept(run) -> None:
    result = run({**BASE, "projects/a.md": project("a").replace("title: Project a",
                                                                 "title: Update #2")})
    d = one(result)
    assert (d.path, d.line, d.column, d.severity, d.code) == (
        "content/projects/a.md", 4, 15, "warning", "yaml-comment")
    assert result.model.records.get("a").title == "Update"


# --------------------------------------------------------------------------- kinds


def test_unknown_kind_with_did_you_mean(run) -> None:
    d = one(run({"x.md": "---\nkind: projcet\nid: x\ntitle: X\n---\n"}))
    assert (d.path, d.line, d.column, d.code) == ("content/x.md", 2, 1, "unknown-kind")
    assert d.message == "unknown kind 'projcet'"
    assert d.hint == "did you mean 'project'?"


def test_unknown_kind_without_a_close_match_lists_the_kinds(run) -> None:
    d = one(run({"x.yml": "kind: spreadsheet\nid: x\n"}))
    assert (d.path, d.line, d.code) == ("content/x.yml", 1, "unknown-kind")
    assert d.hint == ("kinds are: portfolio, program, project, status, risk, issue, decision, "
                      "change, meeting, lesson, person")


@pytest.mark.parametrize("kind, owner", [("milestone", "project"), ("benefit", "program")])
def test_nested_kind_as_its_own_record_hints_to_nest_it(run, kind: str, owner: str) -> None:
    d = one(run({f"{kind}.md": f"---\nkind: {kind}\nid: x\ntitle: X\ndue: 2026-01-01\n---\n"}))
    assert (d.path, d.line, d.code) == (f"content/{kind}.md", 2, "unknown-kind")
    assert d.message == f"a {kind} is not a record of its own"
    assert d.hint == f"list it under `{kind}s:` inside its {owner}"


# --------------------------------------------------------------------------- logs


STATUS_LOG = """\
kind: status
project: crm
entries:
  - date: 2026-06-15
    overall: green
  - date: 2026-06-29
    overall: amber
    path_to_green: hire a DBA
"""


def test_status_log_entries_inherit_and_get_derived_ids(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm"), "status/crm.yml": STATUS_LOG})
    assert located(result) == []
    reports = result.model.records.by_kind("status")
    assert [(r.id, r.derived_id, r.model.project, r.source.line) for r in reports] == [
        ("crm-status-2026-06-15", True, "crm", 4),
        ("crm-status-2026-06-29", True, "crm", 6)]
    assert result.model.records.get("crm-status-2026-06-29").model.overall == "amber"


def test_status_with_explicit_id_keeps_it(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm"),
                  "status/w26.md": "---\nkind: status\nid: crm-w26\nproject: crm\n"
                                   "date: 2026-06-29\noverall: green\n---\nFine.\n"})
    assert [r.id for r in result.model.records.by_kind("status")] == ["crm-w26"]


def test_error_in_an_inherited_field_points_at_the_log_key(run) -> None:
    log = STATUS_LOG.replace("project: crm\n", "project: crm\noverall: purple\n").replace(
        "    overall: green\n", "")
    result = run({**BASE, "projects/crm.md": project("crm"), "status/crm.yml": log})
    d = only(result, "invalid-status")
    assert (d.path, d.line, d.column) == ("content/status/crm.yml", 3, 10)
    assert d.message == ("overall: 'purple' is not a status; "
                         "use one of: green, amber, red, unknown, done")
    # the entry that sets its own overall is fine; the other keeps its identity, status unknown
    reports = result.model.records.by_kind("status")
    assert [(r.id, r.salvaged, r.model.overall) for r in reports] == [
        ("crm-status-2026-06-15", True, "unknown"), ("crm-status-2026-06-29", False, "amber")]


def test_unknown_inherited_field_is_reported_once_at_the_log_key(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm"),
                  "lessons/crm.yml": "kind: lesson\nprojct: crm\nentries:\n  - title: A\n"
                                     "  - title: B\n"})
    d = one(result)
    assert (d.path, d.line, d.column, d.code) == ("content/lessons/crm.yml", 2, 1, "unknown-field")
    assert d.hint == "did you mean 'project'?"


def test_errors_in_entries_point_at_the_entry(run) -> None:
    log = STATUS_LOG + """\
  - date: 2026-06-31
    overall: green
  - a note, not a report
  - overall: red
  - ~
"""
    result = run({**BASE, "projects/crm.md": project("crm"), "status/crm.yml": log})
    assert [(d.line, d.column, d.code, d.message) for d in result.diagnostics.sorted()] == [
        (9, 11, "invalid-date",
         "date: '2026-06-31' is not a real date (day is out of range for month)"),
        (11, 5, "invalid-type", "entry 4 of the log must be a mapping of fields"),
        (12, 5, "missing-field", "status is missing required field 'date'"),
        (13, 5, "invalid-type", "entry 6 of the log must be a mapping of fields"),
    ]
    assert len(result.model.records.by_kind("status")) == 2


def test_entries_must_be_a_list(run) -> None:
    d = one(run({"lessons/x.yml": "kind: lesson\nproject: crm\nentries: nope\n"}))
    assert (d.path, d.line, d.code) == ("content/lessons/x.yml", 3, "invalid-type")
    assert d.message == "`entries` must be a list of records"
    assert d.hint == "start each entry with '- '"


def test_entry_of_another_kind(run) -> None:
    d = one(run({"lessons/x.yml": "kind: lesson\nentries:\n  - kind: risk\n    id: r\n"
                                  "    title: R\n"}))
    assert (d.line, d.column, d.code) == (3, 5, "invalid-value")
    assert d.message == "entry kind 'risk' differs from the log's kind 'lesson'"


LESSON_LOG = """\
kind: lesson
project: crm
category: planning
entries:
  - title: Start data migration early!
    type: improve
  - title: Weekly demos
    type: went-well
    category: delivery
  - title: "計画"
"""


def test_lesson_log_ids_are_scope_lesson_slug(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm"), "lessons/crm.yml": LESSON_LOG})
    assert located(result) == []
    assert [(r.id, r.model.category, r.model.project, r.derived_id)
            for r in result.model.records.by_kind("lesson")] == [
        ("crm-lesson-3", "planning", "crm", True),
        ("crm-lesson-start-data-migration-early", "planning", "crm", True),
        ("crm-lesson-weekly-demos", "delivery", "crm", True)]


def test_lesson_file_takes_its_id_from_the_file_name(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm"),
                  "lessons/feature-flags.md": "---\nkind: lesson\ntitle: Use flags\n"
                                              "project: crm\n---\nWhy.\n"})
    assert [r.id for r in result.model.records.by_kind("lesson")] == ["feature-flags"]


def test_two_reports_on_one_day_collide_with_a_hint_to_name_them(run) -> None:
    log = STATUS_LOG + "  - date: 2026-06-29\n    overall: green\n"
    result = run({**BASE, "projects/crm.md": project("crm"), "status/crm.yml": log})
    d = only(result, "duplicate-id")
    assert (d.path, d.line, d.column) == ("content/status/crm.yml", 9, 5)
    assert d.message == ("duplicate id 'crm-status-2026-06-29': status 'crm-status-2026-06-29' "
                         "is already defined at content/status/crm.yml:6")
    assert d.hint == ("give it an explicit `id:` (this one was derived from its fields as "
                      "'crm-status-2026-06-29')")


# --------------------------------------------------------------------------- duplicate ids


def test_duplicate_id_across_files_is_case_insensitive_and_names_both(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm"), "projects/crm2.md": project("CRM")})
    d = one(result)
    assert (d.path, d.line, d.column, d.code) == ("content/projects/crm2.md", 2, 1, "duplicate-id")
    assert d.message == ("duplicate id 'CRM': project 'crm' is already defined at "
                         "content/projects/crm.md:2")
    assert d.hint == "ids are compared ignoring case; give one of them another id"
    assert result.model.records.get("crm").path == "content/projects/crm.md"


def test_duplicate_id_across_kinds_and_nesting(run) -> None:
    result = run({**BASE, "projects/crm.md": project(
        "crm", "risks:\n  - id: vendor\n    title: Vendor"),
        "risks/vendor.yml": "kind: risk\nid: vendor\ntitle: Vendor again\n"})
    d = one(result)
    assert (d.path, d.line, d.code) == ("content/risks/vendor.yml", 1, "duplicate-id")
    assert d.message == ("duplicate id 'vendor': risk 'vendor' is already defined at "
                         "content/projects/crm.md:8")


def test_duplicate_milestone_ids_within_a_project(run) -> None:
    result = run({**BASE, "projects/b.md": project("b", """\
        milestones:
          - id: go
            title: Go
            due: 2026-09-01
          - id: Go
            title: Go again
            due: 2026-10-01""")})
    d = one(result)
    assert (d.path, d.line, d.column, d.code) == ("content/projects/b.md", 11, 9, "duplicate-id")
    assert d.message == "duplicate milestone id 'Go' in project 'b' (first on line 8)"
    assert d.hint == "give each of its milestones its own id"


def test_same_milestone_id_in_two_projects_is_fine(run) -> None:
    ms = "milestones:\n  - id: go-live\n    title: Go\n    due: 2026-09-01"
    result = run({**BASE, "projects/a.md": project("a", ms), "projects/b.md": project("b", ms)})
    assert located(result) == []


# --------------------------------------------------------------------------- ADR layouts


ADR_2 = """\
# 2. Use Kafka

Date: 2026-01-10

## Status

Superseded by [3. Use Pulsar](0003-use-pulsar.md)

## Context

We need an event log.
"""

ADR_3 = """\
# 3. Use Pulsar

Date: 2026-03-01

## Status

Accepted

Supersedes [2. Use Kafka](0002-use-kafka.md)

## Decision

Pulsar.
"""

MADR = """\
---
status: accepted
date: 2026-02-02
deciders: [Dana Reyes, Sam Patel]
---
# Use Markdown ADRs

## Context and Problem Statement

Text.
"""


def test_adr_tools_files_are_decisions(run) -> None:
    result = run({**BASE, "decisions/0002-use-kafka.md": ADR_2,
                  "decisions/0003-use-pulsar.md": ADR_3})
    assert located(result) == []
    kafka = result.model.records.get("0002-use-kafka")
    assert kafka.kind == "decision"
    assert (kafka.title, kafka.model.date, kafka.model.status) == (
        "Use Kafka", date(2026, 1, 10), "superseded")
    pulsar = result.model.records.get("0003-use-pulsar")
    assert (pulsar.title, pulsar.model.date, pulsar.model.status) == (
        "Use Pulsar", date(2026, 3, 1), "accepted")
    assert pulsar.model.supersedes == ["0002-use-kafka"]
    assert pulsar.references == [("supersedes", "0002-use-kafka")]
    assert kafka.backlinks == [("supersedes", "0003-use-pulsar")]


def test_madr_front_matter_without_kind_is_a_decision(run) -> None:
    result = run({**BASE, "decisions/0004-use-madr.md": MADR})
    assert located(result) == []
    record = result.model.records.get("0004-use-madr")
    assert (record.kind, record.title, record.model.status, record.model.date) == (
        "decision", "Use Markdown ADRs", "accepted", date(2026, 2, 2))
    assert record.model.deciders == ["Dana Reyes", "Sam Patel"]


@pytest.mark.parametrize("folder", ["adr", "docs/adr", "architecture-decisions", "adrs"])
def test_adr_folders(run, folder: str) -> None:
    result = run({f"{folder}/0002-use-kafka.md": ADR_2.replace(
        "Superseded by [3. Use Pulsar](0003-use-pulsar.md)", "Accepted")})
    assert [r.id for r in result.model.records.by_kind("decision")] == ["0002-use-kafka"]


def test_adr_problems_point_at_the_body_line(run) -> None:
    result = run({"decisions/0005-x.md": "# 5. X\n\nDate: 2026-13-01\n\n## Status\n\nAccepted\n",
                  "decisions/0006-y.md": "# 6. Y\n\n## Status\n\nAccepted\n",
                  "decisions/0007-z.md": ADR_3.replace("# 3. Use Pulsar", "# 7. Z").replace(
                      "0002-use-kafka", "0001-record")})
    assert [(d.path, d.line, d.code, d.message) for d in result.diagnostics.sorted()] == [
        ("content/decisions/0005-x.md", 3, "invalid-date",
         "date: '2026-13-01' is not a real date (month must be in 1..12)"),
        ("content/decisions/0006-y.md", 1, "missing-field",
         "decision is missing required field 'date'"),
        ("content/decisions/0007-z.md", 9, "unknown-reference",
         "unknown decision '0001-record'"),
    ]


def test_index_and_readme_in_a_decisions_folder_are_pages(run) -> None:
    result = run({"decisions/index.md": "# Decisions\n", "decisions/README.md": "# Readme\n"})
    assert located(result) == []
    assert sorted(p.rel for p in result.model.pages) == ["decisions/README.md",
                                                         "decisions/index.md"]


def test_madr_4_decision_makers_are_read(run) -> None:
    result = run({"decisions/0008-madr4.md": "---\nstatus: accepted\ndate: 2026-02-02\n"
                                             "decision-makers: [Dana Reyes]\nconsulted: [Ops]\n"
                                             "informed: [All]\n---\n# Use MADR 4\n"})
    assert located(result) == []
    assert result.model.records.get("0008-madr4") is not None


def test_madr_superseded_by_status_is_read(run) -> None:
    result = run({"decisions/0001-a.md": "# 1. A\n\nDate: 2026-01-01\n\n## Status\n\nAccepted\n",
                  "decisions/0002-b.md": "---\nstatus: superseded by [ADR-0001](0001-a.md)\n"
                                         "date: 2026-01-01\n---\n# B\n"})
    assert located(result) == []
    assert result.model.records.get("0002-b").model.status == "superseded"


# --------------------------------------------------------------------------- G3


def test_every_defect_of_a_site_is_reported_in_a_stable_order() -> None:
    config = SCENARIOS / "several_defects" / "mkdocs.yml"
    result = check(load_settings(config), AS_OF)
    assert located(result) == [
        ("content/decisions/adopt-sso.md", 4, 15, "warning", "yaml-comment"),
        ("content/decisions/adopt-sso.md", 6, 14, "error", "unknown-reference"),
        ("content/decisions/adopt-sso.md", 8, 41, "error", "unknown-reference"),
        ("content/notes.md", 3, 25, "error", "unknown-reference"),
        ("content/projects/billing.md", 7, 8, "error", "invalid-value"),
        ("content/projects/billing.md", 8, 8, "error", "invalid-date"),
        ("content/projects/crm.md", 11, 14, "error", "unknown-reference"),
        ("content/projects/zz-crm-copy.md", 2, 1, "error", "duplicate-id"),
        ("content/risks/vendor.yml", 4, 14, "error", "yaml-alias"),
        ("content/status/crm.yml", 7, 14, "error", "invalid-status"),
        ("content/status/crm.yml", 8, 5, "error", "invalid-type"),
    ]
    hints = {(d.path, d.line): d.hint for d in result.diagnostics.sorted()}
    assert hints[("content/projects/crm.md", 11)] == "did you mean 'identity'?"
    assert hints[("content/decisions/adopt-sso.md", 8)] == "did you mean 'identity'?"
    assert hints[("content/notes.md", 3)] == "did you mean 'go-live'?"
    again = check(load_settings(config), AS_OF)
    assert [d.to_text() for d in again.diagnostics.sorted()] == [
        d.to_text() for d in result.diagnostics.sorted()]
    assert result.failed()
    # the good records survive next to the bad ones; billing keeps its identity (salvaged)
    assert {r.id for r in result.model.records.by_kind("project")} == {
        "billing", "crm", "identity"}
    assert result.model.records.get("billing").salvaged


# --------------------------------------------------------------------------- formats


DIAG = Diagnostic("content/projects/a b,c.md", 7, 14, "error", "unknown-reference",
                  "unknown project 'identiy'", "did you mean 'identity'?")


def test_text_format() -> None:
    assert DIAG.to_text() == ("content/projects/a b,c.md:7:14: error: [unknown-reference] "
                              "unknown project 'identiy' (did you mean 'identity'?)")
    bare = Diagnostic("content/x.md", 0, 0, "warning", "symlink", "symlinked folder not followed")
    assert bare.to_text() == "content/x.md: warning: [symlink] symlinked folder not followed"


def test_github_format_escapes_properties_and_data() -> None:
    assert DIAG.to_github() == (
        "::error file=content/projects/a b%2Cc.md,line=7,col=14,title=pmsite unknown-reference::"
        "unknown project 'identiy' (did you mean 'identity'?)")
    tricky = Diagnostic("c:/x.md", 3, 0, "warning", "yaml-comment", "100% done\r\nnext", "")
    assert tricky.to_github() == (
        "::warning file=c%3A/x.md,line=3,title=pmsite yaml-comment::100%25 done%0D%0Anext")


def test_json_format_is_a_list_of_objects() -> None:
    data = json.loads(format_diagnostics([DIAG, DIAG], "json"))
    assert data == [{"path": "content/projects/a b,c.md", "line": 7, "column": 14,
                     "severity": "error", "code": "unknown-reference",
                     "message": "unknown project 'identiy'",
                     "hint": "did you mean 'identity'?"}] * 2
    assert json.loads(format_diagnostics([], "json")) == []
    assert format_diagnostics([DIAG], "text") == DIAG.to_text()
    assert format_diagnostics([DIAG], "github") == DIAG.to_github()


@pytest.mark.parametrize("fmt", ["text", "github", "json"])
def test_check_command_prints_every_diagnostic_in_each_format(capsys, fmt: str) -> None:
    config = SCENARIOS / "several_defects" / "mkdocs.yml"
    code = cli.main(["check", "-f", str(config), "--as-of", "2026-06-30", "--format", fmt])
    out = capsys.readouterr().out
    assert code == 1
    assert "Traceback" not in out
    if fmt == "json":
        items = json.loads(out)
        assert len(items) == 11
        assert items[0]["path"] == "content/decisions/adopt-sso.md"
        assert (items[0]["line"], items[0]["code"]) == (4, "yaml-comment")
    elif fmt == "github":
        lines = out.strip().splitlines()
        assert len(lines) == 11  # errors first: 10 errors, then the warning
        assert lines[0].startswith("::error file=content/decisions/adopt-sso.md,line=6,col=14,")
        assert lines[10].startswith("::warning file=content/decisions/adopt-sso.md,line=4,col=15,")
    else:
        lines = out.strip().splitlines()
        assert len(lines) == 11
        assert lines[-1] == ("content/status/crm.yml:8:5: error: [invalid-type] "
                             "entry 3 of the log must be a mapping of fields")
