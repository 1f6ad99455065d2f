"""Offline with every theme (SPEC §5): the built site loads nothing from outside itself,
and what would is an `external-asset` warning."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator import offline
from generator.offline import external_assets
from generator.sanitize import sanitize
from tests.conftest import PORTFOLIO, PROGRAM, REPO, project, write_site

FILES = {"portfolio.md": PORTFOLIO, "programs/cx.md": PROGRAM, "projects/a.md": project("a"),
         "notes.md": "# Notes\n\n```python\nprint('highlighted')\n```\n"}


def build(root: Path, extra_config: str, *args: str,
          files: dict[str, str] = FILES) -> subprocess.CompletedProcess[str]:
    config = write_site(root, files)
    config.write_text(config.read_text(encoding="utf-8") + extra_config, encoding="utf-8")
    return subprocess.run([sys.executable, "-m", "generator", "build", "--as-of", "2026-06-30",
                           *args], cwd=root, capture_output=True, text=True, timeout=300,
                          check=False, env={**os.environ, "PYTHONPATH": str(REPO)})


def warned(stderr: str) -> list[tuple[str, str]]:
    """(file, url) of every external-asset line `pmsite build` printed."""
    lines = [line for line in stderr.splitlines() if "[external-asset]" in line]
    return [(line.split(":")[0], line.split(" loads ")[1].split(" from outside")[0])
            for line in lines]


@pytest.mark.parametrize("theme", ["mkdocs", "readthedocs", "material"])
def test_every_theme_builds_offline(tmp_path: Path, theme: str) -> None:
    done = build(tmp_path, f"theme: {theme}\n", "--strict")
    assert done.returncode == 0, done.stderr
    assert warned(done.stderr) == []
    assert external_assets(tmp_path / "site", "site") == []
    assert (tmp_path / "site" / "notes" / "index.html").is_file()


def test_an_outside_script_is_reported_on_every_page(tmp_path: Path) -> None:
    done = build(tmp_path, "theme: mkdocs\nextra_javascript: [https://cdn.example/x.js]\n")
    assert done.returncode == 0, done.stderr
    found = warned(done.stderr)
    pages = sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*.html")
                   if "https://cdn.example/x.js" in p.read_text(encoding="utf-8"))
    assert pages and sorted(found) == [(page, "https://cdn.example/x.js") for page in pages]


def test_a_chosen_web_font_is_reported_and_fails_strict(tmp_path: Path) -> None:
    theme = "theme:\n  name: material\n  font:\n    text: Inter\n"
    done = build(tmp_path, theme, "--strict")
    assert done.returncode == 1
    urls = {url for _, url in warned(done.stderr)}
    assert urls == {"https://fonts.gstatic.com",
                    ("https://fonts.googleapis.com/css?family=Inter:300,300i,400,400i,700,700i"
                     "%7CRoboto+Mono:400,400i,700,700i&display=fallback")}
    assert "the previous site is unchanged" in done.stderr
    assert not (tmp_path / "site").exists()


def test_what_counts_as_an_outside_asset(tmp_path: Path) -> None:
    (tmp_path / "page").mkdir()
    (tmp_path / "page" / "index.html").write_text(
        '<html><head>\n'
        '<link rel="canonical" href="https://intranet.example/page/">\n'
        '<link rel="icon" href="//cdn.example/favicon.ico">\n'
        '<script src="../assets/local.js"></script>\n'
        '<style>\nbody { background: url("https://cdn.example/bg.png") }\n</style>\n'
        '</head><body>\n'
        '<a href="https://example.com/read-me">a link a reader clicks</a>\n'
        '<img src="x.png" srcset="x2.png 2x, https://cdn.example/x3.png 3x">\n'
        '<div style="background:url(http://cdn.example/d.png)"></div>\n'
        '</body></html>\n', encoding="utf-8")
    (tmp_path / "a.css").write_text('@import "https://cdn.example/f.css";\n'
                                    'p { background: url(img/local.png) }\n', encoding="utf-8")
    (tmp_path / "w.js").write_text('var x = "https://example.com/not-loaded";\n'
                                   'importScripts("https://cdn.example/worker.js");\n',
                                   encoding="utf-8")
    found = [(d.path, d.line, d.code, d.severity, d.message.split(" loads ")[1].split()[0])
             for d in external_assets(tmp_path, "site")]
    assert found == [
        ("site/a.css", 1, "external-asset", "warning", "https://cdn.example/f.css"),
        ("site/page/index.html", 3, "external-asset", "warning", "//cdn.example/favicon.ico"),
        ("site/page/index.html", 6, "external-asset", "warning", "https://cdn.example/bg.png"),
        ("site/page/index.html", 10, "external-asset", "warning", "https://cdn.example/x3.png"),
        ("site/page/index.html", 11, "external-asset", "warning", "http://cdn.example/d.png"),
        ("site/w.js", 2, "external-asset", "warning", "https://cdn.example/worker.js")]
    assert external_assets(tmp_path, "site", {"external-asset": "off"}) == []


def test_a_page_with_no_plain_outside_url_is_still_scanned(tmp_path: Path) -> None:
    """Nothing on this page reads `="https:`, which a quick hint once took as proof that
    it loads nothing: both outside images are found."""
    (tmp_path / "index.html").write_text(
        '<p>\n<img src="a.png" srcset="a.png 1x, https://cdn.example/b.png 2x">\n'
        '<img src="&#104;ttps://cdn.example/c.png"></p>\n', encoding="utf-8")
    assert [(d.line, d.message.split(" loads ")[1].split()[0])
            for d in external_assets(tmp_path, "site")] == [
        (2, "https://cdn.example/b.png"), (3, "https://cdn.example/c.png")]


def test_urls_a_browser_reads_as_outside_are_outside(tmp_path: Path) -> None:
    r"""A browser reads `\` as `/` in a web URL and drops tabs and newlines from it (and
    controls and spaces around it): each of these images loads from cdn.example. A single
    backslash, or one after `..`, stays on the site."""
    (tmp_path / "index.html").write_text(
        '<p>\n<img src="\\\\cdn.example/a.png">\n<img src="/\\cdn.example/b.png">\n'
        '<img src="/&#9;/cdn.example/c.png">\n<img src="&#10;h&#9;ttps://cdn.example/d.png">\n'
        '<img src="&#92;&#92;cdn.example/e.png">\n<img src="&#1;//cdn.example/f.png">\n'
        '<img src="\\cdn.example/g.png"><img src="..\\cdn.example/h.png">\n'
        '<img src="/\t/cdn.example/m.png">\n<img src="/\r\n/cdn.example/n.png"></p>\n',
        encoding="utf-8")
    found = [(d.line, d.message.split(" loads ")[1].split(" from outside")[0])
             for d in external_assets(tmp_path, "site")]
    assert found == [(2, "\\\\cdn.example/a.png"), (3, "/\\cdn.example/b.png"),
                     (4, "/\t/cdn.example/c.png"), (5, "h\tttps://cdn.example/d.png"),
                     (6, "\\\\cdn.example/e.png"), (7, "//cdn.example/f.png"),
                     (9, "/\t/cdn.example/m.png"), (10, "/\n/cdn.example/n.png")]


def test_a_backslashed_outside_image_in_a_page_is_reported(tmp_path: Path) -> None:
    """The sanitizer keeps `\\\\host/x.png` (a relative URL to it): the scan of the page
    the body is written in must still see that it leaves the site."""
    page = "# Notes\n\n<img src=\"\\\\cdn.example/pixel.png\" alt=\"x\">\n\n![y](/\\cdn.example/y.png)\n"
    done = build(tmp_path, "theme: mkdocs\n", files={**FILES, "notes.md": page})
    assert done.returncode == 0, done.stderr
    assert sorted(warned(done.stderr)) == [("site/notes/index.html", "/\\cdn.example/y.png"),
                                           ("site/notes/index.html", "\\\\cdn.example/pixel.png")]


# The scan's two tag patterns as they were first written (char by char, lazily): the
# rewritten ones (runs, possessive loops) must find exactly the same matches.
_FIRST_TAG = re.compile(rf"""<({offline._NAMES})\b((?:[^>"']|"[^"]*"|'[^']*')*)>""",
                        re.IGNORECASE)
_FIRST_STYLE_ATTR = re.compile(
    r"""<[a-zA-Z][^\s/>]*\s(?:[^>"']|"[^"]*"|'[^']*')*?(?<=\s)style\s*=\s*"""
    r"""(?:"([^"]*)"|'([^']*)')""", re.IGNORECASE)
_MARKUP = st.lists(st.sampled_from([
    "<img", "<link", "<p", "<svg", "<IMG", " ", "\n", "/", ">", "=", "\"", "'", "src", "style",
    "STYLE", "=\"color: red\"", "='x'", " style=", "datastyle", "url(", "https://x/a.png",
    "//cdn", "rel=stylesheet", "a", "<!--", "-->",
]), max_size=30).map("".join)


def _same_matches(text: str) -> None:
    for first, now in ((_FIRST_TAG, offline._TAG), (_FIRST_STYLE_ATTR, offline._STYLE_ATTR)):
        assert ([(m.span(), m.groups()) for m in first.finditer(text)]
                == [(m.span(), m.groups()) for m in now.finditer(text)]), first.pattern


@given(_MARKUP)
def test_the_tag_patterns_match_as_first_written(text: str) -> None:
    _same_matches(text)


@pytest.mark.parametrize("text", [
    '<p/ style="a">', '<p style=x style="url(//b)">', '<p\nSTYLE = \'c\'>', '<p title="a>b" style="d">',
    '<p title=" style=\'e\'" style="f">', '<p datastyle="g" style="h">', '<p style="i', '<p>style="j"',
    '<img src="//a" <link href=x>', "<IMG SRC='https://c'/>", '<img alt="x>y" src="//z">',
    '<Script src="//s">', "<\u017fcript src='//t'>", '<VIDEO poster="//v">', "<tracK src=//k>",
])
def test_the_tag_patterns_match_as_first_written_on_edges(text: str) -> None:
    _same_matches(text)


def test_the_tag_patterns_match_as_first_written_on_every_built_page(tmp_path: Path) -> None:
    site = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "generator", "build", "--as-of", "2026-11-20",
                           "-f", str(REPO / "mkdocs.yml"), "--site-dir", str(site)],
                          capture_output=True, text=True, timeout=300, check=False,
                          env={**os.environ, "PYTHONPATH": str(REPO)})
    assert done.returncode == 0, done.stderr
    pages = sorted(site.rglob("*.html"))
    assert len(pages) > 50
    for page in pages:
        _same_matches(page.read_text(encoding="utf-8"))


_WRITTEN = st.lists(st.sampled_from([
    '<img src="https://cdn.example/a.png">', "<link rel=icon href='//cdn.example/i.ico'>",
    "<p style='background:url(http://cdn.example/b.png)'>", "<!-- <img src=//c> -->", "\n",
    "\r\n", "\r", "\ud800", "\udfff", "\u00e9", "\U0001f600", "text", "<p>", "</p>", " ",
]), max_size=24).map("".join)


@given(_WRITTEN)
def test_a_page_read_as_written_is_read_as_its_file(text: str) -> None:
    """`page_references` of the HTML MkDocs writes finds what reading the file back finds,
    at the same lines and columns: lone surrogates become character references in the
    file, and a file is read with universal newlines."""
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / "index.html"
        page.write_bytes(text.encode("utf-8", errors="xmlcharrefreplace"))  # (as MkDocs)
        assert offline.page_references(text) == offline._file_references(page)


_BODY = st.lists(st.sampled_from([
    '<img src="https://cdn.example/a.png">', "<IMG SRC='//cdn.example/b.png'>",
    '<img srcset="https://cdn.example/c.png 2x">', "<input type=image src=//d.example/x>",
    "<p style='background:url(http://cdn.example/s.png)'>x</p>",
    "<style>@import 'https://cdn.example/t.css';</style>", "<!-- <img src=//c.example> -->",
    '<script src="https://cdn.example/u.js"></script>', "<iframe src=//e.example/></iframe>",
    "<svg><use href='https://f.example/s.svg#a'/></svg>", '<a href="https://g.example">g</a>',
    "- [x] done\n", "\n", "\r\n", "\u00e9", "\U0001f600", "text &lt;img", "<p>", "</p>",
    "<table><tr><td>1</td></tr></table>", " ", "x" * 300,
]), max_size=24).map("".join)
_THEME_HEAD = ('<html><head><link rel="stylesheet" href="https://fonts.example/f.css">\n'
               "<style>body { background: url(//cdn.example/bg.png) }</style></head>\n"
               '<body><div role="main">')
_THEME_TAIL = '</div>\n<script src="//cdn.example/theme.js"></script></body></html>\n'


@given(_BODY, st.sampled_from(["", "\n", "\r\n  "]))
def test_a_sanitized_body_is_searched_only_for_what_can_load_and_finds_the_same(
        body: str, gap: str) -> None:
    """Given the page's sanitized content, `page_references` searches that part for
    `<img>` and `<input>` alone, and finds what the whole scan finds, at the same
    positions: everything else that could load is what the sanitizer takes out."""
    content = sanitize(body)
    page = _THEME_HEAD + gap + content + gap + _THEME_TAIL
    assert offline.page_references(page, content) == offline.page_references(page)


def test_a_body_the_theme_changed_is_scanned_whole() -> None:
    """Content the theme did not print as it is (a filter changed it) is not found in the
    page: the page is scanned whole, and what the change added is found."""
    content = "<p>" + "words " * 100 + "</p>"
    changed = content.replace("<p>", '<p><img src="https://cdn.example/added.png">')
    page = _THEME_HEAD + changed + _THEME_TAIL
    found = offline.page_references(page, content)
    assert found == offline.page_references(page)
    assert "https://cdn.example/added.png" in [url for _, _, url in found]


def test_the_sanitizer_writes_only_lowercase_img_and_input_of_the_tags_that_load() -> None:
    """What the shortcut in `page_references` rests on."""
    every = "".join(f"<{tag.upper()} src=//x.example/a>x</{tag.upper()}>"
                    for tag in offline.ASSET_TAGS)
    kept = {match[1] for match in offline._TAG.finditer(sanitize(every + "<p style=x>y</p>"))}
    assert kept <= {"img", "input"}
    assert "style" not in sanitize('<p style="background:url(//x.example/a)">y</p>')


def test_the_site_is_walked_as_rglob_walks_it(tmp_path: Path) -> None:
    """Every HTML, CSS and JS file, sorted by path: a link to a file followed, a link to a
    folder not, a broken link and a folder named like a page skipped."""
    site = tmp_path / "site"
    (site / "a/b").mkdir(parents=True)
    (site / "a/b/index.html").write_text("x", encoding="utf-8")
    (site / "a/theme.CSS").write_text("x", encoding="utf-8")
    (site / "a/data.json").write_text("x", encoding="utf-8")
    (site / "a/page.html").mkdir()
    (site / "app.mjs").write_text("x", encoding="utf-8")
    (site / "a-b.html").write_text("x", encoding="utf-8")  # ("a-b" < "a/b" as text)
    (site / "linked").symlink_to(site / "a")
    (site / "same.js").symlink_to(site / "app.mjs")
    (site / "broken.html").symlink_to(site / "nowhere")
    (site / "loop.html").symlink_to(site / "loop.html")
    (site / "..js").write_text("x", encoding="utf-8")  # (its suffix is `.js`)
    (site / ".js").write_text("x", encoding="utf-8")  # (no suffix: a hidden file)
    (site / "page.html.").write_text("x", encoding="utf-8")  # (no suffix either)
    (site / "locked").mkdir()
    (site / "locked/page.html").write_text("x", encoding="utf-8")
    (site / "locked").chmod(0)
    rglob = {path.relative_to(site).as_posix(): path for path in sorted(site.rglob("*"))
             if path.suffix.lower() in offline.SUFFIXES and path.is_file()}
    walked = dict(sorted(offline._site_files(site), key=lambda item: item[0].split("/")))
    (site / "locked").chmod(0o755)
    expected = ["..js", "a/b/index.html", "a/theme.CSS", "a-b.html", "app.mjs", "same.js"]
    if os.geteuid() == 0:  # (root reads a folder whatever its mode)
        expected.insert(5, "locked/page.html")
    assert list(walked) == list(rglob) == expected
    assert walked == {name: str(path) for name, path in rglob.items()}
