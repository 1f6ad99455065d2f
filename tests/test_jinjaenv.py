"""`jinjaenv.Environment` reads `a.b`, and prints `{{ value }}`, exactly as jinja2's own does."""

from __future__ import annotations

from collections import OrderedDict
from typing import Any

import jinja2
import pytest
from hypothesis import given
from hypothesis import strategies as st
from markupsafe import Markup, escape

from generator import jinjaenv

NAMES = st.one_of(st.sampled_from(sorted(jinjaenv._DICT_NAMES)),
                  st.sampled_from(["title", "x", "href", "get", "items", "nope"]),
                  st.text(max_size=8))
VALUES = st.one_of(st.integers(), st.text(max_size=5), st.none())


def _read(env: jinja2.Environment, obj: Any, name: Any) -> tuple[str, Any]:
    """What `a.b` gives in `env`: a value, or the kind of undefined or error."""
    try:
        value = env.getattr(obj, name)
    except Exception as exc:  # noqa: BLE001 (the kind is what is compared)
        return "raised", type(exc)
    if isinstance(value, jinja2.Undefined):
        return "undefined", type(value)
    return "value", value


@given(st.dictionaries(st.one_of(NAMES, st.integers()), VALUES, max_size=6), NAMES)
def test_a_dict_reads_as_jinja_reads_it(data: dict[Any, Any], name: str) -> None:
    for undefined in (jinja2.Undefined, jinja2.StrictUndefined):
        ours = jinjaenv.Environment(undefined=undefined)
        theirs = jinja2.Environment(undefined=undefined)
        assert _read(ours, data, name) == _read(theirs, data, name)


@pytest.mark.parametrize("obj", [
    OrderedDict(title="t"),  # a dict's subclass may have attributes: Jinja's way
    {"items": 1, "title": "t"},
])
def test_methods_and_subclasses_keep_jinjas_order(obj: dict[str, Any]) -> None:
    ours, theirs = jinjaenv.Environment(), jinja2.Environment()
    for name in ("items", "title", "keys", "missing"):
        assert _read(ours, obj, name) == _read(theirs, obj, name)


def test_templates_read_keys_and_fail_on_missing_ones() -> None:
    env = jinjaenv.Environment(undefined=jinja2.StrictUndefined, autoescape=True)
    template = env.from_string("{{ row.title }} {{ row['x'] }} {{ row.items() | length }}")
    assert template.render(row={"title": "<b>", "x": 1}) == "&lt;b&gt; 1 2"
    with pytest.raises(jinja2.UndefinedError, match="has no attribute 'missing'"):
        env.from_string("{{ row.missing }}").render(row={})


class _Html:
    def __html__(self) -> str:
        return "<em>as html</em>"


PRINTED = st.one_of(st.text(alphabet=st.sampled_from("ab <>&'\"é\u00a0"), max_size=8),
                    st.text(max_size=6).map(Markup), st.integers(), st.floats(allow_nan=False),
                    st.none(), st.just(_Html()), st.lists(st.text(max_size=3), max_size=2))
SOURCE = ("{{ v }}|{{ v ~ '<' }}|{{ v | e }}|{{ v | string | upper }}"
          "{% set s %}<{{ v }}>{% endset %}|{{ s }}|{{ s | length }}"
          "{% macro m(x) %}<i>{{ x }}</i>{{ caller() if caller else '' }}{% endmacro %}"
          "|{{ m(v) }}|{% call m(v) %}[{{ v }}]{% endcall %}"
          "|{% for x in [v, v] %}{{ loop.index }}{{ x }}{% endfor %}"
          "|{% autoescape false %}{{ v }}{% endautoescape %}"
          "|{% autoescape flag %}{{ v }}{% endautoescape %}")


@given(PRINTED, st.booleans(), st.booleans())
def test_printed_values_are_spelled_as_jinja_spells_them(value: Any, autoescape: bool,
                                                         flag: bool) -> None:
    ours = jinjaenv.Environment(autoescape=autoescape)
    theirs = jinja2.Environment(autoescape=autoescape)
    mine = ours.from_string(SOURCE).render(v=value, flag=flag)
    assert mine == theirs.from_string(SOURCE).render(v=value, flag=flag)
    macro = "{% macro m(x) %}<{{ x }}>{% endmacro %}"
    made = ours.from_string(macro).module.m(value)  # type: ignore[attr-defined]
    assert type(made) is type(theirs.from_string(macro).module.m(value))  # type: ignore[attr-defined]


def test_printed_values_skip_markup_only_where_autoescape_is_known() -> None:
    env = jinjaenv.Environment(autoescape=True)
    code = env.compile("{{ a }}{% autoescape flag %}{{ b }}{% endautoescape %}", raw=True)
    assert code.count("environment.escaped_text(") == 1  # `a`; `b` is volatile: Jinja's way
    assert "(escape if context.eval_ctx.autoescape else str)(" in code
    assert jinjaenv.escaped_text("<a href='x'>&\"") == str(escape("<a href='x'>&\""))
    assert type(jinjaenv.escaped_text("<")) is str
    assert jinjaenv.escaped_text(Markup("<b>")) == "<b>"


def _plain(x: Any) -> str:
    return f"plain {x}"


@jinja2.pass_context
def _with_context(context: Any, x: Any) -> str:
    return f"context {context.get('v')} {x}"


@jinja2.pass_environment
def _with_environment(environment: Any, x: Any) -> str:
    return f"environment {type(environment).__name__ != ''} {x}"


@jinja2.pass_eval_context
def _with_eval_context(eval_context: Any, x: Any) -> str:
    return f"eval {eval_context.autoescape} {x}"


def _stops(x: Any) -> str:
    raise StopIteration


class _Callable:
    @jinja2.pass_context
    def __call__(self, context: Any, x: Any) -> str:
        return f"callable {context.get('v')} {x}"

    def method(self, x: Any) -> str:
        return f"method {x}"

    @jinja2.pass_context
    def with_context(self, context: Any, x: Any) -> str:
        return f"method with context {context.get('v')} {x}"


CALLS = ("{% macro m(x) %}<{{ x }}>{% endmacro %}"
         "{{ m(v) }}|{{ plain(v) }}|{{ ctx(v) }}|{{ env_(v) }}|{{ ev(v) }}|{{ obj(v) }}"
         "|{{ obj.method(v) }}|{{ obj.with_context(1) }}|{{ len(v) }}|{{ stops(v) is undefined }}"
         "{% for i in [1] %}{% set v = 'loop' %}|{{ ctx(i) }}{% endfor %}")


@pytest.mark.parametrize("autoescape", [True, False])
def test_calls_reach_what_jinja_calls_with_what_jinja_passes(autoescape: bool) -> None:
    values = {"v": "<v>", "plain": _plain, "ctx": _with_context, "env_": _with_environment,
              "ev": _with_eval_context, "obj": _Callable(), "len": len, "stops": _stops}
    ours = jinjaenv.Environment(autoescape=autoescape).from_string(CALLS).render(values)
    theirs = jinja2.Environment(autoescape=autoescape).from_string(CALLS).render(values)
    assert ours == theirs
    assert "context loop 1" in ours and "callable <v>" in ours.replace("&lt;", "<").replace(
        "&gt;", ">")
