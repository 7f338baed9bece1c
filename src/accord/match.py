"""Matchers: say what a value must look like, not what it must equal.

Each function returns a term that stands for an example value and carries the Pact matching
rule(s) for the place where it is used::

    {"id": match.integer(12), "tags": match.each_like("a", min=2), "at": match.datetime()}

Terms combine with ``&`` (all rules must pass) and ``|`` (one must), or with
:func:`all_of` / :func:`any_of`. Dates and times take Java ``DateTimeFormatter`` patterns, as
Pact files store them, or Python ``strftime`` formats, which are translated.
"""

from __future__ import annotations

import builtins
import datetime as dt
import re
import uuid as _uuid
from typing import Any

from accord._dsl.native import to_json_value
from accord._dsl.term import Term, combine_terms, compile_value, rules_of, validated
from accord.errors import MatcherError
from accord.limits import MAX_EXAMPLE_ITEMS
from accord.matching.javadate import (
    format_java_pattern,
    matches_java_pattern,
    strftime_to_java,
)
from accord.matching.rule_index import forget_oldest
from accord.matching.values import check
from accord.matching.xeger import example_for_regex

__all__ = [
    "Term",
    "all_of",
    "any_of",
    "array_containing",
    "at_least",
    "at_most",
    "boolean",
    "content_type",
    "date",
    "datetime",
    "decimal",
    "each_key",
    "each_like",
    "each_value",
    "equality",
    "include",
    "integer",
    "like",
    "null",
    "number",
    "regex",
    "semver",
    "status_code",
    "string",
    "time",
    "timestamp",
    "type",
    "uuid",
    "values",
]

UUID_PATTERNS = {
    "simple": r"[0-9a-f]{32}",
    "lower-case-hyphenated": r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
    "upper-case-hyphenated": r"[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}",
    "URN": r"urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}",
}

# ---------------------------------------------------------------------------------------
# types and shapes


def like(example: Any) -> Term:
    """Any value of the same JSON type; for objects and lists the rule cascades inside."""
    return Term(example, ({"match": "type"},))


type = like


def each_like(template: Any, *, min: int = 1, max: int | None = None) -> Term:
    """A list whose every item is like ``template``, with ``min`` (and ``max``) items.

    The example holds ``min`` copies (at least one), so it satisfies its own rule.
    """
    if min < 0 or (max is not None and max < min) or (max is not None and max < 1):
        raise MatcherError(f"each_like needs 0 <= min <= max and max >= 1 (min={min}, max={max})")
    if min > MAX_EXAMPLE_ITEMS:
        raise MatcherError(
            f"each_like min={min} is over {MAX_EXAMPLE_ITEMS}: the example holds min copies"
        )
    rule: dict[str, Any] = {"match": "type", "min": min}
    if max is not None:
        rule["max"] = max
    return Term(template, (rule,), repeat=max_(min, 1))


def max_(a: int, b: int) -> int:
    return a if a > b else b


def at_least(minimum: int, template: Any) -> Term:
    """A list of at least ``minimum`` items like ``template``."""
    return each_like(template, min=minimum)


def at_most(maximum: int, template: Any) -> Term:
    """A list of at most ``maximum`` items like ``template`` (the example holds one)."""
    return each_like(template, min=0, max=maximum)


def equality(example: Any) -> Term:
    """Exactly this value; also stops a ``like`` rule cascading further down."""
    return Term(example, ({"match": "equality"},))


def values(example: dict[str, Any]) -> Term:
    """A map whose keys do not matter; each value must be like the example values."""
    if not isinstance(example, dict):
        raise MatcherError("values() takes a dict example")
    return Term(example, ({"match": "values"},))


def each_key(example: dict[str, Any], *rules: Term) -> Term:
    """A map whose every key satisfies ``rules`` (for example ``regex("a", "[a-z]+")``)."""
    if not isinstance(example, dict):
        raise MatcherError("each_key() takes a dict example")
    key = next(iter(example), None)
    rule = {"match": "eachKey", "rules": [r for t in rules for r in rules_of(t)], "value": key}
    return validated(Term(example, (rule,)), "each_key")


def each_value(example: Any, *rules: Term) -> Term:
    """A map or list whose every value satisfies ``rules``."""
    if not isinstance(example, dict | list):
        raise MatcherError("each_value() takes a dict or list example")
    rule = {"match": "eachValue", "rules": [r for t in rules for r in rules_of(t)]}
    return validated(Term(example, (rule,)), "each_value")


def array_containing(variants: list[Any]) -> Term:
    """A list that contains, in any order and among others, an item matching each variant."""
    compiled = [compile_value(v) for v in variants]
    rule = {
        "match": "arrayContains",
        "variants": [
            {
                "index": index,
                "rules": {path: rl.to_json() for path, rl in c.rules.items()},
                "generators": c.generators,
            }
            for index, c in enumerate(compiled)
        ],
    }
    return Term([c.example for c in compiled], (rule,))


def not_empty(example: Any) -> Term:
    """A value of the example's type that is not null, ``""``, ``[]`` or ``{}``."""
    if example in (None, "", [], {}, b""):
        raise MatcherError("not_empty() needs a non-empty example")
    return validated(Term(example, ({"match": "notEmpty"},)), "not_empty")


# ---------------------------------------------------------------------------------------
# scalars


def _native(example: Any, name: str, *, decimal_as_float: bool = False) -> Any:
    """A Python example (Decimal, UUID, enum, date...) as the JSON value it stands for."""
    if example is None or isinstance(example, str | bool | int | float):
        return example
    return to_json_value(example, f"{name}()", decimal_as_float=decimal_as_float)


def _checked(
    example: Any, rule: dict[str, Any], name: str, passes: tuple[builtins.type, ...] = ()
) -> Any:
    """``example``, once it satisfies ``rule`` (else MatcherError). ``passes`` are exact
    types the rule accepts whatever the value: a quick yes for the usual example, without
    the rule engine (a test declares thousands of these)."""
    if builtins.type(example) in passes:  # plain ``type`` is the matcher of that name here
        return example
    problem = check(rule, example, example)
    if problem:
        raise MatcherError(f"{name}(): the example does not satisfy its own rule: {problem}")
    return example


def regex(example: Any = None, pattern: str | None = None) -> Term:
    """A string matching ``pattern`` in full. Without an example one is made from it."""
    example = _native(example, "regex")
    if builtins.type(example) is str and (pattern, example) in _REGEX_PASSED:
        return Term(example, ({"match": "regex", "regex": pattern},))
    if pattern is None:
        raise MatcherError("regex() needs a pattern")
    try:
        re.compile(pattern)
    except re.error as exc:
        raise MatcherError(
            f"regex(): {pattern!r} is not a valid regular expression: {exc}"
        ) from exc
    rule = {"match": "regex", "regex": pattern}
    if example is None:
        try:
            made = example_for_regex(pattern)
        except ValueError as exc:
            raise MatcherError(f"regex(): cannot make an example for {pattern!r}: {exc}") from exc
        return Term(made, (rule,), {"type": "Regex", "regex": pattern})
    _checked(example, rule, "regex")
    if builtins.type(example) is str and builtins.type(pattern) is str:
        if len(_REGEX_PASSED) >= _REGEX_KEPT:
            forget_oldest(_REGEX_PASSED)
        _REGEX_PASSED[pattern, example] = None
    return Term(example, (rule,))


_REGEX_PASSED: dict[tuple[str, str], None] = {}
"""(pattern, example) pairs that passed: a test declares the same ``regex(...)`` message
after message, and compiling and matching gives the same answer each time."""
_REGEX_KEPT = 4096


def string(example: Any = "string") -> Term:
    """Any string (a UUID, enum or date given as the example becomes its text)."""
    example = _native(example, "string")
    return Term(example, ({"match": "type"},))


def integer(example: Any = None, *, min: int = 0, max: int = 1000) -> Term:
    """Any integer. Without an example, a ``RandomInt`` generator varies it."""
    example = _native(example, "integer")
    rule = {"match": "integer"}
    if example is None:
        return Term(min, (rule,), {"type": "RandomInt", "min": min, "max": max})
    return Term(_checked(example, rule, "integer", (int,)), (rule,))


def decimal(example: Any = None, *, digits: int = 6) -> Term:
    """A number with a fractional part (``Decimal("49.90")`` is fine; JSON writes 49.9).

    Without an example, ``RandomDecimal`` varies it.
    """
    example = _native(example, "decimal", decimal_as_float=True)
    rule = {"match": "decimal"}
    if example is None:
        return Term(12.5, (rule,), {"type": "RandomDecimal", "digits": digits})
    return Term(_checked(example, rule, "decimal", (float,)), (rule,))


def number(example: Any = 42) -> Term:
    """Any JSON number (``Decimal`` examples too)."""
    example = _native(example, "number")
    rule = {"match": "number"}
    return Term(_checked(example, rule, "number", (int, float)), (rule,))


def boolean(example: Any = None) -> Term:
    """``true`` or ``false``. Without an example, ``RandomBoolean`` varies it."""
    example = _native(example, "boolean")
    if example is None:
        return Term(True, ({"match": "boolean"},), {"type": "RandomBoolean"})
    rule = {"match": "boolean"}
    return Term(_checked(example, rule, "boolean", (bool,)), (rule,))


def null() -> Term:
    """JSON ``null``."""
    return Term(None, ({"match": "null"},))


def include(value: str, example: Any = None) -> Term:
    """A string that contains ``value``."""
    example = _native(example, "include")
    rule = {"match": "include", "value": value}
    return Term(_checked(example if example is not None else value, rule, "include"), (rule,))


def semver(example: str = "1.0.0") -> Term:
    """A semantic version such as ``1.2.3-rc.1``."""
    return Term(_checked(example, {"match": "semver"}, "semver"), ({"match": "semver"},))


def uuid(example: Any = None, *, format: str = "lower-case-hyphenated") -> Term:
    """A UUID string in ``format`` (``simple``, ``lower-case-hyphenated``,
    ``upper-case-hyphenated`` or ``URN``). Without an example, a ``Uuid`` generator.

    A :class:`uuid.UUID` example is written in ``format``."""
    if format not in UUID_PATTERNS:
        raise MatcherError(f"uuid(): format must be one of {sorted(UUID_PATTERNS)}")
    if isinstance(example, _uuid.UUID):
        example = {
            "simple": example.hex,
            "upper-case-hyphenated": str(example).upper(),
            "URN": example.urn,
        }.get(format, str(example))
    rule = {"match": "regex", "regex": UUID_PATTERNS[format]}
    if example is None:
        value = _uuid.UUID(int=0x6BA7B8109DAD11D180B400C04FD430C8)
        text = {
            "simple": value.hex,
            "upper-case-hyphenated": str(value).upper(),
            "URN": value.urn,
        }.get(format, str(value))
        return Term(text, (rule,), {"type": "Uuid", "format": format})
    return Term(_checked(example, rule, "uuid"), (rule,))


def content_type(example: Any, content_type: str) -> Term:
    """Binary content whose detected type (by its magic bytes) is ``content_type``."""
    return validated(
        Term(example, ({"match": "contentType", "value": content_type},)), "content_type"
    )


def status_code(status: str | list[int] = "success", example: int = 200) -> Term:
    """An HTTP status in a class (``success``, ``clientError``, ...) or a list of codes."""
    from accord.matching.http import compare_status
    from accord.model.rules import MatchingRules

    rules = MatchingRules()
    rules.add("status", "", [{"match": "statusCode", "status": status}])
    problems = compare_status(example, example, rules)
    if problems:
        raise MatcherError(f"status_code(): {problems[0].message}")
    return Term(example, ({"match": "statusCode", "status": status},))


# ---------------------------------------------------------------------------------------
# dates and times

_SAMPLE = dt.datetime(2020, 1, 1, 12, 0, 0, 0, tzinfo=dt.UTC)


def _temporal(kind: str, default: str, example: Any, fmt: str | None) -> Term:
    if isinstance(example, dt.date | dt.time):
        example = _format_native(kind, example, fmt)
    elif example is not None and not isinstance(example, str):
        example = _native(example, kind)
    if isinstance(example, str) and fmt is None:
        default = _iso_pattern(kind, example) or default
    try:
        return _temporal_term(kind, default, example, fmt)
    except ValueError as exc:
        if isinstance(exc, MatcherError):
            raise
        raise MatcherError(f"{kind}(): bad format {fmt!r}: {exc}") from exc


def _temporal_term(kind: str, default: str, example: str | None, fmt: str | None) -> Term:
    pattern = strftime_to_java(fmt) if fmt else default
    rule = {"match": kind, "format": pattern}
    generator = {"type": {"date": "Date", "time": "Time", "datetime": "DateTime"}[kind]}
    generator["format"] = pattern
    if example is None:
        return Term(format_java_pattern(_SAMPLE, pattern), (rule,), generator)
    if not matches_java_pattern(example, pattern):
        raise MatcherError(f"{kind}(): {example!r} does not match the pattern {pattern!r}")
    return Term(example, (rule,))


def _format_native(kind: str, value: dt.date | dt.time, fmt: str | None) -> str:
    """A date, time or datetime given as the example: its ISO text, or ``fmt`` applied."""
    wanted = {"date": dt.date, "time": dt.time, "datetime": dt.datetime}[kind]
    if kind == "date" and isinstance(value, dt.datetime):
        value = value.date()
    if not isinstance(value, wanted):
        raise MatcherError(f"{kind}(): the example is a {value.__class__.__name__}, not a {kind}")
    if fmt is None:
        return value.isoformat()
    try:
        return format_java_pattern(value, strftime_to_java(fmt))
    except ValueError as exc:
        raise MatcherError(f"{kind}(): cannot format {value!r} with {fmt!r}: {exc}") from exc


_ISO_TIME = re.compile(r"\d{2}:\d{2}(?::\d{2}(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?")
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _iso_pattern(kind: str, text: str) -> str | None:
    """The Java pattern for an ISO 8601 example, as ``isoformat()`` writes it.

    So ``match.datetime(stamp.isoformat())`` works whatever the precision and offset;
    ``None`` when ``text`` is not such an example (the default pattern then applies).
    """
    if kind == "date":
        return "yyyy-MM-dd" if _ISO_DATE.fullmatch(text) else None
    if kind == "datetime":
        if len(text) < 11 or not _ISO_DATE.fullmatch(text[:10]) or text[10] not in "T ":
            return None
        head = "yyyy-MM-dd'T'" if text[10] == "T" else "yyyy-MM-dd "
        rest = _time_pattern(text[11:])
        return head + rest if rest else None
    return _time_pattern(text)


def _time_pattern(text: str) -> str | None:
    found = _ISO_TIME.fullmatch(text)
    if not found:
        return None
    pattern = "HH:mm" if text[5:6] != ":" else "HH:mm:ss"
    if found.group(1):
        pattern += "." + "S" * len(found.group(1))
    if found.group(2):
        pattern += "XXX"
    return pattern


def date(example: Any = None, format: str | None = None) -> Term:
    """A date string; ``format`` is Java (``yyyy-MM-dd``) or strftime (``%Y-%m-%d``)."""
    return _temporal("date", "yyyy-MM-dd", example, format)


def time(example: Any = None, format: str | None = None) -> Term:
    """A time string; ``format`` defaults to ``HH:mm:ss``."""
    return _temporal("time", "HH:mm:ss", example, format)


def datetime(example: Any = None, format: str | None = None) -> Term:
    """A date-time string; ``format`` defaults to ISO 8601 with milliseconds and offset."""
    return _temporal("datetime", "yyyy-MM-dd'T'HH:mm:ss.SSSXXX", example, format)


timestamp = datetime


# ---------------------------------------------------------------------------------------
# combining


def all_of(*terms: Term) -> Term:
    """Every rule of every term must pass (``combine: AND``)."""
    return combine_terms("AND", terms)


def any_of(*terms: Term) -> Term:
    """At least one rule must pass (``combine: OR``)."""
    return combine_terms("OR", terms)
