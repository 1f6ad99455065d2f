"""The small exception hierarchy; only the front ends turn these into exit codes."""

from __future__ import annotations


class PmsiteError(Exception):
    """Base of every error pmsite raises on purpose."""


class ConfigError(PmsiteError):
    """mkdocs.yml or a command-line option is unusable (exit code 2)."""


class ContentError(PmsiteError):
    """The content has errors; the diagnostics say which (exit code 1)."""
