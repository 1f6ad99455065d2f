"""The `pmsite` MkDocs plugin: a thin front end that hands MkDocs the planned site."""

from __future__ import annotations

import hashlib
import logging
import time
from dataclasses import dataclass, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment
from markupsafe import escape
from mkdocs.config import config_options
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import PluginError
from mkdocs.plugins import BasePlugin, event_priority
from mkdocs.structure.files import File, Files
from mkdocs.structure.nav import Navigation
from mkdocs.structure.pages import Page
from mkdocs.utils.templates import TemplateContext

from generator.contentfiles import drop_unpublishable, walk_hazards
from generator.diagnostics import Diagnostic, format_diagnostics
from generator.errors import ConfigError
from generator.htmlstash import sanitized
from generator.jinjaenv import adopt
from generator.laterfiles import LaterFile
from generator.linknotes import QuietLinks, quiet_links, unquiet_links
from generator.load import ReadDocument
from generator.mdlimits import MarkdownTimeout, TimeBudget
from generator.mdreuse import SharedMarkdown, shared_markdown
from generator.navigation import curated_nav, keep_out_of_nav, section_page
from generator.offline import References, external_assets, page_references
from generator.pagemeta import safe_page_meta
from generator.pipeline import check
from generator.prerender import NOTHING_AHEAD, prerender
from generator.sanitize import sanitize
from generator.searchindex import FastSearchIndex, ReadsAhead, faster_index
from generator.settings import Options, Settings, resolve_as_of
from generator.site import GENERATED_OWNERS, SitePlan, content_files, plan_site
from generator.templating import site_writes_pages
from generator.themetext import make_nav_safe, make_page_safe, theme_text, unescape_search_titles
from generator.validate import ValidationMemo
from generator.writeahead import WriteAhead, can_write_ahead, write_ahead

log = logging.getLogger("mkdocs.plugins.pmsite")

_TYPES = {"status_scale": list, "stale_after_days": int, "due_soon_days": int,
          "changes_days": int, "currency": str, "templates": str, "risk_bands": dict,
          "diagnostics": dict}
MATERIAL_FONT = {"text": "Roboto", "code": "Roboto Mono"}
"""Material's default `font:`, loaded from Google Fonts unless turned off."""
FRONT_MATTER_SNIFF = 65536
"""How much of an unreadable record's file is read to find the `kind:` it declares."""
PAGE_SECONDS = 20.0
"""Time Python-Markdown may take over one page before the build stops (RELIABILITY G7)."""


@dataclass(frozen=True, slots=True)
class BuildValues:
    """What a pmsite front end hands the plugin for one build: values, never the environment."""

    as_of: date
    keep_going: bool = False
    """Live preview: content errors show on every page instead of stopping the build."""
    plan: SitePlan | None = None
    """The site, planned already (`pmsite build`): the plugin only hands it to MkDocs."""
    site_dir: Path | None = None
    """Where the site ends up, as diagnostics name it (`pmsite build` writes to a staging
    folder first)."""
    read: ReadDocument | None = None
    """How content files are read (the incremental preview's cache; default: from disk)."""
    memo: ValidationMemo | None = None
    """What each document validated to (the incremental preview's; see `ValidationMemo`)."""
    jobs: int = 1
    """Processes a build renders its pages in (`prerender`); a build only."""


class PmsitePlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Adds the generated portfolio pages to a MkDocs site (SPEC §5-6).

    MkDocs keeps one instance for a whole process (it has `on_startup`), so nothing of one
    build may outlive it: a front end's values are taken by the build they were given for.
    """

    # The options are declared once, in settings.Options; MkDocs only type-checks them.
    config_scheme = tuple((f.name, config_options.Optional(config_options.Type(_TYPES[f.name])))
                          for f in fields(Options))

    def __init__(self) -> None:
        super().__init__()
        self._serving = False
        """Under `mkdocs serve` (no pmsite front end): keep going past content errors."""
        self._given: BuildValues | None = None
        self._budget: TimeBudget | None = None
        self._page: tuple[Page, float] | None = None
        self._section: Page | None = None
        """The nav page marked current for the page being rendered (see section_page)."""
        """The page whose Markdown is being rendered within its time budget, and since when."""
        self._blocks: list[str] = []
        """The HTML blocks stashed out of the page being rendered (see htmlstash)."""
        self._own_templates = False
        """The site writes pages with templates of its own: they are cleaned whole."""
        self.external: list[Diagnostic] = []
        """What the last build loads from outside the site (`external-asset`)."""
        self._let_go = False
        """A generated page's Markdown is let go once rendered, every page's HTML once
        written (see `_lets_go`)."""
        self._ahead = NOTHING_AHEAD
        """The pages other processes render (see `prerender`)."""
        self._written: WriteAhead | None = None
        """The pages other processes put through the theme and write (see `writeahead`)."""
        self._quiet_links: QuietLinks | None = None
        """MkDocs' "unrecognized relative link" note dropped for links that reach a page
        (see `linknotes`), from `on_nav` to the next build or the end of the process."""
        self._dirty = False
        """`mkdocs build --dirty`: MkDocs writes only the pages changed since the last
        build (no child is asked to write any)."""
        self._lazy = False
        """Generated pages are rendered when read (by `prerender`'s processes), not when
        handed to MkDocs."""
        self._index: ReadsAhead | None = None
        """MkDocs' or Material's search index, fed by `feed_tokens`, pages read ahead."""
        self._markdown: SharedMarkdown | None = None
        """The one Python-Markdown every page of this build renders with, where that is
        known to be what MkDocs renders (see `mdreuse`)."""
        self._scanned: dict[str, References] | None = None
        """What each page written in this build loads from outside the site, by its path
        in the site, read from its HTML as it was written (see `on_post_page`); None where
        the files are read back instead (a plugin that is not known may change them)."""
        self.digests: dict[str, bytes] = {}
        """Each page's rendered source (front matter, Markdown, stashed HTML), as a digest:
        the incremental preview re-renders a page only when its digest changes."""

    def prepare(self, values: BuildValues) -> None:
        """Give the next build its values (how `pmsite build` and `pmsite serve` reach it)."""
        self._given = values

    def on_startup(self, *, command: str, dirty: bool) -> None:
        self._serving, self._given, self._dirty = command == "serve", None, dirty

    def on_shutdown(self) -> None:
        self._serving, self._given = False, None
        self._ahead.close()
        self._ahead, self._lazy = NOTHING_AHEAD, False
        self._stop_writing()
        unquiet_links(self._quiet_links)
        self._quiet_links = None
        self._disarm()

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.use_directory_urls:
            raise PluginError("pmsite needs `use_directory_urls: true` (SPEC §5 URLs)")
        raw = {k: v for k, v in self.config.items() if v is not None}
        given, self._given = self._given, None
        try:
            options = Options.from_mapping(raw, "plugins: pmsite")
            # Under plain `mkdocs build`/`serve`: SOURCE_DATE_EPOCH, else today (SPEC §4).
            self.values = given or BuildValues(resolve_as_of(None), keep_going=self._serving)
        except ConfigError as exc:
            raise PluginError(str(exc)) from None
        self.settings = Settings(
            config_file=Path(config.config_file_path or "mkdocs.yml").resolve(),
            docs_dir=Path(config.docs_dir).resolve(), site_dir=Path(config.site_dir).resolve(),
            options=options, site_name=config.site_name, site_url=config.site_url or "")
        if hazards := walk_hazards(self.settings.docs_dir, self.settings.root):
            raise PluginError(f"pmsite: MkDocs' walk would follow these links:\n{hazards}")
        for path, names in (("extra_css", ["pmsite.css"]), ("extra_javascript", ["pmsite.js"])):
            for name in names:
                uri = f"assets/pmsite/{name}"
                if uri not in [str(u) for u in config[path]]:
                    config[path].append(uri)
        if config.theme.get("highlightjs"):
            # MkDocs' own themes load highlight.js from a CDN: an intranet has none.
            config.theme["highlightjs"] = False
            log.info("pmsite: highlightjs turned off (it loads from a CDN; the site is offline)")
        if config.theme.name == "material" and config.theme.get("font") == MATERIAL_FONT:
            # Material's default fonts come from Google Fonts; a font set on purpose is
            # left alone (and reported as an external asset after the build).
            config.theme["font"] = False
            log.info("pmsite: Material's web fonts turned off (Google Fonts; the site is offline)")
        for name in ("site_name", "site_description", "site_author"):
            if isinstance(config.get(name), str):  # printed raw by every theme
                config[name] = theme_text(config[name])
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        drop_unpublishable(files, config.docs_dir)  # links, FIFOs, bad names: never copied
        plan = self.values.plan or self._plan(files)
        errors = plan.result.diagnostics.errors
        # In the live preview the author sees the errors on every page instead of a crash.
        self.banner = _problems_banner(errors) if errors else ""
        self.plan = plan
        self._own_templates = site_writes_pages(self.settings)
        for src_uri in sorted(plan.drop):
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
        plain = {doc.rel for doc in plan.result.model.pages}
        for file in list(files.documentation_pages()):
            # A status report that is invalid is no record (valid ones are in plan.drop):
            # it must not turn into a stray page of its own in the preview either.
            if (file.src_uri not in plain and file.src_uri not in plan.records
                    and file.abs_src_path and _front_kind(file.abs_src_path) in GENERATED_OWNERS):
                files.remove(file)
        self._let_go = _lets_go(config, self.values)
        self._lazy = self._let_go and self.values.jobs > 1
        self._scanned = {} if self._let_go else None
        for src_uri in plan.pages:  # (read in on_page_read_source when lazy)
            content = "" if self._lazy else plan.markdown(src_uri)
            files.append(File.generated(config, src_uri, content=content))
        for name in plan.files:  # (made when MkDocs writes them: see `GeneratedFiles`)
            files.append(LaterFile.later(config, name, plan.files))
        if config.nav is None:
            config.nav = curated_nav(plan, files)
        keep_out_of_nav(plan, files, config.nav)
        log.info(f"pmsite: {len(plan.pages)} pages generated as of {plan.result.as_of}")
        return files

    def _plan(self, files: Files) -> SitePlan:
        """Check and plan here (plain `mkdocs build`/`serve`): errors stop the build, unless
        it is the live preview."""
        result = check(self.settings, self.values.as_of, self.values.read, self.values.memo,
                       self.values.jobs)
        self.content = content_files(files, self.settings)
        plan = plan_site(result, self.content)
        errors = result.diagnostics.errors
        if errors and not self.values.keep_going:
            raise PluginError("pmsite: the content has errors:\n"
                              + format_diagnostics(errors, "text"))
        for problem in result.diagnostics.sorted():
            # The preview shows every problem as a MkDocs warning; plain `mkdocs build`
            # keeps content warnings at INFO so `--strict` fails only on errors.
            shown = problem.severity == "error" or self.values.keep_going
            (log.warning if shown else log.info)(problem.to_text())
        return plan

    @event_priority(-100)  # after the search plugin has made its index
    def on_pre_build(self, *, config: MkDocsConfig) -> None:
        self._markdown = shared_markdown(config)  # (every plugin's on_config has run)
        self._index = None
        for plugin in config.plugins.values():  # MkDocs' search, or Material's
            faster = faster_index(getattr(plugin, "search_index", None))
            if faster is not None:  # the same entries, read without html.parser
                plugin.search_index = faster
                if _indexes(plugin):  # (one Material turned off would read for nothing)
                    self._index = faster

    def on_pre_page(self, page: Page, *, config: MkDocsConfig, files: Files) -> Page:
        page.update_date = self.values.as_of.isoformat()  # the sitemap's <lastmod>
        return page

    def on_page_read_source(self, *, page: Page, config: MkDocsConfig) -> str | None:
        src_uri = page.file.src_uri
        if self._ahead.get(src_uri) is not None:
            return ""  # (its front matter is handed over in on_page_markdown)
        if self._lazy and src_uri in self.plan.pages:
            return self.plan.markdown(src_uri)
        return None

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        ahead = self._ahead.get(page.file.src_uri)
        if ahead is not None:  # rendered already: MkDocs renders nothing
            page.meta = ahead.value.meta
            ahead.value.skip_render(page)
            return ""
        text, self._blocks = self.plan.page_source(page.file.src_uri, markdown)
        text = self.banner + text
        if self.values.keep_going:  # only the live preview compares them (incremental.py)
            self.digests[page.file.src_uri] = source_digest(page.meta, text, self._blocks)
        if self._markdown is not None:
            self._markdown.attach(page)
        # Python-Markdown renders the page next; a page it would hang on stops the build.
        self._disarm()
        self._budget = TimeBudget(PAGE_SECONDS)
        self._page = (page, time.monotonic())
        self._budget.start()
        return text

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        ahead = self._ahead.pop(page.file.src_uri)
        if ahead is not None:
            return ahead.replay().hand_over(page, files, self._index)  # (sanitized)
        SharedMarkdown.detach(page)
        armed = self._disarm()
        if armed is not None and time.monotonic() - armed[1] > PAGE_SECONDS:
            # The alarm went off inside a finalizer, where Python drops what it raises.
            raise self._too_slow(armed[0], f"rendering took longer than {PAGE_SECONDS:g} s")
        content = sanitized(html, self._blocks, sanitize, trusted=not self._own_templates)
        self._blocks = []
        if self._let_go and page.file.src_uri in self.plan.pages:
            # A generated page's Markdown is pmsite's own (no theme template prints it);
            # a content file's stays for the theme (and is read from disk anyway).
            page.markdown = ""  # (None would read as "not yet read": no title)
            page.file.content_string = ""
        if self._index is not None and self._ahead.shared and self._ahead.here():
            # Read for search now, as the children read theirs: the build would otherwise
            # read its share after every page is rendered, with the children done and idle.
            self._index.ahead[page.url] = self._index.read(content)
        return content

    def on_build_error(self, *, error: Exception) -> None:
        armed = self._disarm()
        self._ahead.close()  # (after the alarm is off: stopping the children takes time)
        self._stop_writing()
        if isinstance(error, MarkdownTimeout) and armed is not None:
            raise self._too_slow(armed[0], str(error)) from None

    def _disarm(self) -> tuple[Page, float] | None:
        """Switch the page's alarm off; the page it was for, and since when.

        An alarm that goes off as it stops raises from here with the page still set: the
        build's error handler calls this again, and says where."""
        if self._budget is not None:
            self._budget.stop()
            self._budget = None
        armed, self._page = self._page, None
        return armed

    def _too_slow(self, page: Page, message: str) -> PluginError:
        where = Diagnostic(self._shown(page), 0, 0, "error", "markdown-too-complex",
                           f"{message}; the page is too complex to render",
                           "split the page, or simplify its Markdown")
        return PluginError(f"pmsite: {where.to_text()}")

    def _shown(self, page: Page) -> str:
        """The content file a page comes from, as diagnostics show it."""
        source = page.file.abs_src_path
        if source and Path(source).is_relative_to(self.settings.root):
            return Path(source).relative_to(self.settings.root).as_posix()
        spec = self.plan.pages.get(page.file.src_uri)
        return spec.source if spec is not None and spec.source else page.file.src_uri

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        unquiet_links(self._quiet_links)  # (the previous build's, in the preview)
        self._quiet_links = quiet_links(files)  # (before pages render, here or forked)
        if self._lazy:  # MkDocs renders every page next: done here, in `jobs` processes
            self._ahead = prerender(config, files, self.values.jobs,
                                    self._index.read if self._index is not None else None)
        return nav

    def on_page_context(self, context: TemplateContext, *, page: Page, config: MkDocsConfig,
                        nav: Navigation) -> TemplateContext:
        # A record's page is not in the nav: its section is marked current while it renders.
        self._section = section_page(self.plan, page, nav)
        if self._section is not None:
            self._section.active = True
        return self._dated(context)

    @event_priority(-100)  # (the page as it is written: after every other plugin)
    def on_post_page(self, output: str, *, page: Page, config: MkDocsConfig) -> str:
        if self._section is not None:
            self._section.active, self._section = False, None
        if self._scanned is not None and output.strip():  # (MkDocs writes no empty page)
            # Read here, while the page is in memory, by whichever process writes it:
            # reading every page back after the build took a tenth of it. The content is
            # as `on_page_content` sanitized it: no plugin but search runs (`_lets_go`).
            self._scanned[page.file.dest_uri] = page_references(output, page.content or "")
        self._written_page(page)
        return output

    def _sent(self, page: Page) -> tuple[str, References] | None:
        """What a child that wrote `page` hands back (see `write_ahead`)."""
        if self._scanned is None or page.file.dest_uri not in self._scanned:
            return None
        return page.file.dest_uri, self._scanned.pop(page.file.dest_uri)

    def _received(self, sent: tuple[str, References] | None) -> None:
        if sent is not None and self._scanned is not None:
            self._scanned[sent[0]] = sent[1]

    def _written_page(self, page: Page) -> None:
        """What this plugin leaves changed on a page once it is written (see `_lets_go`)."""
        if self._let_go:
            page.content = ""

    def on_template_context(self, context: TemplateContext, *, template_name: str,
                            config: MkDocsConfig) -> TemplateContext:
        return self._dated(context)

    def _dated(self, context: TemplateContext) -> TemplateContext:
        """Themes print the build date: the as-of date keeps the site the same bytes (G6)."""
        as_of = self.values.as_of
        context["build_date_utc"] = datetime(as_of.year, as_of.month, as_of.day, tzinfo=UTC)
        return context

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        self._ahead.close()  # (every page is rendered: its children have ended)
        adopt(env)  # (the theme's templates run as ours do: the same pages, sooner)
        # The last step before any theme template runs: every title, nav title, front-
        # matter value and toc entry the theme may print becomes plain theme text.
        for file in files.documentation_pages():
            if file.page is not None:
                file.page.meta = safe_page_meta(file.page.meta, env)
                make_page_safe(file.page)
        make_nav_safe(self.nav.items)
        self.env, self.files = env, files  # kept for the incremental preview
        if self._lazy and not self._dirty and can_write_ahead():
            # Every page is ready for the theme: `jobs` processes write them from here.
            self._written = write_ahead(config, files, self.nav, env, self.values.jobs,
                                        self._written_page, self._sent, self._received)
            if self._written is not None and self._index is not None and self._let_go:
                self._index.written_elsewhere = self._written_elsewhere
        return env

    def _written_elsewhere(self, page: Page) -> bool:
        """Whether a child wrote the page (this process's copy of its HTML, let go once
        written, is read by nothing more: see `_written_page`)."""
        return self._written is not None and self._written.written(page.file.src_uri)

    def _stop_writing(self) -> None:
        written, self._written = self._written, None
        if written is not None:
            written.close()

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        self._disarm()
        self._stop_writing()  # (every page is written: its children have ended)
        for file in getattr(self, "files", ()):  # (the preview keeps them: not the plan)
            if isinstance(file, LaterFile):
                file.settle()
        self.fix_search_index(config)
        self.external = self._external_assets(config)

    def fix_search_index(self, config: MkDocsConfig) -> None:
        """MkDocs' own search index, written, with its titles as plain text."""
        index = Path(config.site_dir) / "search" / "search_index.json"
        search = config.plugins.get("search")
        if isinstance(getattr(search, "search_index", None), FastSearchIndex):
            return  # (its titles are plain text already)
        if index.is_file() and type(search).__module__.startswith("mkdocs.contrib.search"):
            text = unescape_search_titles(index.read_text(encoding="utf-8"))
            index.write_text(text, encoding="utf-8")

    def _external_assets(self, config: MkDocsConfig) -> list[Diagnostic]:
        """What the built site loads from outside itself (SPEC §5), after every plugin has
        written its files. `pmsite build` prints these with its other problems; under
        plain `mkdocs build` they are MkDocs warnings (so `--strict` fails on them)."""
        folder = self.values.site_dir or Path(config.site_dir)
        shown = (folder.resolve().relative_to(self.settings.root).as_posix()
                 if folder.resolve().is_relative_to(self.settings.root) else str(folder))
        found = external_assets(Path(config.site_dir), shown, self.settings.options.diagnostics,
                                self.values.jobs, self._scanned)
        self._scanned = None
        if self.values.plan is None:
            for problem in found:
                log.warning(problem.to_text())
        return found

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        templates = self.settings.options.templates
        if templates:
            folder = self.settings.root / templates
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _indexes(plugin: BasePlugin[Any]) -> bool:
    """Whether a search plugin indexes pages: Material's has an `enabled` option."""
    return bool(plugin.config.get("enabled", True))


LETS_GO_WITH = frozenset({"pmsite", "search", "material/search"})
"""The plugins known not to read a page's Markdown or HTML after it is written."""


def _lets_go(config: MkDocsConfig, values: BuildValues) -> bool:
    """Whether a page's Markdown and HTML may be let go once it is written: in a build (the
    preview keeps them, to write the search index again) with no plugin that might read
    them later. At 1,000 projects they are a quarter of a build's memory."""
    return not values.keep_going and set(config.plugins) <= LETS_GO_WITH


def pmsite_plugin(config: MkDocsConfig) -> PmsitePlugin:
    """The pmsite plugin of a loaded mkdocs.yml, for a front end to hand its values to."""
    plugin = config.plugins.get("pmsite")
    if not isinstance(plugin, PmsitePlugin):
        raise ConfigError(f"{Path(config.config_file_path or 'mkdocs.yml').name}: "
                          "add `- pmsite` to plugins")
    return plugin


def source_digest(meta: Any, markdown: str, blocks: list[str]) -> bytes:
    """A digest of what MkDocs renders for a page: its front matter, the Markdown handed
    to Python-Markdown and the HTML blocks stashed out of it."""
    digest = hashlib.blake2b(digest_size=20)
    for part in (repr(meta), markdown, *blocks):
        data = part.encode("utf-8", "surrogatepass")
        digest.update(len(data).to_bytes(8, "big") + data)
    return digest.digest()


def _front_kind(path: str) -> str | None:
    """The `kind:` a Markdown file's front matter declares, read without parsing it (the
    file may be invalid YAML); None without one."""
    try:
        with open(path, encoding="utf-8", errors="replace") as handle:
            head = handle.read(FRONT_MATTER_SNIFF).splitlines()
    except OSError:
        return None
    if not head or head[0].rstrip() != "---":
        return None
    for line in head[1:]:
        if line.rstrip() in ("---", "..."):
            return None
        if line.startswith("kind:"):
            return line[5:].split("#", 1)[0].strip().strip("'\"") or None
    return None


def _problems_banner(errors: list[Diagnostic]) -> str:
    """An HTML block listing content errors, for the top of every preview page."""
    items = "".join(f"<li><code>{escape(d.to_text())}</code></li>" for d in errors[:50])
    more = f"<li>... and {len(errors) - 50} more</li>" if len(errors) > 50 else ""
    return (f'<div class="pm-problems" role="alert"><p><strong>{len(errors)} content '
            f"error{'s' * (len(errors) != 1)}</strong>: the published build will stop on "
            f"these.</p><ul>{items}{more}</ul></div>\n\n")
