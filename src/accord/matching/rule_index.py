"""Choosing the rule list that governs one value, fast enough for 10,000-item bodies.

Rules are chosen per location by weight (see :mod:`accord.matching.path`). A comparison walks
the body with a :class:`RuleNode` beside each value: a node knows the rules for its location
and hands out child nodes, each chosen once and cached. When no expression names a concrete
index, every item of a list shares one child node, so a list of 10,000 items costs one rule
choice per distinct shape, not one per item.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from accord.matching.path import Location, Token, parse_path, weight
from accord.matching.values import CHECKS, rule_name
from accord.model.rules import Rule, RuleList

Check = tuple[Callable[[Rule, Any, Any, bool], str | None], Rule]


class RuleNode:
    """The rules at one location, and the way to the locations below it."""

    __slots__ = ("_children", "_index", "checks", "combine", "exact", "location", "rules")

    def __init__(self, index: RuleIndex, location: Location) -> None:
        self._index = index
        self._children: dict[str | int, RuleNode] = {}
        self.location = location
        self.rules, self.exact = index.select(location)
        self.combine = self.rules.combine if self.rules is not None else "AND"
        self.checks: list[Check] = []
        if self.rules is not None:
            for rule in self.rules.rules:
                checker = CHECKS.get(rule_name(rule))
                if checker is not None:
                    self.checks.append((checker, rule))

    def child(self, segment: str | int) -> RuleNode:
        if isinstance(segment, int) and not self._index.index_sensitive:
            segment = -1
        node = self._children.get(segment)
        if node is None:
            node = RuleNode(self._index, (*self.location, segment))
            self._children[segment] = node
        return node

    def failures(self, expected: Any, actual: Any, coerce: bool = False) -> list[str]:
        """Apply this location's rules (with their ``combine``) to one value."""
        found = []
        for checker, rule in self.checks:
            failure = checker(rule, expected, actual, coerce)
            if failure is None:
                if self.combine == "OR":
                    return []
            else:
                found.append(failure)
        return found


class RuleIndex:
    """The body rules of one part, parsed once."""

    __slots__ = ("_compiled", "index_sensitive")

    def __init__(self, rules: dict[str, RuleList] | None) -> None:
        self._compiled: list[tuple[tuple[Token, ...], RuleList]] = [
            (parse_path(expression), rule_list)
            for expression, rule_list in (rules or {}).items()
            if expression.startswith("$")  # other keys (``column:1``) belong to plugins
        ]
        self.index_sensitive = any(
            isinstance(token, int) for tokens, _ in self._compiled for token in tokens
        )

    def __bool__(self) -> bool:
        return bool(self._compiled)

    def root(self) -> RuleNode:
        return RuleNode(self, ("$",))

    def select(self, location: Location) -> tuple[RuleList | None, bool]:
        """The best rule list for ``location`` and whether it sits exactly on it.

        Returns ``(None, False)`` when no expression matches ``location`` or a parent.
        """
        best: RuleList | None = None
        best_score = 0
        exact = False
        for tokens, rule_list in self._compiled:
            w = weight(tokens, location)
            score = w * len(tokens)
            if w and score > best_score:
                best, best_score, exact = rule_list, score, len(tokens) == len(location)
        return best, exact

    def lookup(self, location: Location) -> tuple[RuleList | None, bool]:
        """Uncached :meth:`select` with indices normalised (for occasional callers)."""
        if not self.index_sensitive:
            location = tuple(-1 if isinstance(s, int) else s for s in location)
        return self.select(location)
