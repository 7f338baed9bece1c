"""Choosing the rule list that governs one value, fast enough for 10,000-item bodies."""

from __future__ import annotations

from accord.matching.path import Location, Token, parse_path, weight
from accord.model.rules import RuleList


class RuleIndex:
    """The body rules of one part, compiled once and looked up per value with a cache.

    When no expression names a concrete index, every index is equivalent for selection, so
    the cache key replaces indices with ``-1`` and a list of 10,000 items costs one lookup
    per distinct shape rather than one per item.
    """

    __slots__ = ("_cache", "_compiled", "_index_sensitive")

    def __init__(self, rules: dict[str, RuleList] | None) -> None:
        self._compiled: list[tuple[tuple[Token, ...], RuleList]] = [
            (parse_path(expression), rule_list) for expression, rule_list in (rules or {}).items()
        ]
        self._index_sensitive = any(
            isinstance(token, int) for tokens, _ in self._compiled for token in tokens
        )
        self._cache: dict[Location, tuple[RuleList | None, bool]] = {}

    def __bool__(self) -> bool:
        return bool(self._compiled)

    def lookup(self, location: Location) -> tuple[RuleList | None, bool]:
        """The best rule list for ``location`` and whether it sits exactly on it.

        Returns ``(None, False)`` when no expression matches ``location`` or a parent.
        """
        if not self._compiled:
            return None, False
        key = location
        if not self._index_sensitive:
            key = tuple(-1 if isinstance(s, int) else s for s in location)
        found = self._cache.get(key)
        if found is None:
            found = self._select(key)
            self._cache[key] = found
        return found

    def _select(self, location: Location) -> tuple[RuleList | None, bool]:
        best: RuleList | None = None
        best_score = 0
        exact = False
        for tokens, rule_list in self._compiled:
            w = weight(tokens, location)
            score = w * len(tokens)
            if w and score > best_score:
                best, best_score, exact = rule_list, score, len(tokens) == len(location)
        return best, exact
