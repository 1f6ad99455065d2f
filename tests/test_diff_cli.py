"""`pmsite diff`: the three formats, exit codes, usage errors, and what it never does
(write into the content folder, leave temporary folders, let content inject Markdown).

Golden files: `PMSITE_UPDATE_GOLDEN=1 python -m pytest tests/test_diff_cli.py`.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import subprocess
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from generator.cli import main
from generator.diffreport import markdown_text
from generator.errors import ConfigError
from generator.settings import Options
from tests.support.diffrepo import AS_OF, git, make_repo

GOLDEN = Path(__file__).parent / "golden" / "diff"


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_repo(tmp_path_factory.mktemp("diffcli") / "site")


@pytest.fixture
def temp_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A private temporary folder, to see that diff leaves nothing in it."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(folder))
    yield folder


def _diff(repo: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["diff", "-f", str(repo / "mkdocs.yml"), "--as-of", AS_OF, *args])
    out, err = capsys.readouterr()
    return code, out, err


def _tree_hash(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(str(path.relative_to(folder)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("PMSITE_UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {name}: run with PMSITE_UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8")


def test_markdown_matches_its_golden_file(repo: Path, capsys: pytest.CaptureFixture[str],
                                          temp_root: Path) -> None:
    before = _tree_hash(repo / "content")
    code, out, err = _diff(repo, capsys, "HEAD~1", "--format", "markdown")
    assert code == 0
    _golden("pr-comment.md", out)
    assert err == ("pmsite: 7 changes from revision HEAD~1 as of 2026-11-20 to the working "
                   "tree as of 2026-11-20: 5 worse, 1 better, 1 neutral\n")
    assert _tree_hash(repo / "content") == before, "diff wrote into the content folder"
    assert list(temp_root.iterdir()) == [], "diff left a temporary folder"


def test_json_matches_its_golden_file_and_the_spec_shape(
        repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _diff(repo, capsys, "HEAD~1", "--format", "json")
    assert code == 0
    _golden("pr.json", out)
    data = json.loads(out)
    assert data["base"] == {"as_of": "2026-11-20", "revision": "HEAD~1"}
    assert data["head"] == {"as_of": "2026-11-20", "revision": None}
    for change in data["changes"]:
        assert set(change) == {"kind", "subject", "title", "before", "after", "direction",
                               "message"}
        assert change["direction"] in ("worse", "better", "neutral")


def test_text_lists_one_change_a_line(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _diff(repo, capsys, "HEAD~1")
    assert code == 0
    lines = out.splitlines()
    assert len(lines) == 7
    assert lines[1] == ("worse    Office move Rotterdam: Maashaven & workplace refresh turned "
                        "red (was green)")
    assert lines[-1].startswith("better   Risk Cabling contractor")


def test_fail_on_worse(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _diff(repo, capsys, "HEAD~1", "--fail-on", "worse")[0] == 1
    assert _diff(repo, capsys, "HEAD~1")[0] == 0
    assert _diff(repo, capsys, "HEAD", "--fail-on", "worse")[0] == 0  # nothing changed


def test_nothing_changed_prints_nothing(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for fmt in ("markdown", "text"):
        code, out, err = _diff(repo, capsys, "--format", fmt)  # HEAD against the tree
        assert (code, out) == (0, "")
        assert err == ("pmsite: no changes from revision HEAD as of 2026-11-20 to the "
                       "working tree as of 2026-11-20\n")
    code, out, _ = _diff(repo, capsys, "--format", "json")
    assert json.loads(out)["changes"] == []


def test_since_compares_two_dates(repo: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = _diff(repo, capsys, "--since", "2026-11-13", "--format", "json")
    assert code == 0
    data = json.loads(out)
    assert data["base"] == {"as_of": "2026-11-13", "revision": None}
    assert ("better", "dc-exit") in [(c["direction"], c["subject"]) for c in data["changes"]]


@pytest.mark.parametrize(("args", "says"), [
    (["no-such-branch"], "revision 'no-such-branch' does not exist in this repository"),
    (["--", "--upload-pack=x"], "is not a revision name"),
    (["--since", "2026-12-01"], "--since 2026-12-01 is after the as-of date 2026-11-20"),
    (["--since", "soon"], "--since: 'soon' is not a date"),
])
def test_usage_errors_exit_2(repo: Path, capsys: pytest.CaptureFixture[str], args: list[str],
                             says: str, temp_root: Path) -> None:
    code, out, err = _diff(repo, capsys, *args)
    assert code == 2
    assert out == ""
    assert says in err and err.count("\n") == 1
    assert list(temp_root.iterdir()) == []


def test_not_a_git_repository(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                              monkeypatch: pytest.MonkeyPatch) -> None:
    site = tmp_path / "plain"
    make_repo(site)
    subprocess.run(["rm", "-rf", str(site / ".git")], check=True)
    monkeypatch.setenv("GIT_CEILING_DIRECTORIES", str(tmp_path))
    code, out, err = _diff(site, capsys, "HEAD")
    assert code == 2 and out == ""
    assert "is not in a git repository" in err


def test_git_missing(repo: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str],
                     monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(tmp_path))
    code, out, err = _diff(repo, capsys, "HEAD~1")
    assert code == 2 and out == ""
    assert "git is not installed" in err
    assert _diff(repo, capsys, "--since", "2026-11-13")[0] == 0  # dates need no git


def test_shallow_clone_without_the_revision(repo: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    clone = tmp_path / "shallow"
    git(tmp_path, "clone", "-q", "--depth", "1", f"file://{repo}", str(clone))
    code, _, err = _diff(clone, capsys, "HEAD~1")
    assert code == 2
    assert "not in this shallow clone" in err and "fetch-depth: 0" in err


def test_markdown_cells_cannot_be_injected() -> None:
    hostile = ("a | b\nc <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png)"
               " @octocat https://evil.example www.evil.example `code` *em* _u_ &amp;")
    cell = markdown_text(hostile)
    assert "\n" not in cell
    assert "<" not in cell and ">" not in cell
    assert "|" not in cell.replace("\\|", "")
    assert "[" not in cell.replace("\\[", "") and "]" not in cell.replace("\\]", "")
    assert "`" not in cell.replace("\\`", "")
    assert "@octocat" not in cell and "https://" not in cell and "www.evil" not in cell
    assert "&amp;amp;" in cell


def test_hostile_titles_stay_in_their_cells(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    site = tmp_path / "hostile"
    make_repo(site)
    charter = site / "content/projects/office-move/charter.md"
    text = charter.read_text(encoding="utf-8")
    charter.write_text(text.replace(
        'title: "Office move Rotterdam: Maashaven & workplace refresh"',
        'title: "Move | <img src=x onerror=alert(1)> [x](javascript:alert(1)) @team"'),
        encoding="utf-8")
    code, out, _ = _diff(site, capsys, "HEAD~1", "--format", "markdown")
    assert code == 0
    rows = [line for line in out.splitlines() if line.startswith("| ")]
    assert len(rows) == 9 and sum("Move \\| &lt;img" in line for line in rows) == 3, out
    assert all(line.replace("\\|", "").count("|") == 6 for line in rows), rows
    assert "<img" not in out and "@team" not in out
    assert re.search(r"(?<!\\)\]\(", out) is None, "an unescaped link"


@pytest.mark.parametrize("value", [-1, 1.5, "week", True])
def test_changes_days_must_be_whole_days(value: object) -> None:
    with pytest.raises(ConfigError, match="changes_days must be a whole number of days"):
        Options.from_mapping({"changes_days": value})


def test_changes_days_defaults_to_a_week() -> None:
    assert Options().changes_days == 7
    assert Options.from_mapping({"changes_days": 0}).changes_days == 0


def test_a_symlink_in_the_revision_is_reported_not_followed(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    site = make_repo(tmp_path / "links")
    secret = tmp_path / "secret.md"
    secret.write_text("---\nkind: decision\nid: leaked\ntitle: Leaked\ndate: 2026-11-01\n---\n")
    (site / "content/evil.md").symlink_to(secret)
    git(site, "add", "-A")
    git(site, "commit", "-q", "-m", "a link out")
    code, out, _ = _diff(site, capsys, "HEAD", "--format", "json")
    assert code == 0 and json.loads(out)["changes"] == []  # the same error on both sides
    code, out, _ = _diff(site, capsys, "HEAD~1", "--format", "json")
    changes = json.loads(out)["changes"]
    assert [(c["kind"], c["subject"], c["after"]) for c in changes] == [
        ("diagnostic", "content/evil.md", "error")]
    assert "symlink" in changes[0]["message"] and "Leaked" not in out
