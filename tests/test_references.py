"""References between records (generator/resolve.py) and wiki-links (generator/wikilinks.py).

Unknown ids name the file, the line and column of the value, and the closest ids;
wiki-links are found outside code only, located by file line (body offset added).
"""

from __future__ import annotations

import pathlib

import pytest

from generator.wikilinks import WikiLink, find_wikilinks
from tests.conftest import PORTFOLIO, PROGRAM, only, project

MILESTONES = """\
milestones:
  - id: sso-live
    title: SSO live
    due: 2026-09-01
  - id: mfa
    title: MFA rollout
    due: 2026-10-01"""

BASE = {
    "index.md": PORTFOLIO,
    "programs/cx.md": PROGRAM,
    "projects/identity-platform.md": project("identity-platform", MILESTONES),
}


def located(result) -> list[tuple[str, int, int, str, str]]:
    return [(d.path, d.line, d.column, d.severity, d.code) for d in result.diagnostics.sorted()]


def one(result):
    items = result.diagnostics.sorted()
    assert len(items) == 1, [d.to_text() for d in items]
    return items[0]


# --------------------------------------------------------------------------- fields


def test_valid_references_fill_references_and_backlinks(run) -> None:
    result = run({**BASE, "projects/crm.md": project(
        "crm", "depends_on:\n  - identity-platform#sso-live\naligns_to: [obj-growth]")})
    assert located(result) == []
    crm = result.model.records.get("crm")
    identity = result.model.records.get("identity-platform")
    assert crm.references == [("depends_on.on", "identity-platform#sso-live"), ("program", "cx")]
    assert identity.backlinks == [("depends_on.on", "crm")]
    assert ("program", "crm") in result.model.records.get("cx").backlinks


def test_unknown_program_suggests_the_closest(run) -> None:
    d = one(run({**BASE, "projects/crm.md": project("crm", program="cxx")}))
    assert (d.path, d.line, d.column, d.severity, d.code) == (
        "content/projects/crm.md", 5, 10, "error", "unknown-reference")
    assert d.message == "unknown program 'cxx'"
    assert d.hint == "did you mean 'cx'?"


def test_unknown_project_in_depends_on(run) -> None:
    d = one(run({**BASE, "projects/crm.md": project("crm", "depends_on: [identity-platfrom]")}))
    assert (d.line, d.column, d.code) == (7, 14, "unknown-reference")
    assert d.message == "unknown project 'identity-platfrom'"
    assert d.hint == "did you mean 'identity-platform'?"


def test_abbreviated_reference_suggests_by_containment(run) -> None:
    d = one(run({**BASE, "projects/crm.md": project("crm", "depends_on: [identity]")}))
    assert d.hint == "did you mean 'identity-platform'?"


def test_unknown_decision_in_a_decision(run) -> None:
    result = run({**BASE,
                  "decisions/use-sso.md": "---\nkind: decision\nid: use-sso\ntitle: Use SSO\n"
                                          "date: 2026-01-01\nsupersedes: [use-ldap-auth]\n"
                                          "---\nBody\n",
                  "decisions/use-ldap.md": "---\nkind: decision\nid: use-ldap\ntitle: LDAP\n"
                                           "date: 2025-01-01\n---\nBody\n"})
    d = one(result)
    assert (d.path, d.line, d.column) == ("content/decisions/use-sso.md", 6, 14)
    assert d.message == "unknown decision 'use-ldap-auth'"
    assert d.hint == "did you mean 'use-ldap'?"


def test_a_suggestion_never_names_the_referring_record_itself(run) -> None:
    d = one(run({**BASE, "projects/crm.md": project("crm", "depends_on: [crn]")}))
    assert d.message == "unknown project 'crn'"
    assert "'crm'" not in d.hint


def test_reference_of_the_wrong_kind(run) -> None:
    d = one(run({**BASE, "projects/crm.md": project("crm", program="identity-platform")}))
    assert (d.line, d.column, d.code) == (5, 10, "unknown-reference")
    assert d.message == "'identity-platform' is a project, not a program"


def test_milestone_reference_where_a_record_is_needed(run) -> None:
    d = one(run({**BASE, "projects/crm.md": project("crm", program="identity-platform#mfa")}))
    assert (d.line, d.column) == (5, 10)
    assert d.message == "'identity-platform#mfa' names a milestone; program needs a program"


def test_unknown_milestone_with_did_you_mean_or_the_list(run) -> None:
    result = run({**BASE, "projects/crm.md": project(
        "crm", "depends_on:\n  - identity-platform#sso-liv\n  - identity-platform#zzz")})
    assert [(d.line, d.column, d.code, d.message, d.hint)
            for d in result.diagnostics.sorted()] == [
        (8, 5, "unknown-reference", "project 'identity-platform' has no milestone 'sso-liv'",
         "did you mean 'sso-live'?"),
        (9, 5, "unknown-reference", "project 'identity-platform' has no milestone 'zzz'",
         "milestones: mfa, sso-live"),
    ]


def test_milestone_of_an_unknown_project(run) -> None:
    d = one(run({**BASE, "projects/crm.md": project("crm", "depends_on: [identiti-platform#mfa]")}))
    assert d.message == "unknown project 'identiti-platform'"
    assert d.hint == "did you mean 'identity-platform'?"


def test_case_only_mismatch_warns_and_still_resolves(run) -> None:
    result = run({**BASE, "projects/crm.md": project(
        "crm", "depends_on: [Identity-Platform, identity-platform#MFA]")})
    assert located(result) == [
        ("content/projects/crm.md", 7, 14, "warning", "reference-case"),
        ("content/projects/crm.md", 7, 33, "warning", "reference-case")]
    first, second = result.diagnostics.sorted()
    assert first.message == "'Identity-Platform' refers to 'identity-platform' by a different case"
    assert first.hint == "write it as 'identity-platform'"
    assert second.message == "'MFA' refers to 'mfa' by a different case"
    assert not result.has_errors
    assert result.model.records.get("crm").references == [
        ("depends_on.on", "identity-platform"), ("depends_on.on", "identity-platform#mfa"),
        ("program", "cx")]
    assert result.model.records.get("identity-platform").backlinks == [("depends_on.on", "crm")]


def test_for_must_name_a_milestone_of_the_project_itself(run) -> None:
    extra = MILESTONES.replace("sso-live", "cutover") + \
        "\ndepends_on:\n  - on: identity-platform\n    for: cut-over"
    d = one(run({**BASE, "projects/crm.md": project("crm", extra)}))
    assert (d.path, d.line, d.column, d.code) == ("content/projects/crm.md", 16, 10,
                                                  "unknown-reference")
    assert d.message == "'for: cut-over' names no milestone of project 'crm'"
    assert d.hint == "did you mean 'cutover'?"


def test_for_naming_the_upstream_milestone_is_an_error(run) -> None:
    extra = "depends_on:\n  - on: identity-platform#mfa\n    for: mfa"
    d = one(run({**BASE, "projects/crm.md": project("crm", extra)}))
    assert (d.line, d.column) == (9, 10)
    assert d.message == "'for: mfa' names no milestone of project 'crm'"


def test_unknown_objective(run) -> None:
    d = one(run({**BASE, "projects/crm.md": project("crm", "aligns_to: [obj-grow]")}))
    assert (d.line, d.column, d.code) == (7, 13, "unknown-reference")
    assert d.message == "unknown objective 'obj-grow'"
    assert d.hint == "did you mean 'obj-growth'?"


def test_inherited_reference_error_points_at_the_log_key(run) -> None:
    log = ("kind: status\nproject: identity-platfrom\nentries:\n  - date: 2026-06-01\n"
           "    overall: green\n  - date: 2026-06-20\n    overall: green\n")
    result = run({**BASE, "status/identity.yml": log})
    d = only(result, "unknown-reference")
    assert (d.path, d.line, d.column) == ("content/status/identity.yml", 2, 10)
    assert d.hint == "did you mean 'identity-platform'?"


def test_reference_error_in_an_entry_points_at_the_entry(run) -> None:
    log = ("kind: risk\nproject: identity-platform\nentries:\n  - id: r1\n    title: A\n"
           "  - id: r2\n    title: B\n    project: crmm\n")
    d = one(run({**BASE, "projects/crm.md": project("crm"), "risks/log.yml": log}))
    assert (d.path, d.line, d.column, d.message) == (
        "content/risks/log.yml", 8, 14, "unknown project 'crmm'")


# --------------------------------------------------------------------------- wiki-links


BODY = """\
Intro line.

See [[identity-platform]], [[identity-platform|the IdP]] and [[identity-platform#mfa]].

`[[nope-span]]` in a code span.

```
[[nope-fence]]
```

    [[nope-indented]]

~~~yaml
depends_on: [[nope-tilde]]
~~~

Unknown: [[identty-platform]] here
and [[identity-platform#mfaa]] there.
"""


def test_wikilinks_resolve_and_fill_backlinks_both_ways(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm") + BODY.split("`")[0]})
    assert located(result) == []
    crm = result.model.records.get("crm")
    identity = result.model.records.get("identity-platform")
    assert crm.references == [("body", "identity-platform"), ("body", "identity-platform#mfa"),
                              ("program", "cx")]
    assert identity.backlinks == [("body", "crm")]
    links = result.model.links.by_record["crm"]
    assert [(written, target.ref) for written, target in links] == [
        ("identity-platform", "identity-platform"), ("identity-platform", "identity-platform"),
        ("identity-platform#mfa", "identity-platform#mfa")]
    assert links[2][1].milestone.title == "MFA rollout"


def test_wikilinks_in_code_are_ignored_and_unknown_ones_have_file_lines(run) -> None:
    result = run({**BASE, "projects/crm.md": project("crm") + BODY})
    # front matter lines 1-8, "Charter of crm." on 9, BODY from line 10
    assert [(d.path, d.line, d.column, d.code, d.message, d.hint)
            for d in result.diagnostics.sorted()] == [
        ("content/projects/crm.md", 26, 10, "unknown-reference",
         "wiki-link to unknown id 'identty-platform'", "did you mean 'identity-platform'?"),
        ("content/projects/crm.md", 27, 5, "unknown-reference",
         "project 'identity-platform' has no milestone 'mfaa'", "did you mean 'mfa'?"),
    ]


def test_wikilinks_in_ordinary_pages(run) -> None:
    page = "# Notes\n\n> quoted [[identity-platform]]\n\n- item [[cx]]\n- item [[nope]]\n"
    result = run({**BASE, "guide/notes.md": page})
    d = one(result)
    assert (d.path, d.line, d.column, d.message) == (
        "content/guide/notes.md", 6, 8, "wiki-link to unknown id 'nope'")
    assert [(w, t.ref) for w, t in result.model.links.by_page["guide/notes.md"]] == [
        ("identity-platform", "identity-platform"), ("cx", "cx")]


def test_wikilink_line_in_a_page_with_front_matter(run) -> None:
    page = "---\ntitle: Notes\n---\n# Notes\n\nSee [[nope]].\n"
    d = one(run({**BASE, "notes.md": page}))
    assert (d.line, d.column) == (6, 5)


def test_wikilink_in_an_adr_body(run) -> None:
    adr = "# 2. Use SSO\n\nDate: 2026-01-10\n\n## Status\n\nAccepted\n\n## Context\n\n" \
          "For [[identity-platform]] and [[idp]].\n"
    result = run({**BASE, "decisions/0002-use-sso.md": adr})
    d = one(result)
    assert (d.path, d.line, d.column) == ("content/decisions/0002-use-sso.md", 11, 31)
    assert result.model.records.get("identity-platform").backlinks == [("body", "0002-use-sso")]


def test_wikilink_in_a_table_and_in_emphasis(run) -> None:
    page = "| a | b |\n|---|---|\n| [[nope1]] | x |\n\n*see [[nope2]]*\n"
    result = run({**BASE, "t.md": page})
    assert [(d.line, d.column) for d in result.diagnostics.sorted()] == [(3, 3), (5, 6)]


def test_find_wikilinks_reports_body_lines_columns_and_text() -> None:
    body = "a [[x]] b\n\nline [[p#m|The M]]\ncontinued [[ y | Why ]]\n\n`[[no]]`\n"
    links = find_wikilinks(body)
    assert all(isinstance(link, WikiLink) for link in links)
    assert [(link.target, link.text, link.line, link.column) for link in links] == [
        ("x", None, 1, 3),
        ("p#m", "The M", 3, 6),
        ("y", "Why", 4, 11),
    ]


@pytest.mark.parametrize("body", [
    "[[]]", "[[ ]]", "[[a", "a]]", "[[a\nb]]", "[[[a]]]", "\\[[a]]", "<!-- [[a]] -->",
])
def test_find_wikilinks_odd_input_never_raises(body: str) -> None:
    for link in find_wikilinks(body):
        assert link.line >= 1 and link.column >= 1


@pytest.mark.parametrize("body", ["[[a]] and [[a]]\n", "[[a]] and [[a]] `code`\n"])
def test_two_identical_wikilinks_on_one_line_have_their_own_columns(body: str) -> None:
    links = find_wikilinks(body)
    assert [(link.line, link.column) for link in links] == [(1, 1), (1, 11)]


@pytest.mark.parametrize(("rel", "url"), [
    ("governance/readme.md", "governance/readme/"),
    ("governance/README.md", "governance/"),
    ("governance/Index.md", "governance/Index/"),
    ("governance/index.md", "governance/"),
    ("top.md", "top/"),
])
def test_record_urls_are_the_urls_mkdocs_publishes(tmp_path: pathlib.Path, rel: str,
                                                   url: str) -> None:
    """The export's and links' URL of a Markdown record is where MkDocs writes its page."""
    from mkdocs.structure.files import File

    from generator.urls import source_url

    mkdocs_file = File(rel, str(tmp_path / "docs"), str(tmp_path / "site"), True)
    assert mkdocs_file.url == url
    assert source_url(rel) == url
