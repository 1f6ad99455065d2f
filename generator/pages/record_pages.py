"""Pages of decisions, changes, meetings, lessons, risks and issues (SPEC §5).

Records written in YAML get a generated page at `<folder>/<id>/`; records written in
Markdown keep their page at their source path, and the plugin passes their Markdown
through `decorate_record` so both read the same: the record's fields, its text, what it
references and what references it.
"""

from __future__ import annotations

import re
from typing import Any

from generator.kinds import TABLE
from generator.pages import Context, PageSpec
from generator.pages.compose import render_page
from generator.pages.records import backlinks, one_per_item
from generator.pages.views import (
    Link,
    action_row,
    issue_row,
    person_link,
    record_link,
    ref_link,
    risk_row,
    scope_link,
)
from generator.records import Record, holds
from generator.schema import Change, Decision, Issue, Lesson, Meeting, Risk, StatusReport
from generator.urls import FOLDERS, LOGGED, record_url

RECORD_KINDS = tuple(FOLDERS)
"""Kinds whose records have a page of their own (unless written inside another record)."""
VIA = {"body": "mentioned in the text"}
"""How a reference made by a field reads (`supersedes`, `related`, ... read as they are)."""

_H1 = re.compile(r"\A\s*#[ \t]+(?:\d+\.[ \t]+)?(.*?)[ \t]*#*[ \t]*(?:\n|\Z)")


def build_record_pages(context: Context) -> list[PageSpec]:
    """A page for every standalone record of RECORD_KINDS written in YAML (log entries of
    risks, issues and lessons are rows of their register instead)."""
    pages = []
    for kind in RECORD_KINDS:
        for record in context.model.of_kind(kind):
            if (record.source.doc.fmt == "yaml" and record.parent is None
                    and not (record.source.base and kind in LOGGED)):
                src_uri = record_url(record).rstrip("/") + ".md"
                pages.append(record_page(context, record, src_uri, record.body))
    return pages


def decorate_record(context: Context, record: Record[Any], src_uri: str,
                    markdown_body: str, marked: bool = False) -> str:
    """The page Markdown of a record written in Markdown, shown at its source path
    (`marked`: see `render_page`)."""
    return render_page(context, record_page(context, record, src_uri, markdown_body),
                       marked=marked)


def record_page(context: Context, record: Record[Any], src_uri: str, text: str) -> PageSpec:
    """The page of `record` at `src_uri`, with `text` as its body."""
    values = {"record": record, "kind_label": TABLE[record.kind].label,
              "text": _without_title(text, record.title),
              "source_rel": record.source.doc.rel,
              "scope": scope_link(context.model, record),
              "fields": _fields(context, record),
              "references": _references(context, record),
              "backlinks": record_backlinks(context, record)}
    return PageSpec(src_uri, "record.md.j2", record.title, values,
                    section=FOLDERS.get(record.kind, ""), source=record.path)


def _without_title(text: str, title: str) -> str:
    """The body without a leading `# Title` that only repeats the page title (ADRs)."""
    match = _H1.match(text)
    if match and match.group(1).strip().casefold() == title.strip().casefold():
        return text[match.end():]
    return text


def _fields(context: Context, record: Record[Any]) -> dict[str, Any]:
    """What the record's panel shows, by kind."""
    model = context.model
    m = record.model
    if isinstance(m, Decision):  # (each kind has its own model: this is kind `decision`)
        return {"status": m.status, "date": m.date,
                "deciders": [person_link(model, n)
                             for n in dict.fromkeys(m.decided_by + m.deciders)],
                "consulted": [person_link(model, n) for n in m.consulted],
                "informed": [person_link(model, n) for n in m.informed],
                "supersedes": [ref_link(model, r) for r in m.supersedes],
                "superseded_by": [record_link(d) for d in model.superseded_by.get(record.id, ())],
                "related": [ref_link(model, r) for r in m.related],
                "tags": m.tags, "description": m.description}
    if isinstance(m, Change):
        return {"status": m.status, "date": m.date, "impact": m.impact,
                "decision": ref_link(model, m.decision) if m.decision else None,
                "requested_by": person_link(model, m.requested_by) if m.requested_by else None,
                "currency": model.settings.options.currency, "description": m.description}
    if isinstance(m, Meeting):
        return {"date": m.date, "attendees": [person_link(model, n) for n in m.attendees],
                "decisions": [ref_link(model, r) for r in m.decisions],
                "actions": [action_row(model, a) for a in model.actions[record.id]],
                "description": m.description}
    if isinstance(m, Lesson):
        return {"date": m.date, "category": m.category, "type": m.type, "impact": m.impact,
                "recommendation": m.recommendation, "tags": m.tags,
                "description": m.description}
    if isinstance(m, Risk):
        risk = model.risk_by_id.get(record.id)
        row = risk_row(model, risk) if risk is not None else {}
        cell = risk.cell if risk is not None and m.status == "open" else None
        return row | {"cell": cell, "raised": m.raised, "tags": m.tags,
                      "description": m.description}
    if isinstance(m, Issue):
        issue = model.issue_by_id.get(record.id)
        row = issue_row(model, issue) if issue is not None else {}
        return row | {"raised": m.raised, "tags": m.tags, "description": m.description}
    return {"description": getattr(m, "description", None)}


def _references(context: Context, record: Record[Any]) -> list[dict[str, Any]]:
    rows = [{"via": VIA.get(via, via.replace("_", " ")), "link": ref_link(context.model, ref)}
            for via, ref in record.references]
    return sorted(one_per_item(rows), key=lambda r: (r["via"] != VIA["body"], r["via"], r["link"].text))


def record_backlinks(context: Context, record: Record[Any]) -> list[dict[str, Any]]:
    """Every record that references this one; a status report links to its anchor."""
    rows = backlinks(context, record)
    reports = []
    for via, source in context.model.backlinks[record.id]:
        if not holds(source, StatusReport):
            continue
        project = context.model.scopes[source.id].owner
        name = project.title if project is not None else source.model.project
        text = f"{name}: status report {source.model.date.isoformat()}"
        reports.append({"link": Link(record_url(source), text, source.id),
                        "kind": "status", "via": via})
    return sorted(rows + one_per_item(reports), key=lambda r: (r["kind"], r["link"].text, r["via"]))
