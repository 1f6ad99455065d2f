"""`mypy --strict` on generator/ (configured in pyproject.toml) runs with the suite."""

from __future__ import annotations

import subprocess
import sys
import typing
from collections.abc import Callable
from pathlib import Path

from generator import model as model_module
from generator import records as records_module
from generator.kinds import kinds
from generator.model import PortfolioModel
from generator.records import Records

REPO = Path(__file__).resolve().parents[1]


def test_generator_passes_mypy_strict() -> None:
    done = subprocess.run([sys.executable, "-m", "mypy", "--no-incremental"], cwd=REPO,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-2000:]
    assert "Success" in done.stdout


def _overloaded_kinds(function: Callable[..., object],
                      namespace: dict[str, object]) -> dict[str, object]:
    """Kind -> the model class its `Literal["<kind>"]` overload's records hold."""
    found: dict[str, object] = {}
    for overload in typing.get_overloads(function):
        hints = typing.get_type_hints(overload, globalns=namespace)
        (literal,) = typing.get_args(hints["kind"]) or (None,)
        if literal is None:
            continue  # the `kind: str` fallback
        (record,) = typing.get_args(hints["return"])[:1]
        (found[literal],) = typing.get_args(record)
    return found


def test_typed_lookups_by_kind_agree_with_the_table_of_kinds() -> None:
    # `Records.by_kind("project")` is typed `tuple[Record[Project], ...]` by an overload
    # per kind; the overloads must say what kinds.TABLE says (`Kind.schema`).
    expected = {k.name: k.schema for k in kinds(standalone=True) if k.name != "person"}
    assert _overloaded_kinds(Records.by_kind, vars(records_module)) == expected
    assert _overloaded_kinds(PortfolioModel.of_kind, vars(model_module)) == expected
