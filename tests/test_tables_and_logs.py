"""Counts, the decision log's ADR numbers and status badges, one row per referenced item,
and the tables' markup (scroll wrappers, date cells, header separators) (SPEC §5)."""

from __future__ import annotations

import re

from generator.site import plan_site
from tests.conftest import PORTFOLIO, PROGRAM, Run, project

BASE = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
        "projects/a.md": project("a", "status: amber"),
        "projects/c.md": project("c", "phase: closed\nstatus: green")}

NYGARD = """\
# 7. Adopt Kafka for integration

Date: 2026-05-02

## Status

Accepted

## Context

[[a]] needs events; so does [[a]] again.
"""
FRONT_MATTER = """\
---
kind: decision
id: dec-oidc
title: OIDC for SSO
date: 2026-05-03
status: rejected
related: [a, a]
---

# 12. OIDC for SSO

[[a]] would use it.
"""


def test_a_closed_project_counts_as_done_everywhere(run: Run) -> None:
    result = run(BASE)
    model = result.model
    assert {s: n for s, n in model.status_counts.items() if n} == {"amber": 1, "done": 1}
    assert model.open_projects == 1
    assert model.program_summaries["cx"].rollup.counts == {"amber": 1, "done": 1}
    assert model.portfolio_summaries["pf"].rollup.counts == {"amber": 1, "done": 1}
    assert model.program_summaries["cx"].status == "amber"  # a closed project never drives
    plan = plan_site(result)
    for page in ("index.md", "status.md", "report.md", "programs/cx.md"):
        assert 'title="1 done">1</td>' in plan.markdown(page), page


def test_decision_log_has_adr_numbers_and_coloured_statuses(run: Run) -> None:
    files = BASE | {"decisions/0007-adopt-kafka.md": NYGARD, "decisions/oidc.md": FRONT_MATTER}
    plan = plan_site(run(files))
    log = plan.markdown("decisions.md")
    assert "<th>ADR</th>" in log
    rows = {m.group(1): m.group(0) for m in re.finditer(r'<tr id="decision-([^"]+)".*?</tr>', log)}
    assert set(rows) == {"0007-adopt-kafka", "dec-oidc"}
    assert '<td class="pm-adr" data-sort="7">0007</td>' in rows["0007-adopt-kafka"]
    assert '<td class="pm-adr" data-sort="12">0012</td>' in rows["dec-oidc"]
    assert 'class="tag decision decision-accepted">accepted<' in rows["0007-adopt-kafka"]
    assert 'class="tag decision decision-rejected">rejected<' in rows["dec-oidc"]
    assert '<td class="pm-date" data-sort="2026-05-02">' in rows["0007-adopt-kafka"]


def test_references_and_backlinks_list_each_item_once(run: Run) -> None:
    files = BASE | {"decisions/0007-adopt-kafka.md": NYGARD, "decisions/oidc.md": FRONT_MATTER}
    plan = plan_site(run(files))
    for src in ("decisions/0007-adopt-kafka.md", "decisions/oidc.md"):
        page = plan.page_markdown(src, (plan.result.settings.docs_dir / src).read_text())
        references = page.split("## References", 1)[1].split("##", 1)[0]
        assert references.count('href="../../projects/a/"') == 1, references
    oidc = plan.page_markdown("decisions/oidc.md", "")
    assert "(mentioned in the text, related)" in oidc or "(related, mentioned in the text)" in oidc
    backlinks = plan.markdown("projects/a.md").split("## Referenced by", 1)[1]
    assert backlinks.count('href="../../decisions/oidc/"') == 1
    assert backlinks.count('href="../../decisions/0007-adopt-kafka/"') == 1


def test_tables_scroll_in_their_own_focusable_region(run: Run) -> None:
    plan = plan_site(run(BASE))
    total = 0
    for page in plan.pages:
        markdown = plan.markdown(page)
        tables = re.findall(r"<table class=\"(?:pm-table|pm-dimensions|pm-heat)", markdown)
        wrapped = re.findall(r'<div class="pm-scroll" tabindex="0" role="region" '
                             r'aria-label="[^"]+">\n<table', markdown)
        assert len(wrapped) == len(tables), page
        total += len(tables)
    assert total > 10
    header = plan.markdown("projects/a.md").split("</dl>", 1)[0]
    assert '<dt>Status<span class="pm-sep">: </span></dt>' in header
    assert header.count('<span class="pm-sep"> · </span></dd>') == header.count("</dd>")
