"""The Atom feed `/feed.xml` (SPEC §5, RFC 4287; docs/feed.md): valid for a real parser,
stable entry ids, every value escaped, the same bytes for the same content and date."""

from __future__ import annotations

import dataclasses
import xml.etree.ElementTree as ET
from datetime import date
from pathlib import Path

import feedparser
import pytest

from generator.feed import FEED_PATH, MAX_ENTRIES, xml_text
from generator.pipeline import CheckResult, check
from generator.report import standalone_report
from generator.settings import load_settings
from generator.site import plan_site
from tests.conftest import PORTFOLIO, REPO, write_site

AS_OF = date(2026, 11, 20)
A = "{http://www.w3.org/2005/Atom}"
PREFIX = "tag:pmsite.invalid,2026:hafenwerk-group-it-portfolio/"


def _feed(result: CheckResult) -> bytes:
    data = plan_site(result, draw=set()).files[FEED_PATH]
    assert isinstance(data, bytes)
    return data


def _example(as_of: date = AS_OF) -> bytes:
    return _feed(check(load_settings(REPO / "mkdocs.yml"), as_of))


def _entries(data: bytes) -> dict[str, ET.Element]:
    entries = ET.fromstring(data).findall(f"{A}entry")
    by_id = {_text(e, "id"): e for e in entries}
    assert len(by_id) == len(entries), "two entries share an id"
    return by_id


def _text(element: ET.Element, name: str) -> str:
    found = element.findall(f"{A}{name}")
    assert len(found) == 1, f"{name}: {len(found)} elements"
    return found[0].text or ""


@pytest.fixture(scope="module")
def example() -> bytes:
    return _example()


def test_a_real_parser_reads_the_example_feed_without_complaint(example: bytes) -> None:
    parsed = feedparser.parse(example)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title == "Hafenwerk Group IT Portfolio"
    assert len(parsed.entries) == MAX_ENTRIES
    dc_exit = [e for e in parsed.entries if e.id == PREFIX + "what-changed/status/dc-exit/amber/green"]
    assert [e.title for e in dc_exit] == ["Data-centre exit (Hamburg DC1) turned green (was amber)"]


def test_the_feed_has_every_element_atom_requires(example: bytes) -> None:
    root = ET.fromstring(example)
    assert root.tag == f"{A}feed"
    assert _text(root, "id") == PREFIX + "feed"
    assert _text(root, "title") == "Hafenwerk Group IT Portfolio"
    assert _text(root, "updated") == "2026-11-20T00:00:00Z"
    assert root.findall(f"{A}author/{A}name")[0].text == "Hafenwerk Group IT Portfolio"
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    # No site_url in the example: links are relative to the feed, at the site's root.
    assert links == {"self": "feed.xml", "alternate": "./"}
    for entry in root.findall(f"{A}entry"):
        for name in ("id", "title", "updated", "summary"):
            assert _text(entry, name), name
        alternate = [link for link in entry.findall(f"{A}link") if link.get("rel") == "alternate"]
        assert len(alternate) == 1 and alternate[0].get("href")


def test_entries_newest_first_then_by_id_and_capped(example: bytes) -> None:
    entries = ET.fromstring(example).findall(f"{A}entry")
    keys = [(_text(e, "updated"), _text(e, "id")) for e in entries]
    assert keys == sorted(keys, key=lambda k: (-date.fromisoformat(k[0][:10]).toordinal(), k[1]))
    assert len(entries) == MAX_ENTRIES
    terms = {e.find(f"{A}category").get("term") for e in entries}  # type: ignore[union-attr]
    assert terms == {"status-report", "decision", "change-request", "what-changed"}


def test_entries_link_to_their_pages(example: bytes) -> None:
    entries = _entries(example)
    report = entries[PREFIX + "status-report/dc-exit-status-2026-11-20"]
    assert _text(report, "title") == (
        "Data-centre exit (Hamburg DC1): green (status report of 2026-11-20)")
    assert report.find(f"{A}link").get("href") == (  # type: ignore[union-attr]
        "projects/dc-exit/#status-2026-11-20")
    change = entries[PREFIX + "what-changed/milestone-overdue/crm-replatform%23"
                     "data-migration-dryrun/due-soon/overdue"]
    assert change.find(f"{A}link").get("href") == (  # type: ignore[union-attr]
        "projects/crm-replatform/#milestone-data-migration-dryrun")
    assert _text(change, "summary").startswith("Worse: Data migration dry run #2")


def test_ids_stay_the_same_when_the_as_of_date_moves(example: bytes) -> None:
    """The entry for one report or one change keeps its id: a reader shows it once."""
    later = _entries(_example(date(2026, 11, 22)))
    now = _entries(example)
    report = PREFIX + "status-report/dc-exit-status-2026-11-20"
    change = PREFIX + "what-changed/status/dc-exit/amber/green"
    for ident in (report, change):
        assert ident in now and ident in later
    assert _text(now[report], "updated") == _text(later[report], "updated")
    # A change is dated by the as-of date; its id does not move with it.
    assert _text(now[change], "updated") == "2026-11-20T00:00:00Z"
    assert _text(later[change], "updated") == "2026-11-22T00:00:00Z"
    # Nothing in the ids comes from the build: every id of the earlier feed that is still
    # within the later one's window is the same string.
    assert {i for i in now if "status-report/" in i} & set(later)


def test_the_same_content_and_date_give_the_same_bytes(example: bytes) -> None:
    assert _example() == example


def test_site_url_makes_links_absolute_and_names_the_ids(example: bytes) -> None:
    settings = dataclasses.replace(load_settings(REPO / "mkdocs.yml"),
                                   site_url="https://pmo.example.org/it/")
    data = _feed(check(settings, AS_OF))
    root = ET.fromstring(data)
    links = {link.get("rel"): link.get("href") for link in root.findall(f"{A}link")}
    assert links == {"self": "https://pmo.example.org/it/feed.xml",
                     "alternate": "https://pmo.example.org/it/"}
    entries = _entries(data)
    report = entries["tag:pmo.example.org,2026:it/status-report/dc-exit-status-2026-11-20"]
    assert report.find(f"{A}link").get("href") == (  # type: ignore[union-attr]
        "https://pmo.example.org/it/projects/dc-exit/#status-2026-11-20")
    assert feedparser.parse(data).bozo == 0


MARKUP = '<script>alert(1)</script> ]]> &amp; "q" <![CDATA[x]]> end'
"""Markup, a CDATA section and its end, an entity: content may hold all of them."""
CONTROL = "\x01\x0b\x1f\ufffe"
"""Characters XML 1.0 forbids: content refuses them (`invalid-value`), mkdocs.yml's
`site_name` does not, so the site's name carries them."""


def _yaml(text: str) -> str:
    """`text` as a YAML double-quoted scalar (control characters as escapes)."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + "".join(c if " " <= c < "\ufffe" else f"\\u{ord(c):04x}"
                         for c in escaped) + '"'


def test_hostile_values_are_escaped_and_forbidden_characters_dropped(tmp_path: Path) -> None:
    h = _yaml(MARKUP)
    config = write_site(tmp_path, {
        "portfolio.md": PORTFOLIO,
        "projects/p1.md": f"---\nkind: project\nid: p1\ntitle: {h}\nportfolio: pf\n"
                          "manager: Ann\n---\nText.\n",
        "projects/p1-status.md": f"---\nkind: status\nproject: p1\ndate: 2026-06-20\n"
                                 f"overall: amber\nsummary: {h}\n---\nText.\n",
        "decisions/d1.yml": f"kind: decision\nid: d1\ntitle: {h}\ndate: 2026-06-25\n"
                            "project: p1\n",
        "changes/c1.yml": f"kind: change\nid: c1\ntitle: {h}\nproject: p1\ndate: 2026-06-26\n",
    })
    site_name = _yaml(f"{CONTROL[:2]}{MARKUP}{CONTROL[2:]}")
    config.write_text(config.read_text().replace("site_name: Test PMO",
                                                 f"site_name: {site_name}"), encoding="utf-8")
    result = check(load_settings(config), date(2026, 6, 30))
    assert not result.has_errors, [d.to_text() for d in result.diagnostics.sorted()]
    assert CONTROL[0] in result.settings.site_name
    data = _feed(result)
    assert b"<script" not in data and b"]]>" not in data and b"<![CDATA[" not in data
    assert not any(byte < 0x20 and byte not in b"\t\n\r" for byte in data)
    assert "\ufffe".encode() not in data
    root = ET.fromstring(data)  # a well-formed document, or this raises
    assert _text(root, "title") == MARKUP
    assert root.findall(f"{A}author/{A}name")[0].text == MARKUP
    entries = root.findall(f"{A}entry")
    titles = {_text(e, "title") for e in entries}
    assert {f"Decision (accepted): {MARKUP}", f"Change request (submitted): {MARKUP}",
            f"{MARKUP}: amber (status report of 2026-06-20)"} <= titles
    assert MARKUP in {_text(e, "summary") for e in entries}
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert f"Decision (accepted): {MARKUP}" in [e.title for e in parsed.entries]


def test_xml_text_keeps_what_xml_allows() -> None:
    assert xml_text("a\tb\nc\rd") == "a\tb\nc\rd"
    assert xml_text("\x00\x08\x0b\x0c\x7f\ud800\ufffe\uffff") == "\x7f"
    assert xml_text("<a href=\"x\">&</a>") == "&lt;a href=&quot;x&quot;&gt;&amp;&lt;/a&gt;"
    assert xml_text("\U0001f600 é") == "\U0001f600 é"


def test_the_standalone_report_names_the_feed_only_with_a_site_url() -> None:
    settings = load_settings(REPO / "mkdocs.yml")
    assert "application/atom+xml" not in standalone_report(check(settings, AS_OF))
    published = dataclasses.replace(settings, site_url="https://pmo.example.org/it")
    html = standalone_report(check(published, AS_OF))
    assert ('<link rel="alternate" type="application/atom+xml" title="Hafenwerk Group IT '
            'Portfolio" href="https://pmo.example.org/it/feed.xml">') in html
