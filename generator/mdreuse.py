"""Python-Markdown set up once per process for every page, reset between pages.

MkDocs' `Page.render` sets up a new `markdown.Markdown`, with every configured extension,
for each page: 0.07 ms a page with MkDocs' default extensions, 3.2 ms with a common
Material set (`pymdownx.emoji` builds its index for each instance). Python-Markdown is
made to convert many documents with one instance: `Markdown.reset()` between them clears
its own state and that of every extension that keeps any (the extensions register for
it, `Markdown.registerExtension`). `SharedMarkdown.render` is MkDocs 1.6's `Page.render`
with that one change: the four processors MkDocs adds for the page are made for each
page, as there, and replace the previous page's (same names, same priorities, so the
same order).

It is used only where it is known to give exactly what `Page.render` gives:

- under MkDocs 1.6, whose `Page.render` this follows (those processors are private to it);
- when every configured extension is one of `REUSABLE`, whose state is reset:
  `tests/test_mdreuse.py` renders pages one after another both ways and compares.

Otherwise `shared_markdown` gives None and pages render the ordinary way. A page whose
rendering raised (a time budget's alarm may stop it half-way) lets go of the instance:
the next page gets a new one.
"""

from __future__ import annotations

import logging
from typing import Any

import markdown
import mkdocs
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages  # (MkDocs 1.6's own processors)
from mkdocs.structure.files import Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import get_toc

REUSABLE = frozenset({
    # Python-Markdown's own
    "abbr", "admonition", "attr_list", "codehilite", "def_list", "extra", "fenced_code",
    "footnotes", "legacy_attrs", "legacy_em", "md_in_html", "meta", "nl2br", "sane_lists",
    "smarty", "tables", "toc", "wikilinks",
    # PyMdown Extensions (not `pymdownx.blocks.*`: not tested here)
    "pymdownx.arithmatex", "pymdownx.betterem", "pymdownx.caret", "pymdownx.critic",
    "pymdownx.details", "pymdownx.emoji", "pymdownx.highlight", "pymdownx.inlinehilite",
    "pymdownx.keys", "pymdownx.magiclink", "pymdownx.mark", "pymdownx.smartsymbols",
    "pymdownx.snippets", "pymdownx.superfences", "pymdownx.tabbed", "pymdownx.tasklist",
    "pymdownx.tilde",
})
"""Extensions whose state `Markdown.reset()` clears (each is covered by the tests)."""

_OWN = "markdown.extensions."


def extension_name(extension: object) -> str | None:
    """How `REUSABLE` names an extension given in `markdown_extensions` (None for an
    extension object: what it keeps is not known)."""
    if not isinstance(extension, str):
        return None
    return extension.partition(":")[0].removeprefix(_OWN)


def reusable(config: MkDocsConfig) -> bool:
    """Whether one Markdown instance renders `config`'s pages as `Page.render` would."""
    return mkdocs.__version__.startswith("1.6.") and all(
        extension_name(extension) in REUSABLE for extension in config["markdown_extensions"])


class SharedMarkdown:
    """One Markdown instance for every page of one build's config (see the module)."""

    def __init__(self, config: MkDocsConfig) -> None:
        self._config = config
        self._md: markdown.Markdown | None = None

    def attach(self, page: Page) -> None:
        """Have `page.render` use the shared instance, for this page only (`detach`)."""

        def render(config: MkDocsConfig, files: Files) -> None:
            self.render(page, config, files)

        page.render = render  # type: ignore[method-assign]  # (this page's only)

    @staticmethod
    def detach(page: Page) -> None:
        vars(page).pop("render", None)

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """`Page.render` (MkDocs 1.6) with the shared instance."""
        if config is not self._config:  # (another build's: set up as MkDocs would)
            Page.render(page, config, files)
            return
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        md, self._md = self._instance(), None  # (kept again only if the page renders)
        raw_html = mkdocs_pages._RawHTMLPreprocessor()
        raw_html._register(md)
        anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
        anchors._register(md)
        relative = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
        relative._register(md)
        title = mkdocs_pages._ExtractTitleTreeprocessor()
        title._register(md)

        page.content = md.convert(page.markdown)
        page.toc = get_toc(getattr(md, "toc_tokens", []))
        page._title_from_render = title.title
        page.present_anchor_ids = anchors.present_anchor_ids | raw_html.present_anchor_ids
        if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG:
            page.links_to_anchors = relative.links_to_anchors
        self._md = md

    def _instance(self) -> markdown.Markdown:
        if self._md is None:
            config: Any = self._config
            return markdown.Markdown(extensions=config["markdown_extensions"],
                                     extension_configs=config["mdx_configs"] or {})
        return self._md.reset()


def shared_markdown(config: MkDocsConfig) -> SharedMarkdown | None:
    """A `SharedMarkdown` for `config`'s pages, or None where pages render MkDocs' way."""
    return SharedMarkdown(config) if reusable(config) else None
