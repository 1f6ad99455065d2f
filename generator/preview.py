"""`pmsite serve`: MkDocs' live-reload server, every rebuild handed its values directly.

MkDocs' own `serve()` loads mkdocs.yml afresh for each rebuild and offers no way to give
the plugin anything but the environment. This is the same server loop, with a builder
that hands the plugin its as-of date and the live-preview mode before every build.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from datetime import date
from pathlib import Path
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.livereload import LiveReloadServer

from generator.build import BuildError
from generator.errors import ConfigError
from generator.mkdocs_plugin import BuildValues, pmsite_plugin
from generator.settings import Settings

log = logging.getLogger("mkdocs.commands.serve")


def serve_preview(settings: Settings, as_of: date, dev_addr: str | None) -> None:
    """Serve the site as of `as_of`, rebuilt on every edit, until interrupted. Content
    errors show on every page; the site folder is never written."""
    site_dir = tempfile.mkdtemp(prefix="pmsite_")
    values = BuildValues(as_of, keep_going=True)

    def load() -> MkDocsConfig:
        try:
            return load_config(str(settings.config_file), site_dir=site_dir, dev_addr=dev_addr)
        except (MkDocsException, Abort) as exc:
            raise ConfigError(f"{settings.config_file.name}: {exc}") from None

    try:
        config = load()
        pmsite_plugin(config)
        config.plugins.on_startup(command="serve", dirty=False)
        host, port = config.dev_addr
        mount_path = urlsplit(config.site_url or "/").path
        server = LiveReloadServer(builder=lambda: _build(load(), values, server.url),
                                  host=host, port=port, root=site_dir, mount_path=mount_path)
        server.error_handler = lambda code: _error_page(site_dir, code)
        try:
            try:
                _build(config, values, server.url)
            except (MkDocsException, Abort) as exc:
                raise BuildError(f"MkDocs could not build the site: {exc}") from None
            server.watch(config.docs_dir)
            if config.config_file_path:
                server.watch(config.config_file_path)
            server = config.plugins.on_serve(server, config=config, builder=server.builder)
            for item in config.watch:
                server.watch(item)
            server.serve()  # type: ignore[no-untyped-call]
        except KeyboardInterrupt:
            log.info("Shutting down...")
        finally:
            server.shutdown()
            config.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)


def _build(config: MkDocsConfig, values: BuildValues, serve_url: str) -> None:
    """One build of the preview, the plugin given its values first."""
    log.info("Building documentation...")
    config.site_url = serve_url
    pmsite_plugin(config).prepare(values)
    build(config, serve_url=serve_url)


def _error_page(site_dir: str, code: int) -> bytes | None:
    page = Path(site_dir) / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None
