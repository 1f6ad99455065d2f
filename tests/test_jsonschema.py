"""The JSON Schemas per kind: generated from the validator's models, they accept every
record of the example and reject what the validator rejects."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import jsonschema
import pytest

import generator
from generator.diagnostics import Diagnostics
from generator.jsonschema import kind_schema, schemas
from generator.kinds import SCHEMAS
from generator.load import split_markdown
from generator.pipeline import check
from generator.scale import StatusScale
from generator.settings import load_settings
from generator.site import plan_site
from generator.yamlsafe import read_yaml
from tests.conftest import REPO, Run, codes


def plain(value: Any) -> Any:
    """YAML data as JSON would hold it: dates as strings."""
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [plain(v) for v in value]
    return value.isoformat() if isinstance(value, date) else value


def records_of_the_example() -> list[tuple[str, dict[str, Any]]]:
    found = []
    for path in sorted((REPO / "content").rglob("*")):
        if path.suffix not in (".md", ".yml", ".yaml"):
            continue
        text = path.read_text(encoding="utf-8")
        rel = path.relative_to(REPO).as_posix()
        data = (split_markdown(text, rel, rel, Diagnostics()).data if path.suffix == ".md"
                else read_yaml(text).data)
        if isinstance(data, dict) and "kind" in data:
            found.append((rel, plain(data)))
    return found


def validator(kind: str) -> jsonschema.Draft202012Validator:
    schema = kind_schema(kind, StatusScale())
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


def test_every_record_and_log_of_the_example_is_accepted() -> None:
    found = records_of_the_example()
    assert len(found) > 100
    assert {data["kind"] for _, data in found} == set(SCHEMAS)
    assert any("entries" in data for _, data in found)
    for rel, data in found:
        errors = [e.message for e in validator(data["kind"]).iter_errors(data)]
        assert errors == [], rel


RISK = {"kind": "risk", "id": "r1", "title": "A risk", "probability": "high", "impact": 4,
        "raised": "2026-01-05", "tags": "one-tag", "x-mine": {"any": "thing"}}
BAD = {
    "missing-field": {k: v for k, v in RISK.items() if k != "title"},
    "unknown-field": {**RISK, "probabilty": 3},
    "invalid-value": {**RISK, "response": "pray"},
    "invalid-date": {**RISK, "raised": "05/01/2026"},
    "invalid-id": {**RISK, "id": "../x"},
}


def test_a_good_risk_is_accepted_in_a_file_and_in_a_log() -> None:
    assert validator("risk").is_valid(RISK)
    entry = {k: v for k, v in RISK.items() if k != "kind"}
    assert validator("risk").is_valid({"kind": "risk", "project": "p", "entries": [entry]})


@pytest.mark.parametrize("code", list(BAD))
def test_the_schema_rejects_what_the_validator_rejects(run: Run, code: str) -> None:
    bad = BAD[code]
    assert not validator("risk").is_valid(bad)
    entry = {k: v for k, v in bad.items() if k != "kind"}
    assert not validator("risk").is_valid({"kind": "risk", "entries": [entry]})
    result = run({"risks.yml": json.dumps(bad)})
    assert code in codes(result, "error")


def test_status_follows_the_configured_scale() -> None:
    dca = StatusScale(["green", "amber-green", "amber", "amber-red", "red"])
    report = {"kind": "status", "project": "p", "date": "2026-01-01", "overall": "AG"}
    schema = jsonschema.Draft202012Validator(kind_schema("status", dca))
    assert schema.is_valid(report)
    assert not schema.is_valid({**report, "overall": "purple"})
    assert not validator("status").is_valid({**report, "overall": "amber-green"})


def test_the_build_publishes_one_schema_per_kind() -> None:
    result = check(load_settings(REPO / "mkdocs.yml"), date(2026, 11, 20))
    plan = plan_site(result, draw=())
    published = {name: text for name, text in plan.files.items()
                 if name.startswith("schemas/")}
    assert published == {f"schemas/{name}": text for name, text in schemas().items()}
    assert set(published) == {f"schemas/{kind}.json" for kind in SCHEMAS}
    risk = json.loads(published["schemas/risk.json"])
    assert risk["$id"] == "risk.json"


def test_the_package_ships_the_schemas_of_the_default_scale() -> None:
    """generator/schemas/*.json (in the wheel, for editors pointed at an installed pmsite)
    are what the models give today; `PMSITE_UPDATE_GOLDEN=1` writes them again."""
    shipped = Path(generator.__file__).parent / "schemas"
    expected = schemas()
    if os.environ.get("PMSITE_UPDATE_GOLDEN"):
        for name, text in expected.items():
            (shipped / name).write_text(text, encoding="utf-8")
    assert sorted(p.name for p in shipped.glob("*.json")) == sorted(expected)
    for name, text in expected.items():
        assert (shipped / name).read_text(encoding="utf-8") == text, (
            f"generator/schemas/{name} is out of date: run the tests with PMSITE_UPDATE_GOLDEN=1")
