"""The portfolio model: resolved records plus every fact derived as of a date (SPEC §4).

`build_model` derives everything once, with the indexes readers need, and then emits the
warnings the facts imply (rules.py). The model is frozen: pages and exports only read it.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Literal, TypeVar, cast, overload

from generator.benefits import BenefitFact, benefit_fact
from generator.budget import BudgetFact, project_budget, total
from generator.diagnostics import Diagnostics
from generator.governance import ActionFact, action_facts, superseded_by
from generator.graph import CriticalPath, Dependency, DependencyGraph
from generator.kinds import SCHEMAS
from generator.load import SourceDocument
from generator.people import Person, gather_people, index_by_name, name_key
from generator.records import Record, Records, Target
from generator.registers import (
    Band,
    IssueFact,
    RiskFact,
    by_scope,
    issue_facts,
    risk_bands,
    risk_facts,
)
from generator.relations import backlinks, linked, objectives, ref_key, targets
from generator.resolve import Links
from generator.rollup import ProjectStatus, Rollup, is_open, project_statuses, roll_up
from generator.rules import apply_rules
from generator.scale import DONE, StatusScale
from generator.schedule import MilestoneFact, milestones_of, program_slip, project_slip
from generator.schema import (
    Change,
    Decision,
    Issue,
    Lesson,
    Meeting,
    Objective,
    Portfolio,
    Program,
    Project,
    Risk,
    StatusReport,
)
from generator.scopes import RecordScope, program_logs, record_scopes
from generator.settings import Settings
from generator.summaries import PortfolioSummary, ProgramSummary, Totals, totals

R = TypeVar("R", bound=Record[Any])
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class PortfolioModel:
    """Everything the pages, reports and exports need, computed once per run.

    Each fact has one field; readers select and order, never look an id up or work a
    fact out again. Dicts by id hold every record of the kind they are about.
    """

    settings: Settings
    as_of: date
    records: Records
    links: Links
    pages: list[SourceDocument]
    kinds: dict[str, tuple[Record[Any], ...]]
    """Kind -> its records, by id (every kind of kinds.SCHEMAS but `person`)."""
    targets: dict[str, Target]
    """What every id and `project#milestone` names (read it with `target`)."""
    scopes: dict[str, RecordScope]
    """Record id -> the project, program and portfolio it belongs to."""
    statuses: dict[str, ProjectStatus]
    milestones: dict[str, list[MilestoneFact]]
    """Project id -> its milestones as written, with their states."""
    by_due: tuple[MilestoneFact, ...]
    """Every milestone of every project, by due date, then ref."""
    project_slip: Mapping[str, int | None]
    """Project id -> days its `end` lies after its `baseline_end` (None without both)."""
    program_slip: Mapping[str, int]
    """Program id -> the sum of its projects' milestone slips (0 when none has a baseline)."""
    program_of: dict[str, str | None]
    """Project id -> program id (None when standalone)."""
    portfolio_of: dict[str, str | None]
    """Program or project id -> portfolio id (a project in a program: its program's)."""
    projects_in: dict[str, tuple[Record[Project], ...]]
    """Program id -> its projects."""
    programs_in: dict[str, tuple[Record[Program], ...]]
    """Portfolio id -> its programs."""
    standalone_in: dict[str | None, tuple[Record[Project], ...]]
    """Portfolio id (None: no portfolio) -> its projects that are in no program."""
    standalone: tuple[Record[Project], ...]
    """Every project in no program, whatever its portfolio."""
    program_rollups: dict[str, Rollup]
    portfolio_rollups: dict[str, Rollup]
    program_summaries: dict[str, ProgramSummary]
    """Program id -> its summary row, in program order."""
    portfolio_summaries: dict[str, PortfolioSummary]
    """Portfolio id -> its summary row, in portfolio order."""
    status_counts: dict[str, int]
    """Status -> how many projects have it (every status of the scale, in order): open ones
    under their current status, closed ones as `done`."""
    open_projects: int
    """How many projects are not closed."""
    graph: DependencyGraph
    """Every dependency (the graph is empty when none is written)."""
    acyclic: bool
    program_dependencies: dict[str, tuple[Dependency, ...]]
    """Program id -> the dependencies with one of its projects on either side."""
    critical_paths: dict[str, CriticalPath]
    """Program id -> its critical path (SPEC §4; no steps when all is done)."""
    budgets: dict[str, BudgetFact]
    """Per project, and per program (the total over its projects)."""
    benefits: list[BenefitFact]
    benefits_of: dict[str, tuple[BenefitFact, ...]]
    """Program id -> its benefits."""
    risks: list[RiskFact]
    """Every risk, by id."""
    issues: list[IssueFact]
    """Every issue, by id."""
    totals: Totals
    """Portfolio-wide counts and sums (open and overdue risks and issues, dependencies at
    risk, approved change impact) for the dashboard and the logs."""
    risk_by_id: dict[str, RiskFact]
    issue_by_id: dict[str, IssueFact]
    risks_by_scope: dict[str, tuple[RiskFact, ...]]
    """Project or program id -> its risks (a program's include its projects'), by id."""
    issues_by_scope: dict[str, tuple[IssueFact, ...]]
    """Project or program id -> its issues (a program's include its projects'), by id."""
    superseded_by: dict[str, tuple[Record[Decision], ...]]
    """Decision id -> the decisions that supersede it (only superseded ones are keys)."""
    actions: dict[str, tuple[ActionFact, ...]]
    """Meeting id -> its actions, with their states."""
    program_logs: dict[str, tuple[Record[Any], ...]]
    """Program id -> decisions, changes, meetings and lessons about it or its projects."""
    backlinks: dict[str, tuple[tuple[str, Record[Any]], ...]]
    """Record id -> (field, record) for every record that references it."""
    linked: dict[str, tuple[Record[Any], ...]]
    """Project id -> the records it references or that reference it."""
    objectives_of: dict[str, tuple[tuple[Record[Portfolio], Objective], ...]]
    """Program or project id -> (portfolio, objective) for each objective it aligns to."""
    aligned: dict[str, dict[str, tuple[Record[Program | Project], ...]]]
    """Portfolio id -> objective id -> the programs, then projects, aligned to it."""
    people: dict[str, Person]
    """Everyone named anywhere, by the slug of their page."""
    people_by_name: dict[str, Person]
    """The same people by `name_key` of any spelling of their name."""

    @property
    def scale(self) -> StatusScale:
        return self.settings.scale

    @property
    def risk_bands(self) -> tuple[Band, ...]:
        """The risk score bands of the `risk_bands` option, lowest first."""
        return risk_bands(self.settings.options.risk_bands)

    @overload
    def of_kind(self, kind: Literal["portfolio"]) -> tuple[Record[Portfolio], ...]: ...
    @overload
    def of_kind(self, kind: Literal["program"]) -> tuple[Record[Program], ...]: ...
    @overload
    def of_kind(self, kind: Literal["project"]) -> tuple[Record[Project], ...]: ...
    @overload
    def of_kind(self, kind: Literal["status"]) -> tuple[Record[StatusReport], ...]: ...
    @overload
    def of_kind(self, kind: Literal["risk"]) -> tuple[Record[Risk], ...]: ...
    @overload
    def of_kind(self, kind: Literal["issue"]) -> tuple[Record[Issue], ...]: ...
    @overload
    def of_kind(self, kind: Literal["decision"]) -> tuple[Record[Decision], ...]: ...
    @overload
    def of_kind(self, kind: Literal["change"]) -> tuple[Record[Change], ...]: ...
    @overload
    def of_kind(self, kind: Literal["meeting"]) -> tuple[Record[Meeting], ...]: ...
    @overload
    def of_kind(self, kind: Literal["lesson"]) -> tuple[Record[Lesson], ...]: ...
    @overload
    def of_kind(self, kind: str) -> tuple[Record[Any], ...]: ...
    def of_kind(self, kind: str) -> tuple[Record[Any], ...]:
        """The records of `kind`, by id."""
        return self.kinds.get(kind, ())

    def target(self, ref: str) -> Target | None:
        """What an id or `project#milestone` (any case) names; None if nothing."""
        return self.targets.get(ref_key(ref))

    def projects_of(self, program: str) -> list[Record[Project]]:
        return list(self.projects_in.get(program, ()))

    def programs_of(self, portfolio: str) -> list[Record[Program]]:
        return list(self.programs_in.get(portfolio, ()))

    def standalone_projects(self, portfolio: str | None) -> list[Record[Project]]:
        return list(self.standalone_in.get(portfolio, ()))

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
                pages: list[SourceDocument], diagnostics: Diagnostics,
                rules: bool = True, like: PortfolioModel | None = None) -> PortfolioModel:
    """Derive every fact of SPEC §4 as of `as_of`; report the warnings they imply (unless
    not `rules`: a second picture of the same records, whose warnings nobody reads).

    `like` is a model of the same `records` as of another date: the facts that depend on
    the records alone (memberships, scopes, people, links) are taken from it as they are."""
    options, scale = settings.options, settings.scale
    if like is not None and like.records is not records:
        raise ValueError("build_model: `like` must be a model of the same records")

    def same(name: str, derive: Callable[[], T]) -> T:
        return cast(T, getattr(like, name)) if like is not None else derive()

    kinds = {kind: records.by_kind(kind) for kind in SCHEMAS if kind != "person"}
    portfolios = records.by_kind("portfolio")
    programs, projects = records.by_kind("program"), records.by_kind("project")
    program_of, portfolio_of = (_memberships(records) if like is None
                                else (like.program_of, like.portfolio_of))
    projects_in = _grouped(programs, projects, program_of)
    programs_in = _grouped(portfolios, programs, portfolio_of)
    standalone = tuple(p for p in projects if program_of[p.id] is None)
    standalone_lists: dict[str | None, list[Record[Project]]] = {}
    for project in standalone:
        standalone_lists.setdefault(portfolio_of[project.id], []).append(project)
    standalone_in = {key: tuple(items) for key, items in standalone_lists.items()}
    statuses = project_statuses(records, scale, as_of, options.stale_after_days)
    milestones = {p.id: milestones_of(p, as_of, options.due_soon_days) for p in projects}
    program_rollups = {p.id: _program_rollup(p, projects_in[p.id], statuses, scale)
                       for p in programs}
    portfolio_rollups = {
        p.id: _portfolio_rollup(p, programs_in[p.id], standalone_in.get(p.id, ()), projects,
                                portfolio_of, statuses, program_rollups, scale)
        for p in portfolios}
    graph = DependencyGraph(records, milestones)
    acyclic = graph.report_cycles(diagnostics)
    graph.evaluate(statuses, scale, as_of)
    critical_paths = {program.id: graph.critical_path(program.id, list(projects_in[program.id]))
                      for program in programs}
    budgets = _budgets(projects, programs, projects_in, statuses, options.currency)
    benefits = [benefit_fact(p.id, b, as_of) for p in programs for b in p.model.benefits]
    scopes = same("scopes", lambda: record_scopes(records, program_of, portfolio_of))
    risks = risk_facts(records.by_kind("risk"), scopes, as_of, options.risk_bands)
    issues = issue_facts(records.by_kind("issue"), scopes, as_of)
    scoped = [r.id for r in projects + programs]
    objectives_of, aligned = (objectives(records) if like is None
                              else (like.objectives_of, like.aligned))
    people = same("people", lambda: gather_people(records))
    open_statuses = Counter(statuses[p.id].status for p in projects if is_open(p))
    counts = status_counts(projects, statuses, scale)
    model = PortfolioModel(
        settings, as_of, records, links, pages, kinds=kinds,
        targets=same("targets", lambda: targets(records)),
        scopes=scopes, statuses=statuses, milestones=milestones,
        by_due=tuple(sorted((f for p in projects for f in milestones[p.id]),
                            key=lambda f: (f.due, f.ref))),
        project_slip={p.id: project_slip(p) for p in projects},
        program_slip={p.id: program_slip(f for q in projects_in[p.id]
                                         for f in milestones[q.id]) for p in programs},
        program_of=program_of, portfolio_of=portfolio_of, projects_in=projects_in,
        programs_in=programs_in, standalone_in=standalone_in, standalone=standalone,
        program_rollups=program_rollups, portfolio_rollups=portfolio_rollups,
        program_summaries={p.id: ProgramSummary(
            p, program_rollups[p.id], _resolved(records, program_rollups[p.id].drivers),
            projects_in[p.id], budgets[p.id], scopes[p.id].portfolio) for p in programs},
        portfolio_summaries={p.id: PortfolioSummary(
            p, portfolio_rollups[p.id], _resolved(records, portfolio_rollups[p.id].drivers),
            programs_in[p.id], standalone_in.get(p.id, ())) for p in portfolios},
        status_counts={s: counts.get(s, 0) for s in scale.values},
        open_projects=sum(open_statuses.values()),
        graph=graph, acyclic=acyclic,
        program_dependencies=_program_dependencies(graph, programs, program_of),
        critical_paths=critical_paths, budgets=budgets, benefits=benefits,
        benefits_of={p.id: tuple(f for f in benefits if f.program == p.id) for p in programs},
        risks=risks, issues=issues,
        totals=totals(risks, issues, graph, records.by_kind("change")),
        risk_by_id={f.record.id: f for f in risks}, issue_by_id={f.record.id: f for f in issues},
        risks_by_scope=by_scope(risks, program_of, scoped),
        issues_by_scope=by_scope(issues, program_of, scoped),
        superseded_by=same("superseded_by", lambda: superseded_by(records)),
        actions=action_facts(records.by_kind("meeting"), as_of),
        program_logs=same("program_logs", lambda: program_logs(records, program_of)),
        backlinks=same("backlinks", lambda: backlinks(records)),
        linked=same("linked", lambda: linked(records, "project")),
        objectives_of=objectives_of, aligned=aligned,
        people=people, people_by_name=same("people_by_name", lambda: index_by_name(people)))
    if rules:
        apply_rules(model, diagnostics)
    return model


def _memberships(records: Records) -> tuple[dict[str, str | None], dict[str, str | None]]:
    """Project -> program, and program or project -> portfolio (canonical ids)."""
    portfolios = records.by_kind("portfolio")
    only = portfolios[0].id if len(portfolios) == 1 else None
    program_of: dict[str, str | None] = {}
    portfolio_of: dict[str, str | None] = {}

    def canonical(ref: str | None, kind: str) -> str | None:
        target = records.get(ref) if ref else None
        return target.id if target is not None and target.kind == kind else None

    for program in records.by_kind("program"):
        portfolio_of[program.id] = canonical(program.model.portfolio, "portfolio") or only
    for project in records.by_kind("project"):
        program_id = canonical(project.model.program, "program")
        program_of[project.id] = program_id
        if program_id is not None:
            portfolio_of[project.id] = portfolio_of.get(program_id)
        else:
            portfolio_of[project.id] = (canonical(project.model.portfolio, "portfolio")
                                        or only)
    return program_of, portfolio_of


def _grouped(owners: Iterable[Record[Any]], members: Iterable[R],
             owner_of: Mapping[str, str | None]) -> dict[str, tuple[R, ...]]:
    found: dict[str, list[R]] = {owner.id: [] for owner in owners}
    for member in members:
        owner = owner_of.get(member.id)
        if owner is not None and owner in found:
            found[owner].append(member)
    return {key: tuple(items) for key, items in found.items()}


def _resolved(records: Records, ids: Iterable[str]) -> tuple[Record[Any], ...]:
    return tuple(r for i in ids if (r := records.get(i)) is not None)


def _program_rollup(program: Record[Program], projects: tuple[Record[Project], ...],
                    statuses: dict[str, ProjectStatus], scale: StatusScale) -> Rollup:
    children = [(p.id, statuses[p.id].status) for p in projects if is_open(p)]
    if not children and projects:
        children = [(p.id, DONE) for p in projects]
    rollup = roll_up(children, scale, program.model.status)
    rollup.counts = status_counts(projects, statuses, scale)
    return rollup


def _portfolio_rollup(portfolio: Record[Portfolio], programs: tuple[Record[Program], ...],
                      standalone: tuple[Record[Project], ...],
                      projects: tuple[Record[Project], ...],
                      portfolio_of: dict[str, str | None], statuses: dict[str, ProjectStatus],
                      program_rollups: dict[str, Rollup], scale: StatusScale) -> Rollup:
    children = [(p.id, program_rollups[p.id].status) for p in programs]
    children += [(p.id, statuses[p.id].status) for p in standalone if is_open(p)]
    rollup = roll_up(children, scale)
    rollup.counts = status_counts([p for p in projects if portfolio_of.get(p.id) == portfolio.id],
                                  statuses, scale)
    return rollup


def status_counts(projects: Iterable[Record[Project]], statuses: dict[str, ProjectStatus],
                  scale: StatusScale) -> dict[str, int]:
    """Projects per status, in scale order, statuses with none left out: an open project
    counts under its current status, a closed one as done (whatever its last report said)."""
    found = Counter(statuses[p.id].status if is_open(p) else DONE for p in projects)
    return {s: found[s] for s in scale.values if found[s]}


def _budgets(projects: tuple[Record[Project], ...], programs: tuple[Record[Program], ...],
             projects_in: dict[str, tuple[Record[Project], ...]],
             statuses: dict[str, ProjectStatus], currency: str) -> dict[str, BudgetFact]:
    budgets = {p.id: project_budget(p, statuses[p.id], currency) for p in projects}
    for program in programs:
        own = program.model.budget
        program_currency = own.currency if own is not None and own.currency else currency
        summed = total([budgets[p.id] for p in projects_in[program.id]], program_currency)
        planned = own.planned if own is not None and own.planned is not None else summed.planned
        budgets[program.id] = BudgetFact(planned, summed.spent, program_currency,
                                         summed.planned)
    return budgets


def _program_dependencies(graph: DependencyGraph, programs: tuple[Record[Program], ...],
                          program_of: dict[str, str | None]
                          ) -> dict[str, tuple[Dependency, ...]]:
    found: dict[str, list[Dependency]] = {p.id: [] for p in programs}
    for dep in graph.dependencies:
        sides = (program_of.get(dep.downstream.partition("#")[0]),
                 program_of.get(dep.upstream.partition("#")[0]))
        for program in dict.fromkeys(sides):
            if program is not None:
                found[program].append(dep)
    return {key: tuple(items) for key, items in found.items()}
