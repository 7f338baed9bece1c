"""Structural comparison of JSON values under Pact's body rules.

Maps: expected keys must be present; unexpected keys are allowed for responses and messages
(Postel's law) but not for requests. Lists: same length and order, unless a ``type`` rule
with ``min``/``max`` governs the list, in which case every actual item is compared with the
expected item at its index, or with the first expected item past the end. Leaves: the best
rule (cascading from parents) or equality. ``values``, ``eachKey``, ``eachValue`` and
``arrayContains`` change how a collection is walked.
"""

from __future__ import annotations

import json
from typing import Any

from accord.errors import RuleError
from accord.matching.mismatch import Mismatch, format_path, show, show_typed
from accord.matching.path import Location
from accord.matching.rule_index import RuleIndex, RuleNode
from accord.matching.values import check, check_all, check_size, json_equal, rule_name
from accord.model.rules import Rule, RuleList

_COLLECTION_RULES = frozenset({"values", "eachKey", "eachValue", "arrayContains"})


def _only_equality(rule_list: RuleList) -> bool:
    return all(rule_name(rule) == "equality" for rule in rule_list.rules)


class JsonComparison:
    """One comparison run; collects mismatches as it walks both values in step.

    Each value is visited with its location (for messages) and its :class:`RuleNode` (for
    the rules), so the walk never searches the rules again for a shape it has seen.
    """

    __slots__ = ("allow_unexpected_keys", "kind", "mismatches", "rules")

    def __init__(self, rules: RuleIndex, *, allow_unexpected_keys: bool, kind: str = "body"):
        self.rules = rules
        self.allow_unexpected_keys = allow_unexpected_keys
        self.kind = kind
        self.mismatches: list[Mismatch] = []

    def fail(self, location: Location, message: str, expected: Any, actual: Any) -> None:
        self.mismatches.append(
            Mismatch(self.kind, format_path(location), message, expected, actual)
        )

    def compare(
        self,
        expected: Any,
        actual: Any,
        location: Location = ("$",),
        node: RuleNode | None = None,
    ) -> list[Mismatch]:
        node = node or self.rules.root()
        if isinstance(expected, dict):
            self._map(expected, actual, location, node)
        elif isinstance(expected, list):
            self._list(expected, actual, location, node)
        else:
            self._leaf(expected, actual, location, node)
        return self.mismatches

    # -- leaves --------------------------------------------------------------------------

    def _leaf(self, expected: Any, actual: Any, location: Location, node: RuleNode) -> None:
        if node.rules is None:
            if not json_equal(expected, actual):
                message = f"Expected {show_typed(actual)} to be equal to {show_typed(expected)}"
                self.fail(location, message, expected, actual)
            return
        try:
            failures = node.failures(expected, actual)
        except RuleError as exc:  # e.g. a value too long for a dangerous regex: say where
            raise exc.at(f"{self.kind} {format_path(location)}") from exc.__cause__
        for failure in failures:
            self.fail(location, failure, expected, actual)

    # -- maps ----------------------------------------------------------------------------

    def _map(
        self, expected: dict[str, Any], actual: Any, location: Location, node: RuleNode
    ) -> None:
        if not isinstance(actual, dict):
            self._type_mismatch(expected, actual, location, node)
            return
        rule_list = node.rules
        walk_keys = True
        if rule_list is not None and not _only_equality(rule_list):
            for rule in rule_list.rules:
                name = rule_name(rule)
                if name == "values":
                    walk_keys = False
                    self._each_value_like(expected, actual, location, node, None)
                elif name == "eachValue":
                    walk_keys = False
                    self._each_value_like(expected, actual, location, node, rule)
                elif name == "eachKey":
                    walk_keys = False
                    self._each_key(rule, actual, location)
                elif name not in _COLLECTION_RULES:
                    failure = check(rule, expected, actual)
                    if failure:
                        self.fail(location, failure, expected, actual)
        if walk_keys:
            self._keys(expected, actual, location, node)

    def _keys(
        self,
        expected: dict[str, Any],
        actual: dict[str, Any],
        location: Location,
        node: RuleNode,
    ) -> None:
        missing = [key for key in expected if key not in actual]
        unexpected = (
            [] if self.allow_unexpected_keys else [key for key in actual if key not in expected]
        )
        if missing or unexpected:
            if not expected and unexpected:
                message = f"Expected an empty Map but received {show(actual)}"
            else:
                message = (
                    f"Expected a Map with keys [{', '.join(sorted(expected))}] "
                    f"but received one with keys [{', '.join(sorted(actual))}]"
                )
            self.fail(location, message, expected, actual)
        for key, value in expected.items():
            if key in actual:
                self.compare(value, actual[key], (*location, key), node.child(key))

    def _each_value_like(
        self,
        expected: dict[str, Any],
        actual: dict[str, Any],
        location: Location,
        node: RuleNode,
        rule: Rule | None,
    ) -> None:
        template = next(iter(expected.values()), None)
        sub_rules = rule.get("rules") if rule else None
        for key, value in actual.items():
            child = (*location, key)
            example = expected.get(key, template)
            if sub_rules:
                for failure in check_all(sub_rules, "AND", example, value):
                    self.fail(child, failure, example, value)
            elif example is not None or key in expected:
                self.compare(example, value, child, node.child(key))

    def _each_key(self, rule: Rule, actual: dict[str, Any], location: Location) -> None:
        for key in actual:
            for failure in check_all(rule.get("rules") or [], "AND", None, key, coerce=True):
                self.fail((*location, key), failure, None, key)

    # -- lists ---------------------------------------------------------------------------

    def _list(self, expected: list[Any], actual: Any, location: Location, node: RuleNode) -> None:
        if not isinstance(actual, list):
            self._type_mismatch(expected, actual, location, node)
            return
        rule_list = node.rules
        if rule_list is None or _only_equality(rule_list):
            self._strict_list(expected, actual, location, node)
            return
        walk_items = True
        for rule in rule_list.rules:
            name = rule_name(rule)
            if name == "arrayContains":
                walk_items = False
                self._array_contains(rule, expected, actual, location)
            elif name == "eachValue":
                walk_items = False
                template = expected[0] if expected else None
                for index, item in enumerate(actual):
                    for failure in check_all(rule.get("rules") or [], "AND", template, item):
                        self.fail((*location, index), failure, template, item)
            elif name not in _COLLECTION_RULES and node.exact:
                # A rule inherited from a parent reaches the items, not the list itself:
                # min/max bind only the list the rule names.
                problem = (
                    check_size(rule, actual) if name == "type" else check(rule, expected, actual)
                )
                if problem:
                    self.fail(location, problem, expected, actual)
        if walk_items and expected:
            first = expected[0]
            size = len(expected)
            for index, item in enumerate(actual):
                example = expected[index] if index < size else first
                self.compare(example, item, (*location, index), node.child(index))

    def _strict_list(
        self, expected: list[Any], actual: list[Any], location: Location, node: RuleNode
    ) -> None:
        for index, example in enumerate(expected):
            if index < len(actual):
                self.compare(example, actual[index], (*location, index), node.child(index))
            else:
                self.fail(location, f"Expected {show(example)} but was missing", expected, actual)
        if len(actual) > len(expected):
            if not expected:
                message = f"Expected an empty List but received {show(actual)}"
            else:
                message = (
                    f"Expected a List with {len(expected)} elements but received "
                    f"{len(actual)} elements"
                )
            self.fail(location, message, expected, actual)

    def _array_contains(
        self, rule: Rule, expected: list[Any], actual: list[Any], location: Location
    ) -> None:
        for variant in rule.get("variants") or []:
            index = int(variant.get("index", 0))
            if index >= len(expected):
                continue
            example = expected[index]
            variant_rules = RuleIndex(_rule_lists(variant.get("rules") or {}))
            found = False
            for item in actual:
                probe = JsonComparison(
                    variant_rules, allow_unexpected_keys=self.allow_unexpected_keys, kind=self.kind
                )
                if not probe.compare(example, item):
                    found = True
                    break
            if not found:
                compact = json.dumps(example, sort_keys=True, separators=(",", ":"))
                self.fail(
                    location,
                    f"Variant at index {index} ({compact}) was not found in the actual list",
                    example,
                    actual,
                )

    def _type_mismatch(
        self, expected: Any, actual: Any, location: Location, node: RuleNode
    ) -> None:
        """A collection was expected but something else came; a rule may explain it better."""
        failures = []
        if node.rules is not None and not _only_equality(node.rules):
            failures = node.failures(expected, actual)
        if not failures:
            failures = [
                f"Type mismatch: Expected {show_typed(actual)} to be the same type as "
                f"{show_typed(expected)}"
            ]
        for failure in failures:
            self.fail(location, failure, expected, actual)


def _rule_lists(raw: dict[str, Any]) -> dict[str, RuleList]:
    """Variant rules as written inside an ``arrayContains`` rule."""
    out: dict[str, RuleList] = {}
    for path, value in raw.items():
        if isinstance(value, dict) and "matchers" in value:
            out[path] = RuleList(list(value["matchers"]), str(value.get("combine", "AND")))
        elif isinstance(value, dict):
            out[path] = RuleList([value])
        elif isinstance(value, list):
            out[path] = RuleList(list(value))
    return out


def compare_json(
    expected: Any,
    actual: Any,
    rules: dict[str, RuleList] | None,
    *,
    allow_unexpected_keys: bool,
    kind: str = "body",
) -> list[Mismatch]:
    """Compare two JSON values under the body rules of one part."""
    comparison = JsonComparison(
        RuleIndex(rules), allow_unexpected_keys=allow_unexpected_keys, kind=kind
    )
    return comparison.compare(expected, actual)
