"""The fast pretty writer gives exactly the standard library's text."""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.model.jsontext import dumps_pretty

JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=6), children, max_size=4)
    ),
    max_leaves=30,
)


@settings(max_examples=300)
@given(JSON)
def test_same_text_as_json_dumps(value: Any) -> None:
    assert dumps_pretty(value) == json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)


def test_non_finite_floats_and_unknown_types() -> None:
    assert dumps_pretty([float("nan"), float("inf")]) == "[\n  NaN,\n  Infinity\n]"
    with pytest.raises(TypeError, match="bytes"):
        dumps_pretty({"a": b"x"})
