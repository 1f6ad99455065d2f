"""Site settings: the pmsite plugin options, declared once, read from mkdocs.yml."""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import yaml

from generator.codes import CHOICES, CODES, Choice
from generator.diagnostics import did_you_mean
from generator.errors import ConfigError
from generator.scale import DEFAULT_SCALE, StatusScale

RISK_BANDS: Mapping[str, int] = {"low": 4, "medium": 9, "high": 16, "severe": 25}
"""The default `risk_bands`: each band's name and the highest score in it, lowest first
(SPEC §4: low 1-4, medium 5-9, high 10-16, severe 17-25)."""
MAX_SCORE = 25
"""The highest risk score: probability 5 x impact 5."""


@dataclass(frozen=True)
class Options:
    """The `pmsite` plugin options of mkdocs.yml (SPEC §6); names are fixed."""

    status_scale: tuple[str, ...] = DEFAULT_SCALE
    """Status levels, best to worst."""
    stale_after_days: int = 14
    """A report older than this (while the project is open) is stale."""
    due_soon_days: int = 14
    """A milestone due within this many days is `due-soon`."""
    changes_days: int = 7
    """The "what changed" window of the dashboard and report, in days before as-of."""
    currency: str = "EUR"
    """Currency of money values that do not name their own."""
    templates: str | None = None
    """Folder whose templates override the defaults, relative to mkdocs.yml."""
    risk_bands: Mapping[str, int] = field(default_factory=lambda: dict(RISK_BANDS))
    """Upper bound of each risk score band, e.g. `{low: 4, medium: 9, high: 16, severe: 25}`."""
    diagnostics: Mapping[str, Choice] = field(default_factory=dict)
    """Per-code severity for this site (`off` drops the code), e.g. `{stale-status: error}`."""

    @classmethod
    def from_mapping(cls, raw: Any, where: str = "pmsite options") -> Options:
        """Validate plugin options as written in mkdocs.yml; raise ConfigError if wrong."""
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise ConfigError(f"{where}: expected a mapping of options")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(raw) - known)
        if unknown:
            raise ConfigError(f"{where}: unknown option(s) {', '.join(unknown)}; "
                              f"known: {', '.join(sorted(known))}")
        values: dict[str, Any] = {}
        if "status_scale" in raw:
            scale = raw["status_scale"]
            if not isinstance(scale, list) or not all(isinstance(s, str) for s in scale):
                raise ConfigError(f"{where}: status_scale must be a list of words, best first")
            try:
                values["status_scale"] = StatusScale(scale).levels
            except ValueError as exc:
                raise ConfigError(f"{where}: status_scale: {exc}") from None
        for name in ("stale_after_days", "due_soon_days", "changes_days"):
            if name in raw:
                number = raw[name]
                if isinstance(number, bool) or not isinstance(number, int) or number < 0:
                    raise ConfigError(f"{where}: {name} must be a whole number of days >= 0")
                values[name] = number
        for name in ("currency", "templates"):
            if name in raw:
                if not isinstance(raw[name], str) or not raw[name].strip():
                    raise ConfigError(f"{where}: {name} must be a non-empty string")
                values[name] = raw[name].strip()
        if "risk_bands" in raw:
            values["risk_bands"] = _risk_bands(raw["risk_bands"], f"{where}: risk_bands")
        if "diagnostics" in raw:
            values["diagnostics"] = _severities(raw["diagnostics"], f"{where}: diagnostics")
        return cls(**values)


def _risk_bands(raw: Any, where: str) -> dict[str, int]:
    """The `risk_bands:` option: the four bands, each with a higher upper bound, up to 25."""
    names = list(RISK_BANDS)
    expected = ", ".join(f"{name}: N" for name in names)
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping {{{expected}}} (upper bound of each band)")
    missing = [name for name in names if name not in raw]
    unknown = sorted(str(name) for name in raw if name not in RISK_BANDS)
    if missing or unknown:
        problems = ([f"missing {', '.join(missing)}"] if missing else []) + (
            [f"unknown band(s) {', '.join(unknown)}"] if unknown else [])
        raise ConfigError(f"{where}: {'; '.join(problems)}; the bands are {', '.join(names)}")
    bounds: dict[str, int] = {}
    below, under = 0, "scores start at 1"
    for name in names:
        bound = raw[name]
        if isinstance(bound, bool) or not isinstance(bound, int):
            raise ConfigError(f"{where}: {name}: '{bound}' is not a whole-number score")
        if not below < bound <= MAX_SCORE:
            raise ConfigError(f"{where}: {name}: {bound} must be above {below} ({under}) "
                              f"and at most {MAX_SCORE}; bounds rise from low to severe")
        bounds[name] = below = bound
        under = f"the upper bound of {name}"
    if below != MAX_SCORE:
        raise ConfigError(f"{where}: severe: {below} must be {MAX_SCORE}, the highest score, "
                          "so every score has a band")
    return bounds


def _severities(raw: Any, where: str) -> dict[str, Choice]:
    """The `diagnostics:` option: declared codes, each set to error, warning or off."""
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: expected a mapping of code: error, warning or off")
    choices: dict[str, Choice] = {}
    for code, value in raw.items():
        if not isinstance(code, str) or code not in CODES:
            hint = did_you_mean(str(code), CODES)
            raise ConfigError(f"{where}: unknown code '{code}'" + (f"; {hint}" if hint else "")
                              + " (docs/diagnostics.md lists them)")
        choice = "off" if value is False else value  # YAML reads a bare `off` as false
        if choice not in CHOICES:
            raise ConfigError(f"{where}: {code}: '{value}' is not one of error, warning, off")
        if CODES[code].severity == "error" and choice != "error":
            raise ConfigError(f"{where}: {code}: an error cannot be lowered (the site would be "
                              "wrong or unsafe without it); only warnings can be raised or "
                              "turned off")
        choices[code] = choice
    return choices


@dataclass(frozen=True)
class Settings:
    """Everything a run needs to know besides the content itself."""

    config_file: Path
    """The mkdocs.yml read."""
    docs_dir: Path
    """The content folder (absolute)."""
    site_dir: Path
    """The output folder (absolute)."""
    options: Options = field(default_factory=Options)
    site_name: str = "Portfolio"
    site_url: str = ""

    @property
    def root(self) -> Path:
        """The site repository: paths in diagnostics are relative to it."""
        return self.docs_dir.parent

    @property
    def scale(self) -> StatusScale:
        return StatusScale(self.options.status_scale)


class _ConfigLoader(yaml.SafeLoader):
    """Safe loading that tolerates mkdocs.yml's own tags (`!ENV`, `!!python/name:`)."""


def _ignore_tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> None:
    return None


_ConfigLoader.add_multi_constructor("!", _ignore_tag)
_ConfigLoader.add_multi_constructor("tag:yaml.org,2002:python/", _ignore_tag)


def plugin_options(plugins: Any) -> dict[str, Any] | None:
    """The pmsite entry of an mkdocs.yml `plugins` value (list or mapping form)."""
    if isinstance(plugins, dict):
        entry = plugins.get("pmsite")
        return entry if isinstance(entry, dict) else {}
    if isinstance(plugins, list):
        for item in plugins:
            if item == "pmsite":
                return {}
            if isinstance(item, dict) and "pmsite" in item:
                entry = item["pmsite"]
                return entry if isinstance(entry, dict) else {}
    return None


def load_settings(config_file: Path) -> Settings:
    """Read mkdocs.yml; raise ConfigError when it is missing or unusable."""
    config_file = config_file.resolve()
    try:
        text = config_file.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(f"{config_file.name}: not found in {config_file.parent} "
                          "(run pmsite in the site's folder, or pass -f FILE)") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{config_file}: cannot read: {exc}") from None
    try:
        raw = yaml.load(text, Loader=_ConfigLoader)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{config_file.name}: invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{config_file.name}: expected a mapping of settings")
    base = config_file.parent
    docs_dir = (base / str(raw.get("docs_dir") or "docs")).resolve()
    if not docs_dir.is_dir():
        raise ConfigError(f"{config_file.name}: docs_dir '{raw.get('docs_dir') or 'docs'}' "
                          "is not a folder")
    site_dir = (base / str(raw.get("site_dir") or "site")).resolve()
    options = Options.from_mapping(plugin_options(raw.get("plugins")),
                                   f"{config_file.name}: plugins: pmsite")
    return Settings(config_file=config_file, docs_dir=docs_dir, site_dir=site_dir,
                    options=options, site_name=str(raw.get("site_name") or "Portfolio"),
                    site_url=str(raw.get("site_url") or ""))


def resolve_as_of(value: str | None, environ: dict[str, str] | None = None) -> date:
    """`--as-of`, else SOURCE_DATE_EPOCH, else today (UTC)."""
    env = os.environ if environ is None else environ
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ConfigError(f"--as-of: '{value}' is not a date like 2026-03-31") from None
    epoch = env.get("SOURCE_DATE_EPOCH", "").strip()
    if epoch:
        try:
            return datetime.fromtimestamp(int(epoch), tz=UTC).date()
        except (ValueError, OverflowError, OSError):
            raise ConfigError(f"SOURCE_DATE_EPOCH: '{epoch}' is not a number of seconds") from None
    return datetime.now(tz=UTC).date()
