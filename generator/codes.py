"""Every diagnostic code, declared once: its default severity and what it means."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from generator.registries import table

Severity = Literal["error", "warning"]
Choice = Literal["error", "warning", "off"]
"""What the `diagnostics:` option may set a code to; `off` drops it."""
CHOICES: tuple[Choice, ...] = ("error", "warning", "off")


@dataclass(frozen=True, slots=True)
class Code:
    """One stable diagnostic code (docs/diagnostics.md lists them all)."""

    name: str
    """Short and kebab-case, e.g. `unknown-reference`."""
    severity: Severity
    """The severity every emitter uses; a site may change it with `diagnostics:`."""
    summary: str
    """What is wrong, in one line."""


def _declare(*codes: Code) -> Mapping[str, Code]:
    return table(codes, lambda code: code.name, "diagnostic code")


def _e(name: str, summary: str) -> Code:
    return Code(name, "error", summary)


def _w(name: str, summary: str) -> Code:
    return Code(name, "warning", summary)


CODES: Mapping[str, Code] = _declare(
    # Files and their text
    _e("encoding", "the file is not UTF-8 or holds NUL bytes"),
    _e("unreadable", "the file or folder cannot be read"),
    _e("too-large", "a file over 4 MB, or YAML text over 2,000,000 characters"),
    _e("symlink", "a symlink out of the content folder, broken or looping; a symlinked folder"),
    _e("special-file", "a FIFO, socket or device file in the content folder"),
    _e("file-name", "a name that is not UTF-8, or too long once published"),
    _e("front-matter-unterminated", "front matter opened by `---` and never closed"),
    _e("front-matter-not-mapping", "the front matter is a list or a single value"),
    _e("markdown-too-complex", "a Markdown body a renderer would hang on or recurse too deep in"),
    # YAML
    _e("yaml-syntax", "YAML that does not parse"),
    _e("yaml-alias", "an `&anchor` or `*alias`"),
    _e("yaml-tag", "an explicit YAML tag such as `!!python/object`"),
    _e("yaml-key", "a list or mapping used as a key"),
    _e("yaml-multi-document", "more than one YAML document in a file"),
    _e("too-deep", "nesting deeper than 40 levels"),
    _e("invalid-character", "U+2028, U+2029 or U+0085 in YAML"),
    _e("duplicate-key", "a key given twice in one mapping"),
    _w("yaml-comment", "` #word` after a plain value was read as a comment and dropped"),
    _w("empty-file", "an empty YAML file"),
    # Records
    _e("missing-kind", "a YAML file with no `kind:`"),
    _e("unknown-kind", "`kind:` names no kind"),
    _e("missing-field", "a required field is absent"),
    _e("unknown-field", "a field the kind does not have"),
    _e("invalid-type", "a value of the wrong type"),
    _e("invalid-value", "a value outside its allowed set, not finite, or with control characters"),
    _e("invalid-date", "not a real `YYYY-MM-DD` date"),
    _e("invalid-id", "an id that is not 1-64 letters, digits, `.`, `_`, `-`"),
    _e("invalid-status", "a status not on the configured scale"),
    _e("invalid-reference", "a reference that is not an id or `project#milestone`"),
    _e("reserved-id", "an id whose page would replace a generated page"),
    _e("unsafe-front-matter", "`template:` or `icon:` that is not a plain name"),
    _e("duplicate-id", "two records share an id (ignoring case)"),
    _w("invalid-dates", "a project ends before it starts"),
    _w("empty-body", "a record written in Markdown has no text"),
    _w("placeholder-text", "a `[TODO: ...]` placeholder of a `pmsite new` template is left"),
    _w("status-copied", "a status report repeats the project's previous one word for word"),
    # References and the graph
    _e("unknown-reference", "a reference or `[[wiki-link]]` to nothing, or to the wrong kind"),
    _e("broken-link", "a relative link in a page or body that leads to no page or file"),
    _w("reference-case", "a reference matches an id only when case is ignored"),
    _e("dependency-cycle", "dependencies that wait on each other"),
    _e("url-collision", "two sources for one page of the site"),
    # The picture as of a date
    _w("stale-status", "the latest status report of an open project is too old"),
    _w("overdue-milestone", "a milestone is past due and not done"),
    _w("at-risk-dependency", "a dependency is at risk"),
    _w("overdue-review", "an open risk's review date has passed"),
    _w("overdue-issue", "an open issue is past its due date"),
    _w("missing-path-to-green", "a status below the best has no `path_to_green`"),
    _w("over-allocated", "a person is allocated over 100 % to open projects"),
    # Building the site
    _w("diagram-failed", "a diagram could not be drawn and is left out of its page"),
    _w("external-asset", "a built page, stylesheet or script loads a file from outside the site"),
)
