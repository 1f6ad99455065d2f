"""The `pmsite` MkDocs plugin: a thin front end that runs the pipeline once per build."""

from __future__ import annotations

import logging
import os
from dataclasses import fields
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

from generator.contentfiles import drop_unpublishable, walk_hazards
from generator.diagnostics import Diagnostic, format_diagnostics
from generator.errors import ConfigError
from generator.navigation import curated_nav
from generator.pagemeta import safe_page_meta
from generator.pages.compose import body_markdown
from generator.pages.record_pages import decorate_record
from generator.pipeline import CheckResult, check
from generator.sanitize import sanitize
from generator.settings import Options, Settings, resolve_as_of
from generator.site import SitePlan, find_collisions, plan_site
from generator.themetext import (
    make_nav_safe,
    make_page_safe,
    theme_text,
    unescape_search_titles,
)

log = logging.getLogger("mkdocs.plugins.pmsite")

_TYPES = {"status_scale": list, "stale_after_days": int, "due_soon_days": int,
          "currency": str, "templates": str, "diagnostics": dict}


class PmsitePlugin(BasePlugin):  # type: ignore[type-arg,no-untyped-call]
    """Adds the generated portfolio pages to a MkDocs site (SPEC §5-6)."""

    # The options are declared once, in settings.Options; MkDocs only type-checks them.
    config_scheme = tuple((f.name, config_options.Optional(config_options.Type(_TYPES[f.name])))
                          for f in fields(Options))

    preset: CheckResult | None = None
    """A check already run by `pmsite build` (so the core runs once per build)."""
    as_of: date | None = None
    keep_going: bool = False
    """Show content errors on the site instead of failing (live preview)."""

    def on_startup(self, *, command: str, dirty: bool) -> None:
        # `mkdocs serve` makes a new plugin instance for every rebuild but calls this once:
        # the class keeps the mode for the instances to come.
        type(self).keep_going = command == "serve"

    def on_config(self, config: MkDocsConfig) -> MkDocsConfig:
        if not config.use_directory_urls:
            raise PluginError("pmsite needs `use_directory_urls: true` (SPEC §5 URLs)")
        raw = {k: v for k, v in self.config.items() if v is not None}
        try:
            options = Options.from_mapping(raw, "plugins: pmsite")
            self.as_of = self.as_of or resolve_as_of(os.environ.get("PMSITE_AS_OF"))
        except ConfigError as exc:
            raise PluginError(str(exc)) from None
        self.settings = Settings(
            config_file=Path(config.config_file_path or "mkdocs.yml").resolve(),
            docs_dir=Path(config.docs_dir).resolve(), site_dir=Path(config.site_dir).resolve(),
            options=options, site_name=config.site_name, site_url=config.site_url or "")
        if hazards := walk_hazards(self.settings.docs_dir, self.settings.root):
            raise PluginError(f"pmsite: MkDocs' walk would follow these links:\n{hazards}")
        # The sitemap's dates come from the build date: make it the as-of date.
        midnight = datetime(self.as_of.year, self.as_of.month, self.as_of.day,
                            tzinfo=UTC)
        os.environ["SOURCE_DATE_EPOCH"] = str(int(midnight.timestamp()))
        for path, names in (("extra_css", ["pmsite.css"]), ("extra_javascript", ["pmsite.js"])):
            for name in names:
                uri = f"assets/pmsite/{name}"
                if uri not in [str(u) for u in config[path]]:
                    config[path].append(uri)
        if config.theme.get("highlightjs"):
            # MkDocs' own themes load highlight.js from a CDN: an intranet has none.
            config.theme["highlightjs"] = False
            log.info("pmsite: highlightjs turned off (it loads from a CDN; the site is offline)")
        for name in ("site_name", "site_description", "site_author"):
            if isinstance(config.get(name), str):  # printed raw by every theme
                config[name] = theme_text(config[name])
        return config

    def on_files(self, files: Files, *, config: MkDocsConfig) -> Files:
        drop_unpublishable(files, config.docs_dir)  # links, FIFOs, bad names: never copied
        result = self.preset or check(self.settings, self.as_of or resolve_as_of(None))
        plan = plan_site(result)
        content = {f.src_uri: f"{self._shown(f)}" for f in files
                   if f.abs_src_path and Path(f.abs_src_path).is_relative_to(
                       self.settings.docs_dir)}
        find_collisions(plan, content, "mkdocs.yml", result.diagnostics)
        errors = result.diagnostics.errors
        if errors and not self.keep_going:
            raise PluginError("pmsite: the content has errors:\n"
                              + format_diagnostics(errors, "text"))
        for problem in result.diagnostics.sorted():
            (log.warning if problem.severity == "error" else log.info)(problem.to_text())
        # In the live preview the author sees the errors on every page instead of a crash.
        self.banner = _problems_banner(errors) if errors else ""
        self.plan, self.result = plan, result
        for src_uri in sorted(plan.drop):
            existing = files.get_file_from_path(src_uri)
            if existing is not None:
                files.remove(existing)
        for src_uri in plan.pages:
            files.append(File.generated(config, src_uri, content=plan.markdown(src_uri)))
        for name, data in plan.files.items():
            files.append(File.generated(config, name, content=data))
        if config.nav is None:
            config.nav = curated_nav(plan, files)
        log.info(f"pmsite: {len(plan.pages)} pages generated as of {result.as_of}")
        return files

    def _shown(self, file: File) -> str:
        return Path(str(file.abs_src_path)).relative_to(self.settings.root).as_posix()

    def on_page_markdown(self, markdown: str, *, page: Page, config: MkDocsConfig,
                         files: Files) -> str:
        src_uri = page.file.src_uri
        plan: SitePlan = self.plan
        if src_uri in plan.pages:
            text = markdown
        elif src_uri in plan.records:
            text = decorate_record(plan.context, plan.records[src_uri], src_uri, markdown)
        else:
            text = body_markdown(plan.context, markdown, src_uri, src_uri)
        return self.banner + text

    def on_page_content(self, html: str, *, page: Page, config: MkDocsConfig,
                        files: Files) -> str:
        return sanitize(html)

    def on_nav(self, nav: Navigation, *, config: MkDocsConfig, files: Files) -> Navigation:
        self.nav = nav
        return nav

    def on_env(self, env: Environment, *, config: MkDocsConfig, files: Files) -> Environment:
        # The last step before any theme template runs: every title, nav title, front-
        # matter value and toc entry the theme may print becomes plain theme text.
        for file in files.documentation_pages():
            if file.page is not None:
                file.page.meta = safe_page_meta(file.page.meta, env)
                make_page_safe(file.page)
        make_nav_safe(self.nav.items)
        return env

    @event_priority(-100)  # after the search plugin has written its index
    def on_post_build(self, *, config: MkDocsConfig) -> None:
        index = Path(config.site_dir) / "search" / "search_index.json"
        search = config.plugins.get("search")
        if index.is_file() and type(search).__module__.startswith("mkdocs.contrib.search"):
            text = unescape_search_titles(index.read_text(encoding="utf-8"))
            index.write_text(text, encoding="utf-8")

    def on_serve(self, server: Any, *, config: MkDocsConfig, builder: Any) -> Any:
        templates = self.settings.options.templates
        if templates:
            folder = self.settings.root / templates
            if folder.is_dir():
                server.watch(str(folder))
        return server


def _problems_banner(errors: list[Diagnostic]) -> str:
    """An HTML block listing content errors, for the top of every preview page."""
    items = "".join(f"<li><code>{escape(d.to_text())}</code></li>" for d in errors[:50])
    more = f"<li>... and {len(errors) - 50} more</li>" if len(errors) > 50 else ""
    return (f'<div class="pm-problems" role="alert"><p><strong>{len(errors)} content '
            f"error{'s' * (len(errors) != 1)}</strong>: the published build will stop on "
            f"these.</p><ul>{items}{more}</ul></div>\n\n")
