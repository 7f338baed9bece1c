"""A header sent on several lines: its matching rules apply to each value."""

from __future__ import annotations

from accord.matching.http import compare_headers
from accord.model.read import At, parse_matching_rules

RULES = parse_matching_rules(
    {"header": {"X-Test": {"matchers": [{"match": "regex", "regex": r"\d{1,4}"}]}}}, At("test")
)


def test_every_value_of_a_repeated_header_is_checked() -> None:
    expected = {"X-Test": ["1000"]}
    assert compare_headers(expected, {"x-test": ["1000", "1234", "9999"]}, RULES) == []
    (mismatch,) = compare_headers(expected, {"x-test": ["1000", "1234", "9999ABC"]}, RULES)
    assert mismatch.message == r"Expected '9999ABC' to match '\d{1,4}'"
    assert mismatch.path == "X-Test"
