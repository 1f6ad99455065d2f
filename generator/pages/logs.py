"""Governance logs: `/decisions/`, `/changes/`, `/meetings/` and `/lessons/` (SPEC §5)."""

from __future__ import annotations

import re
from pathlib import PurePosixPath
from typing import Any

from generator.pages import Context, PageSpec, parts
from generator.pages.parts import program_id, split_by_program
from generator.pages.views import (
    Link,
    action_row,
    dated,
    lesson_row,
    log_row,
    person_link,
    record_link,
    ref_link,
    tag_slug,
)
from generator.records import Record
from generator.urls import lesson_category_slug

_ADR_NAME = re.compile(r"(\d{1,5})-")
_ADR_HEADING = re.compile(r"#\s+(\d{1,5})\.\s")


def adr_number(decision: Record[Any]) -> int | None:
    """The decision's ADR number: from its file name or id (`0007-adopt-kafka`), else from
    an adr-tools heading (`# 7. Adopt Kafka`) as its first line; None without either."""
    for name in (PurePosixPath(decision.source.doc.rel).stem, decision.id):
        if match := _ADR_NAME.match(name):
            return int(match.group(1))
    first = next((line.strip() for line in decision.source.doc.body.split("\n") if line.strip()),
                 "")
    match = _ADR_HEADING.match(first)
    return int(match.group(1)) if match else None


def build_decisions(context: Context) -> list[PageSpec]:
    """Every decision, newest first: status, date, scope, supersedes and superseded-by."""
    model = context.model
    rows = []
    for decision in dated(model.of_kind("decision")):
        row = log_row(model, decision)
        row["number"] = adr_number(decision)
        row["program_id"] = program_id(model, decision)
        row["supersedes"] = [ref_link(model, ref) for ref in decision.model.supersedes]
        row["superseded_by"] = [record_link(d) for d in model.superseded_by.get(decision.id, ())]
        row["deciders"] = [person_link(model, n) for n in
                           dict.fromkeys(decision.model.decided_by + decision.model.deciders)]
        rows.append(row)
    statuses = sorted({r["status"] for r in rows})
    spec = PageSpec("decisions.md", "decisions.md.j2", "Decision log",
                    {"total": len(rows), "counts": [(s, sum(1 for r in rows if r["status"] == s))
                                                    for s in statuses]},
                    section="decisions")
    # A large log is split by program under `decisions/_/` (where no decision's own page
    # is); a decision whose URL is an anchor here stays here.
    return split_by_program(context, spec, rows, lambda row: row["program_id"],
                            base="decisions/_", standalone="Not in a program")


def build_changes(context: Context) -> list[PageSpec]:
    """Every change request, newest first, with its impact and the decision on it."""
    model = context.model
    rows = []
    for change in dated(model.of_kind("change")):
        row = log_row(model, change)
        row["impact"] = change.model.impact
        row["decision"] = ref_link(model, change.model.decision) if change.model.decision else None
        rows.append(row)
    return [PageSpec("changes.md", "changes.md.j2", "Change log",
                     {"rows": rows, "currency": model.settings.options.currency,
                      "approved_days": model.totals.approved_change_days,
                      "approved_cost": model.totals.approved_change_cost},
                     section="changes")]


def build_meetings(context: Context) -> list[PageSpec]:
    """Every meeting, newest first, and every action still open across them."""
    model = context.model
    rows, actions = [], []
    for meeting in dated(model.of_kind("meeting")):
        row = log_row(model, meeting)
        mine = [action_row(model, a) for a in model.actions[meeting.id]]
        row["attendees"] = len(meeting.model.attendees)
        row["decisions"] = [ref_link(model, ref) for ref in meeting.model.decisions]
        row["open"] = sum(1 for a in mine if a["state"] != "done")
        row["overdue"] = sum(1 for a in mine if a["state"] == "overdue")
        rows.append(row)
        actions += [a | {"meeting": record_link(meeting)} for a in mine if a["state"] != "done"]
    actions.sort(key=lambda a: (a["due"] is None, a["due"] or model.as_of, a["title"]))
    return [PageSpec("meetings.md", "meetings.md.j2", "Meetings",
                     {"rows": rows, "actions": actions}, section="meetings")]


def build_lessons(context: Context) -> list[PageSpec]:
    """The lessons-learned library, grouped by category and by tag."""
    model = context.model
    lessons = sorted(model.of_kind("lesson"), key=lambda r: (r.title.casefold(), r.id))
    categories: dict[str, dict[str, Any]] = {}
    tags: dict[str, dict[str, Any]] = {}
    # Each tag's lessons so far, so that a lesson tagged twice alike (`Cloud`, `cloud`) is
    # listed once. (A set: looked up in the tag's list, n lessons took n² comparisons.)
    listed: dict[str, set[Link]] = {}
    programs: dict[str, str | None] = {}
    for lesson in lessons:
        row = lesson_row(model, lesson)
        programs[lesson.id] = program_id(model, lesson)
        slug = lesson_category_slug(lesson.model.category)
        group = categories.setdefault(slug, {"name": lesson.model.category or "General",
                                             "slug": slug, "rows": []})
        group["rows"].append(row)
        for tag in lesson.model.tags:
            entry = tags.setdefault(tag_slug(tag), {"slug": tag_slug(tag), "name": tag,
                                                    "lessons": []})
            seen = listed.setdefault(entry["slug"], set())
            if row["link"] not in seen:
                seen.add(row["link"])
                entry["lessons"].append(row["link"])
    groups = sorted(categories.values(), key=lambda g: (g["slug"] == "category-general",
                                                        g["name"].casefold()))
    counts = {"total": len(lessons),
              "improve": sum(1 for r in lessons if r.model.type == "improve"),
              "went_well": sum(1 for r in lessons if r.model.type == "went-well")}
    # The library is an index of categories; each category has a page of its own, so the
    # library stays small however many lessons a portfolio keeps.
    by_tag = [tags[s] for s in sorted(tags)]
    if sum(len(t["lessons"]) for t in by_tag) > parts.SPLIT_AT:
        # A large library names each tag with its count; the tag's page lists its lessons.
        by_tag = [t | {"lessons": [], "count": len(t["lessons"])} for t in by_tag]
    pages = [PageSpec("lessons.md", "lessons.md.j2", "Lessons learned",
                      {"groups": [], "categories": [_category(g) for g in groups],
                       "tags": by_tag, "parts": [], "part_of": None, **counts},
                      section="lessons")]
    for group in groups:
        # A large category is split by program (`lessons/<category>/_/<program>/`); a
        # lesson whose URL is an anchor of the category's page stays on it.
        slug = group["slug"]
        spec = PageSpec(f"lessons/{slug}.md", "lessons.md.j2",
                        f"Lessons learned: {group['name']}",
                        {"categories": [], "tags": [], **counts, "total": len(group["rows"])},
                        section="lessons")
        for page in split_by_program(context, spec, group["rows"],
                                     lambda row: programs[row["id"]],
                                     base=f"lessons/{slug}/_", standalone="Other lessons"):
            page.values = {**page.values, "groups": [group | {"rows": page.values["rows"]}]}
            pages.append(page)
    return pages


def _category(group: dict[str, Any]) -> dict[str, Any]:
    rows = group["rows"]
    return {"name": group["name"], "link": Link(f"lessons/{group['slug']}/", group["name"]),
            "count": len(rows),
            "improve": sum(1 for r in rows if r["type"] == "improve"),
            "went_well": sum(1 for r in rows if r["type"] == "went-well")}


