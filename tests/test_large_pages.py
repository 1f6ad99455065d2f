"""Large portfolios: no generated page grows with the portfolio (issue 11, goal 4).

The thresholds are lowered so the example content behaves as a large portfolio: the
long lists are split into sub-pages (by program, by name, by tag) or capped with a
"N more" link, every row is on exactly one page, the index links to each sub-page, and
no link on any page is dead. At the real thresholds the example is one page each.
"""

from __future__ import annotations

import re
from datetime import date
from html import unescape
from typing import Any
from urllib.parse import urljoin, urlparse

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.pages import PageSpec, dashboard, parts, people, registers, report, tags
from generator.pages.views import Link
from generator.pipeline import check
from generator.settings import load_settings
from generator.site import SitePlan, plan_site
from generator.urls import record_url, source_url
from tests.conftest import REPO

AS_OF = date(2026, 11, 20)
DOCS = REPO / "content"
_HREF = re.compile(r'href="([^"]*)"')
_ID = re.compile(r'\bid="([^"]*)"')
_HEADING = re.compile(r"^#{2,6} (.+)$", re.MULTILINE)


def _plan() -> SitePlan:
    result = check(load_settings(REPO / "mkdocs.yml"), AS_OF)
    assert not result.has_errors
    return plan_site(result)


@pytest.fixture
def small(monkeypatch: pytest.MonkeyPatch) -> SitePlan:
    """The example planned as a large portfolio: thresholds of a few rows."""
    monkeypatch.setattr(parts, "SPLIT_AT", 2)
    monkeypatch.setattr(people, "PAGE_ROWS", 3)
    monkeypatch.setattr(registers, "CELL_ROWS", 1)
    monkeypatch.setattr(report, "REPORT_ROWS", 2)
    monkeypatch.setattr(dashboard, "DASHBOARD_ROWS", 1)
    return _plan()


def _sub_pages(plan: SitePlan, folder: str) -> list[str]:
    return sorted(uri for uri in plan.pages if uri.startswith(folder))


def _rows(plan: SitePlan, uris: list[str]) -> list[Any]:
    return [row for uri in uris for row in plan.pages[uri].values["rows"]]


def test_the_example_at_the_real_thresholds_has_no_sub_page() -> None:
    plan = _plan()
    for folder in ("status/", "roadmap/", "projects/_/", "people/_/", "tags/",
                   "decisions/_/", "dependencies/"):
        assert _sub_pages(plan, folder) == [], folder


@pytest.mark.parametrize(("index", "folder", "key"), [
    ("projects/index.md", "projects/_/", "id"),
    ("status.md", "status/", "id"),
    ("decisions.md", "decisions/_/", "id"),
    ("people/index.md", "people/_/", "slug"),
])
def test_a_split_list_holds_every_row_once_and_links_each_part(
        small: SitePlan, index: str, folder: str, key: str) -> None:
    subs = _sub_pages(small, folder)
    assert len(subs) >= 2, subs
    keys = [row[key] for row in _rows(small, [index, *subs])]
    assert len(keys) == len(set(keys))
    whole = {"projects/index.md": "project", "status.md": "project",
             "decisions.md": "decision"}.get(index)
    if whole is not None:
        assert set(keys) == {r.id for r in small.context.model.of_kind(whole)}
    else:
        assert set(keys) == set(small.context.model.people)
    hrefs = _links(small, index)
    for sub in subs:
        assert small.pages[sub].url in hrefs, sub


def test_people_pages_never_take_a_persons_url(small: SitePlan) -> None:
    slugs = set(small.context.model.people)
    subs = _sub_pages(small, "people/_/")
    assert subs and all(uri.removeprefix("people/").removesuffix(".md") not in slugs
                        for uri in subs)
    assert all(len(small.pages[uri].values["rows"]) <= 3 for uri in subs)


def test_each_tag_has_a_page_and_tag_links_reach_it(small: SitePlan) -> None:
    tags = small.markdown("tags.md")
    assert 'class="pm-tag"' not in tags  # the index keeps the cloud only
    for t in small.pages["tags.md"].values["tags"]:
        assert parts.page_name("tags", t["slug"]) in small.pages
    # A record's tag links go to the tag's page, not to an anchor of the index.
    linked = [href for uri in small.pages for href in _links(small, uri)
              if href.startswith("tags/") and href != "tags/"]
    assert linked and all("#" not in href for href in linked)


def test_each_critical_path_moves_to_its_programs_dependencies_page(small: SitePlan) -> None:
    model = small.context.model
    wanted = sorted(p.id for p in model.of_kind("program") if model.critical_paths[p.id].steps)
    assert wanted
    shown = sorted(path["path"].program for uri in small.pages if uri.startswith("dependencies")
                   for path in small.pages[uri].values["paths"])
    assert shown == wanted
    assert small.pages["dependencies.md"].values["paths"] == []
    for program in wanted:
        assert f'id="critical-{program}"' in small.markdown(f"dependencies/{program}.md")


def test_heat_map_cells_name_a_few_risks_and_link_the_rest(small: SitePlan) -> None:
    cells = small.pages["risks.md"].values["cells"]
    assert all(len(c["rows"]) <= 1 for c in cells)
    assert any(c["more"] for c in cells)
    text = small.markdown("risks.md")
    assert 'href="#open-register"' in text and 'id="open-register"' in text


def test_the_report_names_the_worst_and_links_the_rest(small: SitePlan) -> None:
    text = small.markdown("report.md")
    values = small.pages["report.md"].values
    assert len(values["projects"]) <= 2 < values["exceptions"]
    assert 'href="../status/"' in text


def test_the_dashboard_caps_its_lists_and_says_where_the_rest_are(small: SitePlan) -> None:
    values = small.pages["index.md"].values
    text = small.markdown("index.md")
    more = values["more"]
    assert len(values["stale"]) <= 1 and len(values["standalone"]) <= 1
    assert all(len(rows) <= 1 for rows in values["milestones"].values())
    where = {"stale": "status/", "overdue": "roadmap/", "due-soon": "roadmap/",
             "standalone": "projects/"}
    assert any(more[key] for key in where)
    for key, url in where.items():
        assert (f'{more[key]} more: see <a href="{url}">' in text) == bool(more[key]), key
    # The header still counts them all.
    overdue = len(values["milestones"]["overdue"]) + more["overdue"]
    assert f"{overdue} overdue</a>" in text


def test_no_link_is_dead_after_splitting(small: SitePlan) -> None:
    _assert_no_dead_link(small)


def test_no_link_is_dead_at_the_real_thresholds() -> None:
    _assert_no_dead_link(_plan())


def _links(plan: SitePlan, uri: str) -> set[str]:
    """Site-relative targets (with any anchor) of the links of a generated page."""
    page = plan.pages[uri].url
    found = set()
    for href in _HREF.findall(plan.markdown(uri)):
        href = unescape(href)
        if urlparse(href).scheme or href.startswith(("/", "mailto:")):
            continue
        target = urlparse(urljoin(f"http://x/{page}", href))
        found.add(target.path.lstrip("/") + (f"#{target.fragment}" if target.fragment else ""))
    return found


def _assert_no_dead_link(plan: SitePlan) -> None:
    """Every link of every generated page reaches a page (a generated one, a record's or
    any Markdown file of the docs), and an anchor on a generated page is an element's id."""
    urls = {spec.url: uri for uri, spec in plan.pages.items()}
    published = set(urls) | {record_url(r).partition("#")[0]
                             for r in plan.context.model.records}
    published |= {source_url(p.relative_to(DOCS).as_posix()) for p in DOCS.rglob("*.md")}
    dead = []
    for uri in plan.pages:
        for target in _links(plan, uri):
            path, _, anchor = target.partition("#")
            if "." in path.rsplit("/", 1)[-1]:
                continue  # a file: the feed, a data export, an asset
            if path not in published or anchor and path in urls and anchor not in _ids(plan, urls[path]):
                dead.append((uri, target))
    assert dead == []


def _ids(plan: SitePlan, uri: str) -> set[str]:
    """The ids of a page's elements, and of its headings as MkDocs' toc makes them."""
    text = plan.markdown(uri)
    headings = {re.sub(r"[\s]+", "-", re.sub(r"[^\w\s-]", "", h).strip().lower())
                for h in _HEADING.findall(text)}
    return set(_ID.findall(text)) | headings


def test_rows_of_no_program_move_to_pages_of_split_at_rows(small: SitePlan) -> None:
    # Five standalone rows (and none of a program) at SPLIT_AT 2: three pages, in order.
    spec = PageSpec("status.md", "status.md.j2", "Status board", {})
    rows = [{"id": f"p{n}"} for n in range(5)]
    pages = parts.split_by_program(small.context, spec, rows, lambda row: None)
    assert [p.src_uri for p in pages] == [
        "status.md", "status/_standalone.md", "status/_standalone-2.md",
        "status/_standalone-3.md"]
    assert [r["id"] for p in pages for r in p.values["rows"]] == [r["id"] for r in rows]
    assert [part["link"].url for part in spec.values["parts"]] == [
        p.url for p in pages[1:]]
    # A row whose link is an anchor of the index stays on the index.
    spec = PageSpec("decisions.md", "decisions.md.j2", "Decision log", {})
    rows[3]["link"] = Link("decisions/#decision-p3", "p3")
    pages = parts.split_by_program(small.context, spec, rows, lambda row: None)
    assert [r["id"] for r in spec.values["rows"]] == ["p3"]
    assert sorted(r["id"] for p in pages for r in p.values["rows"]) == [r["id"] for r in rows]


def test_a_key_with_too_many_rows_is_split_by_one_more_letter(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(parts, "SPLIT_AT", 2)
    spec = PageSpec("people/index.md", "people.md.j2", "People", {})
    rows = ["adam", "alba", "anna", "bo", "a"]
    pages = parts.split_by_key(spec, rows, lambda row: row, str.upper, "people/_", 2)
    assert {p.src_uri: p.values["rows"] for p in pages[1:]} == {
        "people/_/a.md": ["a"], "people/_/ad.md": ["adam"], "people/_/al.md": ["alba"],
        "people/_/an.md": ["anna"], "people/_/b.md": ["bo"]}
    assert all(len(p.values["rows"]) <= 2 for p in pages)


@given(keys=st.lists(st.text(alphabet="ab-", max_size=8), max_size=60),
       page_rows=st.integers(1, 6))
def test_split_by_key_makes_each_key_once_and_buckets_every_row(keys, page_rows) -> None:
    """Each row's key is made once, however deep its bucket is split (a key is a title's
    slug: at 10,000 projects, remade at every step, a million slugs). Every row is on
    exactly one page, in order, under a prefix of its key; a page holds at most
    `page_rows` rows unless its keys are no longer than its prefix (they cannot be split
    further); and a bucket is split only when it holds too many rows."""
    spec = PageSpec("people/index.md", "people.md.j2", "People", {})
    rows = [f"{key}|{number}" for number, key in enumerate(keys)]
    made = []

    def key_of(row: str) -> str:
        made.append(row)
        return row.split("|")[0]

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(parts, "SPLIT_AT", 2)
        pages = parts.split_by_key(spec, rows, key_of, str.upper, "people/_", page_rows)
    if len(rows) <= 2:
        assert pages == [spec] and spec.values["rows"] == rows
        return
    assert sorted(made) == sorted(rows)  # (each key once)
    buckets = [(p.src_uri.removeprefix("people/_/").removesuffix(".md").lstrip("_"),
                p.values["rows"]) for p in pages[1:]]
    bucket_of = {row: prefix for prefix, mine in buckets for row in mine}
    assert sorted(bucket_of) == sorted(rows)  # (rows are distinct: each on one page)
    # Pages in their prefixes' order, and rows within a page in the list's order.
    assert [row for _, mine in buckets for row in mine] == sorted(rows, key=bucket_of.get)
    for prefix, mine in buckets:
        assert all(row.split("|")[0].startswith(prefix) for row in mine)
        if len(mine) > page_rows:
            assert all(len(row.split("|")[0]) <= len(prefix) for row in mine)
        parent = prefix[:-1]
        if parent:
            assert sum(len(m) for q, m in buckets if q.startswith(parent)) > page_rows


def test_a_tag_named_index_takes_no_other_pages_url(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import PORTFOLIO, PROGRAM, project, write_site

    monkeypatch.setattr(parts, "SPLIT_AT", 1)
    monkeypatch.setattr(tags, "PAGE_ROWS", 1)
    files = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
             "projects/a.md": project("a", "tags: [index, Indexing]"),
             "projects/b.md": project("b", "tags: [index]").replace("Project b", "Index b"),
             "projects/c.md": project("c", "tags: [index]").replace("Project c", "Index c")}
    result = check(load_settings(write_site(tmp_path, files)), AS_OF)
    plan = plan_site(result)
    assert {"tags/_index.md", "tags/indexing.md"} <= set(plan.pages)
    assert parts.page_name("people/_", "index") == "people/_/_index.md"  # (letters "index")
    assert [d.to_text() for d in result.diagnostics.sorted() if d.code == "url-collision"] == []


def test_a_large_lesson_category_is_split_by_program_its_anchors_kept(
        tmp_path: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.conftest import PORTFOLIO, PROGRAM, project, write_site

    monkeypatch.setattr(parts, "SPLIT_AT", 2)
    log = ("kind: lesson\n{scope}\nentries:\n" + "".join(
        f"  - title: Lesson {n}\n    category: planning\n    recommendation: Do {n}.\n"
        for n in range(3)))
    files = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM,
             "projects/a.md": project("a"), "projects/s.md": project("s", program="")
             .replace("program: \n", ""),
             "lessons/a.yml": log.format(scope="project: a"),
             "lessons/cx.yml": log.format(scope="program: cx").replace("Lesson", "Program lesson"),
             "lessons/s.yml": log.format(scope="project: s").replace("Lesson", "Alone lesson"),
             "lessons/loose.md": "---\nkind: lesson\ntitle: Loose\ncategory: planning\n---\nText.\n",
             "lessons/general.yml": "kind: lesson\nentries:\n  - title: Portfolio-wide\n"
                                    "    category: planning\n"}
    result = check(load_settings(write_site(tmp_path, files)), AS_OF)
    assert not result.has_errors, [d.to_text() for d in result.diagnostics.sorted()]
    plan = plan_site(result)
    model = plan.context.model
    lessons = {r.id: r for r in model.of_kind("lesson")}
    # A logged lesson is a row of its project's (or program's) page, anchor and all.
    for ident, lesson in lessons.items():
        url = record_url(lesson)
        if lesson.model.project or lesson.model.program:
            scope = ("projects/" + lesson.model.project) if lesson.model.project \
                else ("programs/" + str(lesson.model.program))
            assert url == f"{scope}/#lesson-{ident}"
            page = next(u for u, s in plan.pages.items() if s.url == f"{scope}/")
            assert f'id="lesson-{ident}"' in plan.markdown(page)
    # The category's page: a table of programs; cx's lessons on their own page; the
    # standalone project's three and the hand-written one (a page of its own) on
    # `_standalone` pages of two.
    index = plan.pages["lessons/category-planning.md"]
    subs = _sub_pages(plan, "lessons/category-planning/_/")
    assert subs == ["lessons/category-planning/_/_standalone-2.md",
                    "lessons/category-planning/_/_standalone.md",
                    "lessons/category-planning/_/cx.md"]
    assert len(plan.pages["lessons/category-planning/_/cx.md"].values["rows"]) == 6
    shown = [row["id"] for uri in ["lessons/category-planning.md", *subs]
             for row in plan.pages[uri].values["groups"][0]["rows"]]
    assert sorted(shown) == sorted(lessons)
    hrefs = _links(plan, "lessons/category-planning.md")
    assert all(plan.pages[sub].url in hrefs for sub in subs)
    # (a logged lesson of no project or program: its anchor is on the category's page)
    [kept] = index.values["groups"][0]["rows"]
    assert kept["link"].text == "Portfolio-wide"
    assert record_url(lessons[kept["id"]]) == f"lessons/category-planning/#lesson-{kept['id']}"
    assert f'id="lesson-{kept["id"]}"' in plan.markdown("lessons/category-planning.md")
