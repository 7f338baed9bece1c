"""Matching rules and generators as they sit in a pact file, in one normalised shape.

Pact has written rules three ways (the flat V2 map, the V3/V4 category map, and legacy rule
objects without a ``match`` key). Everything is read into :class:`MatchingRules` and
:class:`Generators`, whose categories are always the singular V3 names, so the matching
engine never has to care which version a file came from.
"""

from __future__ import annotations

import contextlib
import marshal
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


# ---------------------------------------------------------------------------------------
# rules read from a file, shared between interactions


_SHARED: dict[int, tuple[object, bytes]] = {}
"""``id(obj) -> (obj, fingerprint)`` for rule objects the reader shares between
interactions. Holding ``obj`` keeps its ``id`` from being reused while it is listed."""


def json_fingerprint(value: Any) -> bytes | None:
    """Bytes equal exactly when two JSON values are (``1``, ``1.0`` and ``True`` differ).

    ``marshal`` format 2 writes no back-references, so the bytes depend on the values only,
    never on which objects happen to be shared; ``None`` for data it cannot write.
    """
    try:
        return marshal.dumps(value, 2)
    except ValueError:
        return None


def share(obj: object, fingerprint: bytes) -> None:
    """Record ``obj`` as read-only and shared, with the fingerprint of what it was read from.

    A pact's interactions usually carry the same rules; the reader parses each distinct set
    once and hands every interaction the same objects. Nothing mutates rules read from a
    file (only builders, on their own fresh objects, add rules), so consumers of the rules
    can key their caches on this fingerprint instead of serialising the rules again.
    Fingerprints start with a NUL byte, which no :func:`json_fingerprint` does, so both
    kinds can key one cache.
    """
    _SHARED[id(obj)] = (obj, fingerprint)


def unshare(obj: object) -> None:
    """Forget ``obj`` (its reader's cache let go of it)."""
    with contextlib.suppress(KeyError):
        del _SHARED[id(obj)]


def shared_fingerprint(obj: object) -> bytes | None:
    """The fingerprint recorded by :func:`share` for this very object, or ``None``."""
    entry = _SHARED.get(id(obj))
    return entry[1] if entry is not None and entry[0] is obj else None
