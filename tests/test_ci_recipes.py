"""The CI recipes of docs/ci.md are real files: valid YAML, the expected structure, and
their pmsite commands (all but `diff`) succeed on a copy of the example site."""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from tests.conftest import REPO

RECIPES = REPO / "docs" / "ci"
HOOKS = REPO / ".pre-commit-hooks.yaml"
FILES = sorted([*RECIPES.glob("*.yml"), *RECIPES.glob("*.yaml"), HOOKS])


def load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def github_on(workflow: dict[Any, Any]) -> Any:
    return workflow.get("on", workflow.get(True))  # YAML 1.1 reads a bare `on` as true


def steps(workflow: dict[str, Any]) -> list[dict[str, Any]]:
    return [step for job in workflow["jobs"].values() for step in job.get("steps", [])]


def commands(path: Path) -> list[str]:
    """Every shell line of a recipe that runs pmsite."""
    data = load(path)
    if path == HOOKS:
        lines = [hook["entry"] for hook in data]
    elif path.name.startswith("github"):
        lines = [line for step in steps(data) for line in str(step.get("run", "")).splitlines()]
    elif path.name.startswith("gitlab"):
        lines = [str(line) for job in data.values() if isinstance(job, dict)
                 for line in job.get("script", [])]
    else:
        lines = []
    return [line.strip() for line in lines if line.strip().startswith("pmsite ")]


def test_the_recipes_are_there_and_are_yaml() -> None:
    assert [p.name for p in FILES] == [
        ".pre-commit-hooks.yaml", "github-nightly.yml", "github-pull-request.yml",
        "gitlab-ci.yml", "pre-commit-config.yaml"]
    for path in FILES:
        assert load(path), path


def test_the_pull_request_workflow() -> None:
    workflow = load(RECIPES / "github-pull-request.yml")
    assert "pull_request" in github_on(workflow)
    assert workflow["permissions"]["pull-requests"] == "write"
    job = workflow["jobs"]["check"]
    checkout = job["steps"][0]
    assert checkout["uses"].startswith("actions/checkout@")
    assert checkout["with"]["fetch-depth"] == 0  # origin/main must be there for diff
    runs = [step.get("run", "") for step in job["steps"]]
    check = runs.index("pmsite check --format github")
    diff = next(i for i, run in enumerate(runs)
                if run.startswith("pmsite diff origin/main --format markdown > pmsite-diff.md"))
    comment = next(i for i, run in enumerate(runs) if run.startswith("gh pr comment"))
    assert check < diff < comment
    assert "--body-file pmsite-diff.md" in runs[comment]
    assert "cancelled()" in job["steps"][diff]["if"]  # the diff is posted even on errors
    assert "GH_TOKEN" in job["steps"][comment]["env"]


def test_the_nightly_workflow() -> None:
    workflow = load(RECIPES / "github-nightly.yml")
    on = github_on(workflow)
    assert on["schedule"][0]["cron"] and "workflow_dispatch" in on
    assert workflow["permissions"] == {"contents": "read", "pages": "write",
                                       "id-token": "write"}
    uses = [step.get("uses", "") for step in steps(workflow)]
    assert any(u.startswith("actions/upload-pages-artifact@") for u in uses)
    assert any(u.startswith("actions/deploy-pages@") for u in uses)
    assert all('--as-of "$(date -u +%F)"' in c for c in commands(RECIPES / "github-nightly.yml"))


def test_the_gitlab_pipeline() -> None:
    pipeline = load(RECIPES / "gitlab-ci.yml")
    assert pipeline["stages"] == ["check", "publish"]
    assert pipeline["pages"]["artifacts"]["paths"] == ["public"]
    assert any(r["if"] == '$CI_PIPELINE_SOURCE == "schedule"' for r in pipeline["pages"]["rules"])
    assert any("merge_request_event" in r["if"] for r in pipeline["check"]["rules"])


def test_the_pre_commit_hook() -> None:
    hooks = load(HOOKS)
    assert [h["id"] for h in hooks] == ["pmsite-check"]
    assert hooks[0]["entry"] == "pmsite check" and hooks[0]["pass_filenames"] is False
    config = load(RECIPES / "pre-commit-config.yaml")
    assert [h["id"] for h in config["repos"][0]["hooks"]] == ["pmsite-check"]


def recipe_commands() -> list[str]:
    seen: list[str] = []
    for path in FILES:
        for command in commands(path):
            if not command.startswith("pmsite diff") and command not in seen:
                seen.append(command)
    return seen


def test_every_recipe_runs_pmsite() -> None:
    assert {c.split()[1] for c in recipe_commands()} == {"check", "build", "report", "export"}


@pytest.fixture(scope="module")
def site_copy(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("ci")
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


@pytest.mark.parametrize("command", recipe_commands())
def test_the_recipe_command_succeeds_on_the_example(site_copy: Path, command: str) -> None:
    bin_dir = Path(sys.executable).parent
    env = {k: v for k, v in os.environ.items() if k != "SOURCE_DATE_EPOCH"}
    env["PATH"] = f"{bin_dir}{os.pathsep}{env.get('PATH', '')}"
    env["GITHUB_ACTIONS"] = "true"
    done = subprocess.run(["bash", "-c", command], cwd=site_copy, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    assert done.returncode == 0, (shlex.quote(command), done.stderr[-2000:])
    if command.startswith("pmsite check --format github"):
        assert "::warning file=content/" in done.stdout
    for word in command.split():
        if word.startswith(("site/", "public/")) or word in ("site", "public"):
            assert (site_copy / word).exists(), word
