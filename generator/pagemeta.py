"""Front matter MkDocs and its theme read as file names: `template:` and Material's `icon:`."""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # (the check never renders: it does not import Jinja)
    from jinja2 import Environment

TEMPLATE_NAME = re.compile(r"[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*\.html")
"""`template:` names a template of the theme: a plain file name, no folder, no `..`."""
ICON_NAME = re.compile(r"[a-z0-9-]+(/[a-z0-9_-]+)+")
"""`icon:` names a theme icon (Material includes `.icons/<icon>.svg`): `material/home`."""
_RULES = {
    "template": (TEMPLATE_NAME, "a template file name of the theme",
                 "write e.g. `template: main.html` (no folder, no '..'), or remove it"),
    "icon": (ICON_NAME, "an icon name of the theme",
             "write e.g. `icon: material/home` (lowercase, no '..'), or remove it"),
}


def unsafe_page_meta(meta: Mapping[Any, Any]) -> Iterator[tuple[str, str, str]]:
    """(key, message, hint) for each `template:` or `icon:` that is not a plain name."""
    for key, (pattern, what, hint) in _RULES.items():
        if key not in meta:
            continue
        value = meta[key]
        if not isinstance(value, str) or not pattern.fullmatch(value):
            shown = value if isinstance(value, str) else repr(value)
            shown = shown if len(shown) <= 60 else shown[:57] + "..."
            yield key, f"'{key}' must be {what}, got '{shown}'", hint


def safe_page_meta(meta: Mapping[str, Any], env: Environment) -> dict[str, Any]:
    """`meta` without a `template` or `icon` the theme's Jinja `env` cannot load (so a
    name that passed the check but that the theme lacks never crashes the build)."""
    safe = dict(meta)
    template = safe.get("template")
    if "template" in safe and not (isinstance(template, str)
                                   and TEMPLATE_NAME.fullmatch(template)
                                   and _loads(env, template)):
        del safe["template"]
    icon = safe.get("icon")
    if "icon" in safe and not (isinstance(icon, str) and ICON_NAME.fullmatch(icon)
                               and _loads(env, f".icons/{icon}.svg")):
        del safe["icon"]
    return safe


def _loads(env: Environment, name: str) -> bool:
    from jinja2 import TemplateError

    try:
        env.get_template(name)
    except TemplateError:
        return False
    return True
