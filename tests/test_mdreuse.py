"""One Python-Markdown instance for every page renders what MkDocs' `Page.render` renders.

`SharedMarkdown` resets one instance between pages where MkDocs sets up a new one for each
(see `generator.mdreuse`). The expected values here are MkDocs' own: every page is rendered
by `Page.render` with a fresh instance, then by the shared one in several orders, so that
each page follows others whose state (footnotes, abbreviations, link references, tab
groups, heading ids) would show if a reset missed it.
"""

from __future__ import annotations

import copy
import os
from pathlib import Path
from typing import Any

import markdown
import pytest
from material.extensions.emoji import to_svg, twemoji
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, get_files
from mkdocs.structure.pages import Page
from pymdownx.slugs import slugify
from pymdownx.superfences import fence_code_format

from generator import mdreuse
from generator.cli import main
from generator.mdreuse import REUSABLE, SharedMarkdown, extension_name, reusable
from tests.conftest import REPO

EXTENSION_SETS: dict[str, list[Any]] = {
    "mkdocs-default": [],  # (MkDocs adds toc, tables and fenced_code to every set)
    "material": [
        {"toc": {"permalink": True}}, "admonition", "attr_list", "def_list", "footnotes",
        "md_in_html", "pymdownx.details", "pymdownx.superfences",
        "pymdownx.highlight", "pymdownx.inlinehilite", "pymdownx.tasklist", "pymdownx.mark",
        "pymdownx.caret", "pymdownx.tilde", "pymdownx.keys",
        # As Material's documentation sets them up: functions handed to extensions.
        {"pymdownx.emoji": {"emoji_index": twemoji, "emoji_generator": to_svg}},
        {"pymdownx.superfences": {"custom_fences": [
            {"name": "mermaid", "class": "mermaid", "format": fence_code_format}]}},
        {"pymdownx.tabbed": {"slugify": slugify(case="lower")}},
    ],
    "highlight-lines": [
        {"pymdownx.highlight": {"linenums": True, "anchor_linenums": True,
                                "line_spans": "__span"}},
        "pymdownx.superfences", "pymdownx.inlinehilite", "footnotes", "pymdownx.details",
        {"pymdownx.emoji": {"strict": False}},
    ],
    "markdown-own": [
        "extra", {"codehilite": {"linenums": True}}, "meta", "nl2br", "sane_lists",
        "smarty", "wikilinks", "markdown.extensions.abbr",
    ],
    "markdown-legacy": ["abbr", "legacy_attrs", "legacy_em", "footnotes"],
    "pymdownx-more": [
        "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.critic", "pymdownx.magiclink",
        "pymdownx.smartsymbols", "pymdownx.superfences", "pymdownx.tabbed", "footnotes",
        "abbr", "attr_list", {"pymdownx.snippets": {"base_path": ["SNIPPETS"]}},
    ],
}

PAGES = {
    "index.md": """# Home

A footnote[^1], HTML and a [reference link][ref]; [to b](b.md#beta), [to c](c.md).

*[HTML]: Hyper Text Markup Language

[ref]: https://example.org/ref "Ref"

[^1]: The home page's note.

## Same

## Same

=== "One"

    Tab one

=== "Two"

    Tab two

??? note "Details"
    Hidden text.

!!! warning "Careful"
    An admonition.

- [x] done
- [ ] not done

```python
print("fenced")
```

    indented code

Inline `#!python x = 1`, ==mark==, ^^insert^^, ~~delete~~, ++ctrl+alt+del++, :smile:.

Term
:   Definition

<div markdown="1">*inside* an HTML block</div>

<p id="raw-anchor">raw HTML with an id</p>

A paragraph with attributes.
{: .special #para }

| a | b |
|---|---|
| 1 | 2 |

$x^2$ and {++added++} {--removed--}, https://example.org/magic, (c) 1/2 -->,
"smart quotes", _legacy em_ and __strong__, [[Wiki Link]].
Line one
line two

--8<-- "part.md"
""",
    "b.md": """# Beta {#beta}

Uses [ref][ref] and [^1] without defining them here, and HTML without its abbreviation.

A second footnote[^2].

[^2]: B's own note.

## Same

=== "Only"

    One tab

??? tip
    Again

```
plain fence
```

--8<-- "part.md"

--8<-- "missing.md"
""",
    "lists.md": """# Lists

- item

    ??? note "In a list"
        Folded

    === "A"
        In a list's tab

    === "B"
        The other

- another[^1]

    ```mermaid
    graph LR
      a --> b
    ```

[^1]: A note in a list.
""",
    "blank.md": "   \n\n",
    "c.md": """Title: Gamma
Author: Someone

Gamma's text, no heading, HTML again, [back home](index.md#same_1).

1. one
2. two

* three
""",
    "p/stash.md": """# Stashed

pmsitestash0z

Text before
pmsitestash1z

- item

    pmsitestash2z

> pmsitestash3z

    pmsitestash4z

pmsitestash5z
pmsitestash6z

## pmsitestash7z

pmsitestash8z

*pmsitestash9z*

pmsitestash10z
""",
    "d/deep.md": """# Deep

[up](../index.md) [missing](../nowhere.md) [anchor](../b.md#beta) ![img](../img.png)

## Same
### Same
""",
}


SNIPPET = """*[API]: Application Programming Interface

A snippet with an API, a footnote[^s] and a [snippet reference][sref].

[sref]: https://example.org/snippet
[^s]: The snippet's note.
"""


def _site(tmp_path: Path, extensions: list[Any]) -> tuple[MkDocsConfig, Files]:
    docs, snippets = tmp_path / "docs", tmp_path / "snippets"
    for name, text in PAGES.items():
        (docs / name).parent.mkdir(parents=True, exist_ok=True)
        (docs / name).write_text(text, encoding="utf-8")
    snippets.mkdir()
    (snippets / "part.md").write_text(SNIPPET, encoding="utf-8")
    extensions = [{"pymdownx.snippets": {"base_path": [str(snippets)]}}
                  if isinstance(e, dict) and "pymdownx.snippets" in e else e
                  for e in extensions]
    config = load_config(config_file=None, site_name="t", docs_dir=str(docs),
                         site_dir=str(tmp_path / "site"),
                         markdown_extensions=copy.deepcopy(extensions),  # (MkDocs pops)
                         plugins=[])
    return config, get_files(config)


def _rendered(page: Page) -> tuple[Any, ...]:
    links = page.links_to_anchors
    return (page.content, [(i.title, i.id, i.level, [c.id for c in i.children])
                           for i in page.toc], page._title_from_render,
            page.present_anchor_ids,
            None if links is None else {f.src_uri: v for f, v in links.items()})


def _page(file: Any, config: MkDocsConfig) -> Page:
    page = Page(None, file, config)
    page.read_source(config)
    return page


def test_every_reusable_extension_is_tested() -> None:
    named = {extension_name(next(iter(e)) if isinstance(e, dict) else e)
             for extensions in EXTENSION_SETS.values() for e in extensions}
    assert named | set(MkDocsConfig.markdown_extensions.builtins) == REUSABLE


@pytest.mark.parametrize("name", sorted(EXTENSION_SETS))
def test_one_instance_renders_each_page_as_a_new_one_would(tmp_path: Path, name: str) -> None:
    config, files = _site(tmp_path, EXTENSION_SETS[name])
    assert reusable(config)
    documents = list(files.documentation_pages())
    expected = {}
    for file in documents:
        page = _page(file, config)
        Page.render(page, config, files)
        expected[file.src_uri] = _rendered(page)
    assert "fn:1" in expected["index.md"][0] or name == "mkdocs-default"

    shared = SharedMarkdown(config)
    made = []
    original = markdown.Markdown.__init__

    def counted(self: markdown.Markdown, *args: Any, **kwargs: Any) -> None:
        made.append(self)
        original(self, *args, **kwargs)

    markdown.Markdown.__init__ = counted  # type: ignore[method-assign]
    try:
        # Each page after every other, and twice in a row.
        for order in (documents, documents[::-1], [d for d in documents for _ in (1, 2)]):
            for file in order:
                page = _page(file, config)
                shared.attach(page)
                page.render(config, files)
                shared.detach(page)
                assert "render" not in vars(page)
                assert _rendered(page) == expected[file.src_uri], (name, file.src_uri)
    finally:
        markdown.Markdown.__init__ = original  # type: ignore[method-assign]
    assert len(made) == 1


def test_a_placeholder_alone_at_the_top_skips_the_parsers_and_renders_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`_Placeholder` takes a stashed block's placeholder when it is a top-level block of
    its own, and leaves it to Python-Markdown in a list, a quote, a code block, beside
    other text or as a heading (the page is rendered both ways by the test above, with
    every extension set)."""
    config, files = _site(tmp_path, EXTENSION_SETS["material"])
    taken: list[str] = []
    run = mdreuse._Placeholder.run

    def counted(self: Any, parent: Any, blocks: list[str]) -> None:
        taken.append(blocks[0])
        run(self, parent, blocks)

    monkeypatch.setattr(mdreuse._Placeholder, "run", counted)
    page = _page(files.get_file_from_path("p/stash.md"), config)
    SharedMarkdown(config).render(page, config, files)
    assert taken == ["pmsitestash0z", "pmsitestash8z", "pmsitestash10z"]
    fresh = _page(files.get_file_from_path("p/stash.md"), config)
    Page.render(fresh, config, files)
    assert _rendered(page) == _rendered(fresh)
    assert "<p>pmsitestash0z</p>" in page.content and "<code>pmsitestash4z" in page.content


def test_a_page_after_one_that_raised_renders_as_mkdocs_would(tmp_path: Path) -> None:
    config, files = _site(tmp_path, EXTENSION_SETS["material"])
    index, beta = (files.get_file_from_path(uri) for uri in ("index.md", "b.md"))
    fresh = _page(beta, config)
    Page.render(fresh, config, files)
    shared = SharedMarkdown(config)
    shared.render(_page(index, config), config, files)
    stopped = _page(index, config)
    stopped.markdown = "# Stopped\n\nA footnote[^9].\n\n[^9]: note"

    def interrupted(self: Any, root: Any) -> Any:
        raise TimeoutError("the time budget's alarm")

    tree = markdown.treeprocessors.InlineProcessor.run
    markdown.treeprocessors.InlineProcessor.run = interrupted  # type: ignore[method-assign]
    try:
        with pytest.raises(TimeoutError):
            shared.render(stopped, config, files)
    finally:
        markdown.treeprocessors.InlineProcessor.run = tree  # type: ignore[method-assign]
    again = _page(beta, config)
    shared.render(again, config, files)
    assert _rendered(again) == _rendered(fresh)


def test_another_configs_page_renders_with_its_own_instance(tmp_path: Path) -> None:
    config, _ = _site(tmp_path / "one", EXTENSION_SETS["material"])
    other, other_files = _site(tmp_path / "two", [])
    shared = SharedMarkdown(config)
    page, fresh = (_page(other_files.get_file_from_path("index.md"), other) for _ in (1, 2))
    shared.render(page, other, other_files)
    Page.render(fresh, other, other_files)
    assert _rendered(page) == _rendered(fresh)
    assert "<details" not in page.content  # (not rendered with the first config's extensions)


def _config(tmp_path: Path, extensions: list[Any]) -> MkDocsConfig:
    return _site(tmp_path, extensions)[0]


@pytest.mark.parametrize("extensions", [
    ["pymdownx.blocks.admonition"], ["abbr", "pymdownx.escapeall"],
    [{"footnotes": {"UNIQUE_IDS": True}}],  # (its ids count the resets)
    [{"extra": {"footnotes": {"UNIQUE_IDS": True}}}],
    [{"extra": {"footnotes": [["UNIQUE_IDS", True]]}}],  # (pairs: Python-Markdown takes them)
    [{"pymdownx.superfences": {"custom_fences": [
        {"name": "x", "class": "x", "format": lambda *args, **kwargs: ""}]}}],
    [{"toc": {"slugify": lambda text, separator: text}}],
])
def test_what_a_reset_is_not_known_to_clear_keeps_mkdocs_way(
        tmp_path: Path, extensions: list[Any]) -> None:
    config = _config(tmp_path, extensions)
    assert not reusable(config)
    assert mdreuse.shared_markdown(config) is None


def test_extension_names_as_mkdocs_takes_them(tmp_path: Path) -> None:
    assert reusable(_config(tmp_path, [
        "markdown.extensions.abbr", "markdown.extensions.def_list:DefListExtension",
        "pymdownx.mark:MarkExtension", {"footnotes": {"UNIQUE_IDS": False}}]))
    assert extension_name(markdown.extensions.Extension()) is None  # (an object)
    assert extension_name("tables:TableExtension") is None  # (a module named `tables`)


@pytest.mark.parametrize(("package", "version"), [
    ("mkdocs", "1.7.0"), ("markdown", (4, 0, 0)), ("pymdownx", (14, 0, 0)),
    ("pymdownx", (10, 17, 0)),  # (its highlight took toc out of what a reset reaches)
])
def test_only_the_versions_checked_reuse(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, package: str, version: Any) -> None:
    config = _config(tmp_path, ["abbr", "pymdownx.mark"])
    plain = _config(tmp_path / "plain", ["abbr"])
    assert reusable(config) and reusable(plain)
    if package == "mkdocs":
        monkeypatch.setattr(mdreuse.mkdocs, "__version__", version)
    elif package == "markdown":
        monkeypatch.setattr(mdreuse.markdown, "__version_info__", version)
    else:
        import pymdownx.__meta__ as meta
        major, minor, micro = version
        monkeypatch.setattr(meta, "__version_info__", meta.__version_info__._replace(
            major=major, minor=minor, micro=micro))
    assert not reusable(config)
    assert reusable(plain) is (package == "pymdownx")
    if package == "pymdownx":
        monkeypatch.setattr(meta, "__version_info__", meta.__version_info__._replace(
            major=10, minor=17, micro=1))
        assert reusable(config)


def test_a_config_changed_after_the_check_renders_mkdocs_way(tmp_path: Path) -> None:
    config, files = _site(tmp_path, EXTENSION_SETS["material"])
    shared = mdreuse.shared_markdown(config)
    assert shared is not None
    config["mdx_configs"]["footnotes"] = {"UNIQUE_IDS": True}  # (a later event, say)
    for uri in ("index.md", "b.md", "lists.md"):
        page, fresh = _page(files.get_file_from_path(uri), config), _page(
            files.get_file_from_path(uri), config)
        shared.render(page, config, files)
        Page.render(fresh, config, files)
        assert _rendered(page) == _rendered(fresh), uri


def test_a_page_whose_rendering_raised_is_left_as_it_was(tmp_path: Path) -> None:
    config, files = _site(tmp_path, EXTENSION_SETS["material"])
    shared = SharedMarkdown(config)
    page = _page(files.get_file_from_path("index.md"), config)
    shared.attach(page)
    page.markdown = None  # (as MkDocs' own: raises)
    with pytest.raises(RuntimeError):
        page.render(config, files)
    assert "render" not in vars(page)


def test_a_reset_that_raised_leaves_no_instance_behind(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    config, files = _site(tmp_path, EXTENSION_SETS["material"])
    shared = SharedMarkdown(config)
    index = files.get_file_from_path("index.md")
    shared.render(_page(index, config), config, files)
    stopped: list[markdown.Markdown] = []

    def alarm(self: markdown.Markdown) -> markdown.Markdown:
        stopped.append(self)
        raise TimeoutError("the time budget's alarm, during the reset")

    with monkeypatch.context() as patch:
        patch.setattr(markdown.Markdown, "reset", alarm)
        with pytest.raises(TimeoutError):
            shared.render(_page(index, config), config, files)
    page, fresh = _page(index, config), _page(index, config)
    shared.render(page, config, files)
    Page.render(fresh, config, files)
    assert _rendered(page) == _rendered(fresh)
    assert stopped and shared._md is not stopped[0]


def test_a_build_sets_up_python_markdown_once_per_process(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    made: list[int] = []
    original = markdown.Markdown.__init__

    def counted(self: markdown.Markdown, *args: Any, **kwargs: Any) -> None:
        if "extensions" in kwargs:  # (MkDocs' config check sets up a bare one, then adds them)
            made.append(os.getpid())
        original(self, *args, **kwargs)

    monkeypatch.setattr(markdown.Markdown, "__init__", counted)
    monkeypatch.setenv("PMSITE_JOBS", "1")
    site = tmp_path / "site"
    args = ["build", "-f", str(REPO / "mkdocs.yml"), "--as-of", "2026-11-20", "--site-dir"]
    assert main([*args, str(site)]) == 0
    pages = [p for p in site.rglob("index.html")]
    assert len(pages) > 50
    assert made == [os.getpid()]  # (MkDocs' way: one per page)
