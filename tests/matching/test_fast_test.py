"""The quick per-value tests a body walk uses must never be more lenient than the rules."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.matching.json_body import compare_json
from accord.matching.values import CHECKS, fast_test, rule_name
from accord.model.rules import Rule, RuleList

RULES: list[Rule] = [
    {"match": "type"},
    {"match": "type", "min": 1},
    {"match": "equality"},
    {"match": "integer"},
    {"match": "decimal"},
    {"match": "number"},
    {"match": "boolean"},
    {"match": "null"},
    {"match": "include", "value": "ab"},
    {"match": "regex", "regex": r"[a-z]+\d?"},
    {"match": "regex", "regex": r"(a|b)*c"},
    {"match": "date", "format": "yyyy-MM-dd"},
    {"match": "time", "format": "HH:mm:ss"},
    {"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ss"},
    {"match": "date"},
    {"match": "timestamp"},
    {"match": "values"},
]

scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 5),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(["", "ab", "abc1", "c", "abac", "2024-05-17", "23:59:60", "10:00:00"]),
    st.sampled_from(["2024-05-17T10:00:00", "2024-02-31", "2024-13-01T00:00:00", "x1"]),
    st.text(max_size=4),
)
values = st.one_of(
    scalars,
    st.lists(scalars, max_size=2),
    st.dictionaries(st.text(max_size=1), scalars, max_size=2),
)


def _check(rule: Rule) -> tuple[Any, Rule]:
    return CHECKS[rule_name(rule)], rule


@settings(max_examples=400, deadline=None)
@given(
    rules=st.lists(st.sampled_from(RULES), min_size=1, max_size=3),
    combine=st.sampled_from(["AND", "OR"]),
    expected=values,
    actual=values,
)
def test_a_quick_pass_means_the_full_checks_pass(
    rules: list[Rule], combine: str, expected: Any, actual: Any
) -> None:
    test = fast_test([_check(rule) for rule in rules], combine)
    if test is None or not test(expected, actual):
        return  # the full checks decide; nothing to prove
    failures = [CHECKS[rule_name(r)](r, expected, actual, False) for r in rules]
    if combine == "OR":
        assert any(f is None for f in failures), (rules, expected, actual, failures)
    else:
        assert all(f is None for f in failures), (rules, expected, actual, failures)


@pytest.mark.parametrize(
    ("rule", "expected", "actual"),
    [
        ({"match": "integer"}, 1, True),  # bool is not an integer in JSON
        ({"match": "number"}, 1, False),
        ({"match": "equality"}, 1, True),
        ({"match": "equality"}, {"a": 1}, {"a": True}),
        ({"match": "type"}, [1], ["x", "y"]),
        ({"match": "regex", "regex": "a+"}, "a", 5),
        ({"match": "date", "format": "yyyy-MM-dd"}, "2024-01-01", "2024-13-01"),
    ],
)
def test_values_that_fail_still_fail_inside_a_body(rule: Rule, expected: Any, actual: Any) -> None:
    rules = {"$.v": RuleList([rule])}
    if rule["match"] == "type":
        rules = {"$.v": RuleList([{"match": "type", "max": 1}])}
    mismatches = compare_json({"v": expected}, {"v": actual}, rules, allow_unexpected_keys=True)
    assert mismatches, "the value should fail"
    assert all(m.path.startswith("$.v") for m in mismatches), mismatches


def test_a_list_of_ruled_items_names_the_failing_index() -> None:
    rules = {
        "$.ids": RuleList([{"match": "type", "min": 1}]),
        "$.ids[*]": RuleList([{"match": "integer"}]),
    }
    mismatches = compare_json(
        {"ids": [1]}, {"ids": [1, 2, "3", 4]}, rules, allow_unexpected_keys=True
    )
    assert [m.path for m in mismatches] == ["$.ids[2]"]
    assert "to be an integer" in mismatches[0].message
