"""Property tests (hypothesis): the reader, the loader and `check` never raise on any input;
suggestions never raise; status spellings round-trip; CSV cells are never formulas.

Examples are bounded (sizes and counts) so the file runs in a few seconds; the profile
(`dev`, or derandomised `ci` when CI is set) comes from conftest.py.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from generator.diagnostics import did_you_mean
from generator.export import csv_cell
from generator.pipeline import CheckResult, check
from generator.scale import StatusScale
from generator.settings import load_settings
from generator.yamlsafe import YamlDocument, read_yaml
from tests.conftest import AS_OF, PORTFOLIO, PROGRAM, project, write_site

FAST = settings(max_examples=60, deadline=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

YAML_CODES = {"yaml-syntax", "yaml-alias", "yaml-tag", "yaml-key", "yaml-multi-document",
              "too-deep", "too-large", "duplicate-key", "yaml-comment"}

# Pieces of YAML that reach the reader's interesting paths (anchors, tags, flow and block
# collections, documents, comments, tabs, odd characters).
YAML_PIECES = st.sampled_from([
    "kind", "id", "title", "entries", ": ", ":", "- ", "-", "[", "]", "{", "}", ",", "? ",
    "&a ", "*a", "!!python/object/apply:os.system ", "!!str ", "!x ", "#", " #2", "\n",
    "  ", "\t", "'", '"', "---\n", "...\n", "|\n", ">\n", "%YAML 1.1\n", "~", "null", "NO",
    "1.10", "0777", "2026-13-45", "\x07", "\x1b", "\u202e", "\u00e9", "\ufeff", "\r\n",
    "project", "crm", "x",
])
YAMLISH = st.lists(YAML_PIECES, max_size=40).map("".join)
TEXT = st.text(max_size=200)


def _check_document(doc: YamlDocument, text: str, offset: int = 0) -> None:
    assert isinstance(doc, YamlDocument)
    last_line = len(text.split("\n")) + offset + 1
    for problem in doc.problems:
        assert problem.code in YAML_CODES
        assert problem.severity in ("error", "warning")
        assert problem.message
        assert 1 <= problem.line <= last_line, (problem, text)
        assert problem.column >= 1
    if doc.ok:
        assert doc.data is not None
    if any(p.severity == "error" and p.code != "duplicate-key" for p in doc.problems):
        assert doc.data is None


# --------------------------------------------------------------------------- read_yaml


@FAST
@given(st.one_of(TEXT, YAMLISH), st.integers(0, 50))
@example("a: &a [1]\nb: *a\n", 1)
@example("[" * 60, 0)
@example("a: 1\na: 2\n", 0)
def test_read_yaml_never_raises(text: str, offset: int) -> None:
    # Not U+0085/U+2028/U+2029: YAML counts them as line breaks (see test_yamlsafe).
    text = text.replace("\x85", " ").replace("\u2028", " ").replace("\u2029", " ")
    _check_document(read_yaml(text, offset), text, offset)


@FAST
@given(st.binary(max_size=200))
def test_read_yaml_of_any_decodable_bytes_never_raises(raw: bytes) -> None:
    text = raw.decode("utf-8", errors="replace")
    assert isinstance(read_yaml(text), YamlDocument)


@FAST
@given(st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.text(max_size=10)),
    lambda inner: st.one_of(st.lists(inner, max_size=4),
                            st.dictionaries(st.text(max_size=6), inner, max_size=4)),
    max_leaves=15))
def test_read_yaml_reads_what_yaml_dump_wrote(value: object) -> None:
    text = yaml.safe_dump({"v": value}, allow_unicode=True)
    text = text.replace("\x85", " ").replace("\u2028", " ").replace("\u2029", " ")
    doc = read_yaml(text)
    assert doc.problems == [] or all(p.code == "yaml-comment" for p in doc.problems)
    assert doc.data is not None and set(doc.data) == {"v"}


# --------------------------------------------------------------------------- loader + check


@pytest.fixture(scope="module")
def site_root(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz")


def _check_site(root: Path, files: dict[str, str | bytes]) -> CheckResult:
    shutil.rmtree(root / "content", ignore_errors=True)
    config = write_site(root, files)
    result = check(load_settings(config), AS_OF)
    for d in result.diagnostics.sorted():
        assert d.path.startswith("content/")
        assert d.line >= 0 and d.column >= 0
        assert d.severity in ("error", "warning")
        assert d.code and d.message
        d.to_text(), d.to_github(), d.to_dict()
    return result


BASE = {"index.md": PORTFOLIO, "programs/cx.md": PROGRAM,
        "projects/crm.md": project("crm", "milestones:\n  - id: go\n    title: Go\n"
                                          "    due: 2026-09-01")}


@FAST
@given(st.one_of(TEXT, YAMLISH))
def test_any_text_as_front_matter_or_yml_is_records_or_diagnostics(site_root: Path,
                                                                     text: str) -> None:
    result = _check_site(site_root, {
        **BASE,
        "x/front.md": ("---\n" + text + "\n---\nBody [[crm]]\n").encode("utf-8"),
        "x/kinded.md": ("---\nkind: project\nid: k\n" + text + "\n---\n").encode("utf-8"),
        "x/data.yml": text.encode("utf-8"),
        "x/log.yml": ("kind: status\nproject: crm\nentries:\n  - " + text).encode("utf-8"),
    })
    assert result.model.records.get("crm") is not None


@FAST
@given(st.binary(max_size=300))
def test_any_bytes_as_a_file_are_records_or_diagnostics(site_root: Path, raw: bytes) -> None:
    result = _check_site(site_root, {**BASE, "x/a.md": b"---\n" + raw + b"\n---\n",
                                     "x/b.yml": raw, "x/c.md": raw})
    assert result.model.records.get("cx") is not None


FIELD_NAMES = st.sampled_from([
    "id", "title", "program", "portfolio", "project", "manager", "phase", "start", "end",
    "budget", "milestones", "depends_on", "team", "risks", "issues", "tags", "status", "date",
    "overall", "supersedes", "decisions", "actions", "entries", "for", "on", "due", "done",
    "probability", "impact", "aligns_to", "benefits", "measurements", "target", "value",
    "allocation", "percent_complete", "planned", "spent", "name", "from_risk", "governance",
])
SCALARS = st.one_of(
    st.sampled_from(["crm", "cx", "pf", "crm#go", "go", "2026-01-01", "2026-13-45", "green",
                     "AG", "high", "3", "50%", "yes", "NO", "nan", "1e400", "-1", "x" * 70]),
    st.integers(-10**6, 10**6), st.none(), st.booleans(), st.text(max_size=8))
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(FIELD_NAMES, inner, max_size=4)),
    max_leaves=10)
RECORDS = st.builds(
    lambda kind, fields: {"kind": kind, **fields},
    st.sampled_from(["portfolio", "program", "project", "status", "risk", "issue", "decision",
                     "change", "meeting", "lesson", "person", "milestone", "x"]),
    st.dictionaries(FIELD_NAMES, VALUES, max_size=8))


@FAST
@given(RECORDS, st.booleans())
def test_any_record_shaped_data_is_records_or_diagnostics(site_root: Path, data: dict,
                                                          as_markdown: bool) -> None:
    text = yaml.safe_dump(data, allow_unicode=True)
    files = {**BASE, ("x/r.md" if as_markdown else "x/r.yml"):
             (f"---\n{text}---\nSee [[crm#go]].\n" if as_markdown else text)}
    _check_site(site_root, files)


# --------------------------------------------------------------------------- suggestions


@FAST
@given(st.text(max_size=30), st.lists(st.text(max_size=30), max_size=20))
def test_did_you_mean_never_raises_and_names_only_candidates(word: str,
                                                             candidates: list[str]) -> None:
    hint = did_you_mean(word, candidates)
    assert isinstance(hint, str)
    if hint:
        assert hint.startswith("did you mean '") and hint.endswith("'?")
        assert any(f"'{c}'" in hint for c in candidates)


def test_did_you_mean_examples() -> None:
    assert did_you_mean("manger", ["manager", "sponsor"]) == "did you mean 'manager'?"
    assert did_you_mean("CRM", ["crm"]) == "did you mean 'crm'?"
    assert did_you_mean("zzz", ["crm"]) == ""
    assert did_you_mean("x", []) == ""


# --------------------------------------------------------------------------- status scale


DCA = ["green", "amber-green", "amber", "amber-red", "red"]
FIVE = StatusScale(DCA)
SEPARATORS = st.sampled_from([" ", "/", "_", "-", "  ", "/ ", " /", "\t", "__"])
PADDING = st.sampled_from(["", " ", "  ", "\t", " \t "])


@st.composite
def spellings(draw: st.DrawFn, levels: list[str]) -> tuple[str, str]:
    level = draw(st.sampled_from(levels))
    parts = level.split("-")
    if draw(st.booleans()):
        words = [p[0] for p in parts]
        joined = "".join(words)
    else:
        joined = parts[0]
        for part in parts[1:]:
            joined += draw(SEPARATORS) + part
    cased = "".join(c.upper() if draw(st.booleans()) else c for c in joined)
    return level, draw(PADDING) + cased + draw(PADDING)


@FAST
@given(spellings(DCA))
@example(("amber-green", "Amber/Green"))
@example(("amber-green", "AG"))
@example(("amber-green", " amber green "))
@example(("amber-red", "AMBER_RED"))
@example(("red", "R"))
def test_every_spelling_of_a_five_level_status_round_trips(case: tuple[str, str]) -> None:
    level, written = case
    assert FIVE.parse(written) == level
    assert FIVE.parse(level) == level


@FAST
@given(spellings(["green", "amber", "red"]))
def test_default_scale_spellings(case: tuple[str, str]) -> None:
    level, written = case
    assert StatusScale().parse(written) == level


@pytest.mark.parametrize("written, level", [
    ("Amber - Green", "amber-green"), ("amber / red", "amber-red"), ("n/a", "unknown"),
    ("Done", "done"), ("UNKNOWN", "unknown"),
])
def test_more_status_spellings(written: str, level: str) -> None:
    assert FIVE.parse(written) == level


@FAST
@given(st.text(max_size=20))
def test_parse_never_raises_and_gives_a_value_of_the_scale(text: str) -> None:
    parsed = FIVE.parse(text)
    assert parsed is None or parsed in FIVE.values


# --------------------------------------------------------------------------- CSV cells


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


@FAST
@given(st.one_of(TEXT, st.sampled_from(["=1+1", "+1", "-1", "@SUM(A1)", "\t=1", "\r=1",
                                        "=HYPERLINK(\"http://x\")", "'=1"])))
def test_csv_cell_text_never_starts_a_formula(text: str) -> None:
    cell = csv_cell(text)
    assert not cell.startswith(FORMULA_START)
    assert cell in (text, "'" + text)


@FAST
@given(st.one_of(st.integers(), st.floats(allow_nan=False, allow_infinity=False)))
def test_csv_cell_numbers_stay_numbers(number: float) -> None:
    cell = csv_cell(number)
    assert math.isclose(float(cell), number, rel_tol=1e-6, abs_tol=1e-6)
    assert not cell.startswith(("=", "+", "@", "\t", "\r"))


def test_csv_cell_other_values() -> None:
    assert csv_cell(None) == ""
    assert (csv_cell(True), csv_cell(False)) == ("true", "false")
    assert csv_cell(1250000.0) == "1250000"
