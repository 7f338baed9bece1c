"""A ``Term`` is an example value that carries its own rules and generator.

Users write bodies with terms inside (``{"id": match.integer(12)}``); :func:`compile_value`
walks such a value once and splits it into the plain example, the rules keyed by body path
and the generators keyed by body path, which is what a pact file stores.
"""

from __future__ import annotations

import marshal
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from accord._dsl.native import is_native, to_json_like
from accord.errors import MatcherError
from accord.matching.json_body import compare_json
from accord.matching.mismatch import format_path
from accord.matching.path import ANY_INDEX, Location, to_expression
from accord.matching.rule_index import forget_oldest
from accord.model.rules import Rule, RuleList


@dataclass(frozen=True, slots=True, init=False)
class Term:
    """An example plus the rules (combined with ``combine``) and generator that apply to it.

    ``value`` may itself contain terms. ``repeat`` makes the example a list of that many
    copies of ``value`` (for ``each_like``), whose items sit under ``[*]``.
    """

    value: Any
    rules: tuple[Rule, ...] = ()
    generator: dict[str, Any] | None = None
    combine: str = "AND"
    repeat: int | None = None

    def __init__(
        self,
        value: Any,
        rules: tuple[Rule, ...] = (),
        generator: dict[str, Any] | None = None,
        combine: str = "AND",
        repeat: int | None = None,
    ) -> None:
        # The generated __init__ of a frozen class goes through object.__setattr__ per
        # field; the slots' own setters do the same at a third of the cost, and a test
        # makes tens of thousands of terms.
        _set_value(self, value)
        _set_rules(self, rules)
        _set_generator(self, generator)
        _set_combine(self, combine)
        _set_repeat(self, repeat)

    def __and__(self, other: Term) -> Term:
        return combine_terms("AND", (self, other))

    def __or__(self, other: Term) -> Term:
        return combine_terms("OR", (self, other))

    @property
    def example(self) -> Any:
        """The plain example this term stands for (terms inside it resolved)."""
        return compile_value(self).example


_set_value, _set_rules, _set_generator, _set_combine, _set_repeat = (
    Term.__dict__[name].__set__ for name in ("value", "rules", "generator", "combine", "repeat")
)


def combine_terms(how: str, terms: Iterable[Term]) -> Term:
    """All rules of ``terms`` at one place, combined with AND or OR; the first example wins."""
    items = list(terms)
    if not items:
        raise MatcherError("combining needs at least one matcher")
    rules: list[Rule] = []
    for term in items:
        rules.extend(term.rules)
    generator = next((t.generator for t in items if t.generator), None)
    first = items[0]
    name = "all_of" if how == "AND" else "any_of"
    return validated(Term(first.value, tuple(rules), generator, how, first.repeat), name)


def validated(term: Term, name: str) -> Term:
    """``term``, once its example is shown to satisfy its own rules (else MatcherError).

    A term made of plain data that passed is remembered (by its ``marshal`` bytes, which
    are equal exactly when the data is, types included): a test declares the same
    ``each_key`` or ``regex(...) & generator`` message after message, and compiling and
    comparing are pure functions of that data. Terms holding other terms or Python
    objects ``marshal`` cannot write are checked every time.
    """
    key = _passed_key(term)
    if key is not None and key in _PASSED:
        return term
    compiled = compile_value(term)
    problems = compare_json(
        compiled.example, compiled.example, compiled.rules, allow_unexpected_keys=False
    )
    if problems:
        first = problems[0]
        raise MatcherError(
            f"{name}(): the example does not satisfy its own rules: {first.path}: {first.message}"
        )
    if key is not None:
        if len(_PASSED) >= _PASSED_KEPT:
            forget_oldest(_PASSED)
        _PASSED[key] = None
    return term


_PASSED: dict[bytes, None] = {}
_PASSED_KEPT = 1024


def _passed_key(term: Term) -> bytes | None:
    """What the check depends on, as bytes; ``None`` when ``marshal`` cannot write it."""
    try:
        return marshal.dumps((term.value, term.rules, term.combine, term.repeat), 2)
    except ValueError:
        return None


@dataclass(slots=True)
class Compiled:
    """A value split into what a pact file stores."""

    example: Any
    rules: dict[str, RuleList] = field(default_factory=dict)
    generators: dict[str, dict[str, Any]] = field(default_factory=dict)


def compile_value(value: Any, root: Location = ("$",)) -> Compiled:
    """Split ``value`` (terms anywhere inside) into example, rules and generators."""
    parts = compile_parts(value, root)
    return Compiled(parts.example, parts.rule_lists(), parts.generators)


@dataclass(slots=True)
class Parts:
    """:class:`Compiled` with the rules in one flat list, each place holding its span.

    What a message builder holds between declaring a message and building it. Building
    makes the message's own :class:`RuleList` objects anyway, so making them here too
    would only double the work (a realistic message has dozens of places). And a pact of
    thousands of messages leaves the cyclic collector one list per message to rescan
    instead of an object per place: spans are pairs of ints, which it stops tracking.
    ``combines`` holds only the places whose rules combine with ``OR``.
    """

    example: Any
    rules: dict[str, tuple[int, int]] = field(default_factory=dict)
    generators: dict[str, dict[str, Any]] = field(default_factory=dict)
    combines: dict[str, str] = field(default_factory=dict)
    rule_items: list[Rule] = field(default_factory=list)

    def rule_lists(self) -> dict[str, RuleList]:
        """The rules as :class:`Compiled` has them: a new :class:`RuleList` per place."""
        combines, items = self.combines, self.rule_items
        return {
            key: RuleList(items[start:end], combines.get(key, "AND"))
            for key, (start, end) in self.rules.items()
        }


def compile_parts(value: Any, root: Location = ("$",)) -> Parts:
    """:func:`compile_value`, with the rules as :class:`Parts` holds them."""
    out = Parts(None)
    out.example = _walk(value, root, out)
    return out


_LEAVES = frozenset({str, int, bool, type(None)})
"""Types that are already JSON and hold no terms: returned as they are, with no call."""


def _walk(value: Any, location: Location, out: Parts) -> Any:
    """The example for ``value`` at ``location``; its terms' rules and generators go to
    ``out``. The common shapes (terms, plain dicts and lists of plain keys) are tried
    first by exact type; everything else takes the general path below them."""
    kind = type(value)
    if kind is Term:
        return _term(value, location, out)
    if kind is dict:
        result = {}
        for key, item in value.items():
            name = key if type(key) is str else str(key)
            plain = type(item)
            if plain in _LEAVES:
                result[name] = item
            elif plain is Term:
                result[name] = _term(item, (*location, name), out)
            else:
                result[name] = _walk(item, (*location, name), out)
        return result
    if kind is list:
        return [
            item if type(item) in _LEAVES else _walk(item, (*location, index), out)
            for index, item in enumerate(value)
        ]
    if kind in _LEAVES or (kind is float and math.isfinite(value)):
        return value
    if not isinstance(value, Term) and is_native(value):
        if isinstance(value, bytes):
            return value  # binary content (a body, or a part under a contentType rule)
        value = to_json_like(value, format_path(location))
    if isinstance(value, Term):
        return _term(value, location, out)
    if isinstance(value, dict):
        return {str(k): _walk(v, (*location, str(k)), out) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_walk(v, (*location, i), out) for i, v in enumerate(value)]
    return value


def _term(term: Term, location: Location, out: Parts) -> Any:
    """A term's rules and generator, keyed by the place's path, and its example."""
    key = to_expression(location)
    if term.rules:
        items = out.rule_items
        start = len(items)
        items.extend(term.rules)
        out.rules[key] = (start, len(items))
        if term.combine != "AND":
            out.combines[key] = term.combine
        elif out.combines:
            out.combines.pop(key, None)  # an inner term's rules replace the outer's
    if term.generator:
        out.generators[key] = dict(term.generator)
    if term.repeat is not None:
        item = _walk(term.value, (*location, ANY_INDEX), out)
        return [item] * term.repeat
    inner = term.value
    plain = type(inner)
    if plain in _LEAVES or (plain is float and math.isfinite(inner)):
        return inner
    if plain is Term:  # like(generate.random_int(...)) and the like
        return _term(inner, location, out)
    return _walk(inner, location, out)


def rules_of(term: Any) -> list[Rule]:
    """The rules a value contributes at its own place (used for nested rule lists)."""
    return list(term.rules) if isinstance(term, Term) else [{"match": "equality"}]
