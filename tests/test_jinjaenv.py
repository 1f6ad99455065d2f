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


class _Thing:
    """An object with an attribute, a property that raises, and items."""

    title = "an attribute"

    @property
    def broken(self) -> str:
        raise AttributeError("inside the property")

    def __getitem__(self, key: str) -> str:
        return f"item {key}"


READS = ("{{ x.NAME }}|{{ x.NAME.NAME is defined }}|{{ x['NAME'].NAME is defined }}"
         "|{% for y in [x] if y.NAME is defined %}{{ y.NAME }}{% endfor %}"
         "|{% macro m(z) %}{{ z.NAME }}{% endmacro %}{{ m(x) }}")
OBJECTS = st.one_of(st.dictionaries(st.one_of(NAMES, st.integers()), VALUES, max_size=6),
                    st.just(_Thing()), st.just(OrderedDict(title="t")), st.integers(),
                    st.none(), st.lists(VALUES, max_size=2))


@given(OBJECTS, st.one_of(NAMES, st.sampled_from(["broken", "real", "title"])))
def test_a_template_reads_a_dot_as_jinja_reads_it(obj: Any, name: str) -> None:
    """`a.b` in a template (read in line, see `_CodeGenerator.visit_Getattr`) gives what
    jinja2's own environment gives, value, undefined or error, in a loop and a macro too."""
    if not name.isidentifier() or name in ("for", "if", "in", "is", "not", "and", "or"):
        return
    source = READS.replace("NAME", name)
    for undefined in (jinja2.Undefined, jinja2.StrictUndefined, jinja2.ChainableUndefined):
        results = []
        for env in (jinjaenv.Environment(undefined=undefined, autoescape=True),
                    jinja2.Environment(undefined=undefined, autoescape=True)):
            try:
                results.append(("value", env.from_string(source).render(x=obj)))
            except Exception as exc:  # noqa: BLE001 (the kind is what is compared)
                results.append(("raised", type(exc)))
        assert results[0] == results[1]


def test_a_dot_is_read_in_line_and_each_read_has_its_own_names() -> None:
    code = jinjaenv.Environment().compile("{{ a.b.c }}{{ d.e }}{{ f.items }}", raw=True)
    assert code.count("environment.getattr(") == 4  # (three fallbacks, `items` Jinja's way)
    assert "_ga1" in code and "_ga3" in code and "'items')" in code


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
    for value in (3, -2.5, 1e300, float("inf"), True, None, Markup("<i>"),
                  type("Html", (Markup,), {})("<u>"), type("Big", (int,), {"__str__": lambda _: "<"})(1)):
        assert jinjaenv.escaped_text(value) == str(escape(value))


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


MACROS = ("{% macro one(x) %}<{{ x }}>{% endmacro %}"
          "{% macro two(x, y='d') %}[{{ x }}{{ y }}]{% endmacro %}"
          "{% macro kw(x) %}{{ x }}{{ kwargs }}{% endmacro %}"
          "{% macro var(x) %}{{ x }}{{ varargs }}{% endmacro %}"
          "{% macro wraps(x) %}({{ x }}{{ caller() }}){% endmacro %}"
          "{% macro named(x, caller=none) %}{{ x }}{{ caller is defined }}{% endmacro %}")
MACRO_CALLS = st.lists(st.sampled_from([
    "one(v)", "one()", "one(v, v)", "one(x=v)", "two(v)", "two(v, v)", "two(v, y=v)",
    "two(y=v)", "kw(v)", "kw(v, a=v)", "var(v)", "var(v, v, v)", "named(v, v)", "named(v)",
    "one(one(v))", "two(one(v), var(v))"]), min_size=1, max_size=4)


@given(MACRO_CALLS, st.booleans(), st.sampled_from(["<&>", "", "x"]))
def test_macros_are_called_as_jinja_calls_them(calls: list[str], autoescape: bool,
                                               value: str) -> None:
    """A macro called with one value for each parameter is its function called (see
    `_plainly_called`); every call, that one or any other, gives what jinja2 gives: the
    same text, of the same type, or the same error."""
    body = "".join(f"{{{{ {call} }}}}|" for call in calls)
    source = (MACROS + body + "{% call wraps(v) %}!{{ v }}{% endcall %}"
              "{% for i in [1, 2] %}{{ one(i) }}{{ two(i, v) }}{% endfor %}")
    results = []
    for env in (jinjaenv.Environment(autoescape=autoescape),
                jinja2.Environment(autoescape=autoescape)):
        try:
            template = env.from_string(source)
            made = template.module.one(value)  # type: ignore[attr-defined]
            results.append((template.render(v=value), type(made), str(made)))
        except Exception as exc:  # noqa: BLE001 (the kind is what is compared)
            results.append(("raised", type(exc), str(exc)))
    assert results[0] == results[1]


def test_a_macro_with_its_arguments_sorted_out_is_called_directly() -> None:
    env = jinjaenv.Environment(autoescape=True)
    module = env.from_string(MACROS).module
    assert jinjaenv._plainly_called(module.one, ("a",))  # type: ignore[attr-defined]
    assert not jinjaenv._plainly_called(module.one, ())  # type: ignore[attr-defined]
    assert not jinjaenv._plainly_called(module.two, ("a",))  # type: ignore[attr-defined]
    assert not jinjaenv._plainly_called(module.kw, ("a",))  # type: ignore[attr-defined]
    assert not jinjaenv._plainly_called(module.wraps, ("a",))  # type: ignore[attr-defined]
    assert type(module.one("<")) is Markup  # type: ignore[attr-defined]


def _counting(env: jinja2.Environment) -> list[str]:
    compiled: list[str] = []
    compile_ = env.compile

    def counted(source: Any, name: Any = None, *args: Any, **kwargs: Any) -> Any:
        compiled.append(name)
        return compile_(source, name, *args, **kwargs)

    env.compile = counted  # type: ignore[method-assign]
    return compiled


def test_a_template_compiled_once_is_loaded_by_other_environments(tmp_path: Any) -> None:
    """What one environment (or process: `templating.precompile`) compiled, another loads
    from its bytecode: the same output, unless the source or the options differ."""
    (tmp_path / "t.j2").write_text("{% for x in xs %}<{{ x }}>{% endfor %}\n", encoding="utf-8")
    shared = jinjaenv.Precompiled()

    def env(**options: Any) -> jinja2.Environment:
        return jinjaenv.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)),
                                    autoescape=True, bytecode_cache=shared, **options)

    first = env()
    first_compiled = _counting(first)
    assert first.get_template("t.j2").render(xs=["a", "&"]) == "<a><&amp;>"
    assert first_compiled == ["t.j2"] and len(shared.codes) == 1
    again = env()
    again_compiled = _counting(again)
    assert again.get_template("t.j2").render(xs=["b"]) == "<b>"
    assert again_compiled == []  # (loaded: not compiled again)
    other = env(keep_trailing_newline=True)  # (other options: compiled for them)
    other_compiled = _counting(other)
    assert other.get_template("t.j2").render(xs=["b"]) == "<b>\n"
    assert other_compiled == ["t.j2"] and len(shared.codes) == 2
    (tmp_path / "t.j2").write_text("{{ xs|length }}", encoding="utf-8")  # (a new source)
    edited = env()
    edited_compiled = _counting(edited)
    assert edited.get_template("t.j2").render(xs=[1, 2]) == "2"
    assert edited_compiled == ["t.j2"]
    replayed = jinjaenv.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)),
                                    autoescape=True,
                                    bytecode_cache=jinjaenv.Precompiled(dict(shared.codes)))
    replayed_compiled = _counting(replayed)
    assert replayed.get_template("t.j2").render(xs=[1]) == "1" and replayed_compiled == []


def test_every_environment_shares_the_process_wide_bytecode() -> None:
    env = jinjaenv.Environment()
    assert env.bytecode_cache is jinjaenv.PRECOMPILED
    codes = {"k": b"code"}
    jinjaenv.use_precompiled(codes)
    assert jinjaenv.PRECOMPILED.codes["k"] == b"code"
    del jinjaenv.PRECOMPILED.codes["k"]


def test_a_filter_folded_at_compile_time_is_not_shared_across_its_definitions(
        tmp_path: Any) -> None:
    """Jinja calls a filter on a literal while it compiles: two environments whose filter
    of one name closes over other values (a site's status scale) compile apart."""
    (tmp_path / "t.j2").write_text('{{ "red"|tone }}', encoding="utf-8")
    shared = jinjaenv.Precompiled()

    def env(tones: dict[str, str]) -> jinja2.Environment:
        made = jinjaenv.Environment(loader=jinja2.FileSystemLoader(str(tmp_path)),
                                    bytecode_cache=shared)
        made.filters["tone"] = lambda status: tones[status]
        return made

    assert env({"red": "tone-4"}).get_template("t.j2").render() == "tone-4"
    assert env({"red": "tone-2"}).get_template("t.j2").render() == "tone-2"
    assert env({"red": "tone-4"}).get_template("t.j2").render() == "tone-4"
    assert len(shared.codes) == 2


THEME = {
    "base.html": (
        "<title>{% block title %}{{ page.title }} - {{ config.site_name }}{% endblock %}</title>"
        "{% import 'macros.html' as m %}"
        "{% for item in nav %}{{ m.entry(item, page) }}{% endfor %}"
        "{% include 'toc.html' %}"
        "{% autoescape true %}<p>{{ page.meta.note }}</p>{% endautoescape %}"
        "{% block content %}{{ page.content }}{% endblock %}"
        "{{ 'css/x.css'|url }} {{ page.meta.get('tags', []) | join(',') }}"),
    "main.html": "{% extends 'base.html' %}{% block content %}<main>{{ super() }}</main>{% endblock %}",
    "macros.html": (
        "{% macro entry(item, page) %}<li{% if item.url == page.url %} class=active{% endif %}>"
        "{{ item.title }}{% for child in item.children or [] %}{{ entry(child, page) }}"
        "{% endfor %}</li>{% endmacro %}"),
    "toc.html": "{% for t in page.toc %}<a href='#{{ t.id }}'>{{ t['title'] }}</a>{% endfor %}",
}


class _Page:
    def __init__(self, url: str, title: str) -> None:
        self.url, self.title = url, title
        self.content = f"<h1>{title}</h1>"
        self.meta = {"note": "<b>bold</b> & co", "tags": ["a", "b"]}
        self.toc = [{"id": "one", "title": "One"}, {"id": "two", "title": "<Two>"}]


@jinja2.pass_context
def _url(context: Any, value: str) -> str:
    return "../" * context["page"].url.count("/") + value


def _theme(adopted: bool) -> jinja2.Environment:
    env = jinja2.Environment(loader=jinja2.DictLoader(THEME), auto_reload=False)
    env.filters["url"] = _url
    return jinjaenv.adopt(env) if adopted else env


@pytest.mark.parametrize("url", ["", "a/", "a/b/"])
def test_an_adopted_theme_renders_what_jinja_renders(url: str) -> None:
    page = _Page(url, "Page <&>")
    nav = [{"title": "Home", "url": "", "children": None},
           _Page("a/", "A"), {"title": "Sub", "url": "x/", "children": [_Page("a/b/", "B")]}]
    context = {"page": page, "nav": nav, "config": {"site_name": "PMO"}}
    adopted = _theme(adopted=True)
    assert type(adopted) is jinjaenv.Environment
    assert "_ga1" in adopted.compile(THEME["toc.html"], raw=True)  # (compiled our way)
    expected = _theme(adopted=False).get_template("main.html").render(context)
    assert adopted.get_template("main.html").render(context) == expected
    assert "class=active" in expected and "&lt;b&gt;bold" in expected


def test_a_template_compiled_before_adoption_still_renders() -> None:
    env = _theme(adopted=False)
    before = env.get_template("toc.html")
    jinjaenv.adopt(env)
    assert before.render(page=_Page("", "T")) == "<a href='#one'>One</a><a href='#two'><Two></a>"


def test_other_kinds_of_environment_are_not_adopted() -> None:
    class Own(jinja2.Environment):
        pass

    from jinja2.sandbox import SandboxedEnvironment
    for env in (SandboxedEnvironment(), Own(), jinja2.Environment(enable_async=True)):
        kind = type(env)
        assert jinjaenv.adopt(env) is env and type(env) is kind
