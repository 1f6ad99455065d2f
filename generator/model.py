"""The portfolio model: resolved records plus every fact derived as of a date (SPEC §4)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from generator.benefits import BenefitFact, benefit_fact
from generator.budget import BudgetFact, project_budget, total
from generator.diagnostics import Diagnostics
from generator.graph import CriticalPath, DependencyGraph
from generator.load import SourceDocument
from generator.people import Person, gather_people, index_by_name, name_key
from generator.records import Record, Records
from generator.registers import IssueFact, RiskFact, issue_facts, risk_facts
from generator.resolve import Links
from generator.rollup import ProjectStatus, Rollup, is_open, project_statuses, roll_up
from generator.scale import DONE, StatusScale
from generator.schedule import MilestoneFact, milestones_of
from generator.settings import Settings


@dataclass(slots=True)
class PortfolioModel:
    """Everything the pages, reports and exports need, computed once per run."""

    settings: Settings
    as_of: date
    records: Records
    links: Links
    pages: list[SourceDocument]
    statuses: dict[str, ProjectStatus] = field(default_factory=dict)
    milestones: dict[str, list[MilestoneFact]] = field(default_factory=dict)
    program_of: dict[str, str | None] = field(default_factory=dict)
    """Project id -> program id (None when standalone)."""
    portfolio_of: dict[str, str | None] = field(default_factory=dict)
    """Program or project id -> portfolio id (a project in a program: its program's)."""
    program_rollups: dict[str, Rollup] = field(default_factory=dict)
    portfolio_rollups: dict[str, Rollup] = field(default_factory=dict)
    graph: DependencyGraph | None = None
    acyclic: bool = True
    critical_paths: dict[str, CriticalPath] = field(default_factory=dict)
    budgets: dict[str, BudgetFact] = field(default_factory=dict)
    """Per project, and per program (the total over its projects)."""
    benefits: list[BenefitFact] = field(default_factory=list)
    risks: list[RiskFact] = field(default_factory=list)
    issues: list[IssueFact] = field(default_factory=list)
    people: dict[str, Person] = field(default_factory=dict)
    """Everyone named anywhere, by the slug of their page."""
    people_by_name: dict[str, Person] = field(default_factory=dict)
    """The same people by `name_key` of any spelling of their name."""

    @property
    def scale(self) -> StatusScale:
        return self.settings.scale

    def projects_of(self, program: str) -> list[Record]:
        return [p for p in self.records.by_kind("project") if self.program_of.get(p.id) == program]

    def programs_of(self, portfolio: str) -> list[Record]:
        return [p for p in self.records.by_kind("program")
                if self.portfolio_of.get(p.id) == portfolio]

    def standalone_projects(self, portfolio: str | None) -> list[Record]:
        return [p for p in self.records.by_kind("project")
                if self.program_of.get(p.id) is None and self.portfolio_of.get(p.id) == portfolio]

    def person(self, name: str) -> Person | None:
        """The person `name` (any spelling) refers to; None if nobody holds a role."""
        return self.people_by_name.get(name_key(name))

    def status_of(self, ident: str) -> str:
        """The current status of a project, program or portfolio."""
        if ident in self.statuses:
            return self.statuses[ident].status
        if ident in self.program_rollups:
            return self.program_rollups[ident].status
        return self.portfolio_rollups[ident].status


def build_model(settings: Settings, as_of: date, records: Records, links: Links,
                pages: list[SourceDocument], diagnostics: Diagnostics) -> PortfolioModel:
    """Derive every fact of SPEC §4 as of `as_of`; report the warnings they imply."""
    options = settings.options
    scale = settings.scale
    model = PortfolioModel(settings, as_of, records, links, pages)
    _memberships(model)
    model.statuses = project_statuses(records, scale, as_of, options.stale_after_days)
    for project in records.by_kind("project"):
        model.milestones[project.id] = milestones_of(project, as_of, options.due_soon_days)
    _rollups(model)
    model.graph = DependencyGraph(records, model.milestones)
    model.acyclic = model.graph.report_cycles(diagnostics)
    model.graph.evaluate(model.statuses, scale, as_of)
    for program in records.by_kind("program"):
        path = model.graph.critical_path(program.id, model.projects_of(program.id))
        if path is not None:
            model.critical_paths[program.id] = path
    _budgets(model)
    for program in records.by_kind("program"):
        model.benefits += [benefit_fact(program.id, b, as_of) for b in program.model.benefits]
    model.risks = risk_facts(records, as_of)
    model.issues = issue_facts(records, as_of)
    model.people = gather_people(records, diagnostics)
    model.people_by_name = index_by_name(model.people)
    _warnings(model, diagnostics)
    return model


def _memberships(model: PortfolioModel) -> None:
    records = model.records
    portfolios = records.by_kind("portfolio")
    only = portfolios[0].id if len(portfolios) == 1 else None

    def canonical(ref: str | None, kind: str) -> str | None:
        target = records.get(ref) if ref else None
        return target.id if target is not None and target.kind == kind else None

    for program in records.by_kind("program"):
        model.portfolio_of[program.id] = canonical(program.model.portfolio, "portfolio") or only
    for project in records.by_kind("project"):
        program_id = canonical(project.model.program, "program")
        model.program_of[project.id] = program_id
        if program_id is not None:
            model.portfolio_of[project.id] = model.portfolio_of.get(program_id)
        else:
            model.portfolio_of[project.id] = (canonical(project.model.portfolio, "portfolio")
                                              or only)


def _rollups(model: PortfolioModel) -> None:
    scale = model.scale
    for program in model.records.by_kind("program"):
        projects = model.projects_of(program.id)
        children = [(p.id, model.statuses[p.id].status) for p in projects if is_open(p)]
        if not children and projects:
            children = [(p.id, DONE) for p in projects]
        model.program_rollups[program.id] = roll_up(children, scale, program.model.status)
    for portfolio in model.records.by_kind("portfolio"):
        children = [(p.id, model.program_rollups[p.id].status)
                    for p in model.programs_of(portfolio.id)]
        children += [(p.id, model.statuses[p.id].status)
                     for p in model.standalone_projects(portfolio.id) if is_open(p)]
        rollup = roll_up(children, scale)
        below = [model.statuses[p.id].status for p in model.records.by_kind("project")
                 if model.portfolio_of.get(p.id) == portfolio.id and is_open(p)]
        rollup.counts = {s: below.count(s) for s in scale.values if s in below}
        model.portfolio_rollups[portfolio.id] = rollup


def _budgets(model: PortfolioModel) -> None:
    currency = model.settings.options.currency
    for project in model.records.by_kind("project"):
        model.budgets[project.id] = project_budget(project, model.statuses[project.id], currency)
    for program in model.records.by_kind("program"):
        own = program.model.budget
        program_currency = own.currency if own is not None and own.currency else currency
        summed = total([model.budgets[p.id] for p in model.projects_of(program.id)],
                       program_currency)
        planned = own.planned if own is not None and own.planned is not None else summed.planned
        model.budgets[program.id] = BudgetFact(planned, summed.spent, program_currency,
                                               summed.planned)


_BODY_EXPECTED = frozenset({"project", "program", "decision", "change", "meeting"})


def _warnings(model: PortfolioModel, diagnostics: Diagnostics) -> None:
    records, scale = model.records, model.scale
    for project in records.by_kind("project"):
        status = model.statuses[project.id]
        if status.stale and status.last_report is not None:
            report = status.last_report
            pos = report.source.pos(("date",))
            diagnostics.warning(report.path, pos.line, pos.column, "stale-status",
                                f"latest status report of '{project.id}' is "
                                f"{status.days_since_report} days old (stale after "
                                f"{model.settings.options.stale_after_days})",
                                "add a current status report")
        for fact in model.milestones[project.id]:
            if fact.state == "overdue":
                pos = project.source.pos(("milestones", fact.index, "due"))
                diagnostics.warning(project.path, pos.line, pos.value_column,
                                    "overdue-milestone",
                                    f"milestone '{fact.ref}' was due {fact.due.isoformat()} "
                                    "and is not done", "set `done:` or re-plan `due:`")
        start, end = project.model.start, project.model.end
        if start is not None and end is not None and end < start:
            pos = project.source.pos(("end",))
            diagnostics.warning(project.path, pos.line, pos.value_column, "invalid-dates",
                                f"end {end.isoformat()} is before start {start.isoformat()}")
    for report in records.by_kind("status"):
        _path_to_green(report, scale, model.as_of, diagnostics)
    assert model.graph is not None
    for dep in model.graph.dependencies:
        if dep.at_risk:
            pos = dep.pos
            diagnostics.warning(dep.record.path, pos.line, pos.column, "at-risk-dependency",
                                f"'{dep.downstream}' depends on '{dep.upstream}', which is at "
                                f"risk: {'; '.join(dep.reasons)}")
    for risk in model.risks:
        if risk.review_overdue:
            pos = risk.record.source.pos(("review",))
            diagnostics.warning(risk.record.path, pos.line, pos.value_column, "overdue-review",
                                f"review of risk '{risk.record.id}' was due "
                                f"{risk.record.model.review.isoformat()}",
                                "review it and set the next `review:` date")
    for issue in model.issues:
        if issue.overdue:
            pos = issue.record.source.pos(("due",))
            diagnostics.warning(issue.record.path, pos.line, pos.value_column, "overdue-issue",
                                f"issue '{issue.record.id}' was due "
                                f"{issue.record.model.due.isoformat()} and is "
                                f"{issue.record.model.status}", "resolve it or re-plan `due:`")
    for record in records:
        if (record.kind in _BODY_EXPECTED and record.source.doc.fmt == "markdown"
                and record.parent is None and not record.body.strip()):
            diagnostics.warning(record.path, record.source.line, 1, "empty-body",
                                f"{record.kind} '{record.id}' has no text below its front matter",
                                "describe it: context, purpose, what was decided")


def _path_to_green(report: Record, scale: StatusScale, as_of: date,
                   diagnostics: Diagnostics) -> None:
    model = report.model
    if model.date > as_of or (model.path_to_green or "").strip():
        return
    below = [name for name in ("overall", "schedule", "budget", "scope", "resources", "quality")
             if (scale.rank(getattr(model, name) or "") or 0) > 0]
    if below:
        pos = report.source.pos(("overall",))
        diagnostics.warning(report.path, pos.line, pos.column, "missing-path-to-green",
                            f"status report is {model.overall} "
                            f"({', '.join(below)} below {scale.best}) but has no path_to_green",
                            f"add `path_to_green:` saying what gets it back to {scale.best}")
