"""`pmsite report` and `pmsite new`: the standalone report and scaffolded records."""

from __future__ import annotations

import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import REPO

from generator.cli import main


@pytest.fixture
def example(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    shutil.copytree(REPO / "content", tmp_path / "content")
    shutil.copy(REPO / "mkdocs.yml", tmp_path / "mkdocs.yml")
    monkeypatch.chdir(tmp_path)
    return tmp_path


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.refs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.refs += [v or "" for k, v in attrs if k in ("src", "href")]


def test_report_is_one_self_contained_file(example: Path) -> None:
    assert main(["report", "--as-of", "2026-11-20", "--out", "r.html"]) == 0
    html = (example / "r.html").read_text(encoding="utf-8")
    parsed = _Tags()
    parsed.feed(html)
    assert "script" not in parsed.tags and "link" not in parsed.tags
    assert all(ref.startswith("#") for ref in parsed.refs)  # no site_url: plain text
    assert "As of" in html and "2026-11-20" in html
    assert "Network refresh (SD-WAN &amp; campus LAN)" in html
    assert 'class="st st-red tone-4">red<' in html
    assert (example / "r.html").stat().st_mode & 0o044  # readable by others, to share


def test_report_links_point_at_the_published_site(example: Path) -> None:
    config = example / "mkdocs.yml"
    config.write_text("site_url: https://intranet.example/pmo/\n" + config.read_text())
    assert main(["report", "--as-of", "2026-11-20", "--out", "r.html"]) == 0
    parsed = _Tags()
    parsed.feed((example / "r.html").read_text(encoding="utf-8"))
    outside = [r for r in parsed.refs if not r.startswith("#")]
    assert outside and all(r.startswith("https://intranet.example/pmo/") for r in outside)
    assert "https://intranet.example/pmo/projects/network-refresh/" in outside


def test_new_status_starts_from_the_latest_report(example: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "status", "crm-replatform", "--as-of", "2026-11-27"]) == 0
    path = capsys.readouterr().out.strip()
    assert path == "content/projects/crm-replatform/status/2026-11-27.md"
    text = (example / path).read_text(encoding="utf-8")
    assert "overall: amber\n" in text and "percent_complete: 53\n" in text
    assert main(["check", "--as-of", "2026-11-27", "--format", "json"]) == 0
    # never overwrites
    assert main(["new", "status", "crm-replatform", "--as-of", "2026-11-27"]) == 2


def test_new_project_with_hostile_title_is_valid_yaml(example: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    title = 'Print fleet: "renewal" #2 & <b>more</b>'
    assert main(["new", "project", "print-fleet", "--title", title, "--program",
                 "cloud-infra", "--as-of", "2026-11-20"]) == 0
    capsys.readouterr()
    assert main(["check", "--as-of", "2026-11-20", "--format", "json"]) == 0
    assert main(["export", "--as-of", "2026-11-20"]) == 0
    assert title in capsys.readouterr().out.replace('\\"', '"')


def test_new_refuses_unknown_references_and_taken_ids(example: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "decision", "--title", "X", "--program", "cloud-infrx"]) == 2
    assert "did you mean 'cloud-infra'?" in capsys.readouterr().err
    assert main(["new", "project", "crm-replatform", "--title", "Again"]) == 2
    assert "taken by project 'crm-replatform'" in capsys.readouterr().err


def test_new_decision_is_numbered_after_the_last(example: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["new", "decision", "--title", "Adopt Kafka", "--program", "cloud-infra"]) == 0
    assert capsys.readouterr().out.strip() == "content/decisions/0012-adopt-kafka.md"
