"""Generators: values Pact replaces each time an example is used.

Each function returns a term usable anywhere in a body, header, query or metadata value.
The example is what the pact file shows; the generator decides what is actually sent.
"""

from __future__ import annotations

from typing import Any

from accord._dsl.term import Term
from accord.matching.javadate import strftime_to_java

__all__ = [
    "date",
    "datetime",
    "mock_server_url",
    "provider_state",
    "random_boolean",
    "random_decimal",
    "random_hex",
    "random_int",
    "random_string",
    "regex",
    "time",
    "uuid",
]


def random_int(min: int = 0, max: int = 10, example: int | None = None) -> Term:
    return Term(
        min if example is None else example, (), {"type": "RandomInt", "min": min, "max": max}
    )


def random_decimal(digits: int = 10, example: float = 12.34) -> Term:
    return Term(example, (), {"type": "RandomDecimal", "digits": digits})


def random_hex(digits: int = 10, example: str | None = None) -> Term:
    value = example if example is not None else "a" * digits
    return Term(value, (), {"type": "RandomHexadecimal", "digits": digits})


def random_string(size: int = 10, example: str | None = None) -> Term:
    return Term(
        example if example is not None else "x" * size, (), {"type": "RandomString", "size": size}
    )


def random_boolean(example: bool = True) -> Term:
    return Term(example, (), {"type": "RandomBoolean"})


def regex(pattern: str, example: str | None = None) -> Term:
    from accord.matching.xeger import example_for_regex

    value = example if example is not None else example_for_regex(pattern)
    return Term(value, (), {"type": "Regex", "regex": pattern})


def uuid(format: str = "lower-case-hyphenated", example: str | None = None) -> Term:
    value = example if example is not None else "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
    return Term(value, (), {"type": "Uuid", "format": format})


def _temporal(kind: str, fmt: str | None, expression: str | None, example: Any) -> Term:
    generator: dict[str, Any] = {"type": kind}
    if fmt:
        generator["format"] = strftime_to_java(fmt)
    if expression:
        generator["expression"] = expression
    return Term(example, (), generator)


def date(
    format: str | None = None, expression: str | None = None, example: str = "2020-01-01"
) -> Term:
    """Today (or ``expression``, such as ``"+ 1 day"``) in ``format``."""
    return _temporal("Date", format, expression, example)


def time(
    format: str | None = None, expression: str | None = None, example: str = "12:00:00"
) -> Term:
    return _temporal("Time", format, expression, example)


def datetime(
    format: str | None = None,
    expression: str | None = None,
    example: str = "2020-01-01T12:00:00.000+00:00",
) -> Term:
    return _temporal("DateTime", format, expression, example)


def provider_state(expression: str, example: Any, data_type: str | None = None) -> Term:
    """A value the provider fills in from its state, e.g. ``"/users/${id}"``.

    The consumer sees ``example``; the verifier substitutes the values the provider-state
    handler returned.
    """
    generator: dict[str, Any] = {"type": "ProviderState", "expression": expression}
    if data_type:
        generator["dataType"] = data_type
    return Term(example, (), generator)


def mock_server_url(regex: str, example: str) -> Term:
    """A URL that points at wherever the mock server runs; group 1 of ``regex`` is kept.

    The regex is also the matching rule, as Pact's other DSLs write it: a provider answers
    with its own host, so the verifier must accept any URL of that shape, not the example.
    """
    return Term(
        example,
        ({"match": "regex", "regex": regex},),
        {"type": "MockServerURL", "regex": regex, "example": example},
    )
