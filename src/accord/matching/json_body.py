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
from accord.matching.deadline import check_deadline
from accord.matching.mismatch import Mismatch, format_path, show, show_typed
from accord.matching.path import Location
from accord.matching.rule_index import (
    COLLECTION_RULES,
    RuleIndex,
    RuleNode,
    forget_oldest,
    rules_text,
)
from accord.matching.values import check, check_all, check_size, json_equal
from accord.model.rules import Rule, RuleList, json_fingerprint, shared_fingerprint

_ABSENT = object()


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
        check_deadline()  # the verifier's timeout covers matching too
        node = node or self.rules.root()
        kind = type(expected)
        if kind is dict or (kind is not list and isinstance(expected, dict)):
            self._map(expected, actual, location, node)
        elif kind is list or isinstance(expected, list):
            self._list(expected, actual, location, node)
        else:
            self._leaf(expected, actual, location, node)
        return self.mismatches

    # -- leaves --------------------------------------------------------------------------

    def _leaf(self, expected: Any, actual: Any, location: Location, node: RuleNode) -> None:
        check_deadline()  # a ruled leaf may run a regex; plain equal leaves never get here
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
        test = node.test_each
        if test is not None and test(expected, actual):
            pass  # every rule here passes at a glance; the keys are walked as usual
        elif rule_list is not None and not node.only_equality:
            for name, rule in zip(node.names, rule_list.rules, strict=True):
                if name in ("values", "eachValue") and not node.exact:
                    # As in the Rust core, a values matcher governs only the map it names;
                    # cascaded to the maps below, their keys are compared as usual.
                    continue
                if name == "values":
                    walk_keys = False
                    self._each_value_like(expected, actual, location, node, None)
                elif name == "eachValue":
                    walk_keys = False
                    self._each_value_like(expected, actual, location, node, rule)
                elif name == "eachKey":
                    walk_keys = False
                    self._each_key(rule, actual, location)
                elif name not in COLLECTION_RULES:
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
        if expected.keys() <= actual.keys():  # a subset test in C
            missing: list[str] = []
        else:
            missing = [key for key in expected if key not in actual]
        extra = (
            [key for key in actual if key not in expected]
            if len(actual) > len(expected) - len(missing)
            else []
        )
        if missing:
            # Name the keys, not two lists to diff; an extra key is often the same field
            # renamed, so mention it even where extra keys are allowed.
            message = f"missing {_keys_text(missing)}"
            if extra:
                message += f" (received {'unexpected ' if not self.allow_unexpected_keys else ''}"
                message += f"{_keys_text(extra)} instead: renamed?)"
            # The reference's wording follows, so tools that look for it still find it.
            message += f"; {_key_lists(expected, actual)}"
            self.fail(location, message, expected, actual)
        elif extra and not self.allow_unexpected_keys:
            if not expected:
                message = f"Expected an empty Map but received {show(actual)}"
            else:
                message = f"unexpected {_keys_text(extra)}; {_key_lists(expected, actual)}"
            self.fail(location, message, expected, actual)
        check_deadline()  # per map: the walk below calls _map/_list/_leaf without compare()
        children = node.children
        for key, value in expected.items():
            got = actual.get(key, _ABSENT)
            if got is _ABSENT:
                continue
            child = children.get(key) or node.child(key)
            kind = type(value)
            if kind is dict:
                self._map(value, got, (*location, key), child)
            elif kind is list:
                self._list(value, got, (*location, key), child)
            elif child.rules is None:  # a plain leaf, the most common value: inline
                if (type(got) is not kind or got != value) and not json_equal(value, got):
                    self._leaf(value, got, (*location, key), child)
            else:  # a ruled leaf: the quick test settles nearly all of them
                test = child.test
                if test is None or not test(value, got):
                    self._leaf(value, got, (*location, key), child)

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
        if rule_list is None or node.only_equality:
            self._strict_list(expected, actual, location, node)
            return
        walk_items = True
        for name, rule in zip(node.names, rule_list.rules, strict=True):
            if name == "arrayContains":
                walk_items = False
                self._array_contains(rule, expected, actual, location)
            elif name == "eachValue":
                walk_items = False
                template = expected[0] if expected else None
                for index, item in enumerate(actual):
                    for failure in check_all(rule.get("rules") or [], "AND", template, item):
                        self.fail((*location, index), failure, template, item)
            elif name not in COLLECTION_RULES and node.exact:
                # A rule inherited from a parent reaches the items, not the list itself:
                # min/max bind only the list the rule names.
                problem = (
                    check_size(rule, actual) if name == "type" else check(rule, expected, actual)
                )
                if problem:
                    self.fail(location, problem, expected, actual)
        if walk_items and expected:
            self._items(expected, actual, location, node)

    def _items(
        self, expected: list[Any], actual: list[Any], location: Location, node: RuleNode
    ) -> None:
        """Each actual item against the expected one at its index (the first past the end)."""
        check_deadline()  # per list: items are walked below without compare()
        first = expected[0]
        size = len(expected)
        shared = None if self.rules.index_sensitive else node.child(0)
        for index, item in enumerate(actual):
            example = expected[index] if index < size else first
            child = shared or node.child(index)
            kind = type(example)
            if kind is dict:
                self._map(example, item, (*location, index), child)
            elif kind is list:
                self._list(example, item, (*location, index), child)
            elif child.rules is None:
                if (type(item) is not kind or item != example) and not json_equal(example, item):
                    self._leaf(example, item, (*location, index), child)
            else:
                test = child.test
                if test is None or not test(example, item):
                    self._leaf(example, item, (*location, index), child)

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
            variant_rules = _variant_index(variant.get("rules") or {})
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
        if node.rules is not None and not node.only_equality:
            failures = node.failures(expected, actual)
        if not failures:
            failures = [
                f"Type mismatch: Expected {show_typed(actual)} to be the same type as "
                f"{show_typed(expected)}"
            ]
        for failure in failures:
            self.fail(location, failure, expected, actual)


def _keys_text(keys: list[str]) -> str:
    """``key 'a'`` or ``keys 'a', 'b'``."""
    shown = ", ".join(f"'{key}'" for key in keys[:5])
    more = f" and {len(keys) - 5} more" if len(keys) > 5 else ""
    return f"key{'s' if len(keys) > 1 else ''} {shown}{more}"


def _variant_index(raw: dict[str, Any]) -> RuleIndex:
    """The index of an ``arrayContains`` variant's rules, found by their raw JSON.

    Every message of a pact carries the same variants: keying on the raw rules skips
    turning them into rule lists again just to find the index already made for them.
    """
    fingerprint = json_fingerprint(raw)
    if fingerprint is None:
        return shared_index(_rule_lists(raw))
    key = b"\0variant:" + fingerprint
    index = _INDEXES.get(key)
    if index is None:
        index = shared_index(_rule_lists(raw))
        if len(_INDEXES) >= _INDEXES_KEPT:
            forget_oldest(_INDEXES)
        _INDEXES[key] = index
    return index


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
        shared_index(rules), allow_unexpected_keys=allow_unexpected_keys, kind=kind
    )
    return comparison.compare(expected, actual)


_INDEXES: dict[bytes, RuleIndex] = {}
_INDEXES_KEPT = 256


def shared_index(rules: dict[str, RuleList] | None) -> RuleIndex:
    """One :class:`RuleIndex` (and its cache of rule choices) per distinct set of rules.

    A pact's messages usually share their shape and rules; sharing the index lets the
    thousandth message reuse every rule choice the first one made.
    """
    if not rules:
        return RuleIndex(rules)
    key = shared_fingerprint(rules) or rules_text(
        [(path, rule_list.combine, rule_list.rules) for path, rule_list in rules.items()]
    )
    index = _INDEXES.get(key)
    if index is None:
        if len(_INDEXES) >= _INDEXES_KEPT:
            forget_oldest(_INDEXES)
        index = _INDEXES[key] = RuleIndex(rules)
    return index


def _key_lists(expected: dict[str, Any], actual: dict[str, Any]) -> str:
    """The Rust core's wording for a key mismatch (the compatibility suite checks it)."""
    return (
        f"Expected a Map with keys [{', '.join(sorted(expected))}] "
        f"but received one with keys [{', '.join(sorted(actual))}]"
    )
