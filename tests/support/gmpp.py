"""Turn the real UK GMPP returns (2021-2023) into a pmsite content folder.

The three CSV files in ``data_dir`` (``uk_2021.csv``, ``uk_2022.csv``, ``uk_2023.csv``)
are the annual Government Major Projects Portfolio returns: cp1252, ``;``-separated,
with quoted newlines; 2022 and 2023 carry two ``colour_rating`` columns (the first filled
one wins) and 2023 writes dates as ``dd.mm.yyyy``.

:func:`convert` writes a complete pmsite site (``mkdocs.yml`` plus ``content/``) and
returns an :class:`Expected` holding the facts the generator must derive from it.  Those
facts are computed here, straight from the CSV rows, with no use of the ``generator``
package, so a test can hold pmsite to them.

Mapping (one record per line of the brief):

* ``content/portfolio.yml``: the portfolio ``gmpp``.
* ``content/programs/<dept>.yml``: one program per department; a project belongs to the
  department of its *latest* return (departments were renamed and split between
  2021 and 2023, e.g. BEIS -> DESNZ/DSIT), so only departments that own at least one
  project that way get a program.
* ``content/projects/<id>/project.md``: one project per ``project_number``; title, dates,
  budget and tags from the latest return; body = ``description_aims``.
* ``content/projects/<id>/status/<year>-03-31.md``: one status report per project per
  year it appears in; ``overall`` is the raw ``colour_rating`` text (``Amber/red``,
  ``Amber/Green``...) so pmsite's normaliser is exercised, or ``unknown`` when the cell
  is empty or a sentence (FOI exemption, "not in a position to provide ...").

Expected facts at an as-of date (``Expected.at``), mirroring SPEC §4:

* status: the normalised ``overall`` of the latest report dated on or before as-of,
  else ``unknown`` (the projects carry no ``status`` field and no ``phase``);
* last_report: that report's date, else ``None``;
* trend (:data:`TREND_RULE`): compare the latest report with the report immediately
  before it (the previous year's return, whatever it says); ``None`` when there is no
  previous report, or when either of the two is ``unknown``; otherwise ``better`` /
  ``worse`` / ``same`` by rank on green < amber-green < amber < amber-red < red
  (a lower rank is better);
* program rollup: the worst current status among its projects, ``unknown`` ignored
  unless every project is ``unknown`` (all projects are open: no phase is set);
* portfolio rollup: likewise over the programs (there are no standalone projects).

Run ``python -m tests.support.gmpp OUT_DIR [DATA_DIR]`` from the repo root to write the
site and print statistics.
"""

from __future__ import annotations

import csv
import re
import sys
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path

import yaml

YEARS = (2021, 2022, 2023)
LEVELS = ("green", "amber-green", "amber", "amber-red", "red")
RANK = {level: i for i, level in enumerate(LEVELS)}
UNKNOWN = "unknown"
PORTFOLIO_ID = "gmpp"
PORTFOLIO_TITLE = "Government Major Projects Portfolio"
ID_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}")
TREND_RULE = (
    "trend compares the latest report dated on or before as-of with the report "
    "immediately before it; null when there is no such previous report or when either "
    "report is unknown; otherwise better/worse/same by rank on "
    "green < amber-green < amber < amber-red < red (lower rank is better)"
)

_DEFAULT_DATA_DIRS = (
    # shared/ lies beside the repository's clone, for developers and CI alike.
    Path(__file__).resolve().parents[3] / "shared" / "data" / "gmpp",
)


def default_data_dir() -> Path | None:
    """The GMPP data folder: ``$PMSITE_GMPP_DATA``, else ``../shared/data/gmpp`` beside the
    repository; ``None`` when none of them holds the CSV files."""
    import os

    candidates = []
    if os.environ.get("PMSITE_GMPP_DATA"):
        candidates.append(Path(os.environ["PMSITE_GMPP_DATA"]))
    candidates.extend(_DEFAULT_DATA_DIRS)
    for folder in candidates:
        if all((folder / f"uk_{year}.csv").is_file() for year in YEARS):
            return folder
    return None


# --------------------------------------------------------------------------- values


def normalise_status(raw: str) -> str:
    """The five-level value of a raw ``colour_rating`` cell, or ``unknown``.

    Deliberately simple and independent of pmsite: trim, lowercase, ``/`` -> ``-``.
    Anything that is not then one of the five levels (empty cells, FOI-exemption
    sentences, "early planning ...") has no rating that year.
    """
    value = raw.strip().lower().replace("/", "-")
    return value if value in RANK else UNKNOWN


def _text(value: str) -> str:
    """Multi-line text: unify line ends (the data mixes \\r\\n and \\r\\r\\n), trim."""
    value = value.replace("\r\n", "\n").replace("\r", "\n")
    lines = [line.rstrip() for line in value.split("\n")]
    return "\n".join(lines).strip()


def _line(value: str) -> str:
    """Single-line text: every run of whitespace (incl. NBSP, newlines) -> one space."""
    return " ".join(value.split())


_DATE_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")


def parse_date(value: str) -> date | None:
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


_MONEY_RE = re.compile(r"\d+(?:\.\d+)?")


def parse_money(value: str) -> float | int | None:
    """``£2,013.02`` -> 2013.02, ``£278`` / ``34`` -> 278 / 34; sentences -> None."""
    text = value.strip().replace("£", "").replace(",", "").replace(" ", "")
    if text.lower().endswith("m"):
        text = text[:-1]
    if not _MONEY_RE.fullmatch(text):
        return None
    return float(text) if "." in text else int(text)


def slugify(value: str) -> str:
    slug = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
    return slug or "unassigned"


def _safe_id(raw: str) -> str:
    mapped = re.sub(r"[^A-Za-z0-9._-]", "-", raw)
    mapped = re.sub(r"^[^A-Za-z0-9]+", "", mapped)[:64]
    return mapped or "project"


# --------------------------------------------------------------------------- model


@dataclass(frozen=True)
class Report:
    date: date
    raw: str  # overall as written into the status file ("unknown" when no rating)
    status: str  # normalised expectation


@dataclass
class ExpectedProject:
    id: str
    project_number: str
    title: str
    program: str
    reports: list[Report] = field(default_factory=list)


@dataclass
class ExpectedProgram:
    id: str
    title: str
    projects: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class IdProblem:
    project_number: str
    mapped_to: str
    reason: str


@dataclass(frozen=True)
class Duplicate:
    year: int
    project_number: str
    kept_line: int
    dropped_line: int


@dataclass(frozen=True)
class ProjectAt:
    status: str
    last_report: str | None
    trend: str | None


@dataclass(frozen=True)
class ProgramAt:
    status: str
    projects: tuple[str, ...]


@dataclass(frozen=True)
class Snapshot:
    as_of: date
    projects: dict[str, ProjectAt]
    programs: dict[str, ProgramAt]
    portfolio_status: str

    def counts(self) -> Counter[str]:
        return Counter(p.status for p in self.projects.values())


def _worst(statuses: list[str]) -> str:
    known = [s for s in statuses if s != UNKNOWN]
    return max(known, key=RANK.__getitem__) if known else UNKNOWN


def _trend(latest: Report, previous: Report | None) -> str | None:
    if previous is None or UNKNOWN in (latest.status, previous.status):
        return None
    diff = RANK[latest.status] - RANK[previous.status]
    return "better" if diff < 0 else "worse" if diff > 0 else "same"


@dataclass
class Expected:
    out_dir: Path
    projects: dict[str, ExpectedProject]
    programs: dict[str, ExpectedProgram]
    id_problems: list[IdProblem]
    duplicates: list[Duplicate]
    unrated: list[tuple[str, int, str]]  # (project id, year, raw cell) rated unknown
    raw_ratings: Counter[str]  # raw overall values written, e.g. {"Amber/red": 44}
    notes: list[str]
    files: list[Path]

    trend_rule = TREND_RULE

    @property
    def report_count(self) -> int:
        return sum(len(p.reports) for p in self.projects.values())

    def at(self, as_of: date) -> Snapshot:
        projects: dict[str, ProjectAt] = {}
        for pid, project in self.projects.items():
            seen = [r for r in project.reports if r.date <= as_of]
            if not seen:
                projects[pid] = ProjectAt(UNKNOWN, None, None)
                continue
            latest = seen[-1]
            previous = seen[-2] if len(seen) > 1 else None
            projects[pid] = ProjectAt(
                latest.status, latest.date.isoformat(), _trend(latest, previous)
            )
        programs = {
            gid: ProgramAt(
                _worst([projects[p].status for p in program.projects]),
                tuple(program.projects),
            )
            for gid, program in self.programs.items()
        }
        portfolio = _worst([p.status for p in programs.values()])
        return Snapshot(as_of, projects, programs, portfolio)

    def stats(self, as_of: date | None = None) -> str:
        lines = [
            f"projects: {len(self.projects)}",
            f"programs: {len(self.programs)}",
            f"status reports: {self.report_count}",
            "raw overall values: "
            + ", ".join(f"{k!r}={v}" for k, v in sorted(self.raw_ratings.items())),
            f"unrated report cells (-> unknown): {len(self.unrated)}",
            f"id problems: {len(self.id_problems)} {self.id_problems or ''}".rstrip(),
            f"duplicates: {len(self.duplicates)} {self.duplicates or ''}".rstrip(),
        ]
        lines += [f"note: {n}" for n in self.notes]
        for when in [as_of] if as_of else [date(2023, 12, 31), date(2022, 6, 30)]:
            snap = self.at(when)
            counts = snap.counts()
            trends = Counter(p.trend for p in snap.projects.values())
            lines.append(
                f"as of {when}: "
                + ", ".join(f"{lvl}={counts[lvl]}" for lvl in (*LEVELS, UNKNOWN))
                + f"; trends {dict(sorted(trends.items(), key=str))}"
                + f"; program rollups {dict(Counter(g.status for g in snap.programs.values()))}"
                + f"; portfolio {snap.portfolio_status}"
            )
        return "\n".join(lines)


# --------------------------------------------------------------------------- reading


@dataclass
class _Row:
    year: int
    line: int
    cells: dict[str, str]

    def get(self, name: str) -> str:
        return self.cells.get(name, "")


def _read_year(path: Path, year: int) -> list[_Row]:
    rows: list[_Row] = []
    with path.open(encoding="cp1252", newline="") as handle:
        reader = csv.reader(handle, delimiter=";")
        header = [h.strip() for h in next(reader)]
        for cells in reader:
            if not any(c.strip() for c in cells):
                continue
            record: dict[str, str] = {}
            for name, value in zip(header, cells):
                value = value.strip()
                if name not in record or (not record[name] and value):
                    # duplicate column names (colour_rating): first filled one wins
                    record[name] = value
            rows.append(_Row(year, reader.line_num, record))
    return rows


def _dump(data: dict[str, object]) -> str:
    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10**6)


def _write_md(path: Path, front: dict[str, object], body: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "---\n" + _dump(front) + "---\n"
    if body:
        text += "\n" + body + "\n"
    path.write_text(text, encoding="utf-8")


def _write_yml(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(_dump(data), encoding="utf-8")


# --------------------------------------------------------------------------- convert


def convert(data_dir: Path, out_dir: Path) -> Expected:
    data_dir, out_dir = Path(data_dir), Path(out_dir)
    notes: list[str] = []
    duplicates: list[Duplicate] = []

    # project_number -> {year: row}, first occurrence in a year wins
    by_number: dict[str, dict[int, _Row]] = {}
    for year in YEARS:
        for row in _read_year(data_dir / f"uk_{year}.csv", year):
            number = row.get("project_number")
            if not number:
                notes.append(f"uk_{year}.csv:{row.line}: row without project_number skipped")
                continue
            if row.get("year") and row.get("year") != str(year):
                notes.append(f"uk_{year}.csv:{row.line}: year column says {row.get('year')!r}")
            years = by_number.setdefault(number, {})
            if year in years:
                duplicates.append(Duplicate(year, number, years[year].line, row.line))
                continue
            years[year] = row

    # programs: the department of each project's latest return
    dept_of: dict[str, str] = {}
    program_titles: dict[str, str] = {}
    for number, years in by_number.items():
        latest = years[max(years)]
        dept = _line(latest.get("department")) or "Unassigned"
        slug = slugify(dept)
        dept_of[number] = slug
        program_titles.setdefault(slug, dept)

    # project ids: verbatim when valid; unique case-insensitively across the site
    taken = {PORTFOLIO_ID} | set(program_titles)
    id_problems: list[IdProblem] = []
    id_of: dict[str, str] = {}
    for number in sorted(by_number):
        pid, reason = number, ""
        if not ID_RE.fullmatch(number):
            pid, reason = _safe_id(number), "violates the id rule"
        base, n = pid, 2
        while pid.lower() in taken:
            suffix = f"-{n}"
            pid, n = base[: 64 - len(suffix)] + suffix, n + 1
            reason = reason or "collides case-insensitively with another id"
        taken.add(pid.lower())
        id_of[number] = pid
        if pid != number:
            id_problems.append(IdProblem(number, pid, reason))

    files: list[Path] = []
    content = out_dir / "content"

    mkdocs = {
        "site_name": "GMPP",
        "docs_dir": "content",
        "plugins": [
            "search",
            {"pmsite": {"status_scale": list(LEVELS), "currency": "GBP"}},
        ],
    }
    out_dir.mkdir(parents=True, exist_ok=True)
    _write_yml(out_dir / "mkdocs.yml", mkdocs)
    files.append(out_dir / "mkdocs.yml")

    _write_yml(
        content / "portfolio.yml",
        {"kind": "portfolio", "id": PORTFOLIO_ID, "title": PORTFOLIO_TITLE},
    )
    files.append(content / "portfolio.yml")

    programs: dict[str, ExpectedProgram] = {}
    for slug in sorted(program_titles):
        path = content / "programs" / f"{slug}.yml"
        _write_yml(
            path,
            {
                "kind": "program",
                "id": slug,
                "title": program_titles[slug],
                "portfolio": PORTFOLIO_ID,
            },
        )
        files.append(path)
        programs[slug] = ExpectedProgram(slug, program_titles[slug])

    projects: dict[str, ExpectedProject] = {}
    unrated: list[tuple[str, int, str]] = []
    raw_ratings: Counter[str] = Counter()
    for number in sorted(by_number, key=lambda n: id_of[n]):
        years = by_number[number]
        pid = id_of[number]
        latest = years[max(years)]
        program = dept_of[number]
        title = _line(latest.get("project_name"))
        if not title:
            title = number
            notes.append(f"{number}: no project_name, title set to the project number")

        front: dict[str, object] = {
            "kind": "project",
            "id": pid,
            "title": title,
            "program": program,
            "manager": f"SRO, {program_titles[program]}",
        }
        start = parse_date(latest.get("start_date"))
        end = parse_date(latest.get("end_date"))
        if start:
            front["start"] = start
        if end:
            front["end"] = end
        if start and end and end < start:
            notes.append(f"{number}: end {end} before start {start}")
        planned = parse_money(latest.get("wlc_baseline_incl_NCG"))
        if planned is not None:
            front["budget"] = {"planned": planned, "currency": "GBP"}
        category = _line(latest.get("report_category"))
        if category:
            front["tags"] = [category]
        project_dir = content / "projects" / pid
        _write_md(project_dir / "project.md", front, _text(latest.get("description_aims")))
        files.append(project_dir / "project.md")

        expected = ExpectedProject(pid, number, title, program)
        for year in sorted(years):
            row = years[year]
            raw = _line(row.get("colour_rating"))
            status = normalise_status(raw)
            overall = raw if status != UNKNOWN else UNKNOWN
            if status == UNKNOWN:
                unrated.append((pid, year, raw))
            raw_ratings[overall] += 1
            when = date(year, 3, 31)
            report: dict[str, object] = {
                "kind": "status",
                "project": pid,
                "date": when,
                "overall": overall,
            }
            if status not in ("green", UNKNOWN):
                report["path_to_green"] = _text(row.get("schedule_comment")) or "Not published"
            path = project_dir / "status" / f"{when.isoformat()}.md"
            _write_md(path, report, _text(row.get("rating_comment")))
            files.append(path)
            expected.reports.append(Report(when, overall, status))
        projects[pid] = expected
        programs[program].projects.append(pid)

    for program in programs.values():
        program.projects.sort()

    return Expected(
        out_dir=out_dir,
        projects=projects,
        programs=programs,
        id_problems=id_problems,
        duplicates=duplicates,
        unrated=unrated,
        raw_ratings=raw_ratings,
        notes=notes,
        files=files,
    )


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args or len(args) > 2:
        print("usage: python -m tests.support.gmpp OUT_DIR [DATA_DIR]", file=sys.stderr)
        return 2
    data_dir = Path(args[1]) if len(args) > 1 else default_data_dir()
    if data_dir is None:
        print("GMPP data not found; pass DATA_DIR or set PMSITE_GMPP_DATA", file=sys.stderr)
        return 2
    expected = convert(data_dir, Path(args[0]))
    print(expected.stats())
    print(f"trend rule: {TREND_RULE}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
