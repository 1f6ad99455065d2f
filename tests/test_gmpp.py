"""pmsite against real data: the UK Government Major Projects Portfolio, 2021-2023.

``tests/support/gmpp.py`` turns the published GMPP returns into a pmsite content folder
(22 department programs, ~300 projects, ~660 annual status reports on the five-level
Delivery Confidence scale) and computes, straight from the CSV, what pmsite must derive
from it.  These tests run the real CLI on that folder and compare.

Trend rule (see ``gmpp.TREND_RULE``): the latest report on or before as-of against the
report immediately before it; null when there is none or either is ``unknown``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections import Counter
from datetime import date
from pathlib import Path

import pytest
import yaml

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from tests.support.gmpp import LEVELS, UNKNOWN, Expected, convert, default_data_dir

AS_OF_LATEST = date(2023, 12, 31)  # after every return
AS_OF_BETWEEN = date(2022, 6, 30)  # after the 2022 return, before the 2023 one
AS_OFS = [AS_OF_LATEST, AS_OF_BETWEEN]


# --------------------------------------------------------------------------- fixtures


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Expected:
    data_dir = default_data_dir()
    if data_dir is None:
        pytest.fail("GMPP CSVs not found in ../shared/data/gmpp (set PMSITE_GMPP_DATA to the folder holding them)")
    return convert(data_dir, tmp_path_factory.mktemp("gmpp"))


def _run(site: Expected, *args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.pop("SOURCE_DATE_EPOCH", None)
    return subprocess.run(
        [sys.executable, "-m", "generator", *args],
        cwd=site.out_dir,
        env=env,
        check=False,
        capture_output=True,
        text=True,
        timeout=600,
    )


def _json(proc: subprocess.CompletedProcess[str]) -> object:
    try:
        return json.loads(proc.stdout)
    except json.JSONDecodeError as exc:
        raise AssertionError(
            f"not JSON ({exc}); exit {proc.returncode}\n"
            f"stdout: {proc.stdout[:2000]}\nstderr: {proc.stderr[-4000:]}"
        ) from None


@pytest.fixture(scope="module")
def exports(site: Expected) -> dict[date, dict]:
    out: dict[date, dict] = {}
    for as_of in AS_OFS:
        proc = _run(
            site, "export", "--format", "json", "-f", "mkdocs.yml", "--as-of", as_of.isoformat()
        )
        assert proc.returncode == 0, f"export exit {proc.returncode}\n{proc.stderr[-4000:]}"
        data = _json(proc)
        assert isinstance(data, dict)
        out[as_of] = data
    return out


def _by_id(items: list[dict]) -> dict[str, dict]:
    return {item["id"]: item for item in items}


def _front_matter(path: Path) -> dict:
    text = path.read_text(encoding="utf-8")
    assert text.startswith("---\n"), path
    front, sep, _ = text[4:].partition("\n---\n")
    assert sep, f"{path}: front matter not closed"
    data = yaml.safe_load(front)
    assert isinstance(data, dict), path
    return data


# --------------------------------------------------------------------------- the converter


def test_converter_output_is_valid_yaml(site: Expected) -> None:
    kinds: Counter[str] = Counter()
    for path in site.files:
        if path.suffix == ".md":
            data = _front_matter(path)
        else:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
            assert isinstance(data, dict), path
        kinds[data.get("kind", "(config)")] += 1
    assert kinds["project"] == len(site.projects)
    assert kinds["program"] == len(site.programs)
    assert kinds["status"] == site.report_count
    assert kinds["portfolio"] == 1


def test_data_is_not_trivial(site: Expected) -> None:
    """Every level of the scale is someone's current status, so a generator that
    collapses or ignores levels cannot pass the comparisons below."""
    for as_of in AS_OFS:
        counts = site.at(as_of).counts()
        missing = [level for level in LEVELS if counts[level] == 0]
        assert not missing, f"as of {as_of} no project is {missing}"
        assert counts[UNKNOWN] > 0
    trends = Counter(p.trend for p in site.at(AS_OF_LATEST).projects.values())
    assert trends["better"] and trends["worse"] and trends["same"] and trends[None]
    assert {p.status for p in site.at(AS_OF_LATEST).programs.values()} >= {"amber", "red"}


@pytest.mark.parametrize("raw", ["Amber/red", "Amber/Green", "Green", "Amber", "Red"])
def test_raw_ratings_reach_the_content(site: Expected, raw: str) -> None:
    """The content carries the CSV's own spellings (not pmsite's canonical ones), so
    the comparisons below exercise pmsite's status normaliser."""
    overalls = Counter(
        _front_matter(path)["overall"]
        for path in site.files
        if path.suffix == ".md" and path.parent.name == "status"
    )
    assert overalls[raw] > 0, f"no status report says overall: {raw!r}"
    assert raw not in LEVELS  # really a variant the normaliser must map


# --------------------------------------------------------------------------- pmsite check


def test_check_reports_no_errors(site: Expected) -> None:
    proc = _run(site, "check", "-f", "mkdocs.yml", "--format", "json", "--as-of", "2023-12-31")
    diagnostics = _json(proc)
    assert isinstance(diagnostics, list), diagnostics
    errors = [d for d in diagnostics if d.get("severity") == "error"]
    assert not errors, "\n".join(
        f"{d.get('path')}:{d.get('line')}: [{d.get('code')}] {d.get('message')}"
        for d in errors[:50]
    )
    # warnings (stale reports, empty bodies...) are expected and fine
    assert proc.returncode == 0, f"exit {proc.returncode} without errors\n{proc.stderr[-2000:]}"


# --------------------------------------------------------------------------- pmsite export


@pytest.mark.parametrize("as_of", AS_OFS, ids=str)
def test_export_shape(site: Expected, exports: dict[date, dict], as_of: date) -> None:
    data = exports[as_of]
    assert data["as_of"] == as_of.isoformat()
    errors = [d for d in data.get("diagnostics", []) if d.get("severity") == "error"]
    assert not errors, errors[:20]
    ids = [p["id"] for p in data["projects"]]
    assert len(ids) == len(site.projects) == len({p.project_number for p in site.projects.values()})
    assert sorted(ids) == sorted(site.projects)
    assert sorted(p["id"] for p in data["programs"]) == sorted(site.programs)
    assert [p["id"] for p in data["portfolios"]] == ["gmpp"]


@pytest.mark.parametrize("as_of", AS_OFS, ids=str)
def test_project_status_trend_and_last_report(
    site: Expected, exports: dict[date, dict], as_of: date
) -> None:
    expected = site.at(as_of)
    actual = _by_id(exports[as_of]["projects"])
    wrong = []
    for pid, want in sorted(expected.projects.items()):
        got = actual[pid]
        fact = (got.get("status"), got.get("last_report"), got.get("trend"))
        if fact != (want.status, want.last_report, want.trend):
            wrong.append(
                f"{pid}: got status/last_report/trend {fact}, "
                f"expected {(want.status, want.last_report, want.trend)}"
            )
    assert not wrong, f"{len(wrong)} projects differ:\n" + "\n".join(wrong[:40])


def test_reports_after_as_of_are_ignored(exports: dict[date, dict]) -> None:
    projects = exports[AS_OF_BETWEEN]["projects"]
    late = [p["id"] for p in projects if p.get("last_report") and p["last_report"] > "2022-06-30"]
    assert not late, late[:20]
    assert {p.get("last_report") for p in projects} <= {None, "2021-03-31", "2022-03-31"}


@pytest.mark.parametrize("as_of", AS_OFS, ids=str)
def test_every_level_is_exported(exports: dict[date, dict], as_of: date) -> None:
    counts = Counter(p["status"] for p in exports[as_of]["projects"])
    assert all(counts[level] > 0 for level in LEVELS), counts


@pytest.mark.parametrize("as_of", AS_OFS, ids=str)
def test_program_rollup(site: Expected, exports: dict[date, dict], as_of: date) -> None:
    expected = site.at(as_of)
    actual = _by_id(exports[as_of]["programs"])
    wrong = []
    for gid, want in sorted(expected.programs.items()):
        got = actual[gid]
        if got.get("status") != want.status or got.get("status_source") != "rollup":
            wrong.append(
                f"{gid}: got {got.get('status')} ({got.get('status_source')}), "
                f"expected {want.status} (rollup)"
            )
        if sorted(got.get("projects", [])) != sorted(want.projects):
            wrong.append(f"{gid}: projects differ")
        if got.get("portfolio") != "gmpp":
            wrong.append(f"{gid}: portfolio {got.get('portfolio')!r}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize("as_of", AS_OFS, ids=str)
def test_portfolio_rollup(site: Expected, exports: dict[date, dict], as_of: date) -> None:
    (portfolio,) = exports[as_of]["portfolios"]
    assert portfolio["status"] == site.at(as_of).portfolio_status


def test_old_reports_are_stale(site: Expected, exports: dict[date, dict]) -> None:
    """As of 2023-12-31 every report is months old and no project is closed."""
    expected = site.at(AS_OF_LATEST).projects
    fresh = [
        p["id"]
        for p in exports[AS_OF_LATEST]["projects"]
        if expected[p["id"]].last_report is not None and p.get("stale") is not True
    ]
    assert not fresh, fresh[:20]
