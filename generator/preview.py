"""`pmsite serve`: MkDocs' live-reload server, every rebuild handed its values directly.

MkDocs' own `serve()` loads mkdocs.yml afresh for each rebuild and offers no way to give
the plugin anything but the environment. This is the same server loop, with a builder
that hands the plugin its as-of date and the live-preview mode before every build; after
the first build, an edit renders only the pages it changes (generator/incremental.py).
"""

from __future__ import annotations

import logging
import posixpath
import shutil
import signal
import tempfile
import threading
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from mkdocs.commands.build import build
from mkdocs.config import load_config
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.exceptions import Abort, MkDocsException
from mkdocs.livereload import LiveReloadServer

from generator.build import BuildError
from generator.editwatch import EditWatcher
from generator.errors import ConfigError
from generator.incremental import IncrementalPreview
from generator.mkdocs_plugin import BuildValues, pmsite_plugin
from generator.settings import Settings

log = logging.getLogger("mkdocs.commands.serve")


def serve_preview(settings: Settings, as_of: date, dev_addr: str | None) -> None:
    """Serve the site as of `as_of`, rebuilt on every edit, until interrupted. Content
    errors show on every page; the site folder is never written."""
    site_dir = tempfile.mkdtemp(prefix="pmsite_")
    values = BuildValues(as_of, keep_going=True)
    stopped = _stop_on_sigterm()

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
        server = LiveReloadServer(builder=lambda: preview.rebuild(),
                                  host=host, port=port, root=site_dir, mount_path=mount_path)
        server.observer = EditWatcher()  # type: ignore[assignment]  # events, not polling
        # After an edit only what changed is rendered: a page when it is asked for, the
        # rest in the background (generator/incremental.py).
        preview = IncrementalPreview(load, values, server.url, _build)
        server.set_app(_pages_on_request(server, preview))
        server.error_handler = lambda code: _error_page(site_dir, code)
        try:
            try:
                preview.full_build()
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
            preview.close()
            config.plugins.on_shutdown()
    finally:
        shutil.rmtree(site_dir, ignore_errors=True)
        if stopped is not None:
            signal.signal(signal.SIGTERM, stopped)


def _stop_on_sigterm() -> Any:
    """SIGTERM (a service manager, `kill`, a closed terminal's job) stops the preview as
    Ctrl+C does, so that its site folder is removed; the handler it had, to put back
    (None off the main thread, where none can be set)."""
    if threading.current_thread() is not threading.main_thread():
        return None

    def interrupt(signum: int, frame: Any) -> None:
        raise KeyboardInterrupt

    return signal.signal(signal.SIGTERM, interrupt)


def _build(config: MkDocsConfig, values: BuildValues, serve_url: str) -> None:
    """One build of the preview, the plugin given its values first."""
    log.info("Building documentation...")
    config.site_url = serve_url
    pmsite_plugin(config).prepare(values)
    build(config, serve_url=serve_url)


def _pages_on_request(server: LiveReloadServer, preview: IncrementalPreview) -> Any:
    """The server's app, with the page a request names brought up to date first."""
    serve = server.serve_request

    def app(environ: dict[str, Any], start_response: Any) -> Any:
        path = environ["PATH_INFO"].encode("latin-1").decode("utf-8", "ignore")
        settled = getattr(server, "_epoch_cond", None)
        if settled is not None and not path.startswith("/livereload/"):
            with settled:  # a rebuild under way first (as the server waits before serving)
                settled.wait_for(lambda: server._visible_epoch == server._wanted_epoch)
        if (path + "/").startswith(server.mount_path):
            rel = path[len(server.mount_path):] + ("index.html" if path.endswith("/") else "")
            try:
                preview.ensure(posixpath.normpath("/" + rel).lstrip("/"))
            except Exception:  # as a failed build: said, and the last pages stay served
                log.exception("pmsite: the preview could not render %s", path)
        return serve(environ, start_response)

    return app


def _error_page(site_dir: str, code: int) -> bytes | None:
    page = Path(site_dir) / f"{code}.html"
    return page.read_bytes() if code in (404, 500) and page.is_file() else None
