"""Section index pages: `/portfolios/`, `/programs/` and `/projects/`."""

from __future__ import annotations

from generator.pages import Context, PageSpec
from generator.pages.views import person_link, project_row, record_link, ref_link


def build_indexes(context: Context) -> list[PageSpec]:
    model = context.model
    portfolios = [{"link": record_link(p), "rollup": model.portfolio_rollups[p.id],
                   "drivers": [ref_link(model, d) for d in model.portfolio_rollups[p.id].drivers],
                   "programs": len(model.programs_of(p.id)),
                   "standalone": len(model.standalone_projects(p.id)),
                   "manager": person_link(model, p.model.manager) if p.model.manager else None}
                  for p in model.records.by_kind("portfolio")]
    programs = [{"link": record_link(p), "rollup": model.program_rollups[p.id],
                 "drivers": [ref_link(model, d) for d in model.program_rollups[p.id].drivers],
                 "projects": len(model.projects_of(p.id)),
                 "manager": person_link(model, p.model.manager) if p.model.manager else None,
                 "budget": model.budgets[p.id]}
                for p in model.records.by_kind("program")]
    projects = [project_row(model, p) for p in model.records.by_kind("project")]
    projects.sort(key=lambda r: (r["program"] is None, r["program"].text.casefold()
                                 if r["program"] else "", r["link"].text.casefold()))
    return [
        PageSpec("portfolios/index.md", "portfolios.md.j2", "Portfolios",
                 {"rows": portfolios}, section="portfolios"),
        PageSpec("programs/index.md", "programs.md.j2", "Programs",
                 {"rows": programs}, section="programs"),
        PageSpec("projects/index.md", "projects.md.j2", "Projects",
                 {"rows": projects}, section="projects"),
    ]
