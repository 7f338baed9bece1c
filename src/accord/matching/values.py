"""One matching rule applied to one value.

Each check returns ``None`` when the value passes or the sentence that says why not. The
sentences follow the Pact reference implementation word for word where the compatibility
suite asserts them. ``coerce`` is true for header, query and path values, which are always
strings on the wire, so ``"100"`` may pass ``integer`` there but never in a body.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from accord.errors import RuleError
from accord.matching.mismatch import show, show_typed
from accord.matching.safe_regex import SafeRegex, safe_pattern
from accord.model.rules import Rule

_INTEGER = re.compile(r"[-+]?\d+")
_DECIMAL = re.compile(r"[-+]?(\d+\.\d*|\.\d+|\d+)([eE][-+]?\d+)?")
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?"
    r"(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?"
)

ALIASES = {
    "real": "decimal",
    "timestamp": "datetime",
    "content-type": "contentType",
    "not-empty": "notEmpty",
    "min-type": "type",
    "max-type": "type",
    "min": "type",
    "max": "type",
    "array-contains": "arrayContains",
    "status-code": "statusCode",
    "each-key": "eachKey",
    "each-value": "eachValue",
}


def rule_name(rule: Rule) -> str:
    name = str(rule.get("match", "equality"))
    return ALIASES.get(name, name)


_JAVA_QUOTE = re.compile(r"\\Q(.*?)(?:\\E|$)", re.DOTALL)


def python_regex(pattern: str) -> str:
    """A Java/Oniguruma regex in Python syntax (``\\Q...\\E`` quoting becomes escapes).

    A deliberate departure from the Rust core: its regex engine has no ``\\Q...\\E``, so
    it fails every value against such a pattern (pact_ffi 0.5.12 reports ``a.b`` as not
    matching ``\\Qa.b\\E``). accord honours the quoting as the JVM that wrote the pattern
    meant it, in matchers and regex generators alike.
    """
    return _JAVA_QUOTE.sub(lambda m: re.escape(m.group(1)), pattern)


@lru_cache(maxsize=1024)
def compiled(pattern: str) -> SafeRegex | None:
    """The pattern, ready to match in bounded time, or ``None`` when it is not a valid regex.

    Raises :class:`~accord.errors.RuleError` for a valid pattern that cannot be run safely
    (see :mod:`accord.matching.safe_regex`).
    """
    source = python_regex(pattern)
    try:
        with warnings.catch_warnings():  # "possible nested set" is Python's hint, not ours
            warnings.simplefilter("ignore", FutureWarning)
            re.compile(source)
    except (re.error, RecursionError, OverflowError):
        return None
    return safe_pattern(source)


def as_text(value: Any) -> str:
    """The string form a regex or include rule is applied to."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return show(value)


def is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def same_json_type(expected: Any, actual: Any) -> bool:
    if is_number(expected):
        return is_number(actual)
    if isinstance(expected, bool):
        return isinstance(actual, bool)
    if expected is None:
        return actual is None
    if isinstance(expected, dict):
        return isinstance(actual, dict)
    if isinstance(expected, list):
        return isinstance(actual, list)
    return type(expected) is type(actual)


def json_equal(expected: Any, actual: Any) -> bool:
    """Equality that keeps JSON's types apart (``True`` is not ``1``)."""
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, dict) and isinstance(actual, dict):
        return expected.keys() == actual.keys() and all(
            json_equal(v, actual[k]) for k, v in expected.items()
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return len(expected) == len(actual) and all(
            json_equal(e, a) for e, a in zip(expected, actual, strict=True)
        )
    return bool(expected == actual)


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, list | dict | str) else None


def integer_setting(rule: Rule, key: str) -> int | None:
    """A whole-number setting of a rule or generator (``min``, ``max``, ``size``, ...).

    ``None`` when absent. Integers, integral floats and digit strings are accepted, as the
    reference reads them; anything else (text, ``NaN``, infinity, ``true``) is a
    :class:`~accord.errors.RuleError`, so a broken rule fails loudly instead of being ignored.
    """
    raw = rule.get(key)
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise RuleError(f"'{key}' must be a whole number, not {raw!r}")
    if isinstance(raw, float):
        if not math.isfinite(raw) or not raw.is_integer():
            raise RuleError(f"'{key}' must be a whole number, not {raw!r}")
        return int(raw)
    if isinstance(raw, int):
        return raw
    if isinstance(raw, str) and _INTEGER.fullmatch(raw.strip()) and len(raw) <= 20:
        return int(raw)
    shown = raw if isinstance(raw, str | int | float) else type(raw).__name__
    raise RuleError(f"'{key}' must be a whole number, not {str(shown)[:40]!r}")


def check_size(rule: Rule, actual: Any) -> str | None:
    """``min``/``max`` on a list (other values ignore them)."""
    if not isinstance(actual, list):
        return None
    low, high = integer_setting(rule, "min"), integer_setting(rule, "max")
    if low is not None and len(actual) < low:
        return f"Expected {show(actual)} (size {len(actual)}) to have minimum size of {low}"
    if high is not None and len(actual) > high:
        return f"Expected {show(actual)} (size {len(actual)}) to have maximum size of {high}"
    return None


def _type(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    kind = type(actual)
    if kind is type(expected) and kind is not list:
        return None  # the common case, decided without the JSON type rules or sizes
    if not same_json_type(expected, actual):
        return f"Expected {show_typed(actual)} to be the same type as {show_typed(expected)}"
    return check_size(rule, actual)


def _equality(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    if json_equal(expected, actual):
        return None
    return f"Expected {show_typed(actual)} to be equal to {show_typed(expected)}"


def _regex(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    pattern = str(rule.get("regex", ""))
    if isinstance(actual, list | dict) or (actual is None and not coerce):
        return f"Expected {show(actual)} to match '{pattern}'"
    regex = compiled(pattern)  # raises RuleError for a regex that cannot run safely
    if regex is None:
        return f"The regex '{pattern}' is not a valid regular expression"
    if regex.fullmatch(as_text(actual)):
        return None
    return f"Expected {show(actual)} to match '{pattern}'"


def _include(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    needle = str(rule.get("value", ""))
    if needle in as_text(actual):
        return None
    return f"Expected {show(actual)} to include {show(needle)}"


def _integer(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    if isinstance(actual, int) and not isinstance(actual, bool):
        return None
    if coerce and isinstance(actual, str) and _INTEGER.fullmatch(actual.strip()):
        return None
    return f"Expected {show_typed(actual)} to be an integer"


def _decimal(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    if isinstance(actual, float):
        return None
    if coerce and isinstance(actual, str) and _DECIMAL.fullmatch(actual.strip()):
        return None
    return f"Expected {show_typed(actual)} to be a decimal number"


def _number(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    if is_number(actual):
        return None
    if coerce and isinstance(actual, str) and _DECIMAL.fullmatch(actual.strip()):
        return None
    return f"Expected {show_typed(actual)} to be a number"


def _null(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    if actual is None:
        return None
    return f"Expected {show_typed(actual)} to be a null value"


def _boolean(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    if isinstance(actual, bool) or actual in ("true", "false"):
        return None
    return f"Expected {show_typed(actual)} to match a boolean"


_DEFAULT_FORMATS = {
    "date": "yyyy-MM-dd",
    "time": "HH:mm:ss",
    "datetime": "yyyy-MM-dd'T'HH:mm:ss",
}


def _temporal(kind: str) -> Callable[[Rule, Any, Any, bool], str | None]:
    def check(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
        from accord.matching.javadate import matches_java_pattern

        fmt = rule.get("format") or rule.get(kind) or rule.get("timestamp")
        if fmt is not None and not isinstance(fmt, str):
            raise RuleError(f"the {kind} format must be a string, not {show(fmt)[:40]}")
        if not isinstance(actual, str):
            return f"Expected {show_typed(actual)} to be a {kind} string"
        if fmt is None:
            if _iso_ok(kind, actual):
                return None
            fmt = _DEFAULT_FORMATS[kind]
        elif matches_java_pattern(actual, str(fmt)):
            return None
        return f"Expected {show(actual)} to match a {kind} pattern of '{fmt}'"

    return check


def _iso_ok(kind: str, text: str) -> bool:
    from datetime import date, datetime, time

    parsers: dict[str, Callable[[str], object]] = {
        "date": date.fromisoformat,
        "time": time.fromisoformat,
        "datetime": datetime.fromisoformat,
    }
    try:
        parsers[kind](text)
    except ValueError:
        return False
    return True


def _semver(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    if isinstance(actual, str) and _SEMVER.fullmatch(actual):
        return None
    return f"{show(actual)} is not a valid semantic version"


def is_empty(value: Any) -> bool:
    return value is None or (isinstance(value, str | bytes | list | dict) and len(value) == 0)


def _not_empty(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    if isinstance(expected, list | dict) and not same_json_type(expected, actual):
        return (
            f"Type mismatch: Expected {show_typed(actual)} to be the same type as "
            f"{show_typed(expected)}"
        )
    if is_empty(actual):
        if isinstance(actual, bytes):
            return f"Expected [] ({len(actual)} bytes) to not be empty"
        return f"Expected {show_typed(actual)} to not be empty"
    if expected is not None and not same_json_type(expected, actual):
        return f"Expected {show_typed(actual)} to be the same type as {show_typed(expected)}"
    return None


def _content_type(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    from accord.matching.sniff import detect_content_type
    from accord.model.body import media_type

    wanted = str(rule.get("value", ""))
    data = actual if isinstance(actual, bytes) else as_text(actual).encode("utf-8", "replace")
    detected = detect_content_type(data) or "application/octet-stream"
    if media_type(detected) == media_type(wanted):
        return None
    return (
        f"Expected binary contents to have content type '{wanted}' "
        f"but detected contents was '{detected}'"
    )


def _accept(rule: Rule, expected: Any, actual: Any, coerce: bool) -> str | None:
    """Rules checked elsewhere (on collections) or unknown plugin rules: no verdict here."""
    return None


CHECKS: dict[str, Callable[[Rule, Any, Any, bool], str | None]] = {
    "equality": _equality,
    "regex": _regex,
    "type": _type,
    "include": _include,
    "integer": _integer,
    "decimal": _decimal,
    "number": _number,
    "null": _null,
    "boolean": _boolean,
    "date": _temporal("date"),
    "time": _temporal("time"),
    "datetime": _temporal("datetime"),
    "semver": _semver,
    "notEmpty": _not_empty,
    "contentType": _content_type,
    "values": _accept,
    "eachKey": _accept,
    "eachValue": _accept,
    "arrayContains": _accept,
    "statusCode": _accept,
}


Test = Callable[[Any, Any], bool]
"""``test(expected, actual)``: true only when the value surely passes (see :func:`fast_test`)."""

_SCALARS = frozenset({str, int, float, bool, type(None)})


def fast_test(checks: list[tuple[Callable[..., str | None], Rule]], combine: str) -> Test | None:
    """A quick yes/no for a body value under ``checks`` (each ``(checker, rule)``).

    A body walk applies the same few rules to thousands of values, and nearly all pass.
    The test answers *true* only when the full checks would report nothing; *false* means
    "run the full checks", which then give the verdict and the sentence. So a test may be
    pessimistic, never optimistic. ``None`` when some rule has no quick form.
    """
    tests = [_rule_test(checker, rule) for checker, rule in checks]
    if any(test is None for test in tests):
        return None
    ready: list[Test] = [test for test in tests if test is not None]
    if not ready:
        return _always
    if len(ready) == 1:
        return ready[0]
    if combine == "OR":
        return lambda expected, actual: any(test(expected, actual) for test in ready)
    return lambda expected, actual: all(test(expected, actual) for test in ready)


def _always(expected: Any, actual: Any) -> bool:
    return True


def _rule_test(checker: Callable[..., str | None], rule: Rule) -> Test | None:
    """The quick form of one rule in a body (``coerce`` is false there), if it has one."""
    quick = _QUICK.get(checker)
    if quick is not None:
        return quick
    if checker is _type:
        return lambda e, a: type(a) is type(e) and type(a) is not list
    if checker is _equality:
        return lambda e, a: type(a) is type(e) and type(e) in _SCALARS and a == e
    if checker is _include:
        needle = str(rule.get("value", ""))
        return lambda e, a: type(a) is str and needle in a
    if checker is _regex:
        return _regex_test(rule)
    if checker in _TEMPORAL_CHECKS:
        return _temporal_test(rule, _TEMPORAL_CHECKS[checker])
    return None


def _regex_test(rule: Rule) -> Test | None:
    try:
        regex = compiled(str(rule.get("regex", "")))
    except RuleError:
        return None  # the full check raises it, with the value's place
    match = regex.unbounded_fullmatch() if regex is not None else None
    if match is None:
        return None
    return lambda e, a: type(a) is str and match(a) is not None


def _temporal_test(rule: Rule, kind: str) -> Test | None:
    from accord.matching.javadate import matches_java_pattern

    fmt = rule.get("format") or rule.get(kind) or rule.get("timestamp")
    if fmt is None:
        return lambda e, a: type(a) is str and _iso_ok(kind, a)
    if not isinstance(fmt, str):
        return None
    try:
        matches_java_pattern("", fmt)  # compiles (and caches) the pattern, or raises
    except (RuleError, ValueError):
        return None
    return lambda e, a: type(a) is str and matches_java_pattern(a, fmt)


def check(rule: Rule, expected: Any, actual: Any, *, coerce: bool = False) -> str | None:
    """Apply one rule; ``None`` means it passed."""
    name = rule_name(rule)
    checker = CHECKS.get(name)
    if checker is None:
        raise RuleError(unknown_matcher(name))
    return checker(rule, expected, actual, coerce)


_QUICK: dict[Callable[..., str | None], Test] = {
    _integer: lambda e, a: type(a) is int,
    _decimal: lambda e, a: type(a) is float,
    _number: lambda e, a: type(a) is int or type(a) is float,
    _boolean: lambda e, a: type(a) is bool,
    _null: lambda e, a: a is None,
    _accept: _always,
}
_TEMPORAL_CHECKS = {CHECKS[kind]: kind for kind in ("date", "time", "datetime")}


def unknown_matcher(name: str) -> str:
    """The one-line reason for a matcher name accord does not know."""
    return f"unknown matcher {name[:60]!r}; known: {', '.join(sorted(CHECKS))}"


def check_all(
    rules: list[Rule], combine: str, expected: Any, actual: Any, *, coerce: bool = False
) -> list[str]:
    """Apply a rule list with its ``combine``; the failures, or ``[]`` when it passes."""
    failures = []
    for rule in rules:
        failure = check(rule, expected, actual, coerce=coerce)
        if failure is None:
            if combine == "OR":
                return []
        else:
            failures.append(failure)
    return failures
