"""Slugs of people, lesson categories and tags: any script, unique, stable, bounded."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest

from generator.cli import main
from generator.pages import Context
from generator.pages.compose import render_page
from generator.pages.record_pages import decorate_record
from generator.pages.registry import plan_pages
from generator.people import assign_slugs, slugify
from generator.pipeline import CheckResult
from generator.slugs import MAX_SLUG, tag_slug
from generator.templating import make_environment
from generator.urls import lesson_category_slug, record_url
from tests.conftest import PORTFOLIO, PROGRAM, Run, codes, project

SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


def managed(manager: str, extra: str = "") -> str:
    """A project charter whose manager is `manager`."""
    return project("x", extra).replace("id: x\n", "id: {id}\n").replace(
        "Project x", "Project {id}").replace("Charter of x", "Charter of {id}").replace(
        "manager: Sam Patel", f"manager: {manager}")


def site(projects: dict[str, str], **files: str) -> dict[str, str]:
    """A portfolio and program with one project per id, managed by the name given."""
    content = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM}
    for ident, manager in projects.items():
        content[f"projects/{ident}.md"] = managed(manager).replace("{id}", ident)
    return content | files


def pages(result: CheckResult) -> dict[str, str]:
    """The Markdown of every generated page, by URL."""
    context = Context(result.model, make_environment(result.settings.scale))
    return {spec.url: render_page(context, spec) for spec in plan_pages(context)}


def manager_hrefs(text: str) -> list[str]:
    """The people pages a page links to (hrefs are relative: `../../people/x/`)."""
    return sorted(set(re.findall(r'href="(?:\.\./)*(people/[^"/]+/)"', text)))


def slug_of(result: CheckResult, name: str) -> str:
    person = result.model.person(name)
    assert person is not None, name
    return person.slug


def test_names_in_other_scripts_are_transliterated() -> None:
    assert slugify("李雷") in ("lilei", "li-lei")
    assert slugify("王芳") in ("wangfang", "wang-fang")
    assert slugify("Mehmet Yılmaz") == "mehmet-yilmaz"
    assert slugify("Mikkel Sørensen") == "mikkel-sorensen"
    assert slugify("José Díaz") == "jose-diaz"
    assert slugify("Ђорђе Петровић") == "djordje-petrovic"
    assert slugify("Straße") == "strasse"


def test_a_name_with_no_letters_gets_a_stable_hash() -> None:
    expected = "person-" + hashlib.sha256("★ ★".encode()).hexdigest()[:10]
    assert slugify("★ ★") == expected
    assert slugify("  ★   ★ ") == expected
    assert slugify("☆") != expected and slugify("☆").startswith("person-")
    assert slugify("...") != slugify("!!!")


def test_index_and_readme_stay_reserved() -> None:
    assert slugify("Index") == "index-person"
    assert slugify("README") == "readme-person"
    assert assign_slugs(["index", "index person"]) == {"index": "index-person",
                                                       "index person": "index-person-2"}


def test_long_names_are_bounded_and_stay_distinct() -> None:
    one, two = "Word " * 60 + "one", "Word " * 60 + "two"
    assert len(slugify(one)) <= MAX_SLUG and len(slugify(two)) <= MAX_SLUG
    assert slugify(one) != slugify(two)
    assert SLUG.fullmatch(slugify(one))
    assert slugify(one).startswith("word-word-")
    unbroken = "x" * 300
    assert len(slugify(unbroken)) <= MAX_SLUG and SLUG.fullmatch(slugify(unbroken))


def test_numbering_skips_a_slug_another_name_has_on_its_own() -> None:
    # `Jose Diaz 2` is `jose-diaz-2` on its own: `José Díaz` must not take it.
    assert assign_slugs(["josé díaz", "jose diaz 2", "jose diaz"]) == {
        "jose diaz": "jose-diaz", "jose diaz 2": "jose-diaz-2", "josé díaz": "jose-diaz-3"}
    long = ["a" * 70, "á" * 70]
    assert all(len(s) <= MAX_SLUG for s in assign_slugs(long).values())
    assert len(set(assign_slugs(long).values())) == 2


def test_two_chinese_managers_get_two_pages_and_the_right_links(run: Run) -> None:
    result = run(site({"a": "李雷", "b": "王芳"}))
    assert codes(result, "error") == []
    lei, fang = slug_of(result, "李雷"), slug_of(result, "王芳")
    assert lei != fang
    assert {lei, fang} <= set(result.model.people)
    assert result.model.people[lei].name == "李雷"
    assert result.model.people[fang].name == "王芳"
    text = pages(result)
    assert f"people/{lei}/" in text and f"people/{fang}/" in text
    assert manager_hrefs(text["projects/a/"]) == [f"people/{lei}/"]
    assert manager_hrefs(text["projects/b/"]) == [f"people/{fang}/"]


def test_accented_and_plain_spellings_each_link_to_their_own_page(run: Run) -> None:
    result = run(site({"a": "José Díaz", "b": "Jose Diaz"}))
    assert slug_of(result, "Jose Diaz") == "jose-diaz"
    assert slug_of(result, "José Díaz") == "jose-diaz-2"
    assert slug_of(result, "JOSÉ  DÍAZ") == "jose-diaz-2"  # any spelling of the name
    text = pages(result)
    assert manager_hrefs(text["projects/a/"]) == ["people/jose-diaz-2/"]
    assert manager_hrefs(text["projects/b/"]) == ["people/jose-diaz/"]
    listing = text["people/"]
    assert 'href="../people/jose-diaz/">Jose Diaz</a>' in listing
    assert 'href="../people/jose-diaz-2/">José Díaz</a>' in listing


def test_slugs_do_not_depend_on_the_order_files_are_read(tmp_path: Path, run: Run) -> None:
    first = run(site({"a": "José Díaz", "b": "Jose Diaz", "c": "李雷"}))
    slugs = {p.name: slug for slug, p in first.model.people.items()}
    for path in (tmp_path / "content/projects").iterdir():
        path.unlink()
    # The same people, met in the other order (other files, other ids).
    again = run(site({"a0": "李雷", "b0": "Jose Diaz", "c0": "José Díaz"}))
    assert {p.name: slug for slug, p in again.model.people.items()} == slugs
    assert slugs["José Díaz"] == "jose-diaz-2"


def test_a_name_nobody_holds_a_role_under_is_plain_text(run: Run) -> None:
    decision = ("---\nkind: decision\nid: d1\ntitle: Use X\ndate: 2026-01-05\nstatus: accepted\n"
                "program: cx\ndeciders: [李雷]\nconsulted: [Nobody Here]\n---\nWhy.\n")
    result = run(site({"a": "王芳"}, **{"decisions/d1.md": decision}))
    assert codes(result, "error") == []
    assert result.model.person("Nobody Here") is None
    context = Context(result.model, make_environment(result.settings.scale))
    record = result.model.records.get("d1")
    assert record is not None
    text = decorate_record(context, record, record.source.doc.rel, record.body)
    assert f"people/{slug_of(result, '李雷')}/" in text
    assert "Nobody Here" in text and "people/nobody-here/" not in text


def test_lesson_categories_in_any_script_are_bounded() -> None:
    assert lesson_category_slug(None) == "category-general"
    assert lesson_category_slug("  ") == "category-general"
    assert lesson_category_slug("Data & Migration") == "category-data-migration"
    assert lesson_category_slug("数据迁移") == "category-shujuqianyi"
    assert lesson_category_slug("Sørensen") == "category-sorensen"
    assert lesson_category_slug("★").startswith("category-other-")
    long = lesson_category_slug("Category " * 40)
    assert len(long) <= len("category-") + MAX_SLUG
    assert long != lesson_category_slug("Category " * 40 + "two")


def test_tags_that_differ_keep_their_own_anchor() -> None:
    assert tag_slug("Data Migration") == "data-migration"
    assert tag_slug("data  migration") == "data-migration"
    assert tag_slug("C++") != tag_slug("C#")
    assert SLUG.fullmatch(tag_slug("C++")) and SLUG.fullmatch(tag_slug("数据"))
    assert len(tag_slug("tag " * 100)) <= MAX_SLUG


def test_tag_links_on_a_project_match_the_tags_page(run: Run) -> None:
    result = run(site({"a": "Sam Patel"}) | {
        "projects/a.md": managed("Sam Patel", "tags: [C++, 'C#', 数据]").replace("{id}", "a")})
    assert codes(result, "error") == []
    text = pages(result)
    anchors = set(re.findall(r'id="tag-([^"]+)"', text["tags/"]))
    linked = set(re.findall(r'#tag-([^"]+)"', text["projects/a/"]))
    assert len(anchors) == 3 and linked == anchors




def test_a_site_with_a_300_character_name_and_category_builds(
        tmp_path: Path, run: Run, capsys: pytest.CaptureFixture[str]) -> None:
    name = ("Maximiliana " * 25).strip()
    category = ("Very long category " * 16).strip()
    assert len(name) >= 299 and len(category) >= 299
    lessons = (f"kind: lesson\nproject: a\nentries:\n"
               f"  - {{title: Estimate early, category: {category}}}\n")
    result = run(site({"a": name, "b": "李雷"}, **{"lessons/a.yml": lessons}))
    assert codes(result, "error") == []
    person = slug_of(result, name)
    assert len(person) <= MAX_SLUG
    lesson = result.model.records.by_kind("lesson")[0]
    assert len(record_url(lesson).partition("#")[0]) <= len("lessons/category-/") + MAX_SLUG
    site_dir = tmp_path / "site"
    assert main(["build", "-f", str(tmp_path / "mkdocs.yml"), "--as-of", "2026-06-30",
                 "--site-dir", str(site_dir)]) == 0, capsys.readouterr().err
    assert (site_dir / "people" / person / "index.html").is_file()
    page = (site_dir / record_url(lesson).partition("#")[0] / "index.html")
    assert page.is_file()
    project_page = (site_dir / "projects/a/index.html").read_text(encoding="utf-8")
    assert f'href="../../people/{person}/"' in project_page
