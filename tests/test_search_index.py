"""The search indexes pmsite gives MkDocs' and Material's search plugins (searchindex.py)
read pages exactly as the plugins' own parsers do: same sections, same text, on every
page of the example site, under MkDocs' theme and Material's."""

from __future__ import annotations

import json
import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from material.plugins.search.plugin import Parser as MaterialParser
from material.plugins.search.plugin import SearchPlugin as MaterialSearch
from mkdocs.contrib.search.search_index import ContentParser, SearchIndex
from mkdocs.structure.pages import Page

import generator.searchindex
from generator.cli import main
from generator.htmlstash import CAPTION_START, FIGURE_END, FIGURE_START
from generator.pages.figures import fit
from generator.searchindex import (
    OTHER_SPACES,
    AttrsRead,
    FastSearchIndex,
    MaterialText,
    PageText,
    _parsed_text,
    every_tag,
    faster_index,
    feed_tokens,
    index_text,
    material_reads,
    material_text,
    mkdocs_reads,
    page_text,
    without_figures,
)
from tests.conftest import REPO


class Recorder(HTMLParser):
    """Every handler call, as HTMLParser makes it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.calls: list[tuple[Any, ...]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.calls.append(("start", tag, attrs))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.calls.append(("startend", tag, attrs))

    def handle_endtag(self, tag: str) -> None:
        self.calls.append(("end", tag))

    def handle_data(self, data: str) -> None:
        self.calls.append(("data", data))

    def handle_comment(self, data: str) -> None:
        self.calls.append(("comment", data))


def _fed(parser: HTMLParser, html: str, fast: bool,
        reads: AttrsRead = every_tag) -> HTMLParser:
    """`parser` after reading `html` with the tokenizer (`fast`, handing the attributes
    `reads` says it reads) or as HTMLParser does."""
    if fast:
        feed_tokens(parser, html, reads)
    else:
        parser.feed(html)
        parser.close()
    return parser


def _calls(html: str, fast: bool) -> list[tuple[Any, ...]]:
    recorder = _fed(Recorder(), html, fast)
    assert isinstance(recorder, Recorder)
    return recorder.calls


def _material(html: str, fast: bool) -> list[tuple[Any, ...]]:
    parser = _fed(MaterialParser(), html, fast, material_reads)
    return [(s.id, s.title, s.text, s.is_excluded()) for s in parser.data]  # type: ignore[attr-defined]


def _mkdocs(html: str, fast: bool) -> tuple[Any, ...]:
    parser = _fed(ContentParser(), html, fast, mkdocs_reads)
    assert isinstance(parser, ContentParser)
    return parser.stripped_html, [(s.id, s.title, s.text) for s in parser.data]


SAMPLES = [
    "",
    "plain text only",
    "<p>before</p><h2 id=\"a\">Head <code>x</code> ing</h2><p>a &amp; b &lt;c&gt;</p>\n",
    "<h1 id='q'>One</h1>\n\n<table><tr><td title=\"a > b\">cell</td></tr></table>tail",
    ("<!-- note --><h3 id=x>Bare id</h3><svg viewBox=\"0 0 1 1\"><title>T</title>"
     "<text x=\"1\">label</text></svg>\n<H4 ID=\"Up\" hidden>Caps</H4>after"),
    "<h2>no id</h2>text<br/>more<img alt=\"i &quot;q&quot;\" src=\"a.png\">end",
    "<div data-search-exclude><p>hidden</p></div><h2 id=\"b\">B<a class=\"headerlink\">¶</a></h2>",
    ("<h2 id=\"c\">C</h2><DIV DATA-SEARCH-EXCLUDE><p>hidden too</p></DIV><p>seen</p>"
     "<table class=\"linenodiv\"><tr><td>1</td></tr></table><p>code</p>"
     "<p><a href=\"#c\" class=\"headerlink\">link</a> <em class=\"x\">em</em></p>"),
]


@pytest.mark.parametrize("html", SAMPLES)
def test_the_tokenizer_calls_the_handlers_as_html_parser_does(html: str) -> None:
    assert _calls(html, fast=True) == _calls(html, fast=False)


@pytest.mark.parametrize("html", SAMPLES)
def test_each_index_reads_the_same_from_the_attributes_it_is_handed(html: str) -> None:
    """MkDocs' and Material's parsers make the same sections when handed only the
    attributes they read (`mkdocs_reads`, `material_reads`)."""
    assert _mkdocs(html, fast=True) == _mkdocs(html, fast=False)
    assert _material(html, fast=True) == _material(html, fast=False)


EDGES = [
    "<h2 id=\"a\">A<h3 id=\"b\">B</h3>C</h2>D\n\n<p>E</p>\n",  # nested headings
    "</h2>before any section<h2 id=\"x\"/>after a self-closed heading<h2>T</h2>",
    "<h2 title=\"<h3>\" id=\"q\">T</h2><!-- <h1>not</h1> --><p>a < b &amp c &#x26;</p>",
    "<h2 id=a id=b>Two ids</h2><H6\tID='tab'>Tab</H6 >x<h7>no heading</h7><h2x>no</h2x>",
    "text\n<h4 id=\"t\">\nTitle\n<a class=\"headerlink\" href=\"#t\">&para;</a></h4>\n\n",
    "<p>unclosed <h2 id=\"u\">U",
    "<h2>T</h2>a<b>&#1;</b>c<h3>U<b></b>&#1;</h3>",  # pieces that unescape to nothing
    "<h2' x'>T</h2>after<h2 id=a>V</h2\" x\">more",  # names that run into a quote
]


def _read(text: PageText) -> tuple[Any, ...]:
    return text.content, text.text, [(s.id, s.title, s.text) for s in text.sections]


@pytest.mark.parametrize("html", SAMPLES + EDGES)
def test_page_text_reads_as_the_parser_does(html: str) -> None:
    """`page_text` (one split, a loop over headings) equals ContentParser fed tag by tag."""
    assert _read(page_text(html)) == _read(_parsed_text(html))


_FRAGMENTS = st.sampled_from([
    "<h2 id=\"a\">", "</h2>", "<h3>", "</h3>", "<H1 ID=b/>", "<h2 title='<p>'>", "<p>",
    "</p>", "<a href=\"#x\">", "</a>", "<br/>", "<!-- c -->", "<!--", "-->", "<", ">",
    "&amp;", "&lt;", "&#60;", "&para", "\n", "\n\n", " ", "text", "é", "\"", "'",
    "<td data-x=\"a>b\">", "</td>", "<h2x>", "&#1;", "<h2'", "</h3\"",
])


@given(st.lists(_FRAGMENTS, max_size=40).map("".join))
def test_page_text_reads_any_markup_as_the_parser_does(html: str) -> None:
    assert _read(page_text(html)) == _read(_parsed_text(html))


_SPACE_CHARS = "".join(chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace())


def test_str_split_splits_at_those_spaces_and_no_other() -> None:
    """`index_text` takes `str.split` only where the text has none of `OTHER_SPACES`: with
    MkDocs' six and the no-break space, they are every character `str.split` splits at."""
    listed = re.sub("[" + OTHER_SPACES + "]", "", _SPACE_CHARS)
    assert sorted(listed) == sorted(" \t\n\r\x0b\x0c\xa0")


def _mkdocs_text(text: str) -> str:
    index = SearchIndex(indexing="full")
    index._add_entry("t", text, "t/")
    return str(index._entries[0]["text"])


@pytest.mark.parametrize("space", list(_SPACE_CHARS))
def test_index_text_is_mkdocs_own_at_each_space(space: str) -> None:
    """The text of an entry as MkDocs' `SearchIndex._add_entry` makes it, with each
    character `str.split` splits at, inside the text, at its ends and beside others."""
    text = f"{space}a{space}b \n{space}c{space}{space}d\u00a0{space}"
    assert index_text(text) == _mkdocs_text(text)


@given(st.lists(st.sampled_from(["a", "é", "·", "word", "\u00a0", *_SPACE_CHARS]),
                max_size=30).map("".join))
def test_index_text_is_mkdocs_own(text: str) -> None:
    """The same, whatever whitespace the page holds."""
    assert index_text(text) == _mkdocs_text(text)


def test_script_and_style_go_to_the_real_parser() -> None:
    html = "<h2 id=\"s\">S</h2><script>if (a < b) { x = '</p>' }</script><p>after</p>"
    assert _calls(html, fast=True) == _calls(html, fast=False)


@pytest.fixture(scope="module", params=["mkdocs", "material"])
def page_contents(request: pytest.FixtureRequest,
                  tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The content of every page as the theme's search plugin is handed it, from a real
    build of the example site with pmsite's index in place."""
    seen: dict[str, str] = {}
    original_text, original_material = page_text, generator.searchindex.material_text

    def spy_text(html: str) -> PageText:  # (MkDocs' index reads with page_text)
        seen[f"{len(seen)}"] = html
        return original_text(html)

    def spy_material(html: str) -> MaterialText:  # (Material's with material_text)
        seen[f"{len(seen)}"] = html
        return original_material(html)

    root = tmp_path_factory.mktemp("search")
    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: content", f"docs_dir: {REPO / 'content'}")
    config = config.replace("theme:\n  name: material", f"theme:\n  name: {request.param}")
    (root / "mkdocs.yml").write_text(config, encoding="utf-8")
    FastSearchIndex.read = staticmethod(spy_text)
    generator.searchindex.material_text = spy_material
    jobs = os.environ.get("PMSITE_JOBS")
    os.environ["PMSITE_JOBS"] = "1"  # (the pages are read in this process, by the spy)
    try:
        done = main(["build", "-f", str(root / "mkdocs.yml"), "--as-of", "2026-11-20",
                     "--site-dir", str(root / "site")])
    finally:
        FastSearchIndex.read = staticmethod(original_text)
        generator.searchindex.material_text = original_material
        if jobs is None:
            del os.environ["PMSITE_JOBS"]
        else:
            os.environ["PMSITE_JOBS"] = jobs
    assert done == 0
    return seen


def test_every_page_of_the_example_site_indexes_the_same(page_contents: dict[str, str]) -> None:
    assert len(page_contents) > 50, "the search plugin was not handed pmsite's index"
    for content in page_contents.values():
        assert _calls(content, fast=True) == _calls(content, fast=False)
        assert _mkdocs(content, fast=True) == _mkdocs(content, fast=False)
        assert _material(content, fast=True) == _material(content, fast=False)
        assert _read(page_text(content)) == _read(_parsed_text(content))


def test_the_built_index_has_every_heading_of_a_project_page(tmp_path: Path) -> None:
    done = main(["build", "-f", str(REPO / "mkdocs.yml"), "--as-of", "2026-11-20",
                 "--site-dir", str(tmp_path / "site")])
    assert done == 0
    index = json.loads((tmp_path / "site" / "search" / "search_index.json").read_text())
    project = (tmp_path / "site" / "projects" / "network-refresh" / "index.html").read_text()
    ids = set(re.findall(r'<h[23] id="([^"]+)"', project))
    locations = {doc["location"] for doc in index["docs"]}
    assert "milestones" in ids
    assert {f"projects/network-refresh/#{i}" for i in ids} <= locations


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_index_is_the_one_mkdocs_search_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    """Under MkDocs' own search plugin, pmsite's index (pages read ahead, text kept as the
    index keeps it, titles plain) writes the very file MkDocs' index writes, once pmsite
    has made its titles plain text."""
    import generator.forkmap
    import generator.mkdocs_plugin

    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: content", f"docs_dir: {REPO / 'content'}")
    config = config.replace("theme:\n  name: material", "theme:\n  name: mkdocs")
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    monkeypatch.setenv("PMSITE_JOBS", jobs)
    monkeypatch.setattr(generator.forkmap, "MIN_ITEMS", 1)  # (the example forks, too)
    built = []
    plain_add = SearchIndex.add_entry_from_context

    def add_without_figures(index: SearchIndex, page: Page) -> None:
        """MkDocs' own reading of the page, its diagrams cut out as pmsite's index does."""
        content = page.content
        page.content = without_figures(content or "")
        try:
            plain_add(index, page)
        finally:
            page.content = content

    for name, faster in (("ours", generator.mkdocs_plugin.faster_index),
                         ("mkdocs", lambda index: None)):
        monkeypatch.setattr(generator.mkdocs_plugin, "faster_index", faster)
        if name == "mkdocs":
            monkeypatch.setattr(SearchIndex, "add_entry_from_context", add_without_figures)
        site = tmp_path / name
        assert main(["build", "-f", str(tmp_path / "mkdocs.yml"), "--as-of", "2026-11-20",
                     "--site-dir", str(site)]) == 0
        built.append((site / "search" / "search_index.json").read_bytes())
    assert len(json.loads(built[0])["docs"]) > 500
    assert built[0] == built[1]


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_the_index_is_the_one_material_search_writes(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, jobs: str) -> None:
    """Under Material's search plugin, pmsite's index (pages read ahead where they are
    rendered, diagrams cut out before Material's parser reads the rest, nothing indexed by
    the processes that write pages) writes the very file Material's own index writes."""
    import generator.forkmap
    import generator.mkdocs_plugin

    config = (REPO / "mkdocs.yml").read_text(encoding="utf-8")
    config = config.replace("docs_dir: content", f"docs_dir: {REPO / 'content'}")
    assert "theme:\n  name: material" in config
    (tmp_path / "mkdocs.yml").write_text(config, encoding="utf-8")
    monkeypatch.setenv("PMSITE_JOBS", jobs)
    monkeypatch.setattr(generator.forkmap, "MIN_ITEMS", 1)  # (the example forks, too)
    reads = tmp_path / "reads"
    original = generator.searchindex.material_text

    def counted(html: str) -> MaterialText:  # (in whichever process reads the page)
        with reads.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()}\n")
        return original(html)

    monkeypatch.setattr(generator.searchindex, "material_text", counted)
    contexts = tmp_path / "contexts"
    plugin_context = MaterialSearch.on_page_context

    def seen(plugin: MaterialSearch, context: Any, *, page: Page, **kwargs: Any) -> Any:
        """Material's step, then the page's content as it left it, by process."""
        plugin_context(plugin, context, page=page, **kwargs)
        with contexts.open("a", encoding="utf-8") as out:
            out.write(f"{os.getpid()} {page.url or '.'} {len(page.content or '')}\n")

    monkeypatch.setattr(MaterialSearch, "on_page_context", seen)
    built = []
    for name, faster in (("ours", generator.mkdocs_plugin.faster_index),
                         ("material", lambda index: None)):
        monkeypatch.setattr(generator.mkdocs_plugin, "faster_index", faster)
        site = tmp_path / name
        assert main(["build", "-f", str(tmp_path / "mkdocs.yml"), "--as-of", "2026-11-20",
                     "--site-dir", str(site)]) == 0
        built.append((site / "search" / "search_index.json").read_bytes())
        if name == "ours":  # each page read once, where it was rendered
            by = reads.read_text(encoding="utf-8").split()
            assert len(by) == len(list(site.rglob("index.html")))
            assert len(set(by)) == int(jobs)
            _content_let_go(contexts, int(jobs))
    assert len(json.loads(built[0])["docs"]) > 500
    assert built[0] == built[1]


def _content_let_go(contexts: Path, jobs: int) -> None:
    """The build's process went through Material's `on_page_context` for every page; a
    page a child wrote (and took through it there) had no content left here by then, so
    Material's rewriting of it was no work (it wrote nothing of it)."""
    lines = [line.split() for line in contexts.read_text(encoding="utf-8").splitlines()]
    here = str(os.getpid())
    ours = {url: int(size) for pid, url, size in lines if pid == here}
    theirs = {url: int(size) for pid, url, size in lines if pid != here}
    assert len(ours) + len(theirs) == len(lines) and set(theirs) <= set(ours)
    if jobs == 1:
        assert not theirs and sum(ours.values()) > 0
        return
    assert len(theirs) > 10 and sum(theirs.values()) > 0
    assert all(ours[url] == 0 for url in theirs)
    assert sum(size for url, size in ours.items() if url not in theirs) > 0


def test_only_the_process_that_made_an_index_indexes() -> None:
    """A process forked from the build's to write pages (`writeahead`) runs the search
    plugin's `on_page_context` too: its index takes nothing (the build's indexes every
    page, as it reaches it)."""
    from material.plugins.search.plugin import SearchIndex as MaterialIndex

    page = type("FakePage", (), {"content": "<h1 id=\"t\">T</h1><p>text</p>", "url": "t/",
                                 "toc": [], "title": "T", "meta": {}})()
    for index in (faster_index(SearchIndex(indexing="full")),
                  faster_index(MaterialIndex(lang=["en"], separator=" ", pipeline=[],
                                             fields={}))):
        assert index is not None
        entries = index._entries if isinstance(index, FastSearchIndex) else index.entries
        pid = os.fork()
        if pid == 0:  # (the child: exits 0 if it indexed nothing)
            index.add_entry_from_context(page)
            os._exit(1 if entries else 0)
        assert os.waitpid(pid, 0)[1] == 0
        index.add_entry_from_context(page)
        assert entries, "the process that made the index indexed nothing"


def _without_excluded(html: str) -> list[tuple[Any, ...]]:
    """Material's own parser, which leaves out what is marked `data-search-exclude`."""
    return _material(html, fast=False)


def test_the_diagrams_cut_out_are_what_material_leaves_out(
        page_contents: dict[str, str]) -> None:
    """On every page of the example site, `without_figures` takes away exactly what
    Material's parser excludes (the diagrams are the only elements marked), and the
    diagrams' words are gone from what MkDocs' index reads."""
    cut = [content for content in page_contents.values() if FIGURE_START in content]
    assert len(cut) > 5, "no page of the example site has a diagram"
    for content in page_contents.values():
        assert _without_excluded(content) == _without_excluded(without_figures(content))
        assert "data-search-exclude" not in without_figures(content)
    for content in cut:
        read = page_text(content)
        assert "Open full size" in content and "Open full size" not in read.text
        assert "<svg" in content and "pmsite-diagram" not in without_figures(content)
        assert "<figure" in without_figures(content)  # (the page's own element stays)


SVG = ('<svg xmlns="http://www.w3.org/2000/svg" class="pmsite-diagram" width="400" '
       'height="50"><title>{label}</title><text x="1" y="2">{label}</text></svg>')


def _figure(label: str) -> str:
    """A diagram labelled `label` as the templates escape it and `fit` places it, after
    `sanitize` (as the index is handed it): the title is the scroller's `aria-label`."""
    from markupsafe import escape

    from generator.sanitize import sanitize
    return sanitize(str(fit(SVG.format(label=escape(label)), "diagram-x.svg")))


def test_a_diagram_is_cut_out_and_the_text_around_it_stays() -> None:
    page = (f"<h2 id=\"a\">Before</h2><p>one</p>\n{_figure('LABELWORD')}\n<p>two</p>"
            f"{_figure('OTHERWORD')}<h2 id=\"b\">After</h2><p>three</p>")
    assert page.count(FIGURE_START) == 2 and FIGURE_END in page
    read = page_text(page)
    assert "LABELWORD" not in read.text and "OTHERWORD" not in read.text
    assert all(word in read.text for word in ("Before", "one", "two", "After", "three"))
    assert [s.id for s in read.sections] == ["a", "b"]
    assert "Open full size" in page and "Open full size" not in read.text
    assert page_text(page.replace(CAPTION_START, "<figcaption")).text.count("Open full size") == 2


@pytest.mark.parametrize("label", [
    "</svg>\n</div></div>",  # the end's very text, in a label's attribute
    '<div class="pm-fit-scroll" data-search-exclude="">',  # the start's, in text
    "&quot;</svg></div></div>",
])
def test_a_hostile_label_never_takes_text_outside_its_diagram(label: str) -> None:
    """A label holding the start or end text is escaped in text and unquoted only inside
    an attribute value: at worst the rest of its own diagram is indexed."""
    page = f"<p>outside1</p>{_figure(label)}<p>outside2</p>{_figure('x')}<p>outside3</p>"
    kept = without_figures(page)
    assert all(word in kept for word in ("outside1", "outside2", "outside3"))
    assert page_text(page).text.startswith("outside1")


def test_a_start_without_its_end_is_left_as_it_is() -> None:
    page = f"<p>a</p>{FIGURE_START} tabindex=\"0\"><p>b</p></div><p>c</p>"
    assert without_figures(page) == page
    second = f"{page}{_figure('LABELWORD')}<p>d</p>"
    assert "LABELWORD" not in without_figures(second)
    assert all(word in without_figures(second) for word in ("<p>b</p>", "<p>c</p>", "<p>d</p>"))


def _material_own(html: str) -> list[tuple[Any, ...]]:
    """Material's own reading of `html`: its parser fed by `HTMLParser`, the sections it
    keeps, as `material_text` gives them."""
    parser = _fed(MaterialParser(), html, fast=False)
    return [(s.id, "".join(s.title) if s.title else None, "".join(s.text))  # type: ignore[attr-defined]
            for s in parser.data if not s.is_excluded()]  # type: ignore[attr-defined]


@pytest.mark.parametrize("before", [
    "", "\n", "text", "<h1 id=\"t\">T</h1>\n", "<p>p</p>", "<br>", "<br/><hr>", "<!-- c -->",
    "</p>", "<img alt=\"i\" src=\"a.png\">", "<H2 ID=\"x\">X</H2>",
])
def test_material_reads_a_page_with_diagrams_as_its_own_parser_does(before: str) -> None:
    """Whatever comes before the first diagram (nothing, a void tag, a comment: where
    Material's parser would open its first section at the diagram), `material_text`
    keeps the sections Material's own parser keeps."""
    html = f"{before}{_figure('ONE')}\n<p>between</p>\n{_figure('TWO')}<h2 id=\"b\">B</h2>tail"
    assert [tuple(s) for s in material_text(html).sections] == _material_own(html)
    assert "ONE" not in str(material_text(html).sections)
    alone = f"{before}{_figure('ONE')}"  # (the diagram opens the page's one section)
    assert [tuple(s) for s in material_text(alone).sections] == _material_own(alone)


def test_a_page_left_out_of_material_search_lets_go_of_what_was_read_ahead() -> None:
    """A page whose front matter says `search: exclude` is not indexed, and what was read
    of it ahead (its content among it) is not kept for the rest of the build."""
    from material.plugins.search.plugin import SearchIndex as MaterialIndex

    index = faster_index(MaterialIndex(lang=["en"], separator=" ", pipeline=[], fields={}))
    assert index is not None
    content = "<h1 id=\"t\">T</h1><p>text</p>"
    page = type("FakePage", (), {"content": content, "url": "t/", "toc": [], "title": "T",
                                 "meta": {"search": {"exclude": True}}})()
    index.ahead[page.url] = index.read(content)
    index.add_entry_from_context(page)
    assert index.ahead == {} and index.entries == []  # type: ignore[attr-defined]
    page.meta = {}
    index.ahead[page.url] = index.read(content)
    index.add_entry_from_context(page)
    assert index.ahead == {}
    assert [e["text"] for e in index.entries] == ["<p>text</p>"]  # type: ignore[attr-defined]


@given(st.lists(st.tuples(st.one_of(st.none(), st.text(max_size=12)), st.text(max_size=30),
                          st.text(max_size=12)), max_size=6),
       st.sampled_from(["full", "sections", "titles"]))
def test_the_index_is_written_as_mkdocs_writes_it(entries: list[tuple[str | None, str, str]],
                                                  indexing: str) -> None:
    """Each entry written while the pages are built gives, joined, the very JSON MkDocs
    writes of the whole index (`json.dumps`): any text, quotes, controls, non-ASCII, lone
    surrogates, a title None."""
    index = FastSearchIndex(lang=["en"], separator=r"[\s\-]+", min_search_length=3,
                            prebuild_index=False, indexing=indexing)
    for title, text, location in entries + [("Ünïcode \"q\" \u2028 <b>", "\x00\ud800", "a/#x")]:
        index._add(title, text, location)
    assert index.generate_search_index() == SearchIndex.generate_search_index(index)
    index._entries.append({"title": "added", "text": "elsewhere", "location": "b/"})
    assert index.generate_search_index() == SearchIndex.generate_search_index(index)
