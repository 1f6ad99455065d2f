"""`pmsite new` for every kind: what it writes passes check once its placeholders are
filled; entries are appended to the list a scope keeps, with every other byte kept."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.cli import main
from generator.errors import ContentError
from generator.kinds import TABLE
from generator.placeholders import PLACEHOLDER
from generator.yamlappend import append_to_list
from tests.conftest import REPO

AS_OF = "2026-11-20"

# One command per kind (the kind is the first word); every kind of kinds.py is here.
COMMANDS = {
    "portfolio": ["portfolio", "--title", "Second portfolio"],
    "program": ["program", "--title", "Workplace", "--manager", "Ingrid Vos"],
    "project": ["project", "--title", "Print fleet", "--program", "cloud-infra"],
    "status": ["status", "office-move"],
    "milestone": ["milestone", "--project", "dc-exit", "--title", "Racks removed"],
    "risk": ["risk", "--project", "crm-replatform", "--title", "Vendor insolvency"],
    "issue": ["issue", "--project", "dc-exit", "--title", "Firewall rules missing"],
    "decision": ["decision", "--title", "Adopt Kafka", "--program", "cloud-infra"],
    "change": ["change", "--project", "network-refresh", "--title", "Move wave 2 again",
               "--milestone", "wave-2-warehouses"],
    "meeting": ["meeting", "--title", "Cloud steerco", "--program", "cloud-infra"],
    "lesson": ["lesson", "--title", "Book lifts early", "--project", "office-move"],
    "benefit": ["benefit", "--program", "cloud-infra", "--title", "Lower hosting cost"],
    "person": ["person", "--title", "Ada Lovelace"],
}


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    return tmp_path


def diagnostics(capsys: pytest.CaptureFixture[str]) -> list[dict[str, object]]:
    capsys.readouterr()
    main(["check", "--as-of", AS_OF, "--format", "json"])
    found: list[dict[str, object]] = json.loads(capsys.readouterr().out)
    return found


def new(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    capsys.readouterr()
    code = main(["new", *args, "--as-of", AS_OF])
    out, err = capsys.readouterr()
    return code, out.strip(), err


def test_every_kind_can_be_scaffolded() -> None:
    assert set(COMMANDS) == set(TABLE)


@pytest.mark.parametrize("kind", list(COMMANDS))
def test_a_scaffold_warns_of_its_placeholders_and_passes_once_filled(
        example: Path, capsys: pytest.CaptureFixture[str], kind: str) -> None:
    before = diagnostics(capsys)
    assert not [d for d in before if d["severity"] == "error"]
    code, path, err = new(capsys, *COMMANDS[kind])
    assert (code, err) == (0, "")
    written = example / path
    text = written.read_text(encoding="utf-8")
    held = PLACEHOLDER.findall(text)
    assert held
    after = diagnostics(capsys)
    added = [d for d in after if d not in before]
    assert {d["code"] for d in added} == {"placeholder-text"}
    assert {d["path"] for d in added} == {path}
    assert len(added) == len(held)
    written.write_text(PLACEHOLDER.sub("Written by the author", text), encoding="utf-8")
    assert [d for d in diagnostics(capsys) if d not in before] == []


def test_new_never_overwrites(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert new(capsys, *COMMANDS["meeting"])[0] == 0
    code, out, err = new(capsys, *COMMANDS["meeting"])
    assert (code, out) == (2, "")
    assert "taken by meeting 'cloud-steerco-2026-11-20'" in err


def test_a_new_log_file_is_never_written_over_an_existing_file(
        example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (example / "content/projects/dc-exit/issues.yml").write_text("hand: written\n")
    code, _, err = new(capsys, *COMMANDS["issue"])
    assert code == 2 and "exists already" in err and "never overwrites" in err
    assert (example / "content/projects/dc-exit/issues.yml").read_text() == "hand: written\n"


def test_a_risk_is_appended_to_the_log_keeping_every_other_byte(
        example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = example / "content/projects/crm-replatform/risks.yml"
    original = log.read_bytes()
    code, path, _ = new(capsys, *COMMANDS["risk"])
    assert (code, path) == (0, "content/projects/crm-replatform/risks.yml")
    now = log.read_bytes()
    assert now.startswith(original)
    assert now[len(original):].decode().startswith(
        "  - id: risk-vendor-insolvency\n    title: \"Vendor insolvency\"\n")


def test_a_risk_goes_into_the_charter_list_before_what_follows(
        example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    charter = example / "content/projects/office-move/charter.md"
    original = charter.read_text(encoding="utf-8")
    assert new(capsys, "risk", "--project", "office-move", "--title", "Lift")[0] == 0
    lines = charter.read_text(encoding="utf-8").split("\n")
    start = lines.index("  - id: risk-lift")
    added = lines[start:start + 11]
    assert "\n".join(lines[:start] + lines[start + 11:]) == original
    assert lines[start + 11] == "tags: [workplace, facilities, rotterdam]"
    assert added[-1] == "    review: 2026-12-18"


def test_comments_crlf_and_a_key_after_the_list_are_kept(
        example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    log = example / "content/projects/dc-exit/risks.yml"
    text = ("# the DC exit risks\r\nkind: risk\r\nproject: dc-exit\r\nentries:\r\n"
            "- id: risk-dc-one   # first\r\n  title: 'One'\r\n  mitigation: |\r\n"
            "    # a line of the text, not a comment\r\n\r\n# trailing comment\r\n"
            "x-owner: pmo\r\n")
    log.write_bytes(text.encode())
    code, _, err = new(capsys, *COMMANDS["risk"][:1], "--project", "dc-exit",
                       "--title", "Two")
    assert (code, err) == (0, "")
    now = log.read_bytes().decode()
    head = text.index("\r\n\r\n# trailing") + 2
    assert now.startswith(text[:head])
    assert now.endswith(text[head:])
    assert now[head:len(now) - (len(text) - head)].startswith("- id: risk-two\r\n  title: \"Two\"\r\n")
    assert not [d for d in diagnostics(capsys) if d["severity"] == "error"]


@pytest.mark.parametrize("broken", ["kind: risk\nproject: dc-exit\nentries:\n  - id: [a\n",
                                    "kind: risk\nproject: dc-exit\nentries:\n\t- id: a\n"])
def test_a_broken_log_is_refused_located_with_nothing_written(
        example: Path, capsys: pytest.CaptureFixture[str], broken: str) -> None:
    log = example / "content/projects/dc-exit/risks.yml"
    log.write_text(broken)
    code, out, err = new(capsys, "risk", "--project", "dc-exit", "--title", "Two")
    assert code in (1, 2) and out == ""
    assert re.search(r"content/projects/dc-exit/risks\.yml:\d+:\d+: .*nothing written", err)
    assert log.read_text() == broken
    assert not list(log.parent.glob(".pmsite-new-*"))


def test_a_broken_charter_is_refused_located(example: Path,
                                             capsys: pytest.CaptureFixture[str]) -> None:
    charter = example / "content/projects/office-move/charter.md"
    text = charter.read_text(encoding="utf-8").replace("\nphase: ", "\nphase: [x ", 1)
    assert text != charter.read_text(encoding="utf-8")
    charter.write_text(text, encoding="utf-8")
    code, _, err = new(capsys, "risk", "--project", "office-move", "--title", "Lift")
    assert code in (1, 2)
    assert re.match(r"pmsite: error: content/projects/office-move/charter\.md:\d+:", err)
    assert charter.read_text(encoding="utf-8") == text


def test_ids_must_be_unique(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = new(capsys, "risk", "risk-crm-sso-slip", "--project", "crm-replatform",
                       "--title", "Again")
    assert code == 2 and "taken by risk 'risk-crm-sso-slip'" in err
    code, _, err = new(capsys, "milestone", "WAVE-1-migrated", "--project", "dc-exit",
                       "--title", "X")
    assert code == 2 and "'dc-exit' already has an item with id 'WAVE-1-migrated'" in err


def test_a_change_names_a_milestone_that_exists(example: Path,
                                                capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = new(capsys, "change", "--project", "network-refresh", "--title", "X",
                       "--milestone", "wave-2-warehouse")
    assert code == 2
    assert "'network-refresh' has no milestone 'wave-2-warehouse'" in err
    assert "did you mean 'wave-2-warehouses'?" in err
    code, path, _ = new(capsys, *COMMANDS["change"])
    assert code == 0
    text = (example / path).read_text(encoding="utf-8")
    assert "Re-plans [[network-refresh#wave-2-warehouses]]" in text


def test_a_risk_needs_its_scope(example: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = new(capsys, "risk", "--title", "Floating")
    assert code == 2 and "needs the project (--project ID) or the program" in err


ENTRY = "id: b\ntitle: \"B & co\"\n"


@pytest.mark.parametrize(("text", "expected"), [
    ("kind: risk\nentries: [{id: a, title: A}]  # kept\n",
     'kind: risk\nentries: [{id: a, title: A}, {"id": "b", "title": "B & co"}]  # kept\n'),
    ("kind: risk\nentries: []  # none yet\nproject: p\n",
     'kind: risk\nentries:  # none yet\n  - id: b\n    title: "B & co"\nproject: p\n'),
    ("kind: risk\nentries:\n", 'kind: risk\nentries:\n  - id: b\n    title: "B & co"\n'),
    ("kind: risk\nproject: p", ('kind: risk\nproject: p\nentries:\n  - id: b\n'
                               '    title: "B & co"\n')),
    ("kind: risk\nentries:\n    -   id: a\n        title: A", ('kind: risk\nentries:\n'
     '    -   id: a\n        title: A\n    -   id: b\n        title: "B & co"')),
])
def test_append_to_list_in_every_layout(text: str, expected: str) -> None:
    assert append_to_list(text, "entries", ENTRY, shown="x.yml") == expected


def test_append_refuses_what_is_not_a_list() -> None:
    with pytest.raises(ContentError, match=r"^x\.yml:2:10: `entries:` is not a list"):
        append_to_list("kind: risk\nentries: {a: 1}\n", "entries", ENTRY, shown="x.yml")
