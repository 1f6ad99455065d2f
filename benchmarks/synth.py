"""Write a deterministic synthetic PMO portfolio (N projects) for benchmarking pmsite.

Usage: ``python benchmarks/synth.py N OUTDIR [--seed S] [--force]``

OUTDIR receives ``mkdocs.yml`` and ``content/``: one portfolio, programs of about ten
projects each (a few projects stand alone), decisions, ``people.yml`` and, per project,
a charter, two or three status reports, a risk log and either an issue log or a lessons
log (about five files per project). Everything is valid per SPEC §3.4 as of 2026-06-30.
The output depends only on N and the seed: no wall clock, no hash or directory order.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import shutil
import sys
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import synth_words as vocab
import yaml

AS_OF = dt.date(2026, 6, 30)
DEFAULT_SEED = 20260630
PORTFOLIO_ID = "it-portfolio"
PROJECTS_PER_PROGRAM = 10
STANDALONE_EVERY = 20  # every 20th project belongs to the portfolio directly
CURRENCY = "EUR"
OBJECTIVE_IDS = [objective[0] for objective in vocab.OBJECTIVES]
PLANS = vocab.SENTENCES_GOAL + vocab.SENTENCES_NEXT
ADVICE = vocab.SENTENCES_NEXT + vocab.PATHS_TO_GREEN


class _Dumper(yaml.SafeDumper):
    """Safe dumper that writes no anchors or aliases and indents lists as people write them."""

    def ignore_aliases(self, data: Any) -> bool:
        return True

    def increase_indent(self, flow: bool = False, indentless: bool = False) -> None:
        super().increase_indent(flow, False)


def dump_yaml(data: Any) -> str:
    """Serialise `data` as block-style YAML with keys in insertion order."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        sort_keys=False,
        allow_unicode=True,
        default_flow_style=False,
        width=96,
    )


@dataclass
class Person:
    """Someone named in the content, with their spare capacity for team allocations."""

    name: str
    role: str
    team: str
    capacity: float = 1.0


@dataclass
class People:
    """Deterministic pool of distinct people; allocations never exceed 1.0 per person."""

    rng: random.Random
    by_name: dict[str, Person] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    bench: list[Person] = field(default_factory=list)
    managers: list[Person] = field(default_factory=list)
    sponsors: list[Person] = field(default_factory=list)

    def new(self, role: str, team: str) -> Person:
        """Create a person with a name not used before."""
        while True:
            first, last = self.rng.choice(vocab.FIRST), self.rng.choice(vocab.LAST)
            name = f"{first} {last}"
            if name in self.by_name:
                name = f"{first} {self.rng.choice('ABCDEFGHJKLMNPRSTW')}. {last}"
            if name not in self.by_name:
                break
        person = Person(name, role, team)
        self.by_name[name] = person
        self.order.append(name)
        return person

    def manager(self) -> str:
        """A project or program manager; each manages a few projects."""
        if not self.managers or self.rng.random() < 0.3:
            self.managers.append(self.new("Project Manager", "PMO"))
        return self.rng.choice(self.managers).name

    def sponsor(self) -> str:
        """A senior sponsor; a small pool shared by many projects."""
        if len(self.sponsors) < 4 or self.rng.random() < 0.08:
            self.sponsors.append(self.new("Director", self.rng.choice(vocab.TEAMS)))
        return self.rng.choice(self.sponsors).name

    def allocate(self, share: float, exclude: set[str]) -> Person:
        """A team member not in `exclude` with `share` capacity left, hired if none is found."""
        candidates = [self.rng.choice(self.bench) for _ in range(12)] if self.bench else []
        person = next(
            (p for p in candidates if p.capacity >= share - 1e-9 and p.name not in exclude),
            None,
        )
        if person is None:
            person = self.new(self.rng.choice(vocab.TEAM_ROLES), self.rng.choice(vocab.TEAMS))
            self.bench.append(person)
        person.capacity = round(person.capacity - share, 2)
        if person.capacity < 0.1:
            self.bench.remove(person)
        return person


@dataclass
class Project:
    """What later files need to know about a generated project."""

    id: str
    index: int
    title: str
    system: str
    program: str | None
    start: dt.date
    end: dt.date
    phase: str
    milestones: list[dict[str, Any]]
    manager: str
    team: list[str]
    planned: int


class Writer:
    """Writes files under the content folder and counts them."""

    def __init__(self, content: Path) -> None:
        self.content = content
        self.count = 0

    def text(self, rel: str, text: str) -> None:
        path = self.content / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8", newline="\n")
        self.count += 1

    def record(self, rel: str, meta: dict[str, Any], body: str) -> None:
        self.text(rel, f"---\n{dump_yaml(meta)}---\n\n{body.rstrip()}\n")

    def data(self, rel: str, data: dict[str, Any]) -> None:
        self.text(rel, dump_yaml(data))


class Prose:
    """Sentence-ish filler text built from templates, varied in length."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng

    def fill(self, template: str, **slots: Any) -> str:
        rng = self.rng
        values: dict[str, Any] = {
            "system": rng.choice(vocab.SYSTEMS),
            "other": rng.choice(vocab.SYSTEMS),
            "vendor": rng.choice(vocab.VENDORS),
            "team": rng.choice(vocab.TEAMS),
            "role": rng.choice(vocab.TEAM_ROLES).lower(),
            "month": rng.choice(vocab.MONTHS),
            "year": rng.randint(2009, 2019),
            "year2": rng.randint(2026, 2028),
            "n": rng.randint(2, 14),
            "m": rng.randint(15, 40),
            "pct": rng.randint(81, 99),
            "money": f"€{rng.randint(2, 90) * 50_000:,}",
            "phase": "design",
            "date": (AS_OF + dt.timedelta(days=rng.randint(5, 60))).isoformat(),
        }
        values.update(slots)
        return template.format(**values)

    def sentences(self, pool: Sequence[str], low: int, high: int, **slots: Any) -> list[str]:
        count = min(len(pool), self.rng.randint(low, high))
        return [self.fill(t, **slots) for t in self.rng.sample(list(pool), count)]

    def paragraph(self, pool: Sequence[str], low: int = 2, high: int = 4, **slots: Any) -> str:
        return " ".join(self.sentences(pool, low, high, **slots))

    def bullets(self, pool: Sequence[str], low: int = 2, high: int = 4, **slots: Any) -> str:
        return "\n".join(f"- {s}" for s in self.sentences(pool, low, high, **slots))


def project_id(index: int) -> str:
    return f"p{index:04d}"


def program_id(index: int) -> str:
    return f"prg{index:03d}"


def pick_status(rng: random.Random) -> str:
    return rng.choices(["green", "amber", "red"], weights=[55, 30, 15])[0]


def spread(start: dt.date, end: dt.date, count: int) -> list[dt.date]:
    """`count` dates spread evenly after `start`, the last one on `end`."""
    span = (end - start).days
    return [start + dt.timedelta(days=round(span * (k + 1) / count)) for k in range(count)]


class Generator:
    """Builds the portfolio project by project (each from its own seeded RNG) and writes it."""

    def __init__(self, n: int, content: Path, seed: int) -> None:
        self.n = n
        self.seed = seed
        self.prose = Prose(random.Random(seed))  # re-seeded per project, program, portfolio
        self.people = People(random.Random(f"{seed}:people"))
        self.out = Writer(content)
        self.projects: list[Project] = []
        standalone = sum(1 for i in range(1, n + 1) if i % STANDALONE_EVERY == 0)
        self.n_programs = max(1, -(-(n - standalone) // PROJECTS_PER_PROGRAM))
        self.program_members: dict[str, list[Project]] = {}

    def program_of(self, index: int) -> str | None:
        if index % STANDALONE_EVERY == 0:
            return None
        return program_id((index - 1) % self.n_programs + 1)

    def run(self) -> int:
        for index in range(1, self.n + 1):
            self.project(index)
        for index in range(1, self.n_programs + 1):
            self.program(index)
        self.portfolio()
        self.people_file()
        return self.out.count

    # -- projects -----------------------------------------------------------------

    def project(self, index: int) -> None:
        rng = random.Random(f"{self.seed}:project:{index}")
        self.prose = Prose(rng)
        pid = project_id(index)
        program = self.program_of(index)
        system = rng.choice(vocab.SYSTEMS)
        title = f"{system} {rng.choice(vocab.ACTIONS)}{rng.choice(vocab.TITLE_SUFFIXES)}"
        start = dt.date(2024, 7, 1) + dt.timedelta(days=rng.randint(0, 688))
        end = start + dt.timedelta(days=rng.randint(180, 720))
        if end < AS_OF:
            phase = rng.choice(["closed", "closed", "closed", "closing"])
        elif (AS_OF - start).days < 45:
            phase = rng.choice(["initiation", "planning"])
        else:
            phase = "execution"
        planned = rng.randint(4, 240) * 25_000
        progress = min(1.0, max(0.0, (AS_OF - start).days / (end - start).days))
        spent = round(planned * progress * rng.uniform(0.8, 1.25), -3)

        milestones = self.milestones(rng, pid, start, end, phase)
        manager = self.people.manager()
        sponsor = self.people.sponsor()
        team: list[dict[str, Any]] = []
        team_names: list[str] = []
        for _ in range(rng.randint(3, 6)):
            share = rng.choice([0.2, 0.25, 0.5, 0.5, 1.0])
            person = self.people.allocate(share, set(team_names))
            team.append({"name": person.name, "role": person.role, "allocation": share})
            team_names.append(person.name)
        stakeholders = [
            {
                "name": self.people.sponsor(),
                "role": rng.choice(vocab.STAKEHOLDER_ROLES),
                "interest": rng.choice(vocab.LEVELS),
                "influence": rng.choice(vocab.LEVELS),
            }
            for _ in range(rng.randint(1, 3))
        ]
        meta: dict[str, Any] = {"kind": "project", "id": pid, "title": title}
        if program is None:
            meta["portfolio"] = PORTFOLIO_ID
        else:
            meta["program"] = program
        meta.update(
            {
                "manager": manager,
                "sponsor": sponsor,
                "phase": phase,
                "start": start,
                "end": end,
                "budget": {"planned": planned, "spent": int(spent), "currency": CURRENCY},
                "aligns_to": sorted(rng.sample(OBJECTIVE_IDS, rng.randint(1, 2))),
                "objectives": self.prose.sentences(vocab.SENTENCES_GOAL, 2, 3, system=system),
                "scope": {
                    "in": [f"{system} {work}" for work in rng.sample(vocab.SCOPE_WORK, 3)],
                    "out": [f"Changes to the {rng.choice(vocab.SYSTEMS)}"],
                },
                "milestones": milestones,
            }
        )
        depends = self.dependencies(rng, program, end, milestones)
        if depends:
            meta["depends_on"] = depends
        meta["stakeholders"] = stakeholders
        meta["team"] = team
        meta["tags"] = sorted(rng.sample(vocab.PROJECT_TAGS, 2))

        project = Project(
            id=pid,
            index=index,
            title=title,
            system=system,
            program=program,
            start=start,
            end=end,
            phase=phase,
            milestones=milestones,
            manager=manager,
            team=team_names,
            planned=planned,
        )
        self.projects.append(project)
        if program is not None:
            self.program_members.setdefault(program, []).append(project)

        self.out.record(f"projects/{pid}/charter.md", meta, self.charter_body(rng, project))
        self.status_reports(rng, project)
        risks = self.risks(rng, project)
        if index % 2:
            self.issues(rng, project, risks)
        else:
            self.lessons(rng, project)

    def milestones(
        self, rng: random.Random, pid: str, start: dt.date, end: dt.date, phase: str
    ) -> list[dict[str, Any]]:
        count = rng.randint(4, 8)
        names = sorted(rng.sample(range(len(vocab.MILESTONE_NAMES) - 1), count - 1))
        titles = [vocab.MILESTONE_NAMES[k] for k in names] + [vocab.MILESTONE_NAMES[-1]]
        result: list[dict[str, Any]] = []
        for k, (title, due) in enumerate(
            zip(titles, spread(start, end, count), strict=True), start=1
        ):
            item: dict[str, Any] = {"id": f"m{k}", "title": title, "due": due}
            if due <= AS_OF and (phase == "closed" or rng.random() < 0.92):
                done = due + dt.timedelta(days=rng.choice([-6, -2, 0, 0, 0, 3, 9]))
                item["done"] = min(done, AS_OF)
            if k > 1 and rng.random() < 0.3:
                item["depends_on"] = [f"{pid}#m{k - 1}"]
            result.append(item)
        return result

    def dependencies(
        self,
        rng: random.Random,
        program: str | None,
        end: dt.date,
        milestones: list[dict[str, Any]],
    ) -> list[Any]:
        """Up to three dependencies, only on earlier projects so the graph stays acyclic.

        Most upstream projects finish before this one ends, so only some are at risk.
        """
        earlier = self.projects
        if not earlier:
            return []
        siblings = self.program_members.get(program, []) if program else []
        chosen: dict[str, Project] = {}
        for _ in range(rng.choices([0, 1, 2, 3], weights=[30, 35, 25, 10])[0]):
            pool = siblings if siblings and rng.random() < 0.7 else earlier
            draws = [rng.choice(pool) for _ in range(3)]
            upstream = next((p for p in draws if p.end <= end), draws[-1])
            chosen.setdefault(upstream.id, upstream)
        result: list[Any] = []
        for upstream in sorted(chosen.values(), key=lambda p: p.index):
            style = rng.random()
            if style < 0.5:
                result.append(upstream.id)
            elif style < 0.7:
                result.append(
                    {
                        "on": upstream.id,
                        "note": self.prose.fill(
                            "Needs the {system} interface in production first."
                        ),
                    }
                )
            else:
                fits = [m for m in upstream.milestones if m["due"] <= end]
                up = rng.choice(fits or upstream.milestones)
                later = [m for m in milestones if m["due"] >= up["due"]]
                need = rng.choice(later) if later and rng.random() < 0.85 else milestones[-1]
                result.append(
                    {
                        "on": f"{upstream.id}#{up['id']}",
                        "for": need["id"],
                        "note": f"{need['title']} needs {up['title'].lower()} upstream.",
                    }
                )
        return result

    def charter_body(self, rng: random.Random, project: Project) -> str:
        links = []
        if project.program:
            links.append(f"It is part of [[{project.program}]].")
        if self.projects[:-1]:
            other = rng.choice(self.projects[:-1])
            last = f"{other.id}#{other.milestones[-1]['id']}"
            choices = [
                f"It builds on the work of [[{other.id}]].",
                f"Lessons from [[{other.id}|the {other.title.split()[0]} project]] apply.",
                f"Coordinate the cut-over with [[{last}]].",
            ]
            links.append(rng.choice(choices))
        parts = [
            "## Background",
            self.prose.paragraph(vocab.SENTENCES_BACKGROUND, 2, 5, system=project.system),
            "## Goals",
            self.prose.paragraph(vocab.SENTENCES_GOAL, 2, 4, system=project.system)
            + " "
            + " ".join(links),
            "## Approach",
            self.prose.paragraph(PLANS, 1, 3, system=project.system),
        ]
        if rng.random() < 0.4:
            parts += ["## Risks and assumptions", self.prose.bullets(vocab.SENTENCES_ISSUES, 1, 3)]
        return "\n\n".join(parts)

    def status_reports(self, rng: random.Random, project: Project) -> None:
        if project.phase == "closed":
            latest = min(
                project.end + dt.timedelta(days=rng.randint(0, 10)), AS_OF - dt.timedelta(1)
            )
        else:
            latest = AS_OF - dt.timedelta(days=rng.choice([1, 2, 3, 4, 5, 6, 7, 10, 13, 20]))
        step = rng.choice([7, 14, 14]) if (latest - project.start).days >= 30 else 7
        count = rng.randint(2, 3)
        dates = [latest - dt.timedelta(days=step * k) for k in reversed(range(count))]
        for k, day in enumerate(dates):
            overall = pick_status(rng)
            order = ["green", "amber", "red"]
            dims = {
                dim: order[rng.randint(0, order.index(overall))]
                for dim in ["schedule", "budget", "scope", "resources", "quality"]
            }
            dims[rng.choice(list(dims))] = overall
            span = max(1, (project.end - project.start).days)
            pct = max(0, min(100, round(100 * (day - project.start).days / span)))
            meta: dict[str, Any] = {
                "kind": "status",
                "project": project.id,
                "date": day,
                "overall": overall,
                **dims,
                "percent_complete": pct,
                "spent": int(project.planned * pct / 100 * rng.uniform(0.85, 1.2)) // 1000 * 1000,
                "summary": self.prose.fill(rng.choice(vocab.SENTENCES_DONE)),
            }
            if overall != "green":
                meta["path_to_green"] = self.prose.fill(rng.choice(vocab.PATHS_TO_GREEN))
            body = "\n\n".join(
                [
                    "## Accomplishments",
                    self.prose.bullets(vocab.SENTENCES_DONE, 2, 5),
                    "## Next steps",
                    self.prose.bullets(vocab.SENTENCES_NEXT, 1, 4),
                    "## Issues",
                    self.prose.paragraph(vocab.SENTENCES_ISSUES, 1, 2),
                ]
            )
            if k == len(dates) - 1 and rng.random() < 0.3:
                body += f"\n\nSee also [[{project.id}#{project.milestones[-1]['id']}]]."
            self.out.record(f"projects/{project.id}/status/{day.isoformat()}.md", meta, body)

    def risks(self, rng: random.Random, project: Project) -> list[dict[str, Any]]:
        entries = []
        for k in range(1, rng.randint(3, 6) + 1):
            raised = project.start + dt.timedelta(days=rng.randint(0, 120))
            status = rng.choices(["open", "closed", "occurred"], weights=[65, 25, 10])[0]
            if project.phase == "closed":
                status = "closed"
            scale: Sequence[Any] = range(1, 6) if rng.random() < 0.6 else vocab.LEVELS
            entry: dict[str, Any] = {
                "id": f"{project.id}-r{k}",
                "title": self.prose.fill(rng.choice(vocab.RISK_TITLES)),
                "probability": rng.choice(scale),
                "impact": rng.choice(scale),
                "owner": rng.choice([project.manager, *project.team]),
                "response": rng.choice(
                    ["avoid", "mitigate", "mitigate", "transfer", "accept", "escalate"]
                ),
                "mitigation": self.prose.fill(rng.choice(vocab.PATHS_TO_GREEN)),
                "status": status,
                "raised": min(raised, AS_OF),
            }
            if status == "open":
                entry["review"] = AS_OF + dt.timedelta(days=rng.randint(-5, 45))
            entries.append(entry)
        self.out.data(
            f"projects/{project.id}/risks.yml",
            {"kind": "risk", "project": project.id, "entries": entries},
        )
        return entries

    def issues(self, rng: random.Random, project: Project, risks: list[dict[str, Any]]) -> None:
        entries = []
        for k in range(1, rng.randint(2, 4) + 1):
            status = rng.choice(["open", "in-progress", "escalated", "resolved", "closed"])
            if project.phase == "closed":
                status = "closed"
            if status in ("resolved", "closed"):
                raised = min(project.start + dt.timedelta(days=rng.randint(10, 200)), AS_OF)
            else:
                raised = max(project.start, AS_OF - dt.timedelta(days=rng.randint(3, 60)))
            if status in ("resolved", "closed"):
                due = raised + dt.timedelta(days=rng.randint(7, 60))
            else:
                due = max(raised, AS_OF - dt.timedelta(days=7)) + dt.timedelta(rng.randint(3, 50))
            entry: dict[str, Any] = {
                "id": f"{project.id}-i{k}",
                "title": self.prose.fill(rng.choice(vocab.ISSUE_TITLES)),
                "severity": rng.choice(["low", "medium", "medium", "high", "critical"]),
                "owner": rng.choice([project.manager, *project.team]),
                "raised": raised,
                "due": due,
                "status": status,
            }
            if status in ("resolved", "closed"):
                entry["resolution"] = self.prose.fill(rng.choice(vocab.PATHS_TO_GREEN))
            earlier = [r["id"] for r in risks if r["raised"] <= raised]
            if earlier and rng.random() < 0.4:
                entry["from_risk"] = rng.choice(earlier)
            entries.append(entry)
        self.out.data(
            f"projects/{project.id}/issues.yml",
            {"kind": "issue", "project": project.id, "entries": entries},
        )

    def lessons(self, rng: random.Random, project: Project) -> None:
        entries = []
        for template in rng.sample(vocab.LESSON_TITLES, rng.randint(2, 4)):  # distinct titles
            entries.append(
                {
                    "title": self.prose.fill(template),
                    "date": min(project.start + dt.timedelta(days=rng.randint(30, 400)), AS_OF),
                    "category": rng.choice(vocab.LESSON_CATEGORIES),
                    "type": rng.choice(["went-well", "improve"]),
                    "impact": rng.choice(vocab.LEVELS),
                    "recommendation": self.prose.paragraph(ADVICE, 1, 2),
                    "tags": sorted(rng.sample(vocab.LESSON_TAGS, 2)),
                }
            )
        self.out.data(
            f"projects/{project.id}/lessons.yml",
            {"kind": "lesson", "project": project.id, "entries": entries},
        )

    # -- programs, decisions, portfolio, people -------------------------------------

    def program(self, index: int) -> None:
        rng = random.Random(f"{self.seed}:program:{index}")
        self.prose = Prose(rng)
        gid = program_id(index)
        members = self.program_members.get(gid, [])
        theme = vocab.THEMES[(index - 1) % len(vocab.THEMES)]
        series = vocab.ROMAN[((index - 1) // len(vocab.THEMES)) % len(vocab.ROMAN)]
        title = f"{theme} Programme{series}"
        if index > len(vocab.THEMES) * len(vocab.ROMAN):
            title += f" ({index})"
        benefits = []
        for k, (b_title, metric, unit, direction) in enumerate(
            rng.sample(vocab.BENEFITS, rng.randint(1, 3)), start=1
        ):
            baseline = rng.randint(20, 60)
            target = baseline + direction * rng.randint(5, 19)
            measurements = []
            day = dt.date(2025, 1, 31)
            value = float(baseline)
            for _ in range(rng.randint(1, 4)):
                value += (target - baseline) * rng.uniform(0.05, 0.3)
                measurements.append({"date": day, "value": round(value, 1)})
                day += dt.timedelta(days=rng.choice([91, 92, 182]))
            benefits.append(
                {
                    "id": f"b{k}",
                    "title": self.prose.fill(b_title),
                    "metric": metric,
                    "unit": unit,
                    "baseline": baseline,
                    "target": target,
                    "due": dt.date(2027, rng.randint(1, 12), 28),
                    "measurements": measurements,
                }
            )
        meta: dict[str, Any] = {
            "kind": "program",
            "id": gid,
            "title": title,
            "portfolio": PORTFOLIO_ID,
            "manager": self.people.manager(),
            "sponsor": self.people.sponsor(),
            "aligns_to": sorted(rng.sample(OBJECTIVE_IDS, 2)),
            "budget": {
                "planned": sum(p.planned for p in members) + rng.randint(1, 20) * 50_000,
                "currency": CURRENCY,
            },
            "governance": {
                "board": sorted({self.people.sponsor() for _ in range(3)}),
                "cadence": rng.choice(["monthly", "fortnightly", "quarterly"]),
            },
            "benefits": benefits,
        }
        parts = ["## Vision", self.prose.paragraph(vocab.SENTENCES_GOAL, 2, 4)]
        if members:
            links = ", ".join(f"[[{p.id}]]" for p in members[:3])
            parts += ["## Projects", f"The program's first projects are {links}."]
        parts += ["## Governance", self.prose.paragraph(vocab.CONTEXT_SENTENCES, 1, 3)]
        body = "\n\n".join(parts)
        self.out.record(f"programs/{gid}.md", meta, body)
        self.decisions(rng, gid, members)

    def decisions(self, rng: random.Random, gid: str, members: list[Project]) -> None:
        count = rng.randint(2, 4)
        superseded = {k for k in range(1, count) if rng.random() < 0.3}  # by decision k + 1
        for k in range(1, count + 1):
            did = f"adr-{gid}-{k:02d}"
            day = dt.date(2024, 9, 1) + dt.timedelta(days=90 * k + rng.randint(0, 60))
            meta: dict[str, Any] = {
                "kind": "decision",
                "id": did,
                "title": self.prose.fill(rng.choice(vocab.DECISION_TITLES)),
                "date": min(day, AS_OF),
                "status": "superseded"
                if k in superseded
                else rng.choice(["accepted", "accepted", "accepted", "proposed"]),
                "program": gid,
                "decided_by": "Program board",
            }
            if k - 1 in superseded:
                meta["supersedes"] = [f"adr-{gid}-{k - 1:02d}"]
            if members:
                meta["related"] = sorted({rng.choice(members).id for _ in range(2)})
            link = f" See [[{members[0].id}]]." if members else ""
            body = "\n\n".join(
                [
                    "## Context",
                    self.prose.paragraph(vocab.CONTEXT_SENTENCES, 2, 3) + link,
                    "## Decision",
                    self.prose.paragraph(vocab.DECISION_SENTENCES, 1, 2),
                    "## Consequences",
                    self.prose.bullets(vocab.CONSEQUENCE_SENTENCES, 2, 3),
                ]
            )
            self.out.record(f"decisions/{did}.md", meta, body)

    def portfolio(self) -> None:
        self.prose = Prose(random.Random(f"{self.seed}:portfolio"))
        meta = {
            "kind": "portfolio",
            "id": PORTFOLIO_ID,
            "title": "IT Change Portfolio",
            "manager": self.people.manager(),
            "objectives": [{"id": o, "title": t, "description": d} for o, t, d in vocab.OBJECTIVES],
        }
        body = "\n\n".join(
            [
                "The IT change portfolio holds every funded project and program.",
                self.prose.paragraph(vocab.CONTEXT_SENTENCES, 2, 3),
                f"Start with [[{program_id(1)}]] or the first project, [[{project_id(1)}]].",
            ]
        )
        self.out.record("portfolio.md", meta, body)

    def people_file(self) -> None:
        entries = []
        for name in self.people.order:
            person = self.people.by_name[name]
            ascii_name = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()
            words = ascii_name.replace("'", "").replace(".", "").lower().split()
            local = ".".join(w for w in words if len(w) > 1)
            entries.append(
                {
                    "name": name,
                    "email": f"{local}@example.org",
                    "role": person.role,
                    "team": person.team,
                }
            )
        # As an office with thousands of people would (one YAML file may hold 2,000,000
        # characters): a file per PEOPLE_PER_FILE people, `people.yml` first.
        for start in range(0, max(len(entries), 1), PEOPLE_PER_FILE):
            name = "people.yml" if not start else f"people-{start // PEOPLE_PER_FILE + 1}.yml"
            self.out.data(name, {"kind": "person",
                                 "entries": entries[start:start + PEOPLE_PER_FILE]})


PEOPLE_PER_FILE = 10_000


def write_mkdocs(outdir: Path) -> None:
    config = {
        "site_name": "Synthetic PMO",
        "docs_dir": "content",
        "plugins": ["search", {"pmsite": {"stale_after_days": 14}}],
    }
    (outdir / "mkdocs.yml").write_text(dump_yaml(config), encoding="utf-8", newline="\n")


def generate(n: int, outdir: Path, seed: int = DEFAULT_SEED, force: bool = False) -> int:
    """Write the portfolio for `n` projects into `outdir`; return the number of content files."""
    if n < 1:
        raise ValueError("N must be at least 1")
    content = outdir / "content"
    if content.exists() and any(content.iterdir()):
        if not force:
            raise FileExistsError(f"{content} is not empty (use --force to replace it)")
        shutil.rmtree(content)
    content.mkdir(parents=True, exist_ok=True)
    write_mkdocs(outdir)
    return Generator(n, content, seed).run()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("n", type=int, help="number of projects")
    parser.add_argument("outdir", type=Path, help="folder for mkdocs.yml and content/")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="replace an existing content/")
    args = parser.parse_args(argv)
    try:
        files = generate(args.n, args.outdir, args.seed, args.force)
    except (ValueError, FileExistsError) as exc:
        print(f"synth: {exc}", file=sys.stderr)
        return 2
    print(f"wrote {files} content files for {args.n} projects to {args.outdir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
