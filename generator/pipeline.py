"""The one pipeline both front ends call: load -> validate -> resolve -> model."""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

from generator.diagnostics import Diagnostics
from generator.forkmap import Pending
from generator.load import ReadDocument, SourceDocument, read_documents
from generator.model import PortfolioModel, build_model
from generator.records import Records
from generator.resolve import Links, resolve
from generator.settings import Settings
from generator.validate import ValidationMemo, validate_documents

AfterResolving = Callable[[Records, Links, list[SourceDocument]], "Pending[Any] | None"]
"""Called with what the model is built from, once it is resolved (see `check`)."""


@dataclass(slots=True)
class CheckResult:
    """What a check found: the model of everything valid, and every problem."""

    settings: Settings
    as_of: date
    model: PortfolioModel
    diagnostics: Diagnostics
    changes_ahead: Pending[Any] | None = None
    """What changed in the last `changes_days` days, begun by a child process as soon as
    the content was resolved (a build: see `changes.changes_ahead`); None elsewhere."""

    @property
    def has_errors(self) -> bool:
        return bool(self.diagnostics.errors)

    def failed(self, strict: bool = False) -> bool:
        """Errors, or (with `strict`) warnings."""
        return self.has_errors or (strict and bool(self.diagnostics.warnings))


def check(settings: Settings, as_of: date, read: ReadDocument | None = None,
          memo: ValidationMemo | None = None, jobs: int = 1,
          after_reading: Callable[[], None] | None = None,
          after_resolving: AfterResolving | None = None) -> CheckResult:
    """Read, validate and understand the content as of `as_of`; never raises for content.
    `read` reads one content file and `memo` keeps what each validated to (the live
    preview passes a cache of unchanged files, and its memo). Files are read in `jobs`
    processes (`read_documents`); `after_reading` is called once they are read (a
    process with a second thread running does not fork: start one there), and
    `after_resolving` with the records, their links and the plain pages once they are
    resolved, before the model is built: what it returns is the result's
    `changes_ahead`."""
    diagnostics = Diagnostics()
    # The run makes many long-lived objects and no reference cycles worth collecting
    # meanwhile; the cyclic collector would rescan them all again and again.
    collecting = gc.isenabled()
    gc.disable()
    try:
        documents = read_documents(settings.docs_dir, settings.root, diagnostics, read, jobs)
        if after_reading is not None:
            after_reading()
        validated = validate_documents(documents, settings.scale, diagnostics, memo)
        links = resolve(validated.records, validated.pages, diagnostics, settings.docs_dir)
        ahead = (None if after_resolving is None
                 else after_resolving(validated.records, links, validated.pages))
        model = build_model(settings, as_of, validated.records, links, validated.pages,
                            diagnostics)
    finally:
        if collecting:
            # What the run made joins the oldest generation unscanned: the first young
            # collection would otherwise scan all of it (a tenth of `check` at 1,000
            # projects). It stays collectable there (gc.freeze alone would not).
            gc.freeze()
            gc.unfreeze()
            gc.enable()
    # The site's `diagnostics:` option, in one place: every command sees the same list.
    diagnostics.set_severities(settings.options.diagnostics)
    return CheckResult(settings, as_of, model, diagnostics, ahead)
