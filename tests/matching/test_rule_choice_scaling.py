"""Choosing the rules for a value costs the same whatever the total number of rules.

Counted, not timed: every step of rule choice is one :meth:`_Branch.step` (three dictionary
look-ups at most), so the number of steps, and of trie branches they hand back, is the work.
A message is compared under its own rules, then under the same rules plus thousands of
others for places it does not have; the work to choose its rules must not change.
"""

from __future__ import annotations

from typing import Any

import pytest

from accord.errors import RuleError
from accord.matching import rule_index
from accord.matching.json_body import JsonComparison, compare_json
from accord.matching.rule_check import check_rule, check_rules
from accord.model.rules import MatchingRules, RuleList

MESSAGE: dict[str, Any] = {
    "order": {
        "id": 12,
        "lines": [{"sku": "A-1", "qty": 2}, {"sku": "B-2", "qty": 1}],
        "customer": {"name": "Ada", "tags": ["vip"]},
    }
}

OWN_RULES = {
    "$.order.id": RuleList([{"match": "integer"}]),
    "$.order.lines": RuleList([{"match": "type", "min": 1}]),
    "$.order.lines[*].sku": RuleList([{"match": "regex", "regex": "[A-Z]-[0-9]"}]),
    "$.order.customer.*": RuleList([{"match": "type"}]),
}


def _unrelated(count: int) -> dict[str, RuleList]:
    """Rules for places the message does not have: siblings, cousins and deeper paths."""
    out: dict[str, RuleList] = {}
    for n in range(count):
        out[f"$.field{n}"] = RuleList([{"match": "type"}])
        out[f"$.order.extra{n}"] = RuleList([{"match": "integer"}])
        out[f"$.order.lines[*].note{n}"] = RuleList([{"match": "type"}])
        out[f"$.order.customer.address.line{n}"] = RuleList([{"match": "type"}])
    return out


def _work(rules: dict[str, RuleList], monkeypatch: pytest.MonkeyPatch) -> tuple[int, int]:
    """(steps, branches handed back) to compare MESSAGE with itself under ``rules``."""
    counts = [0, 0]
    original = rule_index._Branch.step

    def counted(self: rule_index._Branch, segment: str | int) -> list[rule_index._Branch]:
        found = original(self, segment)
        counts[0] += 1
        counts[1] += len(found)
        return found

    with monkeypatch.context() as patch:
        patch.setattr(rule_index._Branch, "step", counted)
        index = rule_index.RuleIndex(rules)  # a fresh index: nothing cached from before
        assert not JsonComparison(index, allow_unexpected_keys=True).compare(MESSAGE, MESSAGE)
    return counts[0], counts[1]


def test_rule_choice_work_does_not_grow_with_the_number_of_rules(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    alone = _work(OWN_RULES, monkeypatch)
    assert alone[0] > 0
    for extra in (10, 1_000, 10_000):
        rules = {**_unrelated(extra), **OWN_RULES}
        assert len(rules) == 4 * extra + len(OWN_RULES)
        assert _work(rules, monkeypatch) == alone, f"with {len(rules)} rules"


def test_the_message_rules_still_apply_among_thousands(monkeypatch: pytest.MonkeyPatch) -> None:
    rules = {**_unrelated(1_000), **OWN_RULES}
    wrong = {"order": {**MESSAGE["order"], "id": "12"}}
    wrong["order"]["lines"] = [{"sku": "a1", "qty": 2}]
    found = {
        m.path: m.message for m in compare_json(MESSAGE, wrong, rules, allow_unexpected_keys=True)
    }
    assert set(found) == {"$.order.id", "$.order.lines[0].sku"}


# -- the caches of rule checks and rule indexes key on exact values ---------------------------


def test_a_rule_equal_under_python_equality_is_still_checked() -> None:
    good = MatchingRules()
    good.add("body", "$.a", [{"match": "type", "min": 1}])
    check_rules(good)
    check_rules(good)  # remembered: passes again without a new check
    bad = MatchingRules()
    bad.add("body", "$.a", [{"match": "type", "min": True}])  # True == 1, but not a number
    assert bad.categories == good.categories  # Python cannot tell them apart...
    with pytest.raises(RuleError, match="whole number"):
        check_rules(bad)  # ...the cache can


def test_a_broken_rule_fails_every_time() -> None:
    bad = MatchingRules()
    bad.add("body", "$.a", [{"match": "no-such-matcher"}])
    for _ in range(2):
        with pytest.raises(RuleError, match="unknown matcher"):
            check_rules(bad)
    with pytest.raises(RuleError, match="unknown matcher"):
        check_rule({"match": "no-such-matcher"}, "$.a")


def test_indexes_for_rules_that_differ_only_in_type_are_not_shared() -> None:
    as_int = {"$.n": RuleList([{"match": "include", "value": 1}])}
    as_bool = {"$.n": RuleList([{"match": "include", "value": True}])}
    assert compare_json({"n": "x1"}, {"n": "x1"}, as_int, allow_unexpected_keys=True) == []
    failures = compare_json({"n": "x1"}, {"n": "x1"}, as_bool, allow_unexpected_keys=True)
    assert [m.message for m in failures] == ["Expected 'x1' to include 'True'"]
