"""`pretty_json` writes exactly what `json.dumps(value, indent=2, ensure_ascii=False)` does."""

from __future__ import annotations

import json
from collections import OrderedDict
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from generator.jsontext import pretty_json

_SCALARS = (st.none() | st.booleans() | st.integers() | st.text()
            | st.floats(allow_nan=True, allow_infinity=True))
_VALUES = st.recursive(
    _SCALARS,
    lambda inner: (st.lists(inner, max_size=5) | st.tuples(inner, inner)
                   | st.dictionaries(st.text(), inner, max_size=5)),
    max_leaves=40)


def _dumps(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


@given(_VALUES)
def test_any_plain_value_is_written_as_json_writes_it(value: Any) -> None:
    assert pretty_json(value) == _dumps(value)


def test_the_awkward_cases_are_written_as_json_writes_them() -> None:
    value = {"": [], "e": {}, "q": 'say "hi"\n\t\\ \u2028 é 😀 \x00', "n": [None, True, False],
             "f": [0.0, -0.0, 1e300, 1.5, float("inf"), float("-inf")], "i": [0, -1, 10**30],
             "t": (1, "two"), "deep": [[[{"a": [{}]}]]]}
    text = pretty_json(value)
    assert text == _dumps(value)
    assert '"q": "say \\"hi\\"\\n\\t\\\\ \u2028 é 😀 \\u0000"' in text  # (non-ASCII kept)
    assert "NaN" in pretty_json([float("nan")])


@pytest.mark.parametrize("value", [
    {1: "a", None: "b", 2.5: "c", False: "d"},   # keys json turns into text
    OrderedDict(a=1), [type("Str", (str,), {})("x")], {"a": type("Int", (int,), {})(3)},
])
def test_what_it_does_not_write_itself_json_writes(value: Any) -> None:
    assert pretty_json(value) == _dumps(value)


def test_what_json_cannot_write_raises_as_json_raises() -> None:
    with pytest.raises(TypeError, match="not JSON serializable"):
        pretty_json({"a": [object()]})
    looped: list[Any] = []
    looped.append(looped)
    with pytest.raises(ValueError, match="Circular reference"):
        pretty_json(looped)
