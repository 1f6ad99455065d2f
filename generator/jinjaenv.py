"""A jinja2 environment that reads a dict's key, `{{ row.title }}`, without raising first,
and writes what `{{ value }}` prints without making it `Markup` first.

Jinja compiles `a.b` to `environment.getattr(a, "b")`, which tries Python's `getattr` and,
when that raises AttributeError, the item `a["b"]`. Our templates read dicts that way
(the values of a page, a diagram's geometry): at 1,000 projects a build read 1.3 million
dict keys so, each after an AttributeError raised and caught (0.39 µs a read against 0.05
µs). A plain `dict` has no attribute but its methods and no instance attributes, so for a
name that is not one of those the attribute cannot exist: reading the item first finds
exactly what Jinja would find, and where the key is missing Jinja's own way runs.

With autoescape, Jinja compiles `{{ value }}` to `escape(value)`: a `Markup`, made by a
Python `__new__`, only to be joined into the template's output and dropped (3.9
million of them for the pages and diagrams of 1,000 projects). `escaped_text` spells exactly what `escape` spells, as the
plain string the output is joined from (0.05 µs against 0.5 µs for a short string).
Only a value printed is written so: a filter, a macro's result and `{% set %}` still
give `Markup` where Jinja gives it.
"""

from __future__ import annotations

from typing import Any

import jinja2
import markupsafe
from jinja2.compiler import CodeGenerator, Frame
from jinja2.nodes import Expr

_ESCAPE_INNER = getattr(markupsafe, "_escape_inner", None)
"""markupsafe's own escaping of a str, before it makes the `Markup` (markupsafe 3)."""
_DICT_NAMES = frozenset(dir(dict))
"""What `getattr` finds on any dict (`items`, `keys`, `__class__`, ...)."""


def escaped_text(value: Any) -> str:
    """`markupsafe.escape(value)`, as a plain `str` where `value` is one."""
    if type(value) is str and _ESCAPE_INNER is not None:
        return _ESCAPE_INNER(value)  # type: ignore[no-any-return]
    return markupsafe.escape(value)


class _CodeGenerator(CodeGenerator):
    """Jinja's code, but `{{ value }}` with autoescape on prints `escaped_text(value)`."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escaped_text(")
        else:
            super()._output_child_pre(node, frame, finalize)


class Environment(jinja2.Environment):
    """`jinja2.Environment`, reading a plain dict's keys without trying an attribute, and
    printing escaped text without making `Markup` of it."""

    code_generator_class = _CodeGenerator
    escaped_text = staticmethod(escaped_text)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and type(attribute) is str and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass  # (Jinja's way, to the same undefined)
        return super().getattr(obj, attribute)
