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

It is used only where it is known to give exactly what `Page.render` gives
(`reusable`):

- under the versions it was checked against: MkDocs 1.6, whose `Page.render` this
  follows (those processors are private to it), Python-Markdown 3 and, where one is
  configured, PyMdown Extensions 10.17.1 to 13 (`PYMDOWNX`);
- when every configured extension is one of `REUSABLE`, whose state is reset:
  `tests/test_mdreuse.py` renders pages one after another both ways and compares;
- when no extension is set to count its resets (footnotes' `UNIQUE_IDS`: a new instance
  resets twice while being set up, so its every page has the same prefix);
- when every function the config hands an extension (a fence formatter, a slugify, an
  emoji index) comes from Python-Markdown, PyMdown Extensions or Material.

Otherwise `shared_markdown` gives None and pages render the ordinary way. A page whose
rendering raised (a time budget's alarm may stop it half-way) lets go of the instance:
the next page gets a new one.
"""

from __future__ import annotations

import functools
import logging
import re
import secrets
import xml.etree.ElementTree as etree
from dataclasses import dataclass
from typing import Any

import markdown
import mkdocs
from markdown.blockprocessors import BlockProcessor
from markdown.util import AtomicString
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure import pages as mkdocs_pages  # (MkDocs 1.6's own processors)
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page
from mkdocs.structure.toc import AnchorLink, get_toc

from generator.forkmap import kept_records, replay
from generator.htmlstash import PLACEHOLDER
from generator.mdflat import (
    Flat,
    TocSettings,
    flat_blocks,
    flat_extensions,
    render_flat,
    toc_settings,
)
from generator.mdmixed import Mixed, MixedParts, assemble, mixed_text

log = logging.getLogger("mkdocs.plugins.pmsite")

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

PYMDOWNX = ((10, 17, 1), (14, 0, 0))
"""The PyMdown Extensions `REUSABLE` was checked against: from 10.17.1 (before it,
`pymdownx.highlight` next to `pymdownx.superfences` took toc out of the extensions a reset
reaches, and a blank page kept the previous page's toc) to 13.x. The tests passed on
10.17.1, 10.18, 10.20, 10.21.3, 11.0, 11.0.2, 12.0, 12.3, 13.0 and 13.1.2, and failed on
10.2, 10.8 and 10.14-10.17."""
KNOWN_CODE = ("markdown.", "pymdownx.", "material.extensions.")
"""Where the functions a config hands an extension may come from."""

_OWN = "markdown.extensions."
_PLAIN = (str, int, float, bool, type(None))


def extension_name(extension: object) -> str | None:
    """How `REUSABLE` names an extension given in `markdown_extensions`; None for an
    extension object, or a class of a module given by a name of its own (`toc:Class`
    imports a module `toc`, whatever that is)."""
    if not isinstance(extension, str):
        return None
    module, _, cls = extension.partition(":")
    if cls and not module.startswith((_OWN, "pymdownx.")):
        return None
    return module.removeprefix(_OWN)


def reusable(config: MkDocsConfig) -> bool:
    """Whether one Markdown instance renders `config`'s pages as `Page.render` would."""
    names = [extension_name(extension) for extension in config["markdown_extensions"]]
    configs: dict[str, Any] = config["mdx_configs"] or {}
    return (_versions_checked(any(str(n).startswith("pymdownx.") for n in names))
            and all(name in REUSABLE for name in names)
            and not any(_counts_resets(extension_name(key), value)
                        for key, value in configs.items())
            and _known_code(configs))


def _versions_checked(pymdownx: bool) -> bool:
    if not mkdocs.__version__.startswith("1.6.") or markdown.__version_info__[0] != 3:
        return False
    if pymdownx:
        try:
            from pymdownx.__meta__ import __version_info__ as version
        except ImportError:  # (not installed, or laid out otherwise: not one checked)
            return False
        low, high = PYMDOWNX
        return low <= (version.major, version.minor, version.micro) < high
    return True


def _counts_resets(name: str | None, value: Any) -> bool:
    """Whether `value`, the settings of extension `name`, turn on footnotes' UNIQUE_IDS
    (or might: settings that are not a mapping, which Python-Markdown also accepts as
    pairs)."""
    if name not in ("footnotes", "extra"):
        return False
    settings = _mapping(value)
    if settings is not None and name == "extra":
        settings = _mapping(settings.get("footnotes"))
    return settings is None or bool(settings.get("UNIQUE_IDS"))


def _mapping(value: Any) -> dict[Any, Any] | None:
    try:
        return dict(value or {})
    except (TypeError, ValueError):
        return None


def _known_code(value: Any) -> bool:
    """Whether `value` holds only plain values and functions from `KNOWN_CODE`."""
    if isinstance(value, _PLAIN):
        return True
    if isinstance(value, dict):
        return all(_known_code(k) and _known_code(v) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return all(_known_code(item) for item in value)
    if isinstance(value, functools.partial):
        return _known_code(value.func) and _known_code(value.args) and _known_code(
            value.keywords)
    if callable(value):
        return str(getattr(value, "__module__", "")).startswith(KNOWN_CODE)
    return False


class SharedMarkdown:
    """One Markdown instance for every page of one build's config (see the module)."""

    def __init__(self, config: MkDocsConfig) -> None:
        self._config = config
        self._md: markdown.Markdown | None = None
        names = [extension_name(extension) for extension in config["markdown_extensions"]]
        self._flat: bool | None = (None if flat_extensions(names, config["mdx_configs"] or {})
                                   else False)
        """Whether flat pages skip Python-Markdown (`mdflat`): None until the first one
        was rendered both ways, False where the config or that comparison rules it out."""
        self._toc: TocSettings | None = None
        """The table of contents' settings, read off the instance that rendered it."""
        self._mixed: bool | None = None
        """Whether pages with bodies render their plain headings without Python-Markdown
        (`mdmixed`): None until the first was rendered both ways, False where that
        comparison ruled it out (only ever tried where flat pages are)."""
        self._key = f"pmsiteflat{secrets.token_hex(8)}n"
        """What a marked heading is spelled with (no content can know it)."""
        self._parts: MixedParts

    def attach(self, page: Page) -> None:
        """Have `page.render` use the shared instance, for this page only (`detach`)."""

        def render(config: MkDocsConfig, files: Files) -> None:
            try:
                self.render(page, config, files)
            finally:
                self.detach(page)

        page.render = render  # type: ignore[method-assign]  # (this page's only)

    @staticmethod
    def detach(page: Page) -> None:
        vars(page).pop("render", None)

    def render(self, page: Page, config: MkDocsConfig, files: Files) -> None:
        """`Page.render` (MkDocs 1.6) with the shared instance."""
        if config is not self._config or (self._md is None and not reusable(config)):
            # Another build's config, or one a later event changed: MkDocs' way.
            Page.render(page, config, files)
            return
        if page.markdown is None:
            raise RuntimeError("`markdown` field hasn't been set (via `read_source`)")
        blocks = flat_blocks(page.markdown) if self._flat is not False else None
        if blocks is not None and self._flat and self._toc is not None:
            _set_flat(page, render_flat(blocks, self._toc))
            return
        md, self._md = self._md, None  # (kept again only if the page renders)
        if md is None:
            md = _with_placeholders(markdown.Markdown(
                extensions=config["markdown_extensions"],
                extension_configs=config["mdx_configs"] or {}))
            self._parts = MixedParts(md)
        if blocks is None and self._flat is None:  # (a flat text of our own decides)
            self._try_flat(md, page, _PROBE, config, files)
        mixed = (mixed_text(page.markdown, self._key, self._toc.marker)
                 if blocks is None and self._flat and self._toc is not None
                 and self._mixed is not False else None)
        made = None
        if mixed is None or self._toc is None or not self._mixed_render(
                md, page, mixed, self._toc, config, files):
            made = _convert(md.reset(), page, page.markdown, config, files)
        self._md = md
        if blocks is not None:  # (the first flat page: do both ways agree?)
            self._try_flat(md, page, page.markdown, config, files, made)

    def _try_flat(self, md: markdown.Markdown, page: Page, text: str, config: MkDocsConfig,
                  files: Files, made: _Made | None = None) -> None:
        """Whether flat pages skip Python-Markdown, decided on a flat `text` rendered
        both ways: `made`, what Python-Markdown made of it already, or rendered here
        (`page` the one being rendered, left as it is)."""
        blocks = flat_blocks(text)
        toc = md.treeprocessors["toc"] if "toc" in md.treeprocessors else None  # noqa: SIM401
        self._toc = toc_settings(toc)  # (a Registry: no `get`)
        if blocks is None or self._toc is None:
            self._flat = False
            return
        if made is None:
            with kept_records():  # (a rendering of our own text: nothing to tell)
                made = _convert(md.reset(), page, text, config, files, keep=False)
        self._flat = _same(made, _from_flat(page.file, render_flat(blocks, self._toc)))
        if not self._flat:
            log.debug("pmsite: flat pages are rendered by Python-Markdown (%s differs)",
                      page.file.src_uri)

    def _mixed_render(self, md: markdown.Markdown, page: Page, mixed: Mixed, toc: TocSettings,
                      config: MkDocsConfig, files: Files) -> bool:
        """Render `page` from `mixed` (`mdmixed`); False, `page` untouched, where that
        could differ from rendering its whole text. The first such page of a process is
        rendered both ways, and a difference turns this off. What rendering logs (MkDocs'
        notes of the bodies' links) is logged once, by the rendering kept."""
        parts = self._parts
        parts.start(self._key)
        try:
            with kept_records() as records:
                made = _convert(md.reset(), page, mixed.text, config, files, keep=False)
            found = assemble(mixed, parts, made.content, made.toc_tokens,
                             made.present_anchor_ids, toc)
        finally:
            parts.stop()
        if found is None:
            return False  # (the page renders whole, and logs what it logs then)
        links = made.links_to_anchors
        if links is not None and found.linked:
            own = links.setdefault(page.file, {})
            for ident in found.linked:
                own.setdefault(ident, f"#{ident}")
        result = _Made(found.html, found.toc_tokens,
                       found.title if found.title_from_marker else made.title,
                       made.present_anchor_ids | found.ids, links)
        if self._mixed is None:  # (the first: the whole text too, and compare)
            with kept_records() as again:
                whole = _convert(md.reset(), page, page.markdown or "", config, files,
                                 keep=False)
            self._mixed = _messages(again) == _messages(records) and _same(whole, result)
            if not self._mixed:
                log.debug("pmsite: pages with bodies are rendered whole (%s differs)",
                          page.file.src_uri)
                return False
        replay(records)
        result.leave_on(page)
        return True


def _messages(records: list[logging.LogRecord]) -> list[tuple[str, int, str]]:
    return [(record.name, record.levelno, record.getMessage()) for record in records]


@dataclass(slots=True)
class _Made:
    """What one conversion gave (see `_convert`)."""

    content: str
    toc_tokens: list[dict[str, Any]]
    title: str | None
    present_anchor_ids: set[str]
    links_to_anchors: dict[File, dict[str, str]] | None

    def leave_on(self, page: Page) -> None:
        """Set on `page` what `Page.render` sets."""
        page.content = self.content
        page.toc = get_toc(self.toc_tokens)  # type: ignore[arg-type]  # (its TypedDict)
        page._title_from_render = self.title
        page.present_anchor_ids = self.present_anchor_ids
        if self.links_to_anchors is not None:
            page.links_to_anchors = self.links_to_anchors


def _same(one: _Made, other: _Made) -> bool:
    """Whether two renderings leave the same on a page (a table of contents as values)."""
    return (one.content == other.content and one.title == other.title
            and _entries(get_toc(one.toc_tokens)) == _entries(  # type: ignore[arg-type]
                get_toc(other.toc_tokens))  # type: ignore[arg-type]
            and one.present_anchor_ids == other.present_anchor_ids
            and one.links_to_anchors == other.links_to_anchors)


def _convert(md: markdown.Markdown, page: Page, text: str, config: MkDocsConfig,
             files: Files, keep: bool = True) -> _Made:
    """`text` converted by `md` with MkDocs' four processors for `page`, as `Page.render`
    converts; left on `page` too where `keep`."""
    raw_html = mkdocs_pages._RawHTMLPreprocessor()
    raw_html._register(md)
    anchors = mkdocs_pages._ExtractAnchorsTreeprocessor(page.file, files, config)
    anchors._register(md)
    relative = mkdocs_pages._RelativePathTreeprocessor(page.file, files, config)
    relative._register(md)
    title = mkdocs_pages._ExtractTitleTreeprocessor()
    title._register(md)
    made = _Made(md.convert(text), getattr(md, "toc_tokens", []), title.title,
                 anchors.present_anchor_ids | raw_html.present_anchor_ids,
                 relative.links_to_anchors
                 if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG else None)
    if keep:
        made.leave_on(page)
    return made


_PROBE = "# Probe\n\npmsitestash0z\n\n## Probe\n\n## Probe\n"
"""A flat text that decides whether flat pages skip Python-Markdown where a page that
is not flat comes first (see `SharedMarkdown._try_flat`)."""


class _Placeholder(BlockProcessor):  # type: ignore[misc]  # (markdown is untyped)
    """A stashed block's placeholder alone in a top-level block: its paragraph, as
    Python-Markdown's own processors make it, but at once and with its text atomic.

    A generated page holds one for every table, list and figure (18,270 among the 1,377
    pages Python-Markdown renders at 1,000 projects): each went past every block
    processor's test, and its word through every inline pattern, for a paragraph of the
    word as it is (`htmlstash.PLACEHOLDER` is a word no pattern or extension of
    `REUSABLE` reads). A tenth of those pages' rendering. Inside a list, a quote or any
    other container the block is left to the ordinary processors."""

    def test(self, parent: etree.Element, block: str) -> bool:
        return parent is self.parser.root and _PLACEHOLDER.fullmatch(block) is not None

    def run(self, parent: etree.Element, blocks: list[str]) -> None:
        etree.SubElement(parent, "p").text = AtomicString(blocks.pop(0))


_PLACEHOLDER = re.compile(PLACEHOLDER)


def _with_placeholders(md: markdown.Markdown) -> markdown.Markdown:
    """`md` with `_Placeholder` before every other block processor (kept across resets)."""
    md.parser.blockprocessors.register(_Placeholder(md.parser), "pmsite-placeholder", 1000)
    return md


def _set_flat(page: Page, flat: Flat) -> None:
    """What `SharedMarkdown.render` sets on a page, from a flat text's rendering."""
    _from_flat(page.file, flat).leave_on(page)


def _from_flat(file: File, flat: Flat) -> _Made:
    """A flat text's rendering as a conversion of it gives it (`_convert`): the links to
    anchors what MkDocs' `_RelativePathTreeprocessor` notes of the permanent links, where
    it notes them (above its DEBUG level)."""
    links = ({file: {ident: f"#{ident}" for ident in flat.linked}} if flat.linked else {}
             ) if mkdocs_pages.log.getEffectiveLevel() > logging.DEBUG else None
    return _Made(flat.html, flat.toc_tokens, flat.title, set(flat.anchor_ids), links)


def _entries(items: Any) -> list[tuple[str, str, int, list[Any]]]:
    """A table of contents as values (AnchorLink compares by identity)."""
    return [(item.title, item.id, item.level, _entries(item.children))
            for item in items if isinstance(item, AnchorLink)]


def shared_markdown(config: MkDocsConfig) -> SharedMarkdown | None:
    """A `SharedMarkdown` for `config`'s pages, or None where pages render MkDocs' way."""
    return SharedMarkdown(config) if reusable(config) else None
