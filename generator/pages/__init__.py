"""Page builders: a registry of `(name, builder)`, each planning pages from the model."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

import jinja2

from generator.changes import Change
from generator.model import PortfolioModel
from generator.records import Target
from generator.registries import unique
from generator.urls import milestone_url, record_url, source_url


@dataclass(slots=True)
class PageSpec:
    """One generated page: where it goes, and the template and values that make it."""

    src_uri: str
    """Its path among the docs files, e.g. `projects/crm.md` (URL `projects/crm/`)."""
    template: str
    """Template name under templates/pages/, e.g. `project.md.j2`."""
    title: str
    values: Mapping[str, Any] = field(default_factory=dict)
    """What its template is given (a `Later` for a page that makes them when rendered)."""
    section: str = ""
    """The navigation section it belongs to (for index pages and breadcrumbs)."""
    source: str = ""
    """The content file it is made from, if any (named when two pages collide)."""

    @property
    def url(self) -> str:
        return url_of(self.src_uri)


class Later(Mapping[str, Any]):
    """A page's values, made by `make()` when first read, i.e. when the page is rendered.
    Planning a site is then naming its pages: the live preview plans the whole site after
    every edit and renders only the pages a reader looks at (and the rest later)."""

    __slots__ = ("_known", "_make", "_values")

    def __init__(self, make: Callable[[], dict[str, Any]],
                 known: Mapping[str, Any] | None = None) -> None:
        self._make: Callable[[], dict[str, Any]] | None = make
        self._values: dict[str, Any] = {}
        self._known = dict(known or {})
        """Values `make()` gives too, read without making the rest (a page's record, which
        its diagrams are drawn from in another process than the page's)."""

    def _made(self) -> dict[str, Any]:
        if self._make is not None:
            self._values, self._make = self._make(), None
        return self._values

    def __getitem__(self, key: str) -> Any:
        if self._make is not None and key in self._known:
            return self._known[key]
        return self._made()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._made())

    def __len__(self) -> int:
        return len(self._made())


def url_of(src_uri: str) -> str:
    """The directory URL of a Markdown file (one rule for the whole site: `source_url`)."""
    return source_url(src_uri)


def relative(from_url: str, to_url: str) -> str:
    """A link from the page at `from_url` to `to_url`, both site-relative directory URLs."""
    prefix = "../" * from_url.count("/")
    return prefix + to_url if (prefix + to_url) else "./"


class Context:
    """What every builder and template may use: the model, links, the environment."""

    def __init__(self, model: PortfolioModel, env: jinja2.Environment) -> None:
        self.model = model
        self.env = env
        self.no_diagrams = False
        """Set when Graphviz turned out to be unavailable: pages go on without diagrams."""
        self._changes: tuple[Change, ...] | Callable[[], tuple[Change, ...]] = ()
        self.memo: dict[str, Any] = {}
        """Facts of the model that several builders and templates share, made once."""

    @property
    def changes(self) -> tuple[Change, ...]:
        """What changed in the last `changes_days` days (given by the site plan)."""
        if callable(self._changes):
            self._changes = self._changes()
        return self._changes

    @changes.setter
    def changes(self, changes: tuple[Change, ...] | Callable[[], tuple[Change, ...]]) -> None:
        """The changes, or how to find them when first asked (most pages never ask)."""
        self._changes = changes

    def target_url(self, target: Target) -> str:
        if target.milestone is not None:
            return milestone_url(target.record.id, target.milestone.id)
        return record_url(target.record)


Builder = Callable[[Context], list[PageSpec]]


def unique_names(entries: list[tuple[str, Builder]]) -> list[tuple[str, Builder]]:
    """Check a list of `(name, ...)`: a name given twice is an error."""
    return unique(entries, "page builder")
