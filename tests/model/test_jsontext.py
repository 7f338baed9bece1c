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


def test_reused_blocks_give_the_same_text() -> None:
    block = {"body": {"$.a": {"combine": "AND", "matchers": [{"match": "type"}]}}}
    doc = {
        "interactions": [
            {"matchingRules": block, "n": 1.5, "x": float("-inf")},
            {"matchingRules": json.loads(json.dumps(block)), "n": float("nan")},
            {"matchingRules": {"body": {"$.a": {"combine": "AND", "matchers": [1, 1.0, True]}}}},
            {"nested": {"matchingRules": block}, "generators": {"a": [b"x".decode()]}},
        ],
        "matchingRules": block,
    }
    keys = ("matchingRules", "generators")
    expected = json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
    assert dumps_pretty(doc, reuse=keys) == expected
    assert dumps_pretty(doc, reuse=keys) == dumps_pretty(doc)


@settings(max_examples=200)
@given(JSON)
def test_same_text_when_reusing_every_key(value: Any) -> None:
    keys = ["", "a", "b", "matchingRules"]
    wrapped = {"a": value, "b": [value, {"a": value}], "matchingRules": value}
    expected = json.dumps(wrapped, indent=2, sort_keys=True, ensure_ascii=False)
    assert dumps_pretty(wrapped, reuse=keys) == expected


@settings(max_examples=200)
@given(st.dictionaries(st.sampled_from(["a", "interactions", "z", "x y"]), JSON, max_size=4))
def test_chunks_join_to_the_same_text(doc: dict[str, Any]) -> None:
    from accord.model.jsontext import pretty_chunks

    for spread in ("interactions", "a"):
        chunks = list(pretty_chunks(doc, spread=spread, reuse=["interactions", "a"]))
        assert "".join(chunks) == dumps_pretty(doc)


def test_chunks_split_the_array_item_by_item() -> None:
    from accord.model.jsontext import pretty_chunks

    doc = {"a": {"interactions": []}, "interactions": [{"b": 1}, [2], '\n  "interactions": []']}
    chunks = list(pretty_chunks(doc, spread="interactions"))
    assert len(chunks) == 5
    assert "".join(chunks) == json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False)
    assert list(pretty_chunks([1], spread="interactions")) == ["[\n  1\n]"]
