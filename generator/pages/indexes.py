"""Section index pages: `/portfolios/`, `/programs/` and `/projects/`."""

from __future__ import annotations

from generator.pages import Context, PageSpec
from generator.pages.parts import split_by_program
from generator.pages.views import portfolio_row, program_row, project_row


def build_indexes(context: Context) -> list[PageSpec]:
    model = context.model
    portfolios = [portfolio_row(model, s) for s in model.portfolio_summaries.values()]
    programs = [program_row(model, s) for s in model.program_summaries.values()]
    projects = [project_row(model, p) for p in model.of_kind("project")]
    projects.sort(key=lambda r: (r["program"] is None, r["program"].text.casefold()
                                 if r["program"] else "", r["link"].text.casefold()))
    index = PageSpec("projects/index.md", "projects.md.j2", "Projects",
                     {"total": len(projects)}, section="projects")
    return [
        PageSpec("portfolios/index.md", "portfolios.md.j2", "Portfolios",
                 {"rows": portfolios}, section="portfolios"),
        PageSpec("programs/index.md", "programs.md.j2", "Programs",
                 {"rows": programs}, section="programs"),
        # A large list is split by program under `projects/_/`, where no project's page is.
        *split_by_program(context, index, projects,
                          lambda row: model.program_of.get(row["id"]), base="projects/_"),
    ]
