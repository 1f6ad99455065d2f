"""Template-ready views of model facts: rows for tables, links, statuses."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from generator.governance import ActionFact
from generator.graph import CriticalPath
from generator.model import PortfolioModel
from generator.records import Record
from generator.registers import IssueFact, RiskFact
from generator.schedule import MilestoneFact
from generator.schema import Project
from generator.slugs import tag_slug as _tag_slug
from generator.summaries import PortfolioSummary, ProgramSummary
from generator.urls import milestone_url, record_url

R = TypeVar("R", bound=Record[Any])


@dataclass(frozen=True, slots=True)
class Link:
    """A link to a site-relative URL with its text (templates make it relative)."""

    url: str
    text: str
    title: str = ""


def record_link(record: Record[Any]) -> Link:
    return Link(record_url(record), record.title, record.id)


def ref_link(model: PortfolioModel, ref: str) -> Link:
    """A link for an id or `project#milestone` (plain text if it does not resolve)."""
    target = model.target(ref)
    if target is None:
        return Link("", ref)
    if target.milestone is not None:
        return Link(milestone_url(target.record.id, target.milestone.id),
                    f"{target.record.title}: {target.milestone.title}", ref)
    return record_link(target.record)


def person_link(model: PortfolioModel, name: str) -> Link:
    """A link to the page the model gave the person `name` (plain text if they have none)."""
    person = model.person(name)
    return Link(f"people/{person.slug}/", name) if person is not None else Link("", name)


def project_row(model: PortfolioModel, project: Record[Project]) -> dict[str, Any]:
    """Everything a status table shows of a project."""
    status = model.statuses[project.id]
    last = status.last_report
    program = model.scopes[project.id].program
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


def program_row(model: PortfolioModel, summary: ProgramSummary) -> dict[str, Any]:
    """A program as a row of the dashboard, report, portfolio and program index."""
    program = summary.record
    return {"link": record_link(program), "rollup": summary.rollup,
            "drivers": [record_link(d) for d in summary.drivers],
            "projects": len(summary.projects), "budget": summary.budget,
            "manager": person_link(model, program.model.manager)
            if program.model.manager else None}


def portfolio_row(model: PortfolioModel, summary: PortfolioSummary) -> dict[str, Any]:
    """A portfolio as a row of the dashboard, report and portfolio index."""
    portfolio = summary.record
    return {"link": record_link(portfolio), "rollup": summary.rollup,
            "drivers": [record_link(d) for d in summary.drivers],
            "programs": len(summary.programs), "standalone": len(summary.standalone),
            "manager": person_link(model, portfolio.model.manager)
            if portfolio.model.manager else None}


def risk_row(model: PortfolioModel, fact: RiskFact) -> dict[str, Any]:
    m = fact.record.model
    scope = fact.scope_record
    return {"id": fact.record.id, "link": record_link(fact.record), "title": m.title,
            "scope": record_link(scope) if scope else None, "probability": m.probability,
            "impact": m.impact, "score": fact.score, "band": fact.band, "status": m.status,
            "owner": person_link(model, m.owner) if m.owner else None, "response": m.response,
            "mitigation": m.mitigation, "review": m.review,
            "review_overdue": fact.review_overdue, "anchor": f"risk-{fact.record.id}"}


def issue_row(model: PortfolioModel, fact: IssueFact) -> dict[str, Any]:
    m = fact.record.model
    scope = fact.scope_record
    return {"id": fact.record.id, "link": record_link(fact.record), "title": m.title,
            "scope": record_link(scope) if scope else None, "severity": m.severity,
            "status": m.status, "owner": person_link(model, m.owner) if m.owner else None,
            "due": m.due, "overdue": fact.overdue, "resolution": m.resolution,
            "from_risk": ref_link(model, m.from_risk) if m.from_risk else None,
            "anchor": f"issue-{fact.record.id}"}


def dated(records: Iterable[R]) -> list[R]:
    """Records newest first (by their `date`), then by id."""
    def key(record: R) -> tuple[date, str]:
        return (getattr(record.model, "date", None) or date.min, record.id)
    return sorted(records, key=key, reverse=True)


def tag_slug(tag: str) -> str:
    """The anchor of a tag on the tags page (`#tag-<slug>`), as the templates make it."""
    return _tag_slug(tag)


def action_row(model: PortfolioModel, fact: ActionFact) -> dict[str, Any]:
    """A meeting action with its state as of the model's date: `done`, `overdue` or `open`."""
    action = fact.action
    return {"title": action.title,
            "owner": person_link(model, action.owner) if action.owner else None,
            "due": action.due, "done": fact.done, "state": fact.state}


def critical_rows(model: PortfolioModel, path: CriticalPath) -> list[dict[str, Any]]:
    """The items of a critical path, upstream first: link, project, planned finish, the
    float of the link to the next item, and a milestone's state (None for a project)."""
    rows = []
    for step in path.steps:
        target = model.target(step.item)
        fact = model.graph.by_ref.get(step.item)
        rows.append({"link": ref_link(model, step.item),
                     "project": record_link(target.record) if target else Link("", step.item),
                     "planned": step.planned, "float": step.float_days,
                     "state": fact.state if fact is not None else None})
    return rows


def scope_link(model: PortfolioModel, record: Record[Any]) -> Link | None:
    """The program or project a record belongs to (the record it is written in, else its
    `project`, else its `program`); plain text when that does not resolve."""
    scope = model.scopes[record.id]
    if scope.owner is not None:
        return record_link(scope.owner)
    return Link("", scope.written) if scope.written else None


def log_row(model: PortfolioModel, record: Record[Any]) -> dict[str, Any]:
    """A decision, change, meeting or lesson as a row of a log: date, link, status, scope."""
    return {"id": record.id, "kind": record.kind, "link": record_link(record),
            "date": getattr(record.model, "date", None),
            "status": getattr(record.model, "status", None),
            "scope": scope_link(model, record)}


def lesson_row(model: PortfolioModel, lesson: Record[Any]) -> dict[str, Any]:
    """A lesson as a row of a lessons table: a log row with what the lesson says."""
    row = log_row(model, lesson)
    m = lesson.model
    row.update(type=m.type, impact=m.impact, recommendation=m.recommendation, tags=m.tags,
               category=m.category)
    return row


def project_milestone_row(model: PortfolioModel, fact: MilestoneFact) -> dict[str, Any]:
    """A milestone row that also names its project and the project's status."""
    return milestone_row(fact) | {"project": record_link(fact.record),
                                  "status": model.statuses[fact.project].status}
