"""A git repository holding a copy of the example site, with one commit of known edits on
top (what a pull request would change), for the `pmsite diff` tests."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
AS_OF = "2026-11-20"
GIT_ENV = {"GIT_AUTHOR_NAME": "Test", "GIT_AUTHOR_EMAIL": "test@example.org",
           "GIT_COMMITTER_NAME": "Test", "GIT_COMMITTER_EMAIL": "test@example.org",
           "GIT_AUTHOR_DATE": "2026-11-20T12:00:00Z",
           "GIT_COMMITTER_DATE": "2026-11-20T12:00:00Z", "GIT_CONFIG_GLOBAL": os.devnull,
           "GIT_CONFIG_NOSYSTEM": "1"}

NEW_STATUS = """\
---
kind: status
project: office-move
date: 2026-11-19
overall: red
schedule: red
summary: The cabling contractor pulled out; January dates are gone.
path_to_green: A new contractor signed by 4 December with dates before the move weekend.
---

## Issues

The contractor withdrew on 18 November.
"""

NEW_DECISION = """\
---
kind: decision
id: dec-office-move-second-contractor
title: Hire the second-ranked cabling contractor for the Rotterdam move
date: 2026-11-19
status: accepted
project: office-move
decided_by: Olivier Martin
---

## Context

The first contractor withdrew. The second-ranked bid is 8% dearer.
"""

NEW_RISK = """\
  - id: risk-move-lift-capacity
    title: Goods lift at Maashaven too small for the network racks
    probability: high
    impact: medium
    owner: Sven Olsen
    status: open
    raised: 2026-11-18
"""


def git(root: Path, *args: str) -> str:
    env = {**os.environ, **GIT_ENV}
    for name in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE"):
        env.pop(name, None)
    done = subprocess.run(["git", *args], cwd=root, env=env, capture_output=True, text=True,
                          check=True)
    return done.stdout


def _edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{path}: the example changed; {old!r} is not there once"
    path.write_text(text.replace(old, new), encoding="utf-8")


def make_repo(root: Path) -> Path:
    """The example site committed, then one commit of edits; returns the repository.

    The edits: a status report turns office-move red; its cabling milestone moves 14 days
    later; a risk is opened on it and another closed; data-lakehouse's planned end moves
    past gdpr-retention's, so the dependency between them becomes at risk; a decision is
    made.
    """
    root.mkdir(parents=True, exist_ok=True)
    shutil.copytree(REPO / "content", root / "content")
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the example")
    content = root / "content"
    (content / "projects/office-move/status/2026-11-19.md").write_text(NEW_STATUS)
    (content / "decisions/0012-office-move-second-contractor.md").write_text(NEW_DECISION)
    charter = content / "projects/office-move/charter.md"
    _edit(charter, "    title: Structured cabling & Wi-Fi installed\n    due: 2027-01-15\n",
          "    title: Structured cabling & Wi-Fi installed\n    due: 2027-01-29\n")
    _edit(charter, "    status: open\n    raised: 2026-09-18\n",
          "    status: closed\n    raised: 2026-09-18\n")
    _edit(charter, "tags: [workplace, facilities, rotterdam]\n",
          NEW_RISK + "tags: [workplace, facilities, rotterdam]\n")
    _edit(content / "projects/data-lakehouse/charter.md", "\nend: 2027-05-28\n",
          "\nend: 2027-07-30\n")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", "the edits")
    return root
