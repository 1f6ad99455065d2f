"""Diagnostics as data: one list of problems, several views (text, GitHub, JSON)."""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, replace

from generator.codes import CODES, Choice, Severity
from generator.jsontext import pretty_json

GITHUB_LIMIT = 10
"""GitHub shows the first 10 annotations of each kind (error, warning) of a step."""


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One problem found in the content, located in a file."""

    path: str
    """File path relative to the site repository (the docs dir's parent), with `/`."""
    line: int
    """1-based line of the offending key or value; 0 when the whole file is meant."""
    column: int
    """1-based column; 0 when unknown."""
    severity: Severity
    code: str
    """Stable short code, e.g. `unknown-reference`."""
    message: str
    hint: str = ""
    """How to fix it, e.g. `did you mean 'identity-platform'?`."""

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def to_text(self) -> str:
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        text = f"{where}: {self.severity}: [{self.code}] {self.message}"
        return f"{text} ({self.hint})" if self.hint else text

    def to_github(self) -> str:
        props = [f"file={_gh_prop(self.path)}"]
        if self.line:
            props.append(f"line={self.line}")
        if self.column:
            props.append(f"col={self.column}")
        props.append(f"title={_gh_prop('pmsite ' + self.code)}")
        message = self.message + (f" ({self.hint})" if self.hint else "")
        return f"::{self.severity} {','.join(props)}::{_gh_data(message)}"

    def to_dict(self) -> dict[str, object]:
        return asdict(self)


def _gh_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _gh_prop(text: str) -> str:
    return _gh_data(text).replace(":", "%3A").replace(",", "%2C")


class Diagnostics:
    """An ordered collection of diagnostics, gathered over a whole run."""

    def __init__(self) -> None:
        self._items: list[Diagnostic] = []
        self._seen: set[Diagnostic] = set()
        self._choices: dict[str, Choice] = {}

    def add(self, diagnostic: Diagnostic) -> None:
        choice = self._choices.get(diagnostic.code, diagnostic.severity)
        if choice == "off":
            return
        if choice != diagnostic.severity:
            diagnostic = replace(diagnostic, severity=choice)
        if diagnostic not in self._seen:
            self._seen.add(diagnostic)
            self._items.append(diagnostic)

    def error(self, path: str, line: int, column: int, code: str, message: str,
              hint: str = "") -> None:
        self.add(Diagnostic(path, line, column, _declared(code, "error"), code, message, hint))

    def warning(self, path: str, line: int, column: int, code: str, message: str,
                hint: str = "") -> None:
        self.add(Diagnostic(path, line, column, _declared(code, "warning"), code, message,
                            hint))

    def set_severities(self, choices: Mapping[str, Choice]) -> None:
        """Apply a site's `diagnostics:` option to what is here and to what comes later."""
        if not choices and not self._choices:
            return  # (nothing to change: the usual case)
        self._choices = dict(choices)
        items = self._items
        self._items, self._seen = [], set()
        for item in items:
            self.add(item)

    def extend(self, items: Iterable[Diagnostic]) -> None:
        for item in items:
            self.add(item)

    @property
    def added(self) -> list[Diagnostic]:
        """Every diagnostic in the order it was added (`extend` another with them)."""
        return list(self._items)

    def __iter__(self) -> Iterator[Diagnostic]:
        return iter(self.sorted())

    def __len__(self) -> int:
        return len(self._items)

    def sorted(self) -> list[Diagnostic]:
        return sorted(self._items, key=Diagnostic.sort_key)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == "error"]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.sorted() if d.severity == "warning"]


def format_diagnostics(items: Iterable[Diagnostic], fmt: str) -> str:
    """Render diagnostics as `text`, `github` or `json`."""
    items = list(items)
    if fmt == "json":
        return pretty_json([d.to_dict() for d in items])
    if fmt == "github":
        return "\n".join(_github_lines(items))
    return "\n".join(d.to_text() for d in items)


def _declared(code: str, severity: Severity) -> Severity:
    """`severity`, once sure that `code` is declared (generator/codes.py) with it."""
    declared = CODES.get(code)
    if declared is None:
        raise ValueError(f"diagnostic code '{code}' is not declared in generator/codes.py")
    if declared.severity != severity:
        raise ValueError(f"diagnostic code '{code}' is declared as {declared.severity}, "
                         f"not {severity}")
    return severity


def _github_lines(items: list[Diagnostic]) -> Iterator[str]:
    """Errors, then warnings; over ten of a kind, the ninth is followed by how many more
    (so the count is itself one of the ten annotations GitHub shows)."""
    for severity in ("error", "warning"):
        kind = [d for d in items if d.severity == severity]
        shown = kind if len(kind) <= GITHUB_LIMIT else kind[:GITHUB_LIMIT - 1]
        yield from (d.to_github() for d in shown)
        if len(kind) > len(shown):
            more = len(kind) - len(shown)
            yield (f"::{severity}::and {more} more {severity}{'s' * (more != 1)}; "
                   "run pmsite check for all of them")


def did_you_mean(word: str, candidates: Iterable[str], limit: int = 3) -> str:
    """A hint naming the closest candidates to `word`, or '' when none is close."""
    pool = sorted(set(candidates))
    lowered = {c.lower(): c for c in pool}
    if word.lower() in lowered and lowered[word.lower()] != word:
        return f"did you mean '{lowered[word.lower()]}'?"
    close = difflib.get_close_matches(word.lower(), list(lowered), n=limit, cutoff=0.6)
    if not close:
        # Prefix and containment matches catch abbreviations like `crm` for `crm-replatform`.
        close = [c for c in lowered if len(word) >= 3 and (word.lower() in c)][:limit]
    if not close:
        return ""
    names = [f"'{lowered[c]}'" for c in close]
    if len(names) == 1:
        return f"did you mean {names[0]}?"
    return f"did you mean {', '.join(names[:-1])} or {names[-1]}?"
