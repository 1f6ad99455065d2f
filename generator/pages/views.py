"""Template-ready views of model facts: rows for tables, links, statuses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.model import PortfolioModel
from generator.records import Record
from generator.schedule import MilestoneFact
from generator.slugs import tag_slug as _tag_slug
from generator.urls import milestone_url, record_url


@dataclass(frozen=True, slots=True)
class Link:
    """A link to a site-relative URL with its text (templates make it relative)."""

    url: str
    text: str
    title: str = ""


def record_link(record: Record) -> Link:
    return Link(record_url(record), record.title, record.id)


def ref_link(model: PortfolioModel, ref: str) -> Link:
    """A link for an id or `project#milestone` (plain text if it does not resolve)."""
    project_id, _, milestone_id = ref.partition("#")
    record = model.records.get(project_id)
    if record is None:
        return Link("", ref)
    if milestone_id:
        for milestone in record.model.milestones if record.kind == "project" else []:
            if milestone.id.casefold() == milestone_id.casefold():
                return Link(milestone_url(record.id, milestone.id),
                            f"{record.title}: {milestone.title}", ref)
        return Link("", ref)
    return record_link(record)


def person_link(model: PortfolioModel, name: str) -> Link:
    """A link to the page the model gave the person `name` (plain text if they have none)."""
    person = model.person(name)
    return Link(f"people/{person.slug}/", name) if person is not None else Link("", name)


def project_row(model: PortfolioModel, project: Record) -> dict[str, Any]:
    """Everything a status table shows of a project."""
    status = model.statuses[project.id]
    last = status.last_report
    program_id = model.program_of.get(project.id)
    program = model.records.get(program_id) if program_id else None
    facts = model.milestones[project.id]
    upcoming = [f for f in facts if f.state in ("due-soon", "planned", "overdue")]
    upcoming.sort(key=lambda f: (f.due, f.milestone.id))
    return {
        "link": record_link(project), "id": project.id, "status": status.status,
        "trend": status.trend, "stale": status.stale, "source": status.source,
        "last_report": last.model.date if last else None,
        "days_since": status.days_since_report,
        "dimensions": {name: getattr(last.model, name) for name in
                       ("schedule", "budget", "scope", "resources", "quality")} if last else {},
        "percent": last.model.percent_complete if last else None,
        "summary": last.model.summary if last else None,
        "program": record_link(program) if program else None,
        "manager": person_link(model, project.model.manager), "phase": project.model.phase,
        "overdue": [milestone_row(f) for f in facts if f.state == "overdue"],
        "next": milestone_row(upcoming[0]) if upcoming else None,
        "end": project.model.end,
    }


def milestone_row(fact: MilestoneFact) -> dict[str, Any]:
    return {"link": Link(milestone_url(fact.project, fact.milestone.id), fact.milestone.title,
                         fact.ref),
            "id": fact.milestone.id, "ref": fact.ref, "due": fact.due, "done": fact.done,
            "state": fact.state, "anchor": f"milestone-{fact.milestone.id}"}


def dependency_row(model: PortfolioModel, dep: Any) -> dict[str, Any]:
    return {"downstream": ref_link(model, dep.downstream),
            "upstream": ref_link(model, dep.upstream),
            "upstream_status": model.status_of(dep.upstream.partition("#")[0]),
            "downstream_status": model.status_of(dep.downstream.partition("#")[0]),
            "at_risk": dep.at_risk, "reasons": dep.reasons, "done": dep.done,
            "need": dep.need_date, "finish": dep.planned_finish, "note": dep.note}


def risk_row(model: PortfolioModel, fact: Any) -> dict[str, Any]:
    m = fact.record.model
    scope = model.records.get(fact.scope) if fact.scope else None
    return {"id": fact.record.id, "link": record_link(fact.record), "title": m.title,
            "scope": record_link(scope) if scope else None, "probability": m.probability,
            "impact": m.impact, "score": fact.score, "status": m.status,
            "owner": person_link(model, m.owner) if m.owner else None, "response": m.response,
            "mitigation": m.mitigation, "review": m.review,
            "review_overdue": fact.review_overdue, "anchor": f"risk-{fact.record.id}"}


def issue_row(model: PortfolioModel, fact: Any) -> dict[str, Any]:
    m = fact.record.model
    scope = model.records.get(fact.scope) if fact.scope else None
    return {"id": fact.record.id, "link": record_link(fact.record), "title": m.title,
            "scope": record_link(scope) if scope else None, "severity": m.severity,
            "status": m.status, "owner": person_link(model, m.owner) if m.owner else None,
            "due": m.due, "overdue": fact.overdue, "resolution": m.resolution,
            "from_risk": ref_link(model, m.from_risk) if m.from_risk else None,
            "anchor": f"issue-{fact.record.id}"}


def dated(records: list[Record]) -> list[Record]:
    """Records newest first (by their `date`), then by id."""
    def key(record: Record) -> tuple[date, str]:
        return (getattr(record.model, "date", None) or date.min, record.id)
    return sorted(records, key=key, reverse=True)


def tag_slug(tag: str) -> str:
    """The anchor of a tag on the tags page (`#tag-<slug>`), as the templates make it."""
    return _tag_slug(tag)


def action_row(model: PortfolioModel, action: Any) -> dict[str, Any]:
    """A meeting action with its state as of the model's date: `done`, `overdue` or `open`."""
    as_of = model.as_of
    done = action.done
    if done is True or (isinstance(done, date) and done <= as_of):
        state = "done"
    elif action.due is not None and action.due < as_of:
        state = "overdue"
    else:
        state = "open"
    return {"title": action.title,
            "owner": person_link(model, action.owner) if action.owner else None,
            "due": action.due, "done": done if isinstance(done, date) else None,
            "state": state}


def superseded_by(model: PortfolioModel, decision: Record) -> list[Record]:
    """The decisions that name `decision` in their `supersedes`."""
    key = decision.id.casefold()
    return [d for d in model.records.by_kind("decision")
            if key in {s.casefold() for s in d.model.supersedes}]


def critical_rows(model: PortfolioModel, refs: list[str]) -> list[dict[str, Any]]:
    """The milestones of a critical path, in order, with their due dates and states."""
    assert model.graph is not None
    return [milestone_row(model.graph.by_ref[ref]) | {"project": ref_link(model, ref.partition(
        "#")[0])} for ref in refs if ref in model.graph.by_ref]


def scope_link(model: PortfolioModel, record: Record) -> Link | None:
    """The program or project a record belongs to (its `project`, else its `program`)."""
    if record.parent is not None:
        parent = model.records.get(record.parent)
        return record_link(parent) if parent is not None else None
    for name in ("project", "program"):
        ref = getattr(record.model, name, None)
        if ref:
            return ref_link(model, ref)
    return None


def log_row(model: PortfolioModel, record: Record) -> dict[str, Any]:
    """A decision, change, meeting or lesson as a row of a log: date, link, status, scope."""
    return {"id": record.id, "kind": record.kind, "link": record_link(record),
            "date": getattr(record.model, "date", None),
            "status": getattr(record.model, "status", None),
            "scope": scope_link(model, record)}


def project_milestone_row(model: PortfolioModel, fact: MilestoneFact) -> dict[str, Any]:
    """A milestone row that also names its project and the project's status."""
    project = model.records.get(fact.project)
    return milestone_row(fact) | {
        "project": record_link(project) if project is not None else None,
        "status": model.statuses[fact.project].status}
