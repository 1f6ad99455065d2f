"""The live preview's validation memo: a document read from the cache is not validated
again, and a check with the memo finds exactly what a check without it finds."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from generator import validate
from generator.export import export_json
from generator.loadcache import DocumentCache
from generator.pipeline import check
from generator.settings import load_settings
from generator.validate import ValidationMemo
from tests.conftest import REPO

AS_OF = date(2026, 11, 20)


def _copy(tmp_path: Path) -> Path:
    import shutil

    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    return tmp_path / "mkdocs.yml"


def test_a_check_with_the_memo_finds_what_one_without_finds(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config = _copy(tmp_path)
    settings = load_settings(config)
    cache, memo = DocumentCache(), ValidationMemo()
    validated: list[str] = []
    real = validate._validate_one

    def counting(doc: validate.SourceDocument, context: dict[str, object]) -> object:
        validated.append(doc.rel)
        return real(doc, context)

    monkeypatch.setattr(validate, "_validate_one", counting)
    first = check(settings, AS_OF, cache.read, memo)
    everything = len(validated)
    assert everything > 50
    charter = tmp_path / "content/projects/crm-replatform/charter.md"
    # An edit that breaks a reference and duplicates nothing: the errors must follow it.
    charter.write_text(charter.read_text(encoding="utf-8").replace(
        "program: customer-experience", "program: customer-exp"), encoding="utf-8")
    validated.clear()
    second = check(settings, AS_OF, cache.read, memo)
    assert validated == ["projects/crm-replatform/charter.md"]
    afresh = check(settings, AS_OF)
    assert second.diagnostics.sorted() == afresh.diagnostics.sorted()
    assert export_json(second.model, []) == export_json(afresh.model, [])
    assert second.diagnostics.sorted() != first.diagnostics.sorted()
    # Records are the run's own: resolving one run does not add to another's links.
    old = first.model.records.get("crm-replatform")
    new = second.model.records.get("crm-replatform")
    assert old is not None and new is not None and old is not new
    reused = first.model.records.get("dc-exit"), second.model.records.get("dc-exit")
    assert reused[0] is not reused[1]
    assert reused[0].model is reused[1].model  # the validated fields, shared
    assert reused[0].backlinks == reused[1].backlinks


def test_duplicate_ids_are_found_across_memoised_documents(tmp_path: Path) -> None:
    config = _copy(tmp_path)
    settings = load_settings(config)
    cache, memo = DocumentCache(), ValidationMemo()
    check(settings, AS_OF, cache.read, memo)
    twin = tmp_path / "content/projects/twin.md"
    charter = tmp_path / "content/projects/crm-replatform/charter.md"
    twin.write_text(charter.read_text(encoding="utf-8"), encoding="utf-8")
    result = check(settings, AS_OF, cache.read, memo)
    assert "duplicate-id" in {d.code for d in result.diagnostics.errors}
    assert result.diagnostics.sorted() == check(settings, AS_OF).diagnostics.sorted()


def test_a_new_status_scale_validates_everything_again(tmp_path: Path) -> None:
    """mkdocs.yml's `status_scale` changes what a status may be: the memo of the old
    scale is not used (the preview's document cache still holds the same documents)."""
    config = _copy(tmp_path)
    cache, memo = DocumentCache(), ValidationMemo()
    check(load_settings(config), AS_OF, cache.read, memo)
    text = config.read_text(encoding="utf-8")
    config.write_text(text.replace("status_scale: [green, amber, red]",
                                   "status_scale: [fine, bad]"), encoding="utf-8")
    settings = load_settings(config)
    assert settings.scale.levels == ("fine", "bad")
    with_memo = check(settings, AS_OF, cache.read, memo)
    afresh = check(settings, AS_OF)
    assert afresh.diagnostics.errors  # green, amber and red are no statuses now
    assert with_memo.diagnostics.sorted() == afresh.diagnostics.sorted()
