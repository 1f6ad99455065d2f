"""Planning a site names its pages and files; their values and bytes are made when first
read (the live preview plans the whole site after every edit and renders a few pages)."""

from __future__ import annotations

from datetime import date

import pytest

from generator import site
from generator.pages import Later, PageSpec
from generator.pipeline import check
from generator.settings import load_settings
from generator.site import GeneratedFiles, plan_site
from tests.conftest import REPO

AS_OF = date(2026, 11, 20)


def test_later_values_are_made_once_when_first_read() -> None:
    made: list[int] = []

    def make() -> dict[str, int]:
        made.append(1)
        return {"a": 1, "b": 2}

    values = Later(make)
    assert made == []
    assert values["a"] == 1 and dict(values) == {"a": 1, "b": 2} and len(values) == 2
    assert values.get("c") is None and "b" in values
    assert made == [1]


def test_later_values_known_ahead_are_read_without_making_the_rest() -> None:
    made: list[int] = []
    values = Later(lambda: made.append(1) or {"record": "r", "rows": [1]}, {"record": "r"})
    assert values["record"] == "r" and values.get("record") == "r" and made == []
    assert values["rows"] == [1] and made == [1]
    assert dict(values) == {"record": "r", "rows": [1]}


def test_the_values_known_ahead_are_the_values_made() -> None:
    """What a page's diagrams read of its values before the page is rendered (its record)
    is what rendering it makes."""
    plan = plan_site(check(load_settings(REPO / "mkdocs.yml"), AS_OF), draw=())
    known = [spec.values for spec in plan.pages.values()
             if isinstance(spec.values, Later) and spec.values._known]
    assert len(known) > 5
    for values in known:
        ahead = {key: values[key] for key in values._known}
        assert values._make is not None  # (nothing made yet)
        assert {key: values._made()[key] for key in ahead} == ahead


def test_generated_files_are_made_once_when_first_read() -> None:
    made: list[str] = []
    files = GeneratedFiles()
    files["plain.txt"] = "as it is"
    files.later("made.txt", lambda: made.append("made.txt") or "made")
    assert list(files) == ["plain.txt", "made.txt"] and len(files) == 2
    assert made == []
    assert files["made.txt"] == "made" and files["made.txt"] == "made"
    assert made == ["made.txt"]
    assert dict(files.items()) == {"plain.txt": "as it is", "made.txt": "made"}
    del files["plain.txt"]
    assert list(files) == ["made.txt"]


def test_a_plan_makes_no_export_and_no_page_values_until_read(
        monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    real = site.export_json
    monkeypatch.setattr(site, "export_json",
                        lambda *a: calls.append("export_json") or real(*a))
    result = check(load_settings(REPO / "mkdocs.yml"), AS_OF)
    plan = plan_site(result, draw=())
    assert "data/portfolio.json" in plan.files and "data/projects.csv" in plan.files
    assert calls == []
    project: PageSpec = next(s for s in plan.pages.values() if s.template == "project.md.j2")
    assert isinstance(project.values, Later)
    for register in ("risks.md", "issues.md"):  # the longest rows to make: made when shown
        values = plan.pages[register].values
        assert isinstance(values, Later) and values._make is not None
        assert values["open_shown"] and values._make is None
    exported = plan.files["data/portfolio.json"]
    assert calls == ["export_json"] and isinstance(exported, str) and '"projects"' in exported
    assert project.values["record"].id in exported


def test_a_lazy_plan_equals_one_made_at_once() -> None:
    """Every page and file of the example, from a plan read in two different orders."""
    result = check(load_settings(REPO / "mkdocs.yml"), AS_OF)
    first, second = plan_site(result), plan_site(result)
    files = {name: first.files[name] for name in first.files}
    pages = {uri: first.markdown(uri) for uri in first.pages}
    assert {uri: second.markdown(uri) for uri in reversed(second.pages)} == pages
    assert {name: second.files[name] for name in reversed(list(second.files))} == files
