"""The machine-readable export: `portfolio.json` (SPEC §6.1) and CSV files beside it."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

from generator.benefits import BenefitFact
from generator.diagnostics import Diagnostic
from generator.jsontext import pretty_json
from generator.model import PortfolioModel
from generator.people import Person
from generator.records import Record
from generator.registers import IssueFact, RiskFact
from generator.schema import Change, Decision, Lesson, Meeting, Portfolio, Program, Project
from generator.urls import record_url

SCHEMA_VERSION = 1


def _num(value: float | None) -> float | int | None:
    """Whole numbers as integers, so 1250000.0 reads as 1250000."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else round(value, 6)


def _day(value: date | None) -> str | None:
    return value.isoformat() if value is not None else None


def export_data(model: PortfolioModel, diagnostics: list[Diagnostic]) -> dict[str, Any]:
    """The whole export as plain data; lists sorted by id."""
    records = model.records
    data: dict[str, Any] = {
        "as_of": model.as_of.isoformat(),
        "schema_version": SCHEMA_VERSION,
        "status_scale": list(model.scale.levels),
        "portfolios": [_portfolio(model, r) for r in records.by_kind("portfolio")],
        "programs": [_program(model, r) for r in records.by_kind("program")],
        "projects": [_project(model, r) for r in records.by_kind("project")],
        "dependencies": _dependencies(model),
        "risks": [_risk(r) for r in sorted(model.risks, key=lambda f: f.record.id)],
        "issues": [_issue(f) for f in sorted(model.issues, key=lambda f: f.record.id)],
        "decisions": [_decision(model, r) for r in records.by_kind("decision")],
        "changes": [_change(model, r) for r in records.by_kind("change")],
        "meetings": [_meeting(model, r) for r in records.by_kind("meeting")],
        "lessons": [_lesson(model, r) for r in records.by_kind("lesson")],
        "benefits": [_benefit(f) for f in sorted(model.benefits,
                                                 key=lambda f: (f.program, f.benefit.id))],
        "people": [_person(p) for p in model.people.values()],
        "diagnostics": [_diagnostic(d) for d in diagnostics],
    }
    return data


def export_json(model: PortfolioModel, diagnostics: list[Diagnostic]) -> str:
    return pretty_json(export_data(model, diagnostics)) + "\n"


def _portfolio(model: PortfolioModel, record: Record[Portfolio]) -> dict[str, Any]:
    rollup = model.portfolio_rollups[record.id]
    return {"id": record.id, "title": record.title, "status": rollup.status,
            "url": record_url(record), "manager": record.model.manager,
            "counts": rollup.counts, "drivers": rollup.drivers,
            "programs": [p.id for p in model.programs_of(record.id)],
            "standalone_projects": [p.id for p in model.standalone_projects(record.id)],
            "objectives": [{"id": o.id, "title": o.title} for o in record.model.objectives]}


def _program(model: PortfolioModel, record: Record[Program]) -> dict[str, Any]:
    rollup = model.program_rollups[record.id]
    budget = model.budgets[record.id]
    path = model.critical_paths[record.id]
    return {"id": record.id, "title": record.title,
            "portfolio": model.portfolio_of.get(record.id),
            "status": rollup.status, "status_source": rollup.source,
            "rollup_status": rollup.rolled_up, "drivers": rollup.drivers,
            "counts": rollup.counts,
            "projects": [p.id for p in model.projects_of(record.id)],
            "url": record_url(record), "manager": record.model.manager,
            "sponsor": record.model.sponsor, "aligns_to": list(record.model.aligns_to),
            "budget": {"planned": _num(budget.planned), "spent": _num(budget.spent),
                       "variance": _num(budget.variance), "currency": budget.currency,
                       "projects_planned": _num(budget.projects_planned)},
            "slip_days": model.program_slip[record.id],
            "critical_path": [{"item": step.item, "planned": _day(step.planned),
                               "float": step.float_days} for step in path.steps]}


def _project(model: PortfolioModel, record: Record[Project]) -> dict[str, Any]:
    status = model.statuses[record.id]
    budget = model.budgets[record.id]
    last = status.last_report
    states = [f.state for f in model.milestones[record.id]]
    return {
        "id": record.id, "title": record.title, "program": model.program_of.get(record.id),
        "portfolio": model.portfolio_of.get(record.id), "manager": record.model.manager,
        "sponsor": record.model.sponsor, "phase": record.model.phase,
        "status": status.status, "status_source": status.source, "trend": status.trend,
        "stale": status.stale, "last_report": _day(last.model.date) if last else None,
        "dimensions": {name: getattr(last.model, name) for name in
                       ("schedule", "budget", "scope", "resources", "quality")} if last else {},
        "percent_complete": _num(last.model.percent_complete) if last else None,
        "url": record_url(record), "start": _day(record.model.start),
        "end": _day(record.model.end), "baseline_end": _day(record.model.baseline_end),
        "slip_days": model.project_slip[record.id], "aligns_to": list(record.model.aligns_to),
        "tags": list(record.model.tags), "has_overdue_milestone": "overdue" in states,
        "budget": {"planned": _num(budget.planned), "spent": _num(budget.spent),
                   "variance": _num(budget.variance), "currency": budget.currency},
        "milestones": [{"id": f.milestone.id, "title": f.milestone.title,
                        "due": _day(f.due), "done": _day(f.done),
                        "baseline": _day(f.baseline), "slip_days": f.slip_days,
                        "state": f.state}
                       for f in sorted(model.milestones[record.id],
                                       key=lambda f: f.milestone.id)],
    }


def _dependencies(model: PortfolioModel) -> list[dict[str, Any]]:
    return [{"downstream": d.downstream, "upstream": d.upstream, "at_risk": d.at_risk,
             "reasons": list(d.reasons), "done": d.done, "need_date": _day(d.need_date),
             "planned_finish": _day(d.planned_finish), "note": d.note}
            for d in model.graph.dependencies]


def _risk(fact: RiskFact) -> dict[str, Any]:
    m = fact.record.model
    return {"id": fact.record.id, "title": m.title, "scope": fact.scope,
            "probability": m.probability, "impact": m.impact, "score": fact.score,
            "status": m.status, "owner": m.owner, "response": m.response,
            "review": _day(m.review), "review_overdue": fact.review_overdue}


def _issue(fact: IssueFact) -> dict[str, Any]:
    m = fact.record.model
    return {"id": fact.record.id, "title": m.title, "scope": fact.scope,
            "severity": m.severity, "status": m.status, "owner": m.owner,
            "due": _day(m.due), "overdue": fact.overdue, "from_risk": m.from_risk}


def _decision(model: PortfolioModel, record: Record[Decision]) -> dict[str, Any]:
    m = record.model
    superseded_by = sorted(source for via, source in record.backlinks if via == "supersedes")
    return {"id": record.id, "title": record.title, "date": _day(m.date), "status": m.status,
            "url": record_url(record), "program": m.program, "project": m.project,
            "supersedes": list(m.supersedes), "superseded_by": superseded_by}


def _change(model: PortfolioModel, record: Record[Change]) -> dict[str, Any]:
    m = record.model
    impact = m.impact
    return {"id": record.id, "title": record.title, "project": m.project, "date": _day(m.date),
            "status": m.status, "decision": m.decision, "url": record_url(record),
            "impact": None if impact is None else {
                "schedule_days": _num(impact.schedule_days), "cost": _num(impact.cost),
                "scope": impact.scope}}


def _meeting(model: PortfolioModel, record: Record[Meeting]) -> dict[str, Any]:
    m = record.model
    return {"id": record.id, "title": record.title, "date": _day(m.date),
            "program": m.program, "project": m.project, "url": record_url(record),
            "decisions": list(m.decisions),
            "open_actions": sum(1 for a in model.actions[record.id] if a.state != "done")}


def _lesson(model: PortfolioModel, record: Record[Lesson]) -> dict[str, Any]:
    m = record.model
    return {"id": record.id, "title": record.title, "project": m.project,
            "program": m.program, "category": m.category, "type": m.type,
            "tags": list(m.tags), "url": record_url(record)}


def _benefit(fact: BenefitFact) -> dict[str, Any]:
    b = fact.benefit
    latest = fact.latest
    return {"program": fact.program, "id": b.id, "title": b.title, "unit": b.unit,
            "baseline": _num(b.baseline), "target": _num(b.target), "due": _day(b.due),
            "latest": None if latest is None else {"date": _day(latest.date),
                                                   "value": _num(latest.value)},
            "progress": None if fact.progress is None else round(fact.progress, 4),
            "on_track": fact.on_track}


def _person(person: Person) -> dict[str, Any]:
    return {"name": person.name, "slug": person.slug, "url": f"people/{person.slug}/",
            "roles": [{"role": r.role, "record": r.record, "detail": r.detail}
                      for r in person.roles],
            "allocation": round(person.allocation, 4), "over_allocated": person.over_allocated}


def _diagnostic(diagnostic: Diagnostic) -> dict[str, Any]:
    return {"path": diagnostic.path, "line": diagnostic.line, "severity": diagnostic.severity,
            "message": diagnostic.message, "column": diagnostic.column,
            "code": diagnostic.code, "hint": diagnostic.hint}


# -- CSV ---------------------------------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: Any) -> str:
    """A CSV cell that spreadsheets will not run as a formula."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(_num(value))
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _csv(header: list[str], rows: list[list[Any]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    for row in rows:
        writer.writerow([csv_cell(v) for v in row])
    return buffer.getvalue()


CSV_FILES = ("projects.csv", "milestones.csv", "risks.csv", "issues.csv", "dependencies.csv")
"""The names `export_csv` gives its files, in its order."""


def export_csv(model: PortfolioModel, diagnostics: list[Diagnostic]) -> dict[str, str]:
    """CSV files by name (`CSV_FILES`): projects, milestones, risks, issues, dependencies."""
    data = export_data(model, diagnostics)
    projects = data["projects"]
    return {
        "projects.csv": _csv(
            ["id", "title", "program", "portfolio", "manager", "phase", "status", "trend",
             "stale", "last_report", "start", "end", "baseline_end", "slip_days", "planned",
             "spent", "currency", "url"],
            [[p["id"], p["title"], p["program"], p["portfolio"], p["manager"], p["phase"],
              p["status"], p["trend"], p["stale"], p["last_report"], p["start"], p["end"],
              p["baseline_end"], p["slip_days"], p["budget"]["planned"], p["budget"]["spent"],
              p["budget"]["currency"], p["url"]]
             for p in projects]),
        "milestones.csv": _csv(
            ["project", "id", "title", "due", "done", "baseline", "slip_days", "state"],
            [[p["id"], m["id"], m["title"], m["due"], m["done"], m["baseline"],
              m["slip_days"], m["state"]]
             for p in projects for m in p["milestones"]]),
        "risks.csv": _csv(
            ["id", "title", "scope", "probability", "impact", "score", "status", "owner",
             "review", "review_overdue"],
            [[r["id"], r["title"], r["scope"], r["probability"], r["impact"], r["score"],
              r["status"], r["owner"], r["review"], r["review_overdue"]]
             for r in data["risks"]]),
        "issues.csv": _csv(
            ["id", "title", "scope", "severity", "status", "owner", "due", "overdue"],
            [[i["id"], i["title"], i["scope"], i["severity"], i["status"], i["owner"],
              i["due"], i["overdue"]] for i in data["issues"]]),
        "dependencies.csv": _csv(
            ["downstream", "upstream", "at_risk", "reasons", "need_date", "planned_finish"],
            [[d["downstream"], d["upstream"], d["at_risk"], "; ".join(d["reasons"]),
              d["need_date"], d["planned_finish"]] for d in data["dependencies"]]),
    }
