"""Choosing the rule list that governs one value, at a cost independent of the rule count.

Rules are chosen per location by weight (see :mod:`accord.matching.path`): of every
expression that matches the location or a prefix of it, the one with the largest weight
times length wins (the first written, on a tie). The expressions are kept in a trie of
their tokens, so finding the candidates for a location follows only the branches that can
match it (the exact name or index, ``*`` and ``[*]``), never the whole list of rules.

A comparison walks the body with a :class:`RuleNode` beside each value. A node remembers
the trie branches still alive at its location and the best rule so far, so a child's rules
cost one step from its parent's. Children are cached; when no expression names a concrete
index, every item of a list shares one child, so 10,000 items cost one rule choice per
distinct shape.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Any

from accord.matching.path import ANY_INDEX, STAR, Location, Token, parse_path
from accord.matching.values import CHECKS, Test, fast_test, rule_name
from accord.model.rules import Rule, RuleList, json_fingerprint

Check = tuple[Callable[[Rule, Any, Any, bool], str | None], Rule]

COLLECTION_RULES = frozenset({"values", "eachKey", "eachValue", "arrayContains"})
"""Rules that change how a map or list is walked, rather than judging its value."""

_NONE: tuple[int, int, RuleList | None, int] = (0, 0, None, 0)
"""(score, -order, rule list, expression length): no rule applies."""


def rules_text(rules: Any) -> bytes:
    """A cache key that is equal exactly when two sets of rules (plain JSON data) are.

    Serialised with :func:`~accord.model.rules.json_fingerprint`; data it cannot write
    falls back to ``repr``. Callers first try the fingerprint the reader recorded for rules
    read from a file (:func:`~accord.model.rules.shared_fingerprint`), which costs nothing.
    """
    return json_fingerprint(rules) or b"repr:" + repr(rules).encode("utf-8", "surrogatepass")


def forget_oldest(cache: dict[Any, Any]) -> None:
    """Drop the oldest entry of a bounded cache; another thread may be doing the same."""
    with contextlib.suppress(RuntimeError, StopIteration, KeyError):
        cache.pop(next(iter(cache)), None)


class _Branch:
    """One trie node: the rules of the expression ending here, and the tokens after it."""

    __slots__ = ("children", "depth", "order", "rules", "weight")

    def __init__(self, depth: int, weight: int) -> None:
        self.children: dict[Token, _Branch] = {}
        self.depth = depth
        self.weight = weight
        """The product of token weights on the way here (2 per exact token, 1 per wildcard)."""
        self.rules: RuleList | None = None
        self.order = 0

    def candidate(self) -> tuple[int, int, RuleList | None, int]:
        return (self.weight * self.depth, -self.order, self.rules, self.depth)

    def step(self, segment: str | int) -> list[_Branch]:
        """The branches that continue this one for one more location segment."""
        out: list[_Branch] = []
        children = self.children
        if not children:
            return out
        exact = children.get(segment)
        if exact is not None:
            out.append(exact)
        star = children.get(STAR)
        if star is not None:
            out.append(star)
        if isinstance(segment, int):
            any_index = children.get(ANY_INDEX)
            if any_index is not None:
                out.append(any_index)
        return out


def _best(
    current: tuple[int, int, RuleList | None, int], branches: list[_Branch]
) -> tuple[int, int, RuleList | None, int]:
    for branch in branches:
        if branch.rules is not None:
            found = branch.candidate()
            if found[:2] > current[:2]:
                current = found
    return current


class RuleNode:
    """The rules at one location, and the way to the locations below it."""

    __slots__ = (
        "_branches",
        "_index",
        "best",
        "checks",
        "children",
        "combine",
        "exact",
        "location",
        "names",
        "only_equality",
        "rules",
        "test",
        "test_each",
    )

    def __init__(
        self,
        index: RuleIndex,
        location: Location,
        branches: list[_Branch],
        best: tuple[int, int, RuleList | None, int],
    ) -> None:
        self._index = index
        self.children: dict[str | int, RuleNode] = {}
        self._branches = branches
        self.location = location
        self.best = best
        self.rules: RuleList | None = best[2]
        self.exact = self.rules is not None and best[3] == len(location)
        self.combine = self.rules.combine if self.rules is not None else "AND"
        self.checks: list[Check] = []
        self.names: tuple[str, ...] = ()
        if self.rules is not None:
            self.names = tuple(rule_name(rule) for rule in self.rules.rules)
            for name, rule in zip(self.names, self.rules.rules, strict=True):
                checker = CHECKS.get(name)
                if checker is not None:
                    self.checks.append((checker, rule))
        self.only_equality = all(name == "equality" for name in self.names)
        """No rules, or equality only: the value is compared as written."""
        self.test: Test | None = fast_test(self.checks, self.combine) if self.checks else None
        """A quick "surely passes" for a body value here (see :func:`fast_test`)."""
        self.test_each: Test | None = None
        """The same for a collection, whose rules apply one by one (``combine`` aside), when
        none of them walks the collection its own way (``values``, ``eachKey``, ...)."""
        if self.checks and not any(name in COLLECTION_RULES for name in self.names):
            self.test_each = self.test if self.combine == "AND" else fast_test(self.checks, "AND")

    def child(self, segment: str | int) -> RuleNode:
        if isinstance(segment, int) and not self._index.index_sensitive:
            segment = -1
        node = self.children.get(segment)
        if node is None:
            branches = [b for branch in self._branches for b in branch.step(segment)]
            node = RuleNode(
                self._index, (*self.location, segment), branches, _best(self.best, branches)
            )
            self.children[segment] = node
        return node

    def failures(self, expected: Any, actual: Any, coerce: bool = False) -> list[str]:
        """Apply this location's rules (with their ``combine``) to one value."""
        checks = self.checks
        if len(checks) == 1:  # most values have one rule
            checker, rule = checks[0]
            failure = checker(rule, expected, actual, coerce)
            return [] if failure is None else [failure]
        found = []
        for checker, rule in checks:
            failure = checker(rule, expected, actual, coerce)
            if failure is None:
                if self.combine == "OR":
                    return []
            else:
                found.append(failure)
        return found


class RuleIndex:
    """The body rules of one part, parsed once into a trie."""

    __slots__ = ("_count", "_root", "_trie", "index_sensitive")

    def __init__(self, rules: dict[str, RuleList] | None) -> None:
        self._trie = _Branch(0, 1)
        self._root: RuleNode | None = None
        self._count = 0
        self.index_sensitive = False
        for expression, rule_list in (rules or {}).items():
            if not expression.startswith("$"):
                continue  # other keys (``column:1``) belong to plugins
            self._add(parse_path(expression), rule_list)

    def _add(self, tokens: tuple[Token, ...], rule_list: RuleList) -> None:
        branch = self._trie
        for token in tokens:
            if isinstance(token, int):
                self.index_sensitive = True
            following = branch.children.get(token)
            if following is None:
                wildcard = token in (STAR, ANY_INDEX)
                following = _Branch(branch.depth + 1, branch.weight * (1 if wildcard else 2))
                branch.children[token] = following
            branch = following
        if branch.rules is None:  # the first spelling of an expression wins, as before
            self._count += 1
            branch.rules = rule_list
            branch.order = self._count

    def __bool__(self) -> bool:
        return self._count > 0

    def root(self) -> RuleNode:
        """The node for ``$``, made once: its cache of rule choices outlives one comparison."""
        if self._root is None:
            branches = self._trie.step("$")
            self._root = RuleNode(self, ("$",), branches, _best(_NONE, branches))
        return self._root

    def select(self, location: Location) -> tuple[RuleList | None, bool]:
        """The best rule list for ``location`` and whether it sits exactly on it.

        Returns ``(None, False)`` when no expression matches ``location`` or a parent.
        """
        branches = [self._trie]
        best = _NONE
        for segment in location:
            branches = [b for branch in branches for b in branch.step(segment)]
            if not branches:
                break
            best = _best(best, branches)
        rules = best[2]
        return rules, rules is not None and best[3] == len(location)

    def lookup(self, location: Location) -> tuple[RuleList | None, bool]:
        """:meth:`select` with indices normalised (for occasional callers)."""
        if not self.index_sensitive:
            location = tuple(-1 if isinstance(s, int) else s for s in location)
        return self.select(location)
