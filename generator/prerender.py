"""Pages rendered ahead, in forked processes, before MkDocs' own loop reaches them.

MkDocs reads and renders every page in one loop (`_populate_page`): the plugins'
`on_pre_page`, `on_page_read_source`, `on_page_markdown` and `on_page_content` around
Python-Markdown. For pmsite that is most of a build: our templates and diagrams, the
Markdown, the sanitizing. `prerender` runs exactly those steps, through the same public
calls and the same plugins, for the pages `fork_ahead` gives to child processes; what
each page ends up with comes back, in order. MkDocs' loop then runs as always, and the pmsite plugin
hands each page what was rendered for it instead of rendering it again (see
`PmsitePlugin.on_page_markdown` and `on_page_content`).

The pages no child has begun when MkDocs' loop comes near them, and a page that raised
in its child, MkDocs' loop renders the ordinary way (and raises its error where a serial build does). What a child logged for a
page is logged by the parent when MkDocs' loop reaches that page (`Done.replay`).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Generator, MutableMapping
from dataclasses import dataclass
from typing import Any

from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import TableOfContents

from generator.forkmap import Done, fork_ahead, forks
from generator.searchindex import ReadsAhead


@dataclass(slots=True)
class Rendered:
    """What MkDocs' reading and rendering leave on a page, rendered in a child process."""

    meta: MutableMapping[str, Any]
    markdown: str | None
    """The Markdown MkDocs rendered (a theme template may print it; a generated page's is
    let go, see `PmsitePlugin._let_go`)."""
    content: str
    toc: TableOfContents
    title: str | None
    anchors: set[str] | None
    links_to_anchors: dict[str, dict[str, str]] | None
    """The page's links to anchors of other pages, by the src_uri of the page linked to."""
    search: Any
    """The content as the search plugin's index reads it (`ReadsAhead.read`), if it was
    asked for."""

    def skip_render(self, page: Page) -> None:
        """Have MkDocs' loop call no Python-Markdown for `page` (`hand_over` undoes it).

        Its `Page.render` would build a Markdown instance, every configured extension
        set up, to render the empty text the plugin hands it: 0.07 ms a page with
        MkDocs' default extensions, 3.2 ms with a typical Material set, spent in the
        build's own process, the one every page waits for."""

        def rendered(config: MkDocsConfig, files: Files) -> None:
            page.content = ""  # (what MkDocs renders of ""; the content comes after)

        page.render = rendered  # type: ignore[method-assign]  # (this page's only)

    def hand_over(self, page: Page, files: Files, index: ReadsAhead | None) -> str:
        """Leave on `page` what rendering it left in the child, and on `index` what
        search read of it; its content."""
        vars(page).pop("render", None)  # (Page.render again, see skip_render)
        if index is not None and self.search is not None:
            index.ahead[page.url] = self.search
        page.markdown = self.markdown
        page.toc = self.toc
        page._title_from_render = self.title
        page.present_anchor_ids = self.anchors
        if self.links_to_anchors is not None:
            linked = {files.get_file_from_path(uri): links
                      for uri, links in self.links_to_anchors.items()}
            page.links_to_anchors = {file: links for file, links in linked.items()
                                     if file is not None}
        return self.content


class Ahead:
    """The pages child processes render, taken in MkDocs' order: asking for a page waits
    for its child, if a child has begun that page (see `fork_ahead`)."""

    def __init__(self, pages: list[str],
                 made: Generator[Done[Rendered] | None, None, None], shared: bool) -> None:
        self._pages, self._made = pages, made
        self.shared = shared
        """Whether children render a share (unless the system refuses to start them)."""
        self._order = {src_uri: index for index, src_uri in enumerate(pages)}
        self._taken = 0
        self._kept: dict[str, Done[Rendered]] = {}
        self._owner = os.getpid()

    def get(self, src_uri: str) -> Done[Rendered] | None:
        """What a child rendered for the page, or None: render it here (always, in a
        child: it renders its pages the ordinary way)."""
        if not self.here():
            return None
        index = self._order.get(src_uri, -1)
        while self._taken <= index:
            done = next(self._made, None)
            if done is not None:
                self._kept[self._pages[self._taken]] = done
            self._taken += 1
        return self._kept.get(src_uri)

    def here(self) -> bool:
        """Whether this is the process that takes the pages (not a child's copy)."""
        return os.getpid() == self._owner

    def pop(self, src_uri: str) -> Done[Rendered] | None:
        done = self.get(src_uri)
        self._kept.pop(src_uri, None)
        return done

    def close(self) -> None:
        """Stop and reap the children (once every page is taken, they have ended)."""
        if not self.here():  # (a child's copy: not its to close)
            return
        self._made.close()
        self._kept = {}


def _nothing() -> Generator[Done[Rendered] | None, None, None]:
    yield from ()


NOTHING_AHEAD = Ahead([], _nothing(), shared=False)
LEAD = 8
"""How far ahead of MkDocs' loop the children begin pages (`fork_ahead`): the loop seldom
waits for a page a child is rendering (a project's takes a few milliseconds, handing
one over a tenth of that)."""


def prerender(config: MkDocsConfig, files: Files, jobs: int,
              search: Callable[[str], Any] | None = None) -> Ahead:
    """Every page of `files` shared out to `jobs` processes: the children render the
    pages ahead of the caller, which renders those they have not reached (`fork_ahead`).
    With `search`, a child also reads each page's content as the search plugin's index
    reads it (`ReadsAhead.read`)."""
    pages = [file.page for file in files.documentation_pages() if file.page is not None]

    def render(page: Page) -> Rendered:  # (in a child)
        rendered = _render(page, config, files)
        if search is not None:
            rendered.search = search(rendered.content)
        # The child's copy of the page is not read again: what it was given goes with the
        # result (kept, its pages would weigh some 100 MB at 1,000 projects).
        page.markdown, page.content = "", ""
        return rendered

    return Ahead([page.file.src_uri for page in pages],
                 fork_ahead(render, pages, jobs, LEAD),
                 forks(jobs, len(pages)))


def _render(page: Page, config: MkDocsConfig, files: Files) -> Rendered:
    """MkDocs' `_populate_page` (1.6), by its public steps."""
    config._current_page = page
    try:
        page = config.plugins.on_pre_page(page, config=config, files=files)
        page.read_source(config)
        assert page.markdown is not None
        page.markdown = config.plugins.on_page_markdown(page.markdown, page=page,
                                                        config=config, files=files)
        page.render(config, files)
        assert page.content is not None
        page.content = config.plugins.on_page_content(page.content, page=page, config=config,
                                                      files=files)
    except Exception as error:
        # As MkDocs would: the plugins let go of the page (the pmsite plugin switches its
        # time budget's alarm off, which would otherwise go off in the next page).
        config.plugins.on_build_error(error=error)
        raise
    finally:
        config._current_page = None
    return Rendered(page.meta, page.markdown, page.content, page.toc, page._title_from_render,
                    page.present_anchor_ids, _by_uri(page.links_to_anchors), None)


def _by_uri(links: dict[File, dict[str, str]] | None) -> dict[str, dict[str, str]] | None:
    return None if links is None else {file.src_uri: value for file, value in links.items()}
