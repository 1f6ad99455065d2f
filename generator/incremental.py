"""The incremental live preview: after an edit, only what changed is read and rendered.

One full build (the same as `pmsite serve` has always done) leaves its MkDocs config,
files, nav, Jinja environment, plan and every page in memory. After an edit:

1. only the content files whose stamp changed are read again (`loadcache`); the model
   is derived again as usual and the site planned again, with no diagram drawn;
2. every page is marked stale: a page the browser asks for is brought up to date first
   (`ensure`), the rest in the background (`finish`);
3. bringing a page up to date draws its diagrams and renders its source; only when the
   digest of that source differs from the one its HTML was rendered from is the page
   rendered again through MkDocs' own per-page steps;
4. when the background pass is done, the generated data files, the theme's templates
   (404, sitemap) and the search index are written again.

Whatever this cannot do exactly as a full build does falls back to a full build: a file
added or removed, mkdocs.yml or a template edited, a page or data file that appears or
goes away, a diagram that could not be drawn, any MkDocs plugin besides search and pmsite.
tests/test_incremental_preview.py compares every page with a full build after each kind
of edit.
"""

from __future__ import annotations

import gc
import logging
import os
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from mkdocs.commands.build import _build_page, _build_theme_template, _populate_page
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import InclusionLevel

from generator.loadcache import DocumentCache, Stamp, stamp
from generator.mkdocs_plugin import (
    BuildValues,
    PmsitePlugin,
    _problems_banner,
    pmsite_plugin,
    source_digest,
)
from generator.pagemeta import safe_page_meta
from generator.pages.figures import figures_for
from generator.pipeline import check
from generator.site import SitePlan, plan_site
from generator.themetext import make_page_safe
from generator.validate import ValidationMemo

log = logging.getLogger("mkdocs.commands.serve")
problems_log = logging.getLogger("mkdocs.plugins.pmsite")

WholeBuild = Callable[[MkDocsConfig, BuildValues, str], None]
"""A whole preview build: a loaded config, the plugin's values, the server's URL."""
SEARCH_MODULES = ("mkdocs.contrib.search", "material.plugins.search")
"""The search plugins whose index the incremental preview knows how to write again."""
SEARCH_NAMES = ("search", "material/search")
UPDATING = "\x00update"
"""What `_waiting` holds while an edit waits for the lock (no page has that name)."""
MAX_RETIRED = 2
"""Replaced plans kept for the background pass to free, at most (see `_retired`)."""
BROWSERS_FIRST = 0.5
"""Seconds the background pass waits, so that the pages the browsers reload come first
(one page it has started rendering would make a request wait for it)."""


def snapshot(folders: list[Path], files: list[Path]) -> dict[str, Stamp | None]:
    """The stamp of every file under `folders` (links not followed) and of `files`."""
    found: dict[str, Stamp | None] = {}
    for folder in folders:
        for top, dirs, names in os.walk(folder):
            dirs.sort()
            for name in names:
                path = os.path.join(top, name)
                found[path] = stamp(path)
    for file in files:
        found[str(file)] = stamp(file)
    return found


@dataclass(slots=True)
class Outcome:
    """What one update did."""

    full: bool
    """It was a full build."""
    read: list[str] = field(default_factory=list)
    """The content files read again (docs-relative)."""


class IncrementalPreview:
    """The preview's site, kept up to date one page at a time (see the module text).

    `load` gives a freshly loaded mkdocs.yml (as `pmsite serve` loads it for each build);
    the site is written to that config's `site_dir`; `build` is `pmsite serve`'s whole
    build of it (`preview._build`). Every method may be called from any
    thread: one lock keeps the MkDocs state consistent.
    """

    def __init__(self, load: Callable[[], MkDocsConfig], values: BuildValues, serve_url: str,
                 build: WholeBuild) -> None:
        self._load = load
        self._build = build
        self._values = values
        self._serve_url = serve_url
        self._lock = threading.RLock()
        self._generation = 0
        self._cache = DocumentCache()
        self._memo = ValidationMemo()
        self.stale: set[str] = set()
        """Pages (src_uri) not yet brought up to date since the last edit."""
        self.rendered: list[str] = []
        """Pages rendered again since the last edit, in order."""
        self.full_builds = 0
        self._waiting: list[str] = []
        """Pages requests are waiting for (list.append and .remove are atomic)."""
        self._thread: threading.Thread | None = None
        """The background pass of the last edit, if one was started."""
        self._retired: list[SitePlan] = []
        """Plans that edits replaced, freed by the background pass (`_free_retired`):
        freeing one (its model and pages, a million objects at 1,000 projects) took
        0.1-0.2 s on the way to the browser."""

    # --- full builds -------------------------------------------------------------------

    def full_build(self) -> None:
        """A whole build, exactly as `pmsite serve` does it, then its state kept."""
        with self._lock:
            self._generation += 1
            self._kept = False  # until this build is done: the next edit builds it all
            gc.unfreeze()  # what the last build kept may be collected now, or meanwhile
            self._retired.clear()
            config = self._load()
            plugin = pmsite_plugin(config)
            self._cache.start()
            self._build(config, replace(self._values, read=self._cache.read, memo=self._memo),
                        self._serve_url)
            self.full_builds += 1
            self._keep(config, plugin)
            _collect()  # the kept site lives until the next full build: see _no_collector

    def _keep(self, config: MkDocsConfig, plugin: PmsitePlugin) -> None:
        # MkDocs keeps one plugin instance per process: what a build leaves in it is
        # copied, and handed back to it before each page (another build may run between).
        self.config, self.plugin = config, plugin
        self.plugin_values = plugin.values
        self.banner: str = plugin.banner
        self.digests = dict(plugin.digests)
        self.plan: SitePlan = plugin.plan
        self.files = plugin.files
        self.nav = plugin.nav
        self.env = plugin.env
        self.doc_files = list(self.files.documentation_pages(
            inclusion=InclusionLevel.is_in_serve))
        self.by_dest = {f.dest_uri: f.src_uri for f in self.doc_files}
        self.nav_titles = _nav_titles(config.nav)
        self.titles = self._nav_page_titles()
        self.file_names = set(self.plan.files)
        self.stale = set()
        self.supported = _supported(config)
        self.settings = plugin.settings
        self.stamps = self._snapshot()
        self._kept = True

    def _snapshot(self) -> dict[str, Stamp | None]:
        extra = [self.settings.config_file]
        folders = [self.settings.docs_dir]
        templates = self.settings.options.templates
        if templates:
            folders.append(self.settings.root / templates)
        for item in [*self.config.watch, self.config.theme.custom_dir]:
            if item and Path(item).is_dir():
                folders.append(Path(item))
            elif item:
                extra.append(Path(item))
        return snapshot(folders, extra)

    # --- an edit -----------------------------------------------------------------------

    def update(self) -> Outcome:
        """After an edit: re-read and re-plan; every page stale (see `ensure`, `finish`).
        A change this cannot follow is a full build."""
        with self._ahead_of_background(), _no_collector(freeze=True):
            if not self._kept:
                self.full_build()
                return Outcome(full=True)
            now = self._snapshot()
            changed = [k for k in now if now[k] != self.stamps.get(k)]
            inside = str(self.settings.docs_dir) + os.sep
            if (not self.supported or now.keys() != self.stamps.keys()
                    or any(not k.startswith(inside) for k in changed)):
                # (mkdocs.yml, the templates and watched folders are outside the docs dir)
                self.full_build()
                return Outcome(full=True)
            self.stamps = now
            self._kept = False  # an update that raises leaves a full build to the next
            self._generation += 1
            self._cache.start(now)
            result = check(self.settings, self._values.as_of, self._cache.read, self._memo)
            plan = plan_site(result, self.plugin.content, draw=(), env=self.plan.context.env)
            if not self._same_pages(plan):
                self.full_build()
                return Outcome(full=True)
            self._retired.append(self.plan)
            if len(self._retired) > MAX_RETIRED:  # edits faster than the background pass
                del self._retired[0]
            self.plan = plan
            errors = result.diagnostics.errors
            self.banner = _problems_banner(errors) if errors else ""
            self._planned_problems = len(result.diagnostics)
            self.stale = {f.src_uri for f in self.doc_files}
            self.rendered = []
            for path in changed:  # images and other files MkDocs copies as they are
                file = self.files.get_file_from_path(
                    Path(path).relative_to(self.settings.docs_dir).as_posix())
                if file is not None and not file.is_documentation_page():
                    file.copy_file()
            # The nav's own titles first: every page shows them.
            for src_uri in [p.file.src_uri for p in self.nav.pages]:
                if src_uri not in self.nav_titles:
                    self._refresh(src_uri)
            self._check_titles()
            read = [p.relative_to(self.settings.docs_dir).as_posix()
                    for p in self._cache.read_paths]
            self._kept = True
            return Outcome(full=False, read=read)

    @contextmanager
    def _ahead_of_background(self, who: str = UPDATING) -> Iterator[None]:
        """The lock, taken ahead of the background pass (for an edit, or a request for the
        page `who`). A lock is not fair: the pass takes it again as soon as it lets go of
        it after a page, and an edit waited for it for seconds. The pass lets whoever is
        `_waiting` go first."""
        self._waiting.append(who)
        try:
            self._lock.acquire()
        finally:
            self._waiting.remove(who)
        try:
            yield
        finally:
            self._lock.release()

    def _same_pages(self, plan: SitePlan) -> bool:
        """The new plan publishes the same pages and files as the kept one (diagrams'
        files come with their pages, so only the others are compared here)."""
        old = self.plan
        return (plan.pages.keys() == old.pages.keys() and plan.drop == old.drop
                and plan.records.keys() == old.records.keys()
                and {d.rel for d in plan.result.model.pages}
                == {d.rel for d in old.result.model.pages}
                and set(plan.files) <= self.file_names)

    def _check_titles(self) -> None:
        """A nav page whose title changed changes every page: all are rendered again."""
        titles = self._nav_page_titles()
        if titles != self.titles:
            self.titles = titles
            self.stale = {f.src_uri for f in self.doc_files}
            self._force = True

    def _nav_page_titles(self) -> list[Any]:
        return [(p.file.src_uri, p.title) for p in self.nav.pages]

    # --- bringing pages up to date -----------------------------------------------------

    def ensure(self, dest_uri: str) -> None:
        """Bring the page written to `dest_uri` (site-relative) up to date, if it is one."""
        if not self._kept:  # a full build under way (or failed): wait for it, as MkDocs does
            with self._lock:
                pass
        src_uri = self.by_dest.get(dest_uri) if self._kept else None
        if src_uri is None or src_uri not in self.stale:
            return
        with self._ahead_of_background(src_uri), _no_collector():
            if src_uri in self.stale:
                self._refresh(src_uri)

    def finish(self, generation: int | None = None) -> bool:
        """Bring every page, data file, theme template and the search index up to date.
        Stops early (False) when a newer edit came in meanwhile (`generation`)."""
        while True:
            for file in list(self.doc_files):
                while self._waiting:
                    time.sleep(0.001)
                with self._lock, _no_collector():
                    if generation is not None and generation != self._generation:
                        return False
                    if file.src_uri in self.stale:
                        self._refresh(file.src_uri)
            with self._lock:
                if generation is not None and generation != self._generation:
                    return False
                if self.stale:  # a title changed on the way: everything again
                    continue
                if (len(self.plan.result.diagnostics) != self._planned_problems
                        or set(self.plan.files) != self.file_names):
                    # A diagram could not be drawn (its problem joins the data files and
                    # perhaps every page's banner), or one appeared or went away with its
                    # file. Rare; a full build does it exactly.
                    self.full_build()
                    return True
                self._write_files()
                self._hand_back()
                for template in self.config.theme.static_templates:
                    _build_theme_template(template, self.env, self.files, self.config,
                                          self.nav)
                self._write_search_index()
                self._force = False
                self._retired.clear()  # (the background pass collected them before)
                return True

    _force = False
    _kept = False
    _planned_problems = 0

    def rebuild(self) -> None:
        """The live-reload server's builder: `update`, then `finish` in the background
        (a page the browser asks for meanwhile is brought up to date first)."""
        if self.update().full:
            return
        generation = self._generation
        problems = self.plan.result.diagnostics.sorted()

        def background() -> None:
            try:
                for problem in problems:  # as the plugin logs them in a full preview build
                    problems_log.warning(problem.to_text())
                time.sleep(BROWSERS_FIRST)
                if generation == self._generation:
                    self._free_retired()  # what the edits before this one left behind
                self.finish(generation)
            except Exception:  # a thread's error would vanish: say it, as a build would
                log.exception("pmsite: the preview could not finish updating the site")

        self._thread = threading.Thread(target=background, name="pmsite-preview", daemon=True)
        self._thread.start()

    def _free_retired(self) -> None:
        """Free the plans edits replaced, and everything else they left behind."""
        self._retired.clear()
        _collect()

    def close(self, timeout: float = 60.0) -> None:
        """Stop the background pass (at its next page) and wait for it: the preview's
        folder is removed next, and nothing may still render or write into it."""
        with self._ahead_of_background():
            self._generation += 1  # a running `finish` sees a newer edit and returns
        if self._thread is not None:
            self._thread.join(timeout)
        gc.unfreeze()  # the site is let go: the collector may free it

    def _refresh(self, src_uri: str) -> None:
        """Bring one page up to date: its source rendered, and the page only when that
        changed (or every page must be rendered again). One that fails leaves the next
        edit a full build."""
        self.stale.discard(src_uri)
        try:
            self._render(src_uri)
        except BaseException:
            self._kept = False
            raise

    def _render(self, src_uri: str) -> None:
        plugin = self._hand_back()
        plan, file = self.plan, self.files.get_file_from_path(src_uri)
        assert file is not None and file.page is not None
        page = file.page
        spec = plan.pages.get(src_uri)
        if spec is not None:
            if src_uri not in plan.figures:
                plan.figures[src_uri] = figures_for(
                    plan.context, spec, plan.result.diagnostics, _shown_config(self),
                    plan.files)
            file.content_string = plan.markdown(src_uri)
        page.read_source(self.config)
        marked = plan.marked.get(src_uri)
        text, blocks = plan.page_source(src_uri, page.markdown or "")
        if marked is not None:
            plan.marked[src_uri] = marked
        digest = source_digest(page.meta, self.banner + text, blocks)
        if digest == self.digests.get(src_uri) and not self._force:
            return
        vars(page).pop("title", None)  # made theme text last time: taken afresh
        if src_uri in self.nav_titles:
            page.title = self.nav_titles[src_uri]
        _populate_page(page, self.config, self.files)
        self.digests[src_uri] = plugin.digests[src_uri]
        page.meta = safe_page_meta(page.meta, self.env)
        make_page_safe(page)
        _build_page(page, self.config, self.doc_files, self.nav, self.env,
                    excluded=file.inclusion.is_excluded())  # type: ignore[no-untyped-call]
        self.rendered.append(src_uri)

    def _hand_back(self) -> PmsitePlugin:
        """The plugin, given this preview's plan, banner and values again."""
        plugin = self.plugin
        plugin.plan, plugin.banner, plugin.values = self.plan, self.banner, self.plugin_values
        return plugin

    def _write_files(self) -> None:
        """The generated data files whose bytes changed, written again."""
        for name, data in self.plan.files.items():
            file = self.files.get_file_from_path(name)
            if file is None:
                continue
            if file.content_bytes != (data.encode("utf-8") if isinstance(data, str) else data):
                if isinstance(data, str):
                    file.content_string = data
                else:
                    file.content_bytes = data
                file.copy_file(dirty=False)

    def _write_search_index(self) -> None:
        """The search index made again from every page, as the search plugin does."""
        search: Any = next((self.config.plugins[n] for n in SEARCH_NAMES
                            if n in self.config.plugins), None)
        if search is None:
            return
        old = search.search_index
        index = type(old)(**old.config)
        for file in self.doc_files:
            index.add_entry_from_context(file.page)
        search.search_index = index
        search.on_post_build(config=self.config)
        self.plugin.fix_search_index(self.config)


@contextmanager
def _no_collector(freeze: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off meanwhile (as in `pipeline.check`); with `freeze`,
    what was made meanwhile is out of its sight afterwards (`gc.freeze`). An edit makes a
    new model and plan, about a million objects at 1,000 projects: the first collection
    after it scanned them all, a third of a second on the way to the browser. The
    background pass collects them later (`_collect`), once the page has been served."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if freeze:
            gc.freeze()
        if collecting:
            gc.enable()


def _collect() -> None:
    """Everything frozen, collected (what the last edits left behind is freed: the model
    and plan they replaced), and the rest out of the collector's sight again."""
    gc.unfreeze()
    gc.collect()
    gc.freeze()


def _shown_config(state: IncrementalPreview) -> str:
    """mkdocs.yml as diagnostics show it (as `site.plan_site` shows it)."""
    settings = state.settings
    if settings.config_file.is_relative_to(settings.root):
        return settings.config_file.relative_to(settings.root).as_posix()
    return settings.config_file.name


def _nav_titles(nav: Any) -> dict[str, str]:
    """The titles mkdocs.yml's nav gives its pages, by src_uri."""
    found: dict[str, str] = {}
    for item in nav if isinstance(nav, list) else []:
        if isinstance(item, dict):
            for title, value in item.items():
                if isinstance(value, str) and title is not None:
                    found[value] = str(title)
                else:
                    found.update(_nav_titles(value))
    return found


def _supported(config: MkDocsConfig) -> bool:
    """Only pmsite and a search plugin: what any other plugin does per build is unknown."""
    for name, plugin in config.plugins.items():
        if name == "pmsite" and isinstance(plugin, PmsitePlugin):
            continue
        if name in SEARCH_NAMES and type(plugin).__module__.startswith(SEARCH_MODULES):
            continue
        return False
    return not config.strict and not config.extra_templates
