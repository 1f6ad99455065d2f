"""People: `/people/` (everyone, with roles and allocation) and `/people/<slug>/` each."""

from __future__ import annotations

from functools import partial
from typing import Any

from generator.pages import Context, Later, PageSpec
from generator.pages.parts import prefix_label, split_by_key
from generator.pages.views import record_link
from generator.people import Person

ROLE_ORDER = ("sponsor", "manager", "board", "owner", "decider", "team", "attendee",
              "action owner", "author")
"""How a person's roles are listed: accountability first."""
PAGE_ROWS = 500
"""People on one page of a split list at most (a letter with more is split by two)."""


def build_people(context: Context) -> list[PageSpec]:
    model = context.model
    people = sorted(model.people.values(), key=lambda p: (p.name.casefold(), p.slug))
    rows = [_summary(p) for p in people]
    index = PageSpec("people/index.md", "people.md.j2", "People",
                     {"total": len(rows), "over": sum(1 for p in people if p.over_allocated)},
                     section="people")
    # A large portfolio's list is split by the first letters of the names' slugs, under
    # `people/_/`: a person's slug never holds `_`, so no such page is anyone's.
    pages = split_by_key(index, rows, lambda row: row["slug"], prefix_label, "people/_", PAGE_ROWS)
    for part in index.values["parts"]:
        part["over"] = sum(1 for row in part.pop("rows") if row["over"])
    for person in people:
        pages.append(PageSpec(f"people/{person.slug}.md", "person.md.j2", person.name,
                              Later(partial(_details, context, person)), section="people"))
    return pages


def _summary(person: Person) -> dict[str, Any]:
    return {"name": person.name, "url": f"people/{person.slug}/", "slug": person.slug,
            "title": person.title, "team": person.team, "roles": len(person.roles),
            "kinds": sorted({r.role for r in person.roles}, key=_role_rank),
            "allocation": person.allocation if person.allocations else None,
            "over": person.over_allocated}


def _details(context: Context, person: Person) -> dict[str, Any]:
    statuses = context.model.statuses
    roles = []
    for role in sorted(person.roles, key=lambda r: (_role_rank(r.role), r.record, r.detail)):
        record = role.where
        roles.append({"role": role.role, "detail": role.detail, "kind": record.kind,
                      "link": record_link(record),
                      "status": statuses[record.id].status if record.kind == "project"
                      else None})
    allocations = [{"link": record_link(a.project), "share": a.share,
                    "status": statuses[a.project.id].status, "role": a.role}
                   for a in person.allocations]
    return {"person": _summary(person), "email": person.email, "roles": roles,
            "allocations": allocations}


def _role_rank(role: str) -> tuple[int, str]:
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER), role)
