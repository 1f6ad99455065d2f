"""The kinds of record (SPEC §3.1): one declaration per kind, in one ordered table.

Every fact about what a kind *is* lives here and nowhere else: its schema class, where
its page sits, whether a log entry of it is a register row, which of its fields are
references, whether a body is expected, how its id is made when it has none, which
records may hold it inline, and what `pmsite new` writes for it. Other modules read
`TABLE` (or a view of it computed below); none keeps a table of its own keyed by kind.

The order of `TABLE` is the order kinds are listed in wherever order shows (hints, the
tags page, `pmsite new`'s choices).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache

from generator.registries import table
from generator.schema import (
    Benefit,
    Change,
    Decision,
    Issue,
    Lesson,
    Meeting,
    Milestone,
    Model,
    Person,
    Portfolio,
    Program,
    Project,
    Risk,
    StatusReport,
)

ANY = "any"
"""In `Kind.references`: the field may name a record of any kind."""
OBJECTIVE = "objective"
"""In `Kind.references`: the field names a portfolio objective (not a kind of record)."""
MILESTONE = "milestone"


@dataclass(frozen=True, slots=True)
class Kind:
    """What one kind of record is, everywhere it matters."""

    name: str
    """The `kind:` value written in content."""
    schema: type[Model]
    """The pydantic model its fields are validated with (schema.py)."""
    label: str
    """How a record page names the kind (`Change request`)."""
    standalone: bool = True
    """It may stand in a file of its own or a log; False: only inside another record."""
    nested_in: tuple[str, ...] = ()
    """Kinds whose records may hold it inline, in their list `nested_field`."""
    nested_field: str | None = None
    """The list of an owner record (see `nested_in`) that holds it inline."""
    own_page: str | None = None
    """URL folder of the page every record of it gets, `<own_page>/<id>/`, wherever its
    source is (None: its page follows its source, or `folder`)."""
    folder: str | None = None
    """Where a record of it written in YAML gets its generated page, `<folder>/<id>/`
    (and the site section of that page); None: it gets no record page."""
    logged_as_rows: bool = False
    """An entry of a log of it is a row of its register page, not a page of its own."""
    source_not_a_page: bool = False
    """A Markdown source of it is not published as a page: its content is shown on
    generated pages (its own page, or its project's)."""
    references: tuple[tuple[str, tuple[str, ...]], ...] = ()
    """(field, kinds it may name) for each reference field, in the order they are checked
    (`ANY`: any record; `OBJECTIVE`: a portfolio objective). `depends_on` is walked apart."""
    local_ids: tuple[str, ...] = ()
    """Lists of items whose ids are unique only within one record of this kind."""
    body_expected: bool = False
    """A record of it written in Markdown should say something below its front matter."""
    id_from: tuple[str, ...] = ()
    """The fields its id is derived from when it has none (empty: `id` is required)."""
    tagged: bool = False
    """It carries `tags`, listed on the tags page."""
    program_log: bool = False
    """Listed on the page of the program (or project) it is about."""
    scaffold: str | None = None
    """Where `pmsite new <name>` writes a new record, under the docs dir (`{id}`, `{slug}`,
    `{number}`, `{date}`, `{project_folder}`, `{scope_folder}` filled in), from template
    `new/<name>.md.j2`; None: it cannot be scaffolded. A kind kept in lists (`nested_in`,
    or a log; template `new/<name>.yml.j2`) is appended to the list its scope keeps, and
    this names the log made when it keeps none (`{owner}`: only its owner's list)."""

    @property
    def may_omit_id(self) -> bool:
        """A record of it may leave out `id` (one is derived, see `id_from`)."""
        return bool(self.id_from)


def unique_kinds(kinds: Iterable[Kind]) -> dict[str, Kind]:
    """The table of `kinds` by name, in order; a name declared twice is an error."""
    return table(kinds, lambda kind: kind.name, "kind")


_SCOPE = (("project", ("project",)), ("program", ("program",)))

TABLE: dict[str, Kind] = unique_kinds([
    Kind("portfolio", Portfolio, "Portfolio", own_page="portfolios", source_not_a_page=True,
         local_ids=("objectives",), scaffold="portfolios/{id}.md"),
    Kind("program", Program, "Program", own_page="programs", source_not_a_page=True,
         references=(("portfolio", ("portfolio",)), ("aligns_to", (OBJECTIVE,))),
         local_ids=("benefits",), body_expected=True, tagged=True,
         scaffold="programs/{id}.md"),
    Kind("project", Project, "Project", own_page="projects", source_not_a_page=True,
         references=(("program", ("program",)), ("portfolio", ("portfolio",)),
                     ("aligns_to", (OBJECTIVE,))),
         local_ids=("milestones",), body_expected=True, tagged=True,
         scaffold="projects/{id}/charter.md"),
    Kind("status", StatusReport, "Status", source_not_a_page=True,
         references=(("project", ("project",)),), id_from=("project", "date"),
         scaffold="{project_folder}/status/{date}.md"),
    Kind(MILESTONE, Milestone, "Milestone", standalone=False, nested_in=("project",),
         nested_field="milestones", scaffold="{owner}"),
    Kind("risk", Risk, "Risk", nested_in=("project", "program"), nested_field="risks",
         folder="risks", logged_as_rows=True, references=_SCOPE, tagged=True,
         scaffold="{scope_folder}/risks.yml"),
    Kind("issue", Issue, "Issue", nested_in=("project", "program"), nested_field="issues",
         folder="issues", logged_as_rows=True,
         references=(*_SCOPE, ("from_risk", ("risk",))), tagged=True,
         scaffold="{scope_folder}/issues.yml"),
    Kind("decision", Decision, "Decision", folder="decisions",
         references=(("program", ("program",)), ("project", ("project",)),
                     ("supersedes", ("decision",)), ("related", (ANY,))),
         body_expected=True, tagged=True, program_log=True,
         scaffold="decisions/{number}-{slug}.md"),
    Kind("change", Change, "Change request", folder="changes",
         references=(("project", ("project",)), ("decision", ("decision",))),
         body_expected=True, program_log=True, scaffold="changes/{id}.md"),
    Kind("meeting", Meeting, "Meeting", folder="meetings",
         references=(("program", ("program",)), ("project", ("project",)),
                     ("decisions", ("decision",))),
         body_expected=True, program_log=True, scaffold="meetings/{date}-{slug}.md"),
    Kind("lesson", Lesson, "Lesson learned", folder="lessons", logged_as_rows=True,
         references=_SCOPE, id_from=("title", "project", "program"), tagged=True,
         program_log=True, scaffold="lessons/{id}.md"),
    Kind("benefit", Benefit, "Benefit", standalone=False, nested_in=("program",),
         nested_field="benefits", scaffold="{owner}"),
    Kind("person", Person, "Person", id_from=("name",), scaffold="people.yml"),
])
"""Every kind, by name, in the order kinds are listed."""


def kinds(**facts: object) -> tuple[Kind, ...]:
    """The kinds of `TABLE`, in order, whose fields have the values given
    (`kinds(tagged=True)`)."""
    return tuple(k for k in TABLE.values()
                 if all(getattr(k, name) == value for name, value in facts.items()))


def names(**facts: object) -> tuple[str, ...]:
    """The names of `kinds(**facts)`, in order."""
    return tuple(k.name for k in kinds(**facts))


SCHEMAS: dict[str, type[Model]] = {k.name: k.schema for k in kinds(standalone=True)}
"""Kinds that may stand in a file of their own (or a log), with their model, by `kind`."""
NESTED_ONLY: dict[str, str] = {k.name: k.nested_in[0] for k in kinds(standalone=False)}
"""Kinds that live only inside another record, with the kind of that record."""


def scaffold_kinds() -> tuple[str, ...]:
    """The kinds `pmsite new` can scaffold, in order."""
    return tuple(k.name for k in TABLE.values() if k.scaffold is not None)


@cache  # called for every record read; the table never changes
def inline_kinds(owner: str) -> tuple[Kind, ...]:
    """Kinds of their own that a record of kind `owner` may also hold inline (each
    becomes a record of its own, with the owner as its parent)."""
    return tuple(k for k in kinds(standalone=True) if owner in k.nested_in)
