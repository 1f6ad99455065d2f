"""What every diagram shares: the SVG template environment, safe labels and status colours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2

import generator
from generator.scale import DONE, UNKNOWN, StatusScale

MAX_LABEL = 28
"""Labels longer than this are cut with an ellipsis; the full text goes in the <title>."""

# Not allowed in XML 1.0 (C0 controls, surrogates, U+FFFE/F), plus C1 controls and the
# invisible bidi and zero-width characters that can make a label read as something else.
_STRIP = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff"
                    "\u200b-\u200f\u202a-\u202e\u2060-\u2069\ufeff]")
_SPACE = re.compile(r"\s+")
_CLASS = re.compile(r"[^a-z0-9-]+")
_SCHEME = re.compile(r"^[a-zA-Z][a-zA-Z0-9+.-]*:")


def clean(text: object) -> str:
    """`text` as one line, without characters XML forbids or that hide what it says."""
    return _SPACE.sub(" ", _STRIP.sub("", str(text))).strip()


def truncate(text: str, limit: int = MAX_LABEL) -> str:
    return text if len(text) <= limit else text[:limit - 1].rstrip() + "\u2026"


def css_class(word: str) -> str:
    return _CLASS.sub("-", word.lower()).strip("-") or "x"


def href(root: str, url: str) -> str:
    """`root` + a site-relative URL; a same-page `#anchor` stays as it is."""
    if _SCHEME.match(url) or url.startswith("//"):
        return ""  # never link outside the site (no javascript:, data:, ...)
    return url if url.startswith("#") else root + url


def num(value: float) -> str:
    """A coordinate with at most one decimal, always spelled the same way."""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


_NARROW = frozenset("fijlrtI.,:;!|'()[] ")
_WIDE = frozenset("mwMW@%")


def text_width(text: str, size: float, bold: bool = False) -> float:
    """A generous estimate of how wide `text` is in a sans-serif font of `size` px."""
    ems = sum(0.32 if c in _NARROW else 0.92 if c in _WIDE else 0.68 if c.isupper() else 0.56
              for c in text)
    return ems * size * (1.07 if bold else 1.0)


@dataclass(frozen=True, slots=True)
class Label:
    """Text to show: cut to MAX_LABEL, squeezed (`fit` = textLength) if still too wide."""

    text: str
    full: str
    fit: str | None


def label(value: object, room: float, size: float, bold: bool = False,
          limit: int = MAX_LABEL) -> Label:
    full = clean(value)
    text = truncate(full, limit)
    fit = num(room) if text_width(text, size, bold) > room else None
    return Label(text, full, fit)


# -- status colours --------------------------------------------------------------------

_ANCHORS = ((0x2e, 0x7d, 0x32), (0xe0, 0x9b, 0x00), (0xc6, 0x28, 0x28))
"""Best (green), middle (amber) and worst (red); levels in between are interpolated."""
_FIXED = {UNKNOWN: (0x75, 0x75, 0x75), DONE: (0x15, 0x65, 0xc0)}


@dataclass(frozen=True, slots=True)
class StatusStyle:
    """How one status looks: its classes, its colours in light and dark mode."""

    word: str
    classes: str
    key: str
    """The class the CSS rules select (`rank-0`, ..., `unknown`, `done`)."""
    initials: str
    stroke: str
    fill: str
    dark_stroke: str
    dark_fill: str


def _mix(a: tuple[int, ...], b: tuple[int, ...], share_b: float) -> str:
    return "#" + "".join(f"{round(x + (y - x) * share_b):02x}" for x, y in zip(a, b))


def _colour(position: float) -> tuple[int, ...]:
    low, high, share = ((_ANCHORS[0], _ANCHORS[1], position * 2) if position <= 0.5
                        else (_ANCHORS[1], _ANCHORS[2], position * 2 - 1))
    return tuple(round(x + (y - x) * share) for x, y in zip(low, high))


@lru_cache(maxsize=16)
def _palette(levels: tuple[str, ...]) -> tuple[StatusStyle, ...]:
    styles = []
    white, dark = (255, 255, 255), (0x1e, 0x1e, 0x1e)
    for index, word in enumerate(levels + (UNKNOWN, DONE)):
        if word in _FIXED:
            rgb, key, initials = _FIXED[word], word, "?" if word == UNKNOWN else "\u2713"
        else:
            rgb = _colour(index / (len(levels) - 1))
            key, initials = f"rank-{index}", "".join(p[:1] for p in word.split("-")).upper()
        styles.append(StatusStyle(word, f"status-{css_class(word)} {key}", key, initials,
                                  _mix(rgb, (0, 0, 0), 0.0), _mix(rgb, white, 0.82),
                                  _mix(rgb, white, 0.35), _mix(rgb, dark, 0.62)))
    return tuple(styles)


def palette(scale: StatusScale) -> tuple[StatusStyle, ...]:
    """One style per level of the scale (best to worst), then `unknown` and `done`."""
    return _palette(scale.levels)


def style_of(scale: StatusScale, status: str) -> StatusStyle:
    for style in _palette(scale.levels):
        if style.word == status:
            return style
    return _palette(scale.levels)[-2]  # not on the scale: shown as unknown


# -- templates -------------------------------------------------------------------------

def default_templates() -> Path:
    # TODO(packaging): the lead moves the default templates into the wheel.
    return Path(generator.__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=8)
def environment(override: Path | None = None) -> jinja2.Environment:
    """Templates from the site's override folder first, then the defaults; autoescaped."""
    folders = [str(override)] if override is not None else []
    folders.append(str(default_templates()))
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,  # every template here is SVG (select_autoescape skips .svg)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def override_folder(model: Any) -> Path | None:
    settings = getattr(model, "settings", None)
    folder = getattr(getattr(settings, "options", None), "templates", None)
    if settings is None or not folder:
        return None
    return (Path(settings.config_file).parent / folder).resolve()


def render(model: Any, name: str, **context: Any) -> str:
    """Render `diagrams/<name>.svg.j2` into one block of SVG: no blank lines, no indent."""
    template = environment(override_folder(model)).get_template(f"diagrams/{name}.svg.j2")
    scale = model.scale if model is not None else StatusScale()
    text = template.render(palette=palette(scale), num=num, **context)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())
