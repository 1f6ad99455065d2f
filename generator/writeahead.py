"""Pages put through the theme and written in forked processes, while MkDocs' own loop
writes the rest.

Once every page is rendered, MkDocs puts each through the theme in one loop
(`_build_page`): its context, `on_page_context`, the theme's template, `on_post_page`,
then the file. With MkDocs' theme that loop was a tenth of a 1,000-project build, all of
it in the build's own process while the other cores waited. `write_ahead` forks at
`on_env`, when every page has its content, title and table of contents and the theme's
environment is ready: a child runs MkDocs' own `_build_page` for the pages ahead of
MkDocs' loop (`fork_ahead`: the loop builds those the child has not reached), in MkDocs'
order, from the same state the build's process would run it from, and writes their files.

MkDocs' loop still reaches every page. For one a child wrote, it runs the plugins'
`on_page_context` (the search index takes the page there, in this process), renders an
empty template instead of the theme's, and writes nothing. A page that raised in its
child, or one a failed child never wrote, is built here the ordinary way, so an error
is raised where and how a serial build raises it. What a child logged for a page is
logged here when the loop reaches the page (`Done.replay`); at MkDocs' DEBUG level (which
`pmsite build -v` does not reach) its per-page notes then come twice for such a page.

Only where nothing else could tell: a build (not the preview, not `--dirty`) with MkDocs
1.6, no plugin but pmsite and search (`LETS_GO_WITH`), and more than one process.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable, Generator
from typing import Any

import mkdocs
from jinja2 import Environment, Template
from mkdocs.commands import build as mkdocs_build
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import Files, InclusionLevel
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page

from generator.forkmap import Done, fork_ahead, forks


def can_write_ahead() -> bool:
    """Whether MkDocs' page loop is the one `write_ahead` was made for (1.6's)."""
    return mkdocs.__version__.startswith("1.6.")


class WriteAhead:
    """The pages children write, taken in MkDocs' order as its loop reaches them."""

    def __init__(self, config: MkDocsConfig, order: dict[str, int],
                 made: Generator[Done[Any] | None, None, None], env: Environment,
                 received: Callable[[Any], None]) -> None:
        self._order, self._pages, self._made = order, list(order), made
        """Each page's place in MkDocs' loop, by src_uri; the src_uris in that order."""
        self._received = received
        """Given what a child sent for each page it wrote (see `write_ahead`)."""
        self._taken = 0
        self._notes: set[str] = set()
        """MkDocs' "Page skipped" note for each page a child wrote, taken already."""
        self._owner = os.getpid()
        self._env = env
        self._quiet = _Quiet(self._notes)
        logging.getLogger(mkdocs_build.__name__).addFilter(self._quiet)
        # MkDocs picks a page's template before it sends any event for the page: asked
        # for one while a child's page is current, the environment gives an empty one.
        # (In a child, whose copy this is too, `written` is always False.)
        empty, theme_template = env.from_string(""), env.get_template

        def get_template(name: Any, parent: Any = None, globals: Any = None) -> Template:
            page = config._current_page
            if page is not None and self.written(page.file.src_uri):
                return empty
            return theme_template(name, parent, globals)

        env.get_template = get_template  # type: ignore[method-assign]  # (this one's only)

    def written(self, src_uri: str) -> bool:
        """Whether a child wrote the page (waiting for the child, if it is one of its)."""
        if os.getpid() != self._owner:
            return False
        index = self._order.get(src_uri, -1)
        while self._taken <= index:
            done = next(self._made, None)
            if done is not None:
                # (the child's own messages, this process's note still heard)
                self._received(done.replay())
                self._notes.add(_SKIPPED.format(self._pages[self._taken]))
            self._taken += 1
        return _SKIPPED.format(src_uri) in self._notes

    def close(self) -> None:
        """Stop and reap the children; the environment and MkDocs' log as they were."""
        if os.getpid() != self._owner:
            return
        self._made.close()
        vars(self._env).pop("get_template", None)
        logging.getLogger(mkdocs_build.__name__).removeFilter(self._quiet)


_SKIPPED = "Page skipped: '{}'. Generated empty output."
"""What MkDocs logs for a page whose template rendered nothing (`_build_page`, 1.6)."""
LEAD = 8
"""How many pages the children keep ahead of MkDocs' loop (`fork_ahead`): the build's
process writes the pages they have not reached, besides copying the site's other files
and writing the theme's own pages meanwhile."""


class _Quiet(logging.Filter):
    """MkDocs' "Page skipped" note, hushed for the pages a child wrote."""

    def __init__(self, notes: set[str]) -> None:
        super().__init__()
        self._notes = notes

    def filter(self, record: logging.LogRecord) -> bool:
        return not (isinstance(record.msg, str) and record.msg in self._notes)


def write_ahead(config: MkDocsConfig, files: Files, nav: Navigation, env: Environment,
                jobs: int, left: Callable[[Page], None], sent: Callable[[Page], Any],
                received: Callable[[Any], None]) -> WriteAhead | None:
    """Fork now: children put the pages ahead of MkDocs' loop through the theme and write
    them. None where there is nothing to share (one process, few pages, no fork).

    `left(page)` does to a page what the plugins leave changed on it once it is written
    (the pmsite plugin lets its HTML go). A child does it to every page before the one it
    writes next, as MkDocs' loop would have by then, so that a theme reading another
    page (`page.previous_page.content`) reads what it reads in one process. A child
    whose page raised writes no more: what MkDocs' loop leaves on a page that fails
    halfway is not what it leaves on one that is written (the build's process writes the
    rest, raising where a serial build raises).

    `sent(page)`, in a child once it wrote the page, is what the plugins keep of it that
    the build's process needs (pmsite: what the page loads from outside the site);
    `received` is given that, in the build's process, as MkDocs' loop reaches the page."""
    doc_files = files.documentation_pages(inclusion=InclusionLevel.is_included)
    pages = [file.page for file in doc_files if file.page is not None]
    if not forks(jobs, len(pages)):
        return None
    order = {page.file.src_uri: index for index, page in enumerate(pages)}
    reached, failed = [0], [False]

    def build(page: Page) -> Any:  # (in a child: MkDocs' own step, as its loop runs it)
        if failed[0]:
            raise RuntimeError("an earlier page of this child failed")
        index = order[page.file.src_uri]
        for earlier in pages[reached[0]:index]:
            left(earlier)
        reached[0] = index
        excluded = page.file.inclusion.is_excluded()  # type: ignore[no-untyped-call]
        try:
            mkdocs_build._build_page(page, config, doc_files, nav, env, excluded=excluded)
        except BaseException:
            failed[0] = True
            raise
        return sent(page)

    ahead = WriteAhead(config, order, fork_ahead(build, pages, jobs, LEAD), env,
                       received)
    try:
        ahead.written(pages[0].file.src_uri)  # (the first is this process's: children start)
    except BaseException:
        ahead.close()
        raise
    return ahead
