"""Checking a part's rules and generators before they are used.

The pact reader accepts any rule object with a ``match`` name, because a pact must load
even when one rule is broken (``accord inspect`` has to show it). Before a comparison or a
generation uses the rules, :func:`check_rules` and :func:`check_generators` look at each one
and raise a :class:`~accord.errors.RuleError` naming its place
(``matchingRules.body $.items[*].id``) and the problem in one line. The caller fails that
one interaction; the rest of the run goes on.
"""

from __future__ import annotations

from typing import Any

from accord.errors import RuleError
from accord.limits import MAX_GENERATED_SIZE, MAX_RANDOM_INT_BITS
from accord.matching.rule_index import forget_oldest, rules_text
from accord.matching.values import CHECKS, compiled, integer_setting, rule_name, unknown_matcher
from accord.model.rules import Generators, MatchingRules, Rule, shared_fingerprint

_MAX_RULE_DEPTH = 32
"""How deep rules may sit inside rules (``arrayContains`` variants, ``eachValue``)."""

_SIZE_SETTINGS = ("min", "max", "size")


_PASSED: dict[bytes, None] = {}
"""Rule sets (by their text) that passed: a pact's messages usually repeat their rules, and
a comparison should not pay for checking them again each time."""
_PASSED_KEPT = 1024


def check_rules(rules: MatchingRules, where: str = "matchingRules") -> None:
    """Raise :class:`RuleError` for the first rule that cannot be applied.

    Checked once per distinct set of rules: a set that passed is remembered by its
    :func:`~accord.matching.rule_index.rules_text`, so equal rules get the same verdict.
    """
    if not rules:
        return
    key = shared_fingerprint(rules) or rules_text(
        [(c, k, rule_list.combine, rule_list.rules) for c, k, rule_list in rules.items()]
    )
    if key in _PASSED:
        return
    _check_each(rules, where)
    if len(_PASSED) >= _PASSED_KEPT:
        forget_oldest(_PASSED)
    _PASSED[key] = None


def _check_each(rules: MatchingRules, where: str) -> None:
    for category, key, rule_list in rules.items():
        place = f"{where}.{category} {key}".rstrip()
        for index, rule in enumerate(rule_list.rules):
            check_rule(rule, f"{place} [{index}]" if len(rule_list.rules) > 1 else place)


def check_rule(rule: Any, place: str, depth: int = 0) -> None:
    """One rule object; ``place`` is where it sits, for the message."""
    if depth > _MAX_RULE_DEPTH:
        raise RuleError(f"rules nested more than {_MAX_RULE_DEPTH} deep", path=_compact(place))
    if not isinstance(rule, dict):
        raise RuleError(f"a rule must be an object, not {type(rule).__name__}", path=place)
    name = rule_name(rule)
    if name not in CHECKS:
        raise RuleError(unknown_matcher(name), path=place)
    try:
        for key in _SIZE_SETTINGS:
            integer_setting(rule, key)
        if name == "regex":
            pattern = rule.get("regex")
            if not isinstance(pattern, str):
                raise RuleError(f"'regex' must be a string, not {type(pattern).__name__}")
            compiled(pattern)  # an invalid regex is a mismatch later; an unsafe one is not
        elif name in ("date", "time", "datetime"):
            _check_date_format(rule, name)
        elif name == "arrayContains":
            _check_variants(rule, place, depth)
        elif name in ("eachKey", "eachValue"):
            nested = rule.get("rules") or []
            if not isinstance(nested, list):
                raise RuleError(f"'rules' of {name} must be a list")
            for index, inner in enumerate(nested):
                check_rule(inner, f"{place} {name}[{index}]", depth + 1)
    except RuleError as exc:
        raise exc.at(place) from exc.__cause__


def _compact(place: str) -> str:
    """``place`` with runs of one step written once (``eachValue[0] x33``), to stay short."""
    steps: list[tuple[str, int]] = []
    for step in place.split(" "):
        if steps and steps[-1][0] == step:
            steps[-1] = (step, steps[-1][1] + 1)
        else:
            steps.append((step, 1))
    return " ".join(step if count == 1 else f"{step} x{count}" for step, count in steps)


def _check_date_format(rule: Rule, name: str) -> None:
    from accord.matching.javadate import matches_java_pattern

    fmt = rule.get("format") or rule.get(name) or rule.get("timestamp")
    if fmt is None:
        return
    if not isinstance(fmt, str):
        raise RuleError(f"the {name} format must be a string, not {type(fmt).__name__}")
    matches_java_pattern("", fmt)  # raises RuleError for an unterminated or unknown pattern


def _check_variants(rule: Rule, place: str, depth: int) -> None:
    variants = rule.get("variants")
    if variants is None:
        return
    if not isinstance(variants, list):
        raise RuleError(f"arrayContains 'variants' must be a list, not {type(variants).__name__}")
    for number, variant in enumerate(variants):
        here = f"{place} variants[{number}]"
        if not isinstance(variant, dict):
            raise RuleError(f"a variant must be an object, not {type(variant).__name__}", path=here)
        index = variant.get("index", 0)
        if isinstance(index, bool) or not isinstance(index, int) or index < 0:
            raise RuleError(
                f"a variant 'index' must be a whole number >= 0, not {index!r}", path=here
            )
        rules = variant.get("rules") or {}
        if not isinstance(rules, dict):
            raise RuleError(
                f"variant 'rules' must be an object, not {type(rules).__name__}", path=here
            )
        for path, value in rules.items():
            inner = (
                value.get("matchers") if isinstance(value, dict) and "matchers" in value else value
            )
            items = inner if isinstance(inner, list) else [inner]
            for position, item in enumerate(items):
                check_rule(item, f"{here} {path} [{position}]", depth + 1)


# ---------------------------------------------------------------------------------------
# generators


def check_generators(generators: Generators, where: str = "generators") -> None:
    """Raise :class:`RuleError` for the first generator that cannot run safely."""
    for category, bucket in generators.categories.items():
        for key, generator in bucket.items():
            place = f"{where}.{category} {key}".rstrip()
            try:
                check_generator(generator)
            except RuleError as exc:
                raise exc.at(place) from exc.__cause__


_GOOD_GENERATORS: dict[bytes, None] = {}
"""Generators (by their text) that passed; examples are made from the same ones again."""


def check_generator(generator: Any) -> None:
    """One generator object. Unknown types are kept and never applied, so they pass."""
    key = rules_text(generator)
    if key in _GOOD_GENERATORS:
        return
    _check_generator(generator)
    if len(_GOOD_GENERATORS) >= _PASSED_KEPT:
        forget_oldest(_GOOD_GENERATORS)
    _GOOD_GENERATORS[key] = None


def _check_generator(generator: Any) -> None:
    if not isinstance(generator, dict):
        raise RuleError(f"a generator must be an object, not {type(generator).__name__}")
    kind = generator.get("type")
    if kind == "RandomInt":
        for key in ("min", "max"):
            value = integer_setting(generator, key)
            if value is not None and abs(value) >= 2 ** (MAX_RANDOM_INT_BITS - 1):
                raise RuleError(f"RandomInt '{key}' {value} does not fit in 64 bits")
    elif kind in ("RandomString", "RandomHexadecimal", "RandomDecimal"):
        key = "size" if kind == "RandomString" else "digits"
        size = integer_setting(generator, key)
        if size is not None and not 0 <= size <= MAX_GENERATED_SIZE:
            raise RuleError(
                f"{kind} '{key}' must be between 0 and {MAX_GENERATED_SIZE}, not {size}"
            )
    elif kind == "Regex":
        pattern = generator.get("regex")
        if not isinstance(pattern, str):
            raise RuleError(f"'regex' must be a string, not {type(pattern).__name__}")
    elif kind in ("Date", "Time", "DateTime"):
        for key in ("format", "expression"):
            value = generator.get(key)
            if value is not None and not isinstance(value, str):
                raise RuleError(f"'{key}' must be a string, not {type(value).__name__}")
        fmt = generator.get("format")
        if fmt:
            from accord.matching.javadate import matches_java_pattern

            matches_java_pattern("", fmt)
