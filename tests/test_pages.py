"""Generated pages: derived facts shown where they belong, as-of dates, links, escaping."""

from __future__ import annotations

import gc
import posixpath
import re
from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from pathlib import Path

import markdown
import pytest
from markdown_it import MarkdownIt

from generator.feed import FEED_PATH
from generator.pages import Context, PageSpec
from generator.pages.compose import render_page
from generator.pages.record_pages import RECORD_KINDS, decorate_record
from generator.pages.registry import plan_pages
from generator.pipeline import CheckResult, check
from generator.settings import load_settings
from generator.site import plan_site
from generator.templating import make_environment
from generator.urls import record_url, source_url
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site

AS_OF = date(2026, 11, 20)
HOSTILE = "<script>alert(1)</script> *x* | y"


@dataclass
class Site:
    """Every generated page (and every decorated Markdown record), by URL."""

    result: CheckResult
    specs: dict[str, PageSpec]
    markdown: dict[str, str]
    html: dict[str, str] = field(default_factory=dict)

    def page(self, url: str) -> Page:
        return parse(self.html[url])


def build(config: Path, as_of: date) -> Site:
    settings = load_settings(config)
    result = check(settings, as_of)
    context = Context(result.model, make_environment(settings.scale))
    specs = plan_pages(context)
    by_url = {spec.url: spec for spec in specs}
    assert len(by_url) == len(specs), "two generated pages share a URL"
    texts = {spec.url: render_page(context, spec) for spec in specs}
    for kind in RECORD_KINDS:
        for record in result.model.records.by_kind(kind):
            if record.source.doc.fmt == "markdown" and record.parent is None:
                rel = record.source.doc.rel
                texts[source_url(rel)] = decorate_record(context, record, rel, record.body)
    site = Site(result, by_url, texts)
    site.html = {url: markdown.markdown(text, extensions=["tables", "toc"])
                 for url, text in texts.items()}
    return site


@pytest.fixture(scope="module")
def site() -> Site:
    return build(REPO / "mkdocs.yml", AS_OF)


class Page(HTMLParser):
    """What a test needs of a page: its tags, ids, links and text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.chunks: list[str] = []
        self.ends: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        self.tags.append((tag, values))
        if values.get("id"):
            self.ids.append(str(values["id"]))
        if tag == "a" and values.get("href") is not None:
            self.hrefs.append(str(values["href"]))

    def handle_endtag(self, tag: str) -> None:
        self.ends[tag] = self.ends.get(tag, 0) + 1

    def handle_data(self, data: str) -> None:
        self.chunks.append(data)

    @property
    def text(self) -> str:
        return "".join(self.chunks)

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def parse(html: str) -> Page:
    page = Page()
    page.feed(html)
    page.close()
    return page


def row(html: str, needle: str) -> str:
    """The one table row of `html` that contains `needle`."""
    rows = [r for r in re.findall(r"<tr[ >].*?</tr>", html, re.DOTALL) if needle in r]
    assert len(rows) == 1, (needle, len(rows))
    return rows[0]


def resolve(page_url: str, href: str) -> tuple[str, str]:
    """(site-relative URL, anchor) of a relative link on the page at `page_url`."""
    path, _, anchor = href.partition("#")
    if not path:
        return page_url, anchor
    joined = posixpath.normpath(posixpath.join("/" + page_url, path))
    return joined.lstrip("/") + ("/" if not joined.endswith("/") and joined != "/" else ""), \
        anchor


# ----------------------------------------------------------------------------- all pages

def test_every_section_is_planned(site: Site) -> None:
    for url in ("", "status/", "dependencies/", "roadmap/", "risks/", "issues/", "decisions/",
                "changes/", "meetings/", "lessons/", "people/", "tags/", "report/",
                "portfolios/", "programs/", "projects/", "portfolios/it-portfolio/",
                "programs/cloud-infra/", "projects/crm-replatform/", "people/lukas-becker/"):
        assert url in site.specs, url


def test_every_page_states_its_as_of_date(site: Site) -> None:
    for url, html in site.html.items():
        assert f'<time datetime="{AS_OF.isoformat()}">' in html, url


def test_html_blocks_stay_intact(site: Site) -> None:
    commonmark = MarkdownIt("commonmark")
    for url, html in site.html.items():
        assert not re.search(r"&lt;/?(table|tr|td|div|dl|ul|span|a)\b", html), url
        assert not re.search(r"<p>\s*<(div|table|dl|ul|ol|section|figure)\b", html), url
        assert "&amp;amp;" not in html and "&amp;lt;" not in html, url
        page = parse(html)
        for tag in ("table", "tr", "div", "dl", "section"):
            assert page.count(tag) == page.ends.get(tag, 0), (url, tag)
        # Each raw HTML block is whole in CommonMark too (the report's renderer).
        for token in commonmark.parse(site.markdown[url]):
            if token.type == "html_block" and token.content.startswith(("<div", "<table")):
                name = token.content[1:4]
                opened = len(re.findall(rf"<{name}\w*[\s>]", token.content))
                assert opened == len(re.findall(rf"</{name}\w*>", token.content)), url


def test_ids_are_unique_on_every_page(site: Site) -> None:
    for url, html in site.html.items():
        ids = parse(html).ids
        assert len(ids) == len(set(ids)), (url, sorted(i for i in ids if ids.count(i) > 1))


def test_internal_links_and_anchors_resolve(site: Site) -> None:
    docs = REPO / "content"
    content_urls = {source_url(p.relative_to(docs).as_posix()) for p in docs.rglob("*.md")}
    ids = {url: set(parse(html).ids) for url, html in site.html.items()}
    for url, html in site.html.items():
        for href in parse(html).hrefs:
            if re.match(r"[a-z]+:", href):
                continue
            target, anchor = resolve(url, href)
            if target == FEED_PATH + "/":  # a generated file (site.py), not a page
                continue
            assert target in site.html or target in content_urls, (url, href)
            if anchor and target in ids:
                assert anchor in ids[target], (url, href)


def test_output_is_deterministic(site: Site) -> None:
    again = build(REPO / "mkdocs.yml", AS_OF)
    assert again.markdown == site.markdown


# ----------------------------------------------------------------------------- facts

def test_program_page_names_the_project_driving_its_rollup(site: Site) -> None:
    html = site.html["programs/cloud-infra/"]
    status = re.search(r"<dt>Status<span class=.pm-sep.>: </span></dt><dd>(.*?)</dd>", html, re.DOTALL)
    assert status is not None
    assert 'class="st st-red' in status.group(1) and ">red<" in status.group(1)
    assert "driven by" in status.group(1)
    assert 'href="../../projects/network-refresh/"' in status.group(1)
    driver = row(html, "drives the rollup")
    assert 'title="network-refresh"' in driver and "st-red" in driver


def test_program_page_shows_budget_benefits_and_critical_path(site: Site) -> None:
    model = site.result.model
    text = site.page("programs/cloud-infra/").text
    for heading in ("Budget", "Governance", "Risks", "Dependencies", "Critical path"):
        assert heading in text
    path = model.critical_paths["cloud-infra"]
    assert path.items
    html = site.html["programs/cloud-infra/"]
    for step in path.steps:
        project_id, _, milestone = step.item.partition("#")
        assert f"projects/{project_id}/#milestone-{milestone}" in html
        if step.float_days is not None:
            assert f"float {step.float_days} days" in html
    benefits = [f for f in model.benefits if f.program == "customer-experience"]
    assert benefits
    cx = site.html["programs/customer-experience/"]
    for fact in benefits:
        assert f'id="benefit-{fact.benefit.id}"' in cx


def test_override_is_shown_with_what_the_rollup_would_be(tmp_path: Path) -> None:
    config = write_site(tmp_path, {
        "portfolio.md": PORTFOLIO,
        "programs/cx.md": "---\nkind: program\nid: cx\ntitle: CX\nportfolio: pf\n"
                          "status: green\n---\nThe program.\n",
        "projects/a.md": project("a", "status: red"),
    })
    html = build(config, AS_OF).html["programs/cx/"]
    status = re.search(r"<dt>Status<span class=.pm-sep.>: </span></dt><dd>(.*?)</dd>", html, re.DOTALL)
    assert status is not None
    assert "st-green" in status.group(1)
    assert "override (rollup would be" in status.group(1) and "st-red" in status.group(1)


def test_stale_project_is_flagged_on_the_status_board(site: Site) -> None:
    html = site.html["status/"]
    stale = row(html, 'title="bi-self-service">')
    assert "flag-stale" in stale and "35 days" in stale
    assert "flag-stale" not in row(html, 'title="dc-exit">')
    assert sum(1 for s in site.result.model.statuses.values() if s.stale) == 1


def test_every_project_is_on_the_status_board(site: Site) -> None:
    html = site.html["status/"]
    for project_id, status in site.result.model.statuses.items():
        line = row(html, f'id="project-{project_id}"')
        assert f'class="st st-{status.status}' in line


def test_over_allocated_person_is_flagged(site: Site) -> None:
    page = site.html["people/lukas-becker/"]
    assert "over-allocated" in page and "120%" in page
    assert "over-allocated" in row(site.html["people/"], ">Lukas Becker</a>")
    assert "flag-risk" not in site.html["people/ingrid-vos/"]


def test_superseded_decision_is_linked_both_ways(site: Site) -> None:
    old = site.html["decisions/0004-crm-big-bang-cutover/"]
    new = site.html["decisions/0009-crm-phased-rollout/"]
    by = re.search(r"<dt>Superseded by<span class=.pm-sep.>: </span></dt><dd>(.*?)</dd>", old, re.DOTALL)
    assert by is not None and 'href="../../decisions/0009-crm-phased-rollout/"' in by.group(1)
    supersedes = re.search(r"<dt>Supersedes<span class=.pm-sep.>: </span></dt><dd>(.*?)</dd>", new, re.DOTALL)
    assert supersedes is not None
    assert 'href="../../decisions/0004-crm-big-bang-cutover/"' in supersedes.group(1)
    log = row(site.html["decisions/"], 'id="decision-dec-crm-big-bang-cutover"')
    assert "superseded" in log and "decisions/0009-crm-phased-rollout/" in log


def test_record_pages_show_references_and_backlinks(site: Site) -> None:
    page = site.page("decisions/0009-crm-phased-rollout/")
    assert "References" in page.text and "Referenced by" in page.text
    html = site.html["decisions/0009-crm-phased-rollout/"]
    assert 'href="../../meetings/2026-10-14-customer-experience-steerco/"' in html


def test_yaml_records_get_generated_pages(site: Site) -> None:
    # A record of its own YAML file gets a page; an entry of a risk, issue or lesson log
    # is a row of its register (thousands of thin pages would swamp a portfolio's site).
    model = site.result.model
    for kind in RECORD_KINDS:
        for record in model.records.by_kind(kind):
            if record.source.doc.fmt == "yaml" and record.parent is None:
                if record.source.base:
                    assert f"{kind}s/{record.id}/" not in site.specs
                    page, anchor = record_url(record).split("#")
                    assert f'id="{anchor}"' in site.html[page], record.id
                else:
                    assert site.specs[f"{kind}s/{record.id}/"].title == record.title
    assert 'href="#cell-5-5"' in site.html["risks/"]


def test_dependencies_page_lists_at_risk_first_with_reasons(site: Site) -> None:
    deps = site.result.model.graph.dependencies  # type: ignore[union-attr]
    at_risk = [d for d in deps if d.at_risk]
    html = site.html["dependencies/"]
    section = html[html.index('id="at-risk"'):html.index("All dependencies")]
    assert section.count('<tr class="at-risk">') == len(at_risk) == 4
    text = parse(section).text
    for dep in at_risk:
        for reason in dep.reasons:
            assert reason in text
    assert f"{len(at_risk)} of {len(deps)} at risk" in site.page("").text
    assert 'href="dependencies/#at-risk"' in site.html[""]


def test_risk_heat_map_cells_link_to_their_risks(site: Site) -> None:
    html = site.html["risks/"]
    assert '<a href="#cell-5-5">1</a>' in html
    cell = html[html.index('id="cell-5-5"'):]
    cell = cell[:cell.index("</section>")]
    # A cell links each of its risks where the risk is written up: its project's page.
    assert 'href="../projects/crm-replatform/#risk-risk-crm-sso-slip"' in cell
    assert 'id="risk-risk-crm-sso-slip"' in html
    assert 'id="risk-risk-crm-sso-slip"' in site.html["projects/crm-replatform/"]
    counts = sum(int(n) for n in re.findall(r'<a href="#cell-\d-\d">(\d+)</a>', html))
    scored = [f for f in site.result.model.risks
              if f.cell is not None and f.record.model.status == "open"]
    assert counts == len(scored)


def test_issue_log_puts_open_issues_by_severity_first(site: Site) -> None:
    html = site.html["issues/"]
    open_part = html[:html.index("Resolved and closed")]
    severities = re.findall(r'class="severity severity-(\w+)"', open_part.split("Open issues")[-1])
    order = ["critical", "high", "medium", "low", "none"]
    assert severities == sorted(severities, key=order.index)
    assert "overdue" in row(html, 'id="issue-issue-crm-dryrun-rejects"')


def test_tags_page_has_an_anchor_per_tag(site: Site) -> None:
    html = site.html["tags/"]
    section = html[html.index('id="tag-procurement"'):]
    section = section[:section.index("</section>")]
    assert "lessons/network-hardware-lead-times/" in section
    assert 'href="../../tags/#tag-procurement"' in site.html["lessons/network-hardware-lead-times/"]


def test_lessons_are_grouped_by_category_and_tag(site: Site) -> None:
    # The library lists categories (a page each) and tags; a category page its lessons.
    html = site.html["lessons/"]
    for lesson in site.result.model.records.by_kind("lesson"):
        category = f"lessons/category-{lesson.model.category.lower()}/"
        assert f'href="../{category}"' in html
        assert f'id="lesson-{lesson.id}"' in site.html[category]
        for tag in lesson.model.tags:
            assert f'id="lessons-tag-{tag}"' in html


def test_meetings_page_lists_open_actions(site: Site) -> None:
    html = site.html["meetings/"]
    action = row(html, "Get the vendor&#39;s wave 2 delivery dates confirmed in writing")
    assert ">open<" in action and "meetings/2026-11-05-cloud-infra-steerco/" in action


def test_dashboard_shows_what_needs_attention(site: Site) -> None:
    html = site.html[""]
    text = parse(html).text
    overdue = [f for facts in site.result.model.milestones.values() for f in facts
               if f.state == "overdue"]
    assert f"{len(overdue)} overdue" in text
    for fact in overdue:
        assert f"projects/{fact.project}/#milestone-{fact.milestone.id}" in html
    stale = html[html.index('id="stale-status-reports"'):html.index('id="top-risks"')]
    assert "35 days" in row(stale, 'title="bi-self-service">')
    assert "projects/office-move/" in html  # the standalone project


def test_report_has_every_project_and_recent_decisions(site: Site) -> None:
    model = site.result.model
    html = site.html["report/"]
    for project_id in model.statuses:
        assert f'href="../projects/{project_id}/"' in html
    recent = [d for d in model.records.by_kind("decision")
              if 0 <= (AS_OF - d.model.date).days <= 30]
    assert recent
    decisions = html[html.index("Decisions of the last 30 days"):]
    for decision in recent:
        assert f'title="{decision.id}"' in decisions


def test_adr_heading_is_not_repeated(tmp_path: Path) -> None:
    config = write_site(tmp_path, {
        "portfolio.md": PORTFOLIO,
        "decisions/0001-use-postgres.md": "# 1. Use Postgres\n\nDate: 2026-01-05\n\n"
                                          "## Status\n\nAccepted\n\n## Context\n\nWe need a "
                                          "database.\n",
    })
    html = build(config, AS_OF).html["decisions/0001-use-postgres/"]
    assert html.count("<h1") == 1 and "Use Postgres" in html


# ----------------------------------------------------------------------------- escaping

def _hostile_site(root: Path) -> Path:
    h = '"' + HOSTILE.replace('"', '\\"') + '"'
    return write_site(root, {
        "portfolio.md": f"---\nkind: portfolio\nid: pf\ntitle: {h}\nmanager: {h}\n"
                        f"objectives: [{{id: o1, title: {h}, description: {h}}}]\n---\nText.\n",
        "programs/prog.md": f"""---
kind: program
id: prog
title: {h}
portfolio: pf
manager: {h}
aligns_to: [o1]
status: amber
governance: {{board: [{h}], cadence: {h}}}
benefits:
  - {{id: b1, title: {h}, unit: {h}, baseline: 0, target: 10, due: 2026-12-31,
     measurements: [{{date: 2026-06-01, value: 5}}]}}
risks:
  - {{id: r-prog, title: {h}, probability: 3, impact: 3, owner: {h}, mitigation: {h}}}
tags: [{h}]
---
Text.
""",
        "projects/p1.md": f"""---
kind: project
id: p1
title: {h}
program: prog
manager: {h}
phase: execution
end: 2026-12-31
milestones:
  - {{id: m1, title: {h}, due: 2026-06-01}}
  - {{id: m2, title: {h}, due: 2026-12-01, depends_on: [p2#n1]}}
team: [{{name: {h}, role: {h}, allocation: 0.8}}]
stakeholders: [{{name: {h}, role: {h}}}]
scope: {{in: [{h}], out: [{h}]}}
tags: [{h}]
issues: [{{id: i1, title: {h}, severity: high, owner: {h}, due: 2026-01-01}}]
---
Text.
""",
        "projects/p2.md": f"---\nkind: project\nid: p2\ntitle: {h}\nprogram: prog\nmanager: Ann\n"
                          f"status: red\nend: 2027-03-01\nmilestones: [{{id: n1, title: {h}, "
                          f"due: 2027-01-01}}]\nteam: [{{name: {h}, allocation: 0.5}}]\n---\nText.\n",
        "projects/p1-status.md": f"---\nkind: status\nproject: p1\ndate: 2026-06-01\n"
                                 f"overall: amber\nsummary: {h}\npath_to_green: {h}\n---\nText.\n",
        "decisions/d1.md": f"---\nkind: decision\nid: d1\ntitle: {h}\ndate: 2026-06-20\n"
                           f"status: superseded\nproject: p1\ndecided_by: [{h}]\n---\nText.\n",
        "decisions/d2.yml": f"kind: decision\nid: d2\ntitle: {h}\ndate: 2026-06-25\n"
                            f"supersedes: [d1]\nprogram: prog\ndescription: {h}\n",
        "lessons/l.yml": f"kind: lesson\nproject: p1\nentries:\n  - {{title: {h}, category: {h}, "
                         f"type: improve, impact: {h}, recommendation: {h}, tags: [{h}]}}\n",
        "risks/r.yml": f"kind: risk\nentries:\n  - {{id: r1, title: {h}, project: p1, "
                       f"probability: 5, impact: 5, owner: {h}, description: {h}}}\n",
        "meetings/mt.md": f"---\nkind: meeting\nid: mt\ntitle: {h}\ndate: 2026-06-10\n"
                          f"program: prog\nattendees: [{h}]\ndecisions: [d1]\n"
                          f"actions: [{{title: {h}, owner: {h}, due: 2026-06-20}}]\n---\nText.\n",
        "changes/c1.yml": f"kind: change\nid: c1\ntitle: {h}\nproject: p1\ndate: 2026-06-15\n"
                          f"impact: {{schedule_days: 10, cost: 5, scope: {h}}}\ndecision: d2\n",
    })


def test_hostile_text_is_escaped_everywhere(tmp_path: Path) -> None:
    hostile = build(_hostile_site(tmp_path), date(2026, 6, 30))
    assert not hostile.result.has_errors, [d.to_text() for d in hostile.result.diagnostics]
    seen = 0
    for url, html in hostile.html.items():
        page = parse(html)
        assert all(tag != "script" for tag, _ in page.tags), url
        assert not any(name.startswith("on") for _, attrs in page.tags for name in attrs), url
        assert "\\*" not in page.text and "\\|" not in page.text, url
        seen += HOSTILE in page.text
    assert seen >= 20
    for url in ("projects/p1/", "programs/prog/", "portfolios/pf/", "decisions/d2/",
                "decisions/d1/", "meetings/mt/"):
        heading = re.search(r"<h1[^>]*>(.*?)</h1>", hostile.html[url], re.DOTALL)
        assert heading is not None and parse(heading.group(1)).text == HOSTILE, url


def test_a_lesson_is_listed_once_under_a_tag_it_names_twice(run) -> None:
    """Tags that differ only in case are one tag: the lesson is listed there once, and
    every other lesson of the tag too, in the library's order (by title)."""

    def lesson(title: str, tags: str) -> str:
        return (f"---\nkind: lesson\ntitle: {title}\nproject: a\ndate: 2026-06-01\n"
                f"category: delivery\ntype: improve\ntags: {tags}\n---\nText.\n")

    result = run({"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
                  "projects/a.md": project("a"),
                  "lessons/b-twice.md": lesson("B twice", "[Cloud, cloud, ops]"),
                  "lessons/a-once.md": lesson("A once", "[cloud]"),
                  "lessons/c-other.md": lesson("C other", "[CLOUD, ops]")})
    assert not result.has_errors, result.diagnostics.sorted()
    library = plan_site(result).pages["lessons.md"].values
    listed = {tag["slug"]: [link.text for link in tag["lessons"]] for tag in library["tags"]}
    assert listed["cloud"] == ["A once", "B twice", "C other"]
    assert listed["ops"] == ["B twice", "C other"]


def test_the_shared_macros_are_made_once_and_link_from_each_page(tmp_path: Path) -> None:
    """Page templates import `_macros.md.j2` without their context: rendering pages makes
    no module of macros per page (each was a reference cycle for the garbage collector),
    and a macro's links are still relative to the page being rendered, whichever came
    before it; `here` is as it was after each page."""
    settings = load_settings(REPO / "mkdocs.yml")
    result = check(settings, AS_OF)
    env = make_environment(settings.scale)
    context = Context(result.model, env)
    specs = plan_pages(context)
    deep = next(s for s in specs if s.url.count("/") >= 2 and s.template == "project.md.j2")
    top = next(s for s in specs if s.template == "status.md.j2")
    fresh = {spec.url: render_page(Context(result.model, make_environment(settings.scale)),
                                   spec) for spec in (deep, top)}
    gc.collect()
    gc.disable()
    try:
        again = [render_page(context, spec) for spec in (deep, top, deep, top) * 5]
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        macros = [o for o in gc.garbage if type(o).__name__ == "Macro"]
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert macros == []
    assert again == [fresh[deep.url], fresh[top.url]] * 10
    # A project's page links up and across: no link of its macros is written as if
    # from the site's root.
    sections = {spec.url.split("/")[0] for spec in specs if "/" in spec.url}
    hrefs = re.findall(r'href="([^"]*)"', fresh[deep.url])
    assert len(hrefs) > 10 and any(href.startswith("../") for href in hrefs)
    assert [href for href in hrefs if href.split("/")[0] in sections] == []
    here = env.globals["here"]
    assert (here.url, here.context) == ("", None)
