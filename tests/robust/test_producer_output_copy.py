"""Producer output is checked as JSON without copying what is already plain JSON."""

from __future__ import annotations

from accord.provider.producers import json_value


def test_plain_json_comes_back_as_the_same_objects() -> None:
    value = {"items": [{"id": 1, "tags": ["a"]}], "name": "x"}
    assert json_value(value) is value


def test_only_what_changes_is_copied() -> None:
    inner = {"id": 1}
    value = {"pair": (1, 2), "inner": inner, "list": [inner, (3,)]}
    out = json_value(value)
    assert out == {"pair": [1, 2], "inner": {"id": 1}, "list": [{"id": 1}, [3]]}
    assert out is not value and value["pair"] == (1, 2), "the producer's own value is untouched"
    assert out["inner"] is inner
