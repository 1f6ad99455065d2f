"""A jinja2 environment that reads a dict's key, `{{ row.title }}`, without raising first,
writes what `{{ value }}` prints without making it `Markup` first, and calls a macro
without asking it whether it wants the context (`_Context`).

Jinja compiles `a.b` to `environment.getattr(a, "b")`, which tries Python's `getattr` and,
when that raises AttributeError, the item `a["b"]`. Our templates read dicts that way
(the values of a page, a diagram's geometry): at 1,000 projects a build read 1.3 million
dict keys so, each after an AttributeError raised and caught (0.39 µs a read against 0.05
µs). A plain `dict` has no attribute but its methods and no instance attributes, so for a
name that is not one of those the attribute cannot exist: reading the item first finds
exactly what Jinja would find, and where the key is missing Jinja's own way runs. Our
templates' code does that in line, without the call (and reads an attribute that is
there with the builtin `getattr`): 3 million reads of 1,000 projects' pages and diagrams
went from 0.20 µs (a dict's key) and 0.46 µs (an attribute) to about 0.1 µs.

With autoescape, Jinja compiles `{{ value }}` to `escape(value)`: a `Markup`, made by a
Python `__new__`, only to be joined into the template's output and dropped (3.9 million
of them for the pages and diagrams of 1,000 projects). `escaped_text` spells exactly what
`escape` spells, as the plain string the output is joined from (0.05 µs against 0.5 µs
for a short string). Only a value printed is written so: a filter, a macro's result and
`{% set %}` still give `Markup` where Jinja gives it.
"""

from __future__ import annotations

import re
from types import BuiltinFunctionType, FunctionType, MethodType
from typing import Any

import jinja2
import markupsafe
from jinja2 import nodes
from jinja2.compiler import CodeGenerator, Frame, optimizeconst
from jinja2.nodes import EvalContext, Expr
from jinja2.runtime import Context, Macro
from markupsafe import Markup

from generator.compilecache import CompileCache

_ESCAPE_INNER = getattr(markupsafe, "_escape_inner", None)
"""markupsafe's own escaping of a str, before it makes the `Markup` (markupsafe 3)."""
_ADDRESS = re.compile(r" at 0x[0-9a-fA-F]+")
"""How Python's default `repr` names an object's address."""
_DICT_NAMES = frozenset(dir(dict))
"""What `getattr` finds on any dict (`items`, `keys`, `__class__`, ...)."""


def escaped_text(value: Any) -> str:
    """`markupsafe.escape(value)`, as a plain `str` where `value` is one; a `Markup` as it
    is, and a number as its text (which has nothing to escape), where `escape` makes a new
    `Markup` of either (420,000 of the values 1,000 projects' templates print)."""
    kind = type(value)
    if kind is str and _ESCAPE_INNER is not None:
        return _ESCAPE_INNER(value)  # type: ignore[no-any-return]
    if kind is markupsafe.Markup:
        return value  # type: ignore[no-any-return]
    if kind is int or kind is float:
        return str(value)
    return markupsafe.escape(value)


class _CodeGenerator(CodeGenerator):
    """Jinja's code, but `{{ value }}` with autoescape on prints `escaped_text(value)`,
    and `a.b` reads the attribute or key in line where it can (`visit_Getattr`)."""

    _reads = 0
    """`a.b` read in line so far in this template (each names its own temporaries)."""

    def _output_child_pre(self, node: Expr, frame: Frame, finalize: Any) -> None:
        if frame.eval_ctx.autoescape and not frame.eval_ctx.volatile and finalize.src is None:
            self.write("environment.escaped_text(")
        else:
            super()._output_child_pre(node, frame, finalize)

    @optimizeconst
    def visit_Getattr(self, node: nodes.Getattr, frame: Frame) -> None:
        """`a.b` as `Environment.getattr` reads it, the common cases in line: a dict's
        key (for a name no dict has as an attribute), else an attribute that is there;
        anything else (a missing key or attribute, an item of another kind, undefined)
        goes to `Environment.getattr`, which gives what Jinja gives. Each read names its
        own temporaries (`_ga<n>`), which no template name can be (Jinja prefixes
        those)."""
        name = node.attr
        if self.environment.is_async or name in _DICT_NAMES:
            super().visit_Getattr(node, frame)
            return
        self._reads += 1
        obj, value, key = f"_ga{self._reads}", f"_gv{self._reads}", repr(name)
        self.write(f"({obj}[{key}] if type({obj} := ")
        self.visit(node.node, frame)
        self.write(f") is dict and {key} in {obj} else {value} "
                   f"if ({value} := getattr({obj}, {key}, missing)) is not missing "
                   f"else environment.getattr({obj}, {key}))")


class _Context(Context):
    """Jinja's context, calling a macro, a plain function or method or a builtin without
    asking it twice whether it wants the context passed (each question an AttributeError
    raised and caught: 1.2 µs of a macro call's 2.3 µs). A macro and a builtin never
    want it; a function (or a method's function) wants it only where `pass_context` and
    its kin set `jinja_pass_arg` in its `__dict__`, where Jinja finds it. Anything else
    goes Jinja's way."""

    def call(self, obj: Any, /, *args: Any, **kwargs: Any) -> Any:
        kind = type(obj)
        function = obj.__func__ if kind is MethodType else obj
        if not (kind is Macro or kind is BuiltinFunctionType
                or (type(function) is FunctionType and "jinja_pass_arg" not in function.__dict__)):
            return super().call(obj, *args, **kwargs)
        kwargs.pop("_block_vars", None)
        kwargs.pop("_loop_vars", None)
        try:
            if kind is Macro and not kwargs and _plainly_called(obj, args):
                # What `Macro.__call__` ends in when its arguments need no sorting out.
                made = obj._func(*args)
                return Markup(made) if obj._default_autoescape else made
            return obj(*args, **kwargs)
        except StopIteration:
            return self.environment.undefined(
                "value was undefined because a callable raised a StopIteration exception")


def _plainly_called(macro: Macro, args: tuple[Any, ...]) -> bool:
    """Whether `macro(*args)` is its function called with `args`, as its result, made
    `Markup` where the macro's environment autoescapes: one value for each of its
    parameters, none for `caller`, `kwargs` or `varargs`, no evaluation context first.
    `Macro.__call__` sorts arguments out in Python (2.7 µs of a 4.6 µs call): 308,000
    macro calls of 1,000 projects' pages and diagrams are all called so."""
    return (len(args) == macro._argument_count
            and not (macro.caller or macro.catch_kwargs or macro.catch_varargs
                     or macro._environment.is_async)
            and not (args and isinstance(args[0], EvalContext)))


class Precompiled(jinja2.BytecodeCache):
    """Templates as compiled bytecode, by template file and environment (two environments
    with other options compile one file differently): what `precompile` made in another
    process, what is compiled here, and what an earlier command kept (`KEPT`, see
    `compilecache`). Jinja loads a template's bytecode only if its source is the same (it
    compares a checksum), and compiles it otherwise."""

    def __init__(self, codes: dict[str, bytes] | None = None) -> None:
        self.codes = codes if codes is not None else {}

    def get_bucket(self, environment: jinja2.Environment, name: str, filename: str | None,
                   source: str) -> jinja2.bccache.Bucket:
        key = f"{_options(environment)}\0{filename}\0{name}"
        bucket = jinja2.bccache.Bucket(environment, key, self.get_source_checksum(source))
        self.load_bytecode(bucket)
        return bucket

    def load_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes.get(bucket.key)
        if code is None:
            code = KEPT.read(bucket.key)
        if code is not None:
            bucket.bytecode_from_string(code)  # (unless its source's checksum differs)

    def dump_bytecode(self, bucket: jinja2.bccache.Bucket) -> None:
        code = self.codes[bucket.key] = bucket.bytecode_to_string()
        if not _ADDRESS.search(bucket.key):
            KEPT.write(bucket.key, code)


KEPT = CompileCache("templates", keep=2000)
"""Templates compiled by earlier commands, by the key `Precompiled` gives them. A key that
names an object's address (see `_function`) is another in every process: its templates
are not kept at all."""


def _options(env: jinja2.Environment) -> str:
    """What a template's compiled code depends on, of its environment: its syntax and
    options, and its filters and tests, which Jinja may call while it compiles (it folds
    `{{ "red"|status_class }}` into its result)."""
    return repr((type(env).__qualname__, env.code_generator_class.__qualname__,
                 env.block_start_string, env.block_end_string, env.variable_start_string,
                 env.variable_end_string, env.comment_start_string, env.comment_end_string,
                 env.line_statement_prefix, env.line_comment_prefix, env.trim_blocks,
                 env.lstrip_blocks, env.newline_sequence, env.keep_trailing_newline,
                 _function(env.autoescape), env.optimized, env.is_async,
                 sorted(env.extensions), _function(env.finalize),
                 sorted(env.policies.items(), key=str),
                 sorted((name, _function(f)) for name, f in env.filters.items()),
                 sorted((name, _function(f)) for name, f in env.tests.items())))


def _function(function: Any, depth: int = 3) -> Any:
    """What tells one filter (or test, or option) from another: where it is defined, how
    Jinja calls it, and what it closes over (`status_class` over the site's scale; a
    function closed over, as Jinja's async-aware filters close over their plain one, is
    told the same way, a few levels deep). A value whose text names an object's address
    differs from process to process: its templates are compiled again there, never
    shared wrongly (nor kept: see `KEPT`)."""
    if not callable(function) or depth == 0:
        return repr(function)
    cells = []
    for cell in getattr(function, "__closure__", None) or ():
        try:
            contents = cell.cell_contents
        except ValueError:  # (an empty cell)
            cells.append("")
            continue
        cells.append(_function(contents, depth - 1) if isinstance(contents, FunctionType)
                     else repr(contents))
    return (getattr(function, "__module__", ""),
            getattr(function, "__qualname__", repr(function)),
            repr(getattr(function, "jinja_pass_arg", None)), cells)


PRECOMPILED = Precompiled()
"""The bytecode every `Environment` made here shares (see `use_precompiled`)."""


def use_precompiled(codes: dict[str, bytes]) -> None:
    """Templates another process compiled (`templating.precompile`), for every environment
    to load instead of compiling them again."""
    PRECOMPILED.codes.update(codes)


class Environment(jinja2.Environment):
    """`jinja2.Environment`, reading a plain dict's keys without trying an attribute,
    printing escaped text without making `Markup` of it, and calling macros, functions
    and builtins directly. Templates are compiled once in a process, and may be compiled
    by another (`PRECOMPILED`)."""

    code_generator_class = _CodeGenerator
    context_class = _Context
    escaped_text = staticmethod(escaped_text)

    def __init__(self, **options: Any) -> None:
        options.setdefault("bytecode_cache", PRECOMPILED)
        super().__init__(**options)

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and type(attribute) is str and attribute not in _DICT_NAMES:
            try:
                return obj[attribute]
            except KeyError:
                pass  # (Jinja's way, to the same undefined)
        return super().getattr(obj, attribute)


def adopt(env: jinja2.Environment) -> jinja2.Environment:
    """`env`, a plain `jinja2.Environment` made elsewhere (the theme's, which MkDocs makes),
    made an `Environment`: the templates it compiles from now on read, print and call as
    ours do, and give the same text (a template it compiled already runs as it did). The
    MkDocs theme rendered 1,500 pages in 0.44 s instead of 0.51 s. Any other kind (a
    sandbox, an async or a theme's own subclass) is left as it is."""
    if type(env) is jinja2.Environment and not env.is_async:
        env.__class__ = Environment
        if env.bytecode_cache is None:
            env.bytecode_cache = PRECOMPILED
    return env
