"""The jinja2 environment of every page and report: override folder first, escaping on."""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup, escape

import generator
from generator import jinjaenv
from generator.scale import DONE, UNKNOWN, StatusScale
from generator.settings import Settings
from generator.slugs import tag_slug
from generator.urls import lesson_category_slug, record_url

NBSP = "\u00a0"
"""Between a number and its unit, so the two never break apart."""
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!])")
# Not escapable with a backslash in Python-Markdown: written as character references.
_MD_ENTITIES = {"|": "&#124;", "=": "&#61;", "~": "&#126;"}


def default_templates_dir() -> Path:
    """The templates shipped with pmsite (inside the wheel, or the source checkout's)."""
    package = Path(generator.__file__).resolve().parent
    for candidate in (package / "templates", package.parent / "templates"):
        if (candidate / "pages").is_dir():
            return candidate
    raise FileNotFoundError("pmsite's default templates are missing from the installation")


def md_text(value: Any) -> Markup:
    """Text safe inside Markdown: HTML-escaped, then Markdown punctuation backslashed."""
    if value is None:
        return Markup("")
    # Backslashes first, on the raw text: the entities escaping adds (&#39;) hold a `#`.
    text = str(escape(_MD_SPECIAL.sub(r"\\\1", str(value).replace("\n", " "))))
    return Markup("".join(_MD_ENTITIES.get(char, char) for char in text))


def status_class(status: str | None, scale: StatusScale) -> str:
    """CSS classes of a status: its own name and its rank on the scale (any scale)."""
    if not status or status == UNKNOWN:
        return "st st-unknown"
    if status == DONE:
        return "st st-done"
    rank = scale.rank(status)
    levels = len(scale.levels)
    # Colour by position: rank 0 is the best (green), the last rank the worst (red).
    tone = 0 if rank is None else round(4 * rank / (levels - 1))
    return f"st st-{status} tone-{tone}"


def make_environment(scale: StatusScale, override: Path | None = None) -> jinja2.Environment:
    """An environment that reads `override` first, then the defaults; autoescape always."""
    folders = [str(override)] if override is not None else []
    folders.append(str(default_templates_dir()))
    env = jinjaenv.Environment(
        loader=jinja2.FileSystemLoader(folders),
        autoescape=True,  # every template: .html, .md and .svg alike
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["md"] = md_text
    env.filters["day"] = lambda d: d.isoformat() if isinstance(d, date) else ("" if d is None
                                                                              else str(d))
    env.filters["number"] = number_text
    env.filters["money"] = number_text  # the same rule, under the name older templates use
    env.filters["pct"] = percent_text
    env.filters["status_class"] = lambda s: status_class(s, scale)
    # A YAML double-quoted string (JSON's escapes are YAML's), for scaffolded front matter.
    env.filters["yamlstr"] = lambda v: Markup(json.dumps("" if v is None else str(v),
                                                         ensure_ascii=False))
    env.globals["scale"] = scale
    env.globals["url_of"] = record_url
    env.globals["lesson_category_slug"] = lesson_category_slug
    env.globals["tag_slug"] = tag_slug
    return env


def number_text(value: float | None, unit: str | None = "") -> str:
    """A number for people: thousands separated, at most 2 decimals, no trailing `.0`;
    a unit or currency after a non-breaking space (`4100000.0, "EUR"` -> `4,100,000 EUR`,
    `1234.567` -> `1,234.57`, `14.0` -> `14`). "" for None."""
    if value is None:
        return ""
    if isinstance(value, bool) or not isinstance(value, int | float):
        text = str(value)
    else:
        text = f"{value:,.2f}".rstrip("0").rstrip(".")
        text = "0" if text == "-0" else text
    unit = (unit or "").strip()
    return f"{text}{NBSP}{unit}" if unit else text


def percent_text(fraction: float | None) -> str:
    """A fraction as a whole percentage by the same rule: `0.25` -> `25%`, `12.5` -> `1,250%`."""
    return "" if fraction is None else f"{number_text(round(fraction * 100))}%"


def precompile(settings: Settings) -> dict[str, bytes]:
    """Every template of the site's pages and diagrams compiled, as the bytecode its
    environment would compile it to (`jinjaenv.Precompiled`): made by a child while a
    build checks the content (`cli`), so that neither the build nor its children compile
    them again (0.3 s each at any size). A template that does not compile is left out:
    it is compiled, and its error told, where it is used."""
    from generator.diagrams.render import environment, settings_folder

    compiled = jinjaenv.Precompiled()
    diagrams = environment.__wrapped__(settings_folder(settings))  # (not the cached one)
    # Each environment compiles what a build renders from it: the site's, the pages; the
    # diagrams', the diagrams (the site's would compile them too, for nothing: a fifth of
    # the time). `new/` and `report/` are for other commands.
    for env, folder in ((site_environment(settings), "pages/"), (diagrams, "diagrams/")):
        env.bytecode_cache = compiled
        for name in env.list_templates(extensions=["j2"]):
            if not name.startswith(folder):
                continue
            try:
                env.get_template(name)
            except Exception:  # noqa: BLE001, S112 (told where it is used, located there)
                continue
    return compiled.codes


PAGE_TEMPLATE_FOLDERS = ("pages", "diagrams")
"""Where the templates are that write a page's HTML (`assets`, `new` and `report` do not)."""


def site_writes_pages(settings: Settings) -> bool:
    """Whether the site's `templates` folder holds a template of pages or diagrams of its
    own: then its pages are cleaned whole (see `htmlstash.sanitized`)."""
    templates = settings.options.templates
    if not templates:
        return False
    folder = settings.root / templates
    return any(path.is_file() or path.is_symlink()
               for name in PAGE_TEMPLATE_FOLDERS for path in (folder / name).rglob("*"))


def site_environment(settings: Settings) -> jinja2.Environment:
    """The environment of a site: its `templates` option's folder over the defaults."""
    templates = settings.options.templates
    return make_environment(settings.scale, settings.root / templates if templates else None)
