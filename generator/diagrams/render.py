"""What every diagram shares: the SVG template environment, safe labels and status colours."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

import generator
from generator import jinjaenv
from generator.diagrams.metrics import text_width
from generator.scale import DONE, UNKNOWN, StatusScale

MAX_LABEL = 28
"""Single-line labels longer than this are cut with an ellipsis; the full text goes in the
<title>. Node and row labels wrap first (`wrap`)."""
COLUMN = 880.0
"""The width every diagram aims at: Material's content column on a desktop screen (908 px)
less a little room. A diagram that is wider scales down, or scrolls (see figures)."""

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
    if _SCHEME.match(url) or url.startswith(("//", "/\\")) or "\\" in url:
        return ""  # never link outside the site (no javascript:, data:, ...)
    return url if url.startswith("#") else root + url


@lru_cache(maxsize=1 << 17)
def num(value: float) -> str:
    """A coordinate with at most one decimal, always spelled the same way. (Remembered:
    the diagrams of 1,000 projects write 594,698 numbers, 85,353 of them different; two
    numbers that are equal, 1 and 1.0 or 0.0 and -0.0, are spelled the same.)"""
    text = f"{value:.1f}".rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


@dataclass(frozen=True, slots=True)
class Label:
    """Text to show, cut with an ellipsis to fit, and the full text for the <title>.

    `lines` is the text as shown on one to three lines (`wrap`); `text` all on one line.
    """

    text: str
    full: str
    lines: tuple[str, ...] = ()

    @property
    def shown(self) -> tuple[str, ...]:
        return self.lines or (self.text,)

    @property
    def shortened(self) -> bool:
        """True when part of the full text is not shown (then a <title> must carry it)."""
        return " ".join(self.shown) != self.full


def label(value: object, room: float, size: float, bold: bool = False,
          limit: int = MAX_LABEL) -> Label:
    """`value` cleaned, cut to `limit` characters and then to what fits in `room` px."""
    return _label(str(value), room, size, bold, limit)


@lru_cache(maxsize=16384)
def _label(value: str, room: float, size: float, bold: bool, limit: int) -> Label:
    full = clean(value)
    text = truncate(full, limit)
    keep = min(len(full), limit - 1)
    while text_width(text, size, bold) > room and keep > 1:
        keep -= 1
        text = full[:keep].rstrip() + "\u2026"
    return Label(text, full)


def wrap(value: object, room: float, size: float, bold: bool = False,
         max_lines: int = 3) -> Label:
    """`value` cleaned and set on up to `max_lines` lines of at most `room` px each,
    broken between words (inside a word only when it alone is wider than a line); what
    does not fit on the last line is cut with an ellipsis."""
    return _wrap(str(value), room, size, bold, max_lines)


@lru_cache(maxsize=16384)
def _wrap(value: str, room: float, size: float, bold: bool, max_lines: int) -> Label:
    full = clean(value)
    lines: list[str] = []
    rest = full
    while rest and len(lines) < max_lines:
        if len(lines) == max_lines - 1 or text_width(rest, size, bold) <= room:
            lines.append(_fit(rest, room, size, bold))
            break
        line, rest = _break(rest, room, size, bold)
        lines.append(line)
    lines = lines or [""]
    return Label(" ".join(lines), full, tuple(lines))


def _fit(text: str, room: float, size: float, bold: bool) -> str:
    """`text` if it fits in `room`, else its longest start that fits with an ellipsis."""
    if text_width(text, size, bold) <= room:
        return text
    keep = len(text)
    while keep > 1 and text_width(text[:keep].rstrip() + "\u2026", size, bold) > room:
        keep -= 1
    return text[:keep].rstrip() + "\u2026"


def _break(text: str, room: float, size: float, bold: bool) -> tuple[str, str]:
    """The first line of `text` (as many whole words as fit) and the rest."""
    words = text.split(" ")
    line = ""
    for count, word in enumerate(words):
        trial = f"{line} {word}" if line else word
        if text_width(trial, size, bold) > room:
            if line:
                return line, " ".join(words[count:])
            keep = len(word)  # one word wider than a line: break inside it
            while keep > 1 and text_width(word[:keep], size, bold) > room:
                keep -= 1
            return word[:keep], " ".join([word[keep:], *words[count + 1:]])
        line = trial
    return line, ""


def flow(entries: list[dict[str, Any]], width: float, left: float = 16.0,
         swatch: float = 14.0) -> tuple[list[dict[str, Any]], float]:
    """Place legend entries (each with `text`, optional `swatch` width) in rows; add x, y,
    tx (text x) and sx (swatch end) to each; return them and the height they take."""
    x, y = left, 0.0
    for entry in entries:
        room = float(entry.get("swatch", swatch))
        w = room + 6 + text_width(entry["text"], 11)
        if x > left and x + w > width - left:
            x, y = left, y + 20
        entry.update(x=x, y=y, tx=x + room + 6, sx=x + room)
        x += w + 18
    return entries, y + 20


# -- status colours --------------------------------------------------------------------

RGB = tuple[int, ...]
_ANCHORS: tuple[RGB, ...] = ((0x2e, 0x7d, 0x32), (0xe0, 0x9b, 0x00), (0xc6, 0x28, 0x28))
"""Best (green), middle (amber) and worst (red); levels in between are interpolated."""
_FIXED: dict[str, RGB] = {UNKNOWN: (0x75, 0x75, 0x75), DONE: (0x15, 0x65, 0xc0)}


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


def _mix(a: RGB, b: RGB, share_b: float) -> str:
    return "#" + "".join(f"{round(x + (y - x) * share_b):02x}" for x, y in zip(a, b))


def _colour(position: float) -> RGB:
    low, high, share = ((_ANCHORS[0], _ANCHORS[1], position * 2) if position <= 0.5
                        else (_ANCHORS[1], _ANCHORS[2], position * 2 - 1))
    return tuple(round(x + (y - x) * share) for x, y in zip(low, high))


@lru_cache(maxsize=16)
def _palette(levels: tuple[str, ...]) -> tuple[StatusStyle, ...]:
    styles = []
    white: RGB = (255, 255, 255)
    dark: RGB = (0x1e, 0x1e, 0x1e)
    for index, word in enumerate(levels + (UNKNOWN, DONE)):
        rgb: RGB
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
    """The shipped templates: the package's own finder when there is one, else the checkout's."""
    try:
        from generator.templating import default_templates_dir
        return default_templates_dir()
    except (ImportError, FileNotFoundError):
        return Path(generator.__file__).resolve().parent.parent / "templates"


def diagram_stylesheet(model: Any) -> str:
    """Every diagram's CSS (font, focus, dark mode, print) for the site's own stylesheet,
    for pages whose HTML sanitizer drops the <style> element each SVG carries."""
    template = environment(override_folder(model)).get_template("diagrams/diagrams.css.j2")
    return template.render(palette=palette(model.scale), kind="all").strip() + "\n"


@lru_cache(maxsize=8)
def environment(override: Path | None = None) -> jinja2.Environment:
    """Templates from the site's override folder first, then the defaults; autoescaped."""
    folders = [str(override)] if override is not None else []
    folders.append(str(default_templates()))
    return jinjaenv.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,  # every template here is SVG (select_autoescape skips .svg)
        undefined=jinja2.StrictUndefined,
        trim_blocks=True, lstrip_blocks=True, keep_trailing_newline=False)


def override_folder(model: Any) -> Path | None:
    return settings_folder(getattr(model, "settings", None))


def settings_folder(settings: Any) -> Path | None:
    """The site's `templates` folder, for the settings of a site that has one."""
    folder = getattr(getattr(settings, "options", None), "templates", None)
    if settings is None or not isinstance(folder, str) or not folder:
        return None
    return (Path(settings.config_file).parent / str(folder)).resolve()


def render(model: Any, name: str, **context: Any) -> str:
    """Render `diagrams/<name>.svg.j2` into one block of SVG: no blank lines, no indent.

    Its `stylesheet` is `diagrams/diagrams.css.j2` for its kind and palette, rendered
    once for every diagram that shares them (a template may still include that file)."""
    env = environment(override_folder(model))
    template = env.get_template(f"diagrams/{name}.svg.j2")
    scale = model.scale if model is not None else StatusScale()
    styles = palette(scale)
    css = _stylesheet(env.get_template("diagrams/diagrams.css.j2"), styles, name)
    text = template.render(palette=styles, paint={s.key: s for s in styles}, num=num,
                           kind=name, stylesheet=css, **context)
    return "\n".join(line.strip() for line in text.splitlines() if line.strip())


@lru_cache(maxsize=64)
def _stylesheet(template: jinja2.Template, styles: tuple[StatusStyle, ...],
                kind: str) -> Markup:
    """The CSS of a diagram of `kind`: our template's, so markup. (A template edited
    while the preview runs is a new `Template`, rendered again.)"""
    return Markup(template.render(palette=styles, kind=kind))
