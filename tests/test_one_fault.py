"""One fault, one error (SPEC §7): a record with a bad field keeps its identity."""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest

from generator.cli import main
from generator.pages import Context
from generator.pages.compose import body_markdown
from generator.pipeline import check
from generator.settings import load_settings
from generator.templating import make_environment
from generator.yamlsafe import read_yaml, top_level_values
from tests.conftest import PORTFOLIO, PROGRAM, REPO, Run, codes, only, project

AS_OF = "2026-11-20"
CHARTER = "content/projects/network-refresh/charter.md"
LATEST = "content/projects/network-refresh/status/2026-11-13.md"

Key = tuple[str, str, int]
"""(code, path, line) of a diagnostic."""


def _copy_example(tmp_path: Path) -> Path:
    root = tmp_path / "repo"
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def _check(root: Path, capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    main(["check", "-f", str(root / "mkdocs.yml"), "--as-of", AS_OF, "--format", "json"])
    items: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return items


def _keys(items: list[dict[str, object]], severity: str) -> set[Key]:
    return {(str(d["code"]), str(d["path"]), int(str(d["line"])))
            for d in items if d["severity"] == severity}


def _edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


@pytest.fixture(scope="module")
def clean_warnings(tmp_path_factory: pytest.TempPathFactory) -> set[Key]:
    """The warnings of the example as it is: no errors, 12 warnings."""
    root = _copy_example(tmp_path_factory.mktemp("clean"))
    result = check(load_settings(root / "mkdocs.yml"), date.fromisoformat(AS_OF))
    assert not result.diagnostics.errors
    found = {(d.code, d.path, d.line) for d in result.diagnostics.warnings}
    assert len(found) == 12
    return found


def _shift(keys: set[Key], path: str, after: int) -> set[Key]:
    """`keys` as they are once line `after` of `path` is deleted."""
    return {(c, p, n - 1 if p == path and n > after else n) for c, p, n in keys}


# (name, file, old text, new text, the one error, expected warnings from the clean ones)
Expect = Callable[[set[Key]], set[Key] | None]
CASES: list[tuple[str, str, str, str, Key, Expect]] = [
    # the warnings about the left-out milestone itself go: it is overdue, and wave 3
    # depends on it; nothing else changes
    ("milestone-date", CHARTER, "    due: 2026-11-06\n", "    due: 2026-02-30\n",
     ("invalid-date", CHARTER, 47),
     lambda w: w - {("overdue-milestone", CHARTER, 47), ("at-risk-dependency", CHARTER, 53)}),
    # the whole front matter is unreadable: only the error is asserted
    ("tab", CHARTER, "  currency: EUR\n", "\tcurrency: EUR\n",
     ("yaml-syntax", CHARTER, 15), lambda w: None),
    ("manager-removed", CHARTER, "manager: Bram Janssen\n", "",
     ("missing-field", CHARTER, 2), lambda w: _shift(w, CHARTER, 6)),
    ("budget", CHARTER, "  planned: 1600000\n", "  planned: lots\n",
     ("invalid-value", CHARTER, 13), lambda w: w),
    ("status-dimension", LATEST, "schedule: R\n", "schedule: purple\n",
     ("invalid-status", LATEST, 6), lambda w: w),
]


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_one_bad_field_in_the_example_is_one_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_warnings: set[Key],
        case: tuple[str, str, str, str, Key, Expect]) -> None:
    _, rel, old, new, error, expect = case
    root = _copy_example(tmp_path)
    _edit(root, rel, old, new)
    items = _check(root, capsys)
    assert _keys(items, "error") == {error}
    assert [d["code"] for d in items if d["severity"] == "error"] == [error[0]]
    expected = expect(clean_warnings)
    if expected is not None:
        assert _keys(items, "warning") == expected


def test_an_unreadable_overall_status_keeps_the_report(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], clean_warnings: set[Key]) -> None:
    root = _copy_example(tmp_path)
    _edit(root, LATEST, "overall: R\n", "overall: purple\n")
    items = _check(root, capsys)
    assert _keys(items, "error") == {("invalid-status", LATEST, 5)}
    # the report stays the latest one, with an unknown status: the older report is not
    # called stale, and only the warning about network-refresh being red goes
    assert _keys(items, "warning") == clean_warnings - {
        ("at-risk-dependency", "content/projects/contact-centre-telephony/charter.md", 58)}


# --------------------------------------------------------------------------- scenarios

STATUS = "---\nkind: status\nproject: {project}\ndate: 2026-06-26\noverall: {overall}\n---\nOn track.\n"


def test_a_program_with_a_bad_field_still_rolls_up_its_projects(run: Run) -> None:
    program = PROGRAM.replace("manager: Dana Reyes\n",
                              "manager: Dana Reyes\nbudget: {planned: lots}\n")
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": program,
                  "projects/a.md": project("a"), "projects/b.md": project("b"),
                  "status/a.md": STATUS.format(project="a", overall="red"),
                  "status/b.md": STATUS.format(project="b", overall="green")})
    assert codes(result, "error") == ["invalid-value"]
    cx = result.model.records.get("cx")
    assert cx is not None and cx.salvaged and cx.model.budget.planned is None
    assert result.model.program_rollups["cx"].status == "red"
    assert [p.id for p in result.model.projects_of("cx")] == ["a", "b"]


def test_references_to_an_unparseable_record_are_not_reported(run: Run) -> None:
    broken = project("crm", "budget:\n  planned: 1\n\tspent: 2").replace(
        "title: Project crm", 'title: "CRM replatform"')
    decision = ("---\nkind: decision\nid: d1\ntitle: Go\ndate: 2026-06-01\nproject: crm\n"
                "related: [crm, crm#go-live]\n---\nSee [[crm]], [[crm|the CRM]] and "
                "[[crm#go-live]].\n")
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "projects/crm.md": broken,
                  "projects/web.md": project("web", "depends_on: [crm, crm#go-live]"),
                  "status/crm.md": STATUS.format(project="crm", overall="amber"),
                  "decisions/d1.md": decision,
                  "notes.md": "# Notes\n\nAbout [[crm]].\n"})
    d = only(result, "yaml-syntax")
    assert (d.path, d.line) == ("content/projects/crm.md", 9)
    assert codes(result, "error") == ["yaml-syntax"]
    records = result.model.records
    assert records.get("crm") is None
    known = records.unreadable("crm")
    assert known is not None and (known.kind, known.title) == ("project", "CRM replatform")
    # links to it render as plain text, and nothing crashes on it
    context = Context(result.model, make_environment(result.settings.scale))
    text = body_markdown(context, "[[crm]], [[crm|the CRM]], [[crm#go-live]]",
                         "decisions/d1.md", "decisions/d1.md")
    assert text == r"CRM replatform, the CRM, crm\#go\-live"


def test_a_left_out_milestone_keeps_its_ref_and_later_positions(run: Run) -> None:
    milestones = """\
        milestones:
          - id: design
            title: Design
            due: 2026-02-30
          - id: build
            title: Build
            due: 2026-05-01
            depends_on: [a#design]
        depends_on:
          - {on: b, for: design}
        """
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "projects/a.md": project("a", milestones),
                  "projects/b.md": project("b", "depends_on: [a#design]"),
                  "notes.md": "# Notes\n\n[[a#design]]\n"})
    d = only(result, "invalid-date")
    assert (d.path, d.line) == ("content/projects/a.md", 10)
    assert codes(result, "error") == ["invalid-date"]
    a = result.model.records.get("a")
    assert a is not None and a.salvaged
    assert [m.id for m in a.model.milestones] == ["build"]
    # the warning about the milestone kept points at its own line, not the left-out one's
    overdue = only(result, "overdue-milestone")
    assert (overdue.path, overdue.line) == ("content/projects/a.md", 13)


def test_an_invalid_done_leaves_the_milestone_out_rather_than_call_it_overdue(
        run: Run) -> None:
    milestones = """\
        milestones:
          - {id: design, title: Design, due: 2026-03-01, done: 2026-02-30}
          - {id: build, title: Build, due: 2026-09-01, depends_on: [a#design]}
        """
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "projects/a.md": project("a", milestones)})
    assert codes(result) == ["invalid-date"]
    a = result.model.records.get("a")
    assert a is not None and [m.id for m in a.model.milestones] == ["build"]


def test_a_left_out_risk_keeps_its_id_and_the_next_risk_its_lines(run: Run) -> None:
    risks = """\
        risks:
          - id: r1
            probability: 3
          - id: r2
            title: Vendor late
            review: 2026-06-01
        """
    issues = ("kind: issue\nproject: a\nentries:\n  - id: i1\n    title: Slip\n"
              "    from_risk: r1\n")
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "projects/a.md": project("a", risks), "issues.yml": issues})
    assert codes(result, "error") == ["missing-field"]
    r2 = result.model.records.get("r2")
    assert r2 is not None and r2.parent == "a"
    review = only(result, "overdue-review")
    assert (review.path, review.line) == ("content/projects/a.md", 12)


def test_a_left_out_objective_keeps_its_id(run: Run) -> None:
    portfolio = PORTFOLIO.replace("    title: Grow digital revenue\n",
                                  "    title: Grow digital revenue\n  - id: obj-cost\n")
    result = run({"portfolio.md": portfolio, "programs/cx.md": PROGRAM,
                  "projects/a.md": project("a", "aligns_to: [obj-growth, obj-cost]")})
    assert codes(result, "error") == ["missing-field"]


def test_a_record_that_cannot_be_mended_keeps_its_id(run: Run) -> None:
    decision = "---\nkind: decision\nid: d1\ntitle: Go\ndate: someday\n---\nWe go.\n"
    meeting = ("---\nkind: meeting\nid: m1\ntitle: Board\ndate: 2026-06-02\n"
               "decisions: [d1]\n---\nMinutes.\n")
    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "decisions/d1.md": decision, "meetings/m1.md": meeting,
                  "projects/a.md": project("a").replace("id: a", "id: 'a b'")})
    assert codes(result, "error") == ["invalid-date", "invalid-id"]
    assert result.model.records.get("d1") is None
    assert result.model.records.unreadable("d1") is not None
    # an invalid id is no identity to keep
    assert result.model.records.by_kind("project") == ()


def test_top_level_identity_lines_are_read_from_unparseable_yaml() -> None:
    text = 'kind: project\nid: crm # note\ntitle: "CRM: phase 2"\n  id: nested\nx: [\n'
    assert top_level_values(text) == {"kind": "project", "id": "crm", "title": "CRM: phase 2"}
    assert read_yaml(text).top_level == {"kind": "project", "id": "crm",
                                         "title": "CRM: phase 2"}
    assert read_yaml("kind: project\nid: crm\n").top_level == {}


# RELIABILITY.md's defects of one record, each in a project that two others depend on and
# a decision names: each is one error, at the defect, and nothing about the others.
_CHARTER = ("---\nkind: project\nid: core\ntitle: Core platform\nprogram: cx\n"
            "manager: Sam Patel\nend: 2026-12-31\n---\nThe core.\n")
_DEFECTS: dict[str, tuple[bytes, str, int]] = {
    "unterminated front matter": (_CHARTER.replace("---\nThe core.", "The core.").encode(),
                                  "front-matter-unterminated", 1),
    "invalid YAML": (_CHARTER.replace("title: Core platform", "title: [Core").encode(),
                     "yaml-syntax", 5),
    "missing required field": (_CHARTER.replace("manager: Sam Patel\n", "").encode(),
                               "missing-field", 2),
    "unknown field": (_CHARTER.replace("end:", "ned:").encode(), "unknown-field", 7),
    "wrong type": (_CHARTER.replace("end: 2026-12-31", "end: [2026]").encode(),
                   "invalid-date", 7),
    "invalid date": (_CHARTER.replace("2026-12-31", "2026-13-45").encode(), "invalid-date", 7),
    "wrong enum": (_CHARTER.replace("end:", "phase: runing\nend:").encode(), "invalid-value", 7),
    "duplicate key": (_CHARTER.replace("end:", "title: Again\nend:").encode(),
                      "duplicate-key", 7),
    "not UTF-8": (_CHARTER.replace("Core platform", "Caf\udce9").encode(
        "utf-8", "surrogateescape"), "encoding", 4),
    "NUL byte": (_CHARTER.replace("The core.", "The\x00core.").encode(), "encoding", 9),
    "tab indentation": (_CHARTER.replace("end: 2026-12-31",
                                         "end: 2026-12-31\nscope:\n\tin: [a]").encode(),
                        "yaml-syntax", 9),
}


@pytest.mark.parametrize("defect", sorted(_DEFECTS))
def test_each_defect_of_one_record_is_one_error(run: Run, defect: str) -> None:
    text, code, line = _DEFECTS[defect]
    result = run({
        "portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
        "projects/core.md": text,
        "projects/app.md": project("app", "end: 2027-06-30\ndepends_on: [core]"),
        "projects/web.md": project("web", "end: 2027-06-30\ndepends_on:\n  - on: core"),
        "decisions/d1.md": ("---\nkind: decision\nid: d1\ntitle: Use core\ndate: 2026-05-01\n"
                            "project: core\n---\nWe use [[core]].\n"),
    })
    errors = [(d.path, d.line, d.code) for d in result.diagnostics.errors]
    assert errors == [("content/projects/core.md", line, code)], errors
