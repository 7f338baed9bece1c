"""Matching rules and generators as they sit in a pact file, in one normalised shape.

Pact has written rules three ways (the flat V2 map, the V3/V4 category map, and legacy rule
objects without a ``match`` key). Everything is read into :class:`MatchingRules` and
:class:`Generators`, whose categories are always the singular V3 names, so the matching
engine never has to care which version a file came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

Rule = dict[str, Any]
"""One matcher, exactly as it is written in a pact file (``{"match": "type", "min": 1}``)."""

SINGLE_VALUE = frozenset({"path", "method", "status"})
"""Categories that hold one rule list (or generator) directly, with no key."""

_CATEGORY_ALIASES = {
    "headers": "header",
    "header": "header",
    "query": "query",
    "path": "path",
    "method": "method",
    "status": "status",
    "metadata": "metadata",
    "metaData": "metadata",
    "body": "body",
    "content": "body",
    "contents": "body",
}


def category_name(name: str) -> str:
    """The canonical category for ``name``; unknown names are body rules, as in Rust."""
    return _CATEGORY_ALIASES.get(name, "body")


@dataclass(slots=True)
class RuleList:
    """The matchers that apply at one place, and how they combine."""

    rules: list[Rule]
    combine: str = "AND"

    def to_json(self) -> dict[str, Any]:
        return {"combine": self.combine, "matchers": self.rules}


@dataclass(slots=True)
class MatchingRules:
    """Rules by category, then by key (a header name, a query name or a body path).

    Single-value categories (``path``, ``method``, ``status``) use the key ``""``.
    """

    categories: dict[str, dict[str, RuleList]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.categories.values())

    def category(self, name: str) -> dict[str, RuleList]:
        return self.categories.get(name, {})

    def add(self, category: str, key: str, rules: list[Rule], combine: str = "AND") -> None:
        """Add rules at ``key``; a second call for the same key extends the list."""
        bucket = self.categories.setdefault(category, {})
        existing = bucket.get(key)
        if existing is None:
            bucket[key] = RuleList(list(rules), combine)
        else:
            existing.rules.extend(rules)

    def single(self, category: str) -> RuleList | None:
        return self.categories.get(category, {}).get("")

    def keyed(self, category: str, name: str) -> RuleList | None:
        """Rules for a header, query or metadata key; header names ignore case."""
        bucket = self.categories.get(category)
        if not bucket:
            return None
        if category == "header":
            lowered = name.lower()
            for key, value in bucket.items():
                if key.lower() == lowered:
                    return value
            return None
        return bucket.get(name)

    def items(self) -> Iterator[tuple[str, str, RuleList]]:
        for category, bucket in self.categories.items():
            for key, rule_list in bucket.items():
                yield category, key, rule_list

    def to_json(self, *, body_category: str = "body") -> dict[str, Any]:
        """The V3/V4 category form, as the Pact reference implementation writes it."""
        out: dict[str, Any] = {}
        for category, bucket in self.categories.items():
            if not bucket:
                continue
            name = body_category if category == "body" else category
            if category in SINGLE_VALUE:
                out[name] = bucket[""].to_json() if "" in bucket else {}
            else:
                out[name] = {key: value.to_json() for key, value in bucket.items()}
        return out


@dataclass(slots=True)
class Generators:
    """Generators by category, then key; each entry is one ``{"type": ...}`` object."""

    categories: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return any(self.categories.values())

    def category(self, name: str) -> dict[str, dict[str, Any]]:
        return self.categories.get(name, {})

    def add(self, category: str, key: str, generator: dict[str, Any]) -> None:
        self.categories.setdefault(category, {})[key] = generator

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for category, bucket in self.categories.items():
            if not bucket:
                continue
            if category in SINGLE_VALUE:
                out[category] = bucket.get("", {})
            else:
                out[category] = dict(bucket)
        return out
