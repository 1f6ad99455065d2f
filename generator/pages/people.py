"""People: `/people/` (everyone, with roles and allocation) and `/people/<slug>/` each."""

from __future__ import annotations

from typing import Any

from generator.pages import Context, PageSpec
from generator.pages.views import record_link
from generator.people import Person, clean_name

ROLE_ORDER = ("sponsor", "manager", "board", "owner", "decider", "team", "attendee",
              "action owner", "author")
"""How a person's roles are listed: accountability first."""


def build_people(context: Context) -> list[PageSpec]:
    model = context.model
    people = sorted(model.people.values(), key=lambda p: (p.name.casefold(), p.slug))
    rows = [_summary(p) for p in people]
    pages = [PageSpec("people/index.md", "people.md.j2", "People",
                      {"rows": rows, "over": sum(1 for p in people if p.over_allocated)},
                      section="people")]
    for person in people:
        pages.append(PageSpec(f"people/{person.slug}.md", "person.md.j2", person.name,
                              _details(context, person), section="people"))
    return pages


def _summary(person: Person) -> dict[str, Any]:
    return {"name": person.name, "url": f"people/{person.slug}/", "slug": person.slug,
            "title": person.title, "team": person.team, "roles": len(person.roles),
            "kinds": sorted({r.role for r in person.roles}, key=_role_rank),
            "allocation": person.allocation if person.allocations else None,
            "over": person.over_allocated}


def _details(context: Context, person: Person) -> dict[str, Any]:
    records = context.model.records
    roles = []
    for role in sorted(person.roles, key=lambda r: (_role_rank(r.role), r.record, r.detail)):
        record = records.get(role.record)
        roles.append({"role": role.role, "detail": role.detail,
                      "kind": record.kind if record is not None else "",
                      "link": record_link(record) if record is not None else None,
                      "status": context.model.statuses[record.id].status
                      if record is not None and record.kind == "project" else None})
    allocations = []
    for project_id, share in person.allocations:
        project = records.get(project_id)
        if project is not None:
            allocations.append({"link": record_link(project), "share": share,
                                "status": context.model.statuses[project.id].status,
                                "role": next((m.role for m in project.model.team
                                              if clean_name(m.name).casefold() == person.name.casefold()
                                              and m.role), "")})
    return {"person": _summary(person), "email": person.email, "roles": roles,
            "allocations": allocations}


def _role_rank(role: str) -> tuple[int, str]:
    return (ROLE_ORDER.index(role) if role in ROLE_ORDER else len(ROLE_ORDER), role)
