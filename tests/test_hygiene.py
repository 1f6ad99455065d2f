"""Review hygiene: a status report copied unchanged, placeholder text left from a scaffold."""

from __future__ import annotations

from datetime import date

from generator.pipeline import check
from generator.settings import load_settings
from tests.conftest import PORTFOLIO, PROGRAM, REPO, Run, codes, only, project


def status(day: str, overall: str = "amber", body: str = "Design signed off.\n",
           summary: str = "On track") -> str:
    return (f"---\nkind: status\nproject: a\ndate: {day}\noverall: {overall}\n"
            f"summary: {summary}\npath_to_green: Hire one more tester\n---\n{body}")


BASE = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM, "projects/a.md": project("a")}


def test_a_copied_status_report_is_one_warning_at_the_new_file(run: Run) -> None:
    result = run({**BASE, "projects/a/s1.md": status("2026-06-12"),
                  "projects/a/s2.md": status("2026-06-26", body="Design signed off.\n\n")})
    found = only(result, "status-copied")
    assert found.to_text() == (
        "content/projects/a/s2.md:4:1: warning: [status-copied] status report of 2026-06-26 "
        "repeats the report of 2026-06-12 word for word (content/projects/a/s1.md) "
        "(say what changed since the last report)")
    assert codes(result) == ["status-copied"]


def test_a_report_that_changes_a_field_or_its_text_is_not_a_copy(run: Run) -> None:
    result = run({**BASE, "projects/a/s1.md": status("2026-06-12"),
                  "projects/a/s2.md": status("2026-06-19", overall="red"),
                  "projects/a/s3.md": status("2026-06-26", overall="red",
                                             body="Tester hired.\n")})
    assert "status-copied" not in codes(result)


def test_only_the_previous_report_counts(run: Run) -> None:
    result = run({**BASE, "projects/a/s1.md": status("2026-06-05"),
                  "projects/a/s2.md": status("2026-06-12", summary="Slipping"),
                  "projects/a/s3.md": status("2026-06-26")})
    assert "status-copied" not in codes(result)


DECISION = """\
---
kind: decision
id: dec-a
title: A decision
date: 2026-06-01
decided_by: ["[TODO: who decided]"]
---
## Context

Writing about the `[TODO: form]` in code is fine, and so is a [link](#here).

```
[TODO: inside a fence]
```

We chose A. [TODO: why]
"""


def test_placeholder_text_is_reported_at_its_line(run: Run) -> None:
    result = run({**BASE, "decisions/a.md": DECISION})
    found = [d.to_text() for d in result.diagnostics.sorted() if d.code == "placeholder-text"]
    assert found == [
        ("content/decisions/a.md:6:14: warning: [placeholder-text] placeholder left from "
        "pmsite new: [TODO: who decided] (replace it with what it asks for)"),
        ("content/decisions/a.md:16:13: warning: [placeholder-text] placeholder left from "
        "pmsite new: [TODO: why] (replace it with what it asks for)")]


def test_one_placeholder_in_a_log_is_one_warning(run: Run) -> None:
    log = ("kind: risk\nproject: a\nentries:\n  - id: r1\n    title: One\n"
           "    owner: \"[TODO: who owns it]\"\n")
    result = run({**BASE, "projects/a/risks.yml": log})
    assert only(result, "placeholder-text").to_text().startswith(
        "content/projects/a/risks.yml:6:12: warning: [placeholder-text]")
    assert codes(result) == ["placeholder-text"]


def test_the_example_content_has_neither() -> None:
    result = check(load_settings(REPO / "mkdocs.yml"), date(2026, 11, 20))
    assert {"status-copied", "placeholder-text"}.isdisjoint(codes(result))
