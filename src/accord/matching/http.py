"""Requests and responses: method, path, query, headers, status and body."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import unquote_plus

from accord.matching.bodies import compare_bodies
from accord.matching.mismatch import Mismatch
from accord.matching.rule_check import check_rules
from accord.matching.values import check_all, rule_name
from accord.model.body import media_type
from accord.model.pact import HttpRequest, HttpResponse
from accord.model.rules import MatchingRules
from accord.schemas.media import is_protobuf_type, same_message_name

if TYPE_CHECKING:
    from accord.schemas.in_pact import SchemaSource

_STATUS_CLASSES: dict[str, tuple[str, Callable[[int], bool]]] = {
    "info": ("an Informational response (100–199)", lambda s: 100 <= s <= 199),
    "success": ("a Successful response (200–299)", lambda s: 200 <= s <= 299),
    "redirect": ("a Redirect (300–399)", lambda s: 300 <= s <= 399),
    "clientError": ("a Client error (400–499)", lambda s: 400 <= s <= 499),
    "serverError": ("a Server error (500–599)", lambda s: 500 <= s <= 599),
    "nonError": ("a non-error response (< 400)", lambda s: s < 400),
    "error": ("an Error response (>= 400)", lambda s: s >= 400),
}


def compare_request(
    expected: HttpRequest,
    actual: HttpRequest,
    *,
    exact_query: bool = False,
    schemas: SchemaSource | None = None,
) -> list[Mismatch]:
    """Everything that differs between an expected and a received request.

    ``exact_query`` compares V1.0 query strings as plain strings, as that version did.
    ``schemas`` decodes protobuf and Avro bodies (``accord.schemas.schemas_for``).
    """
    rules = expected.matching_rules
    check_rules(rules)  # a broken rule is an error for this interaction, named by place
    out = []
    if expected.method.upper() != actual.method.upper():
        out.append(
            Mismatch(
                "method",
                "",
                f"Expected method '{expected.method.upper()}' but received "
                f"'{actual.method.upper()}'",
                expected.method,
                actual.method,
            )
        )
    out += _compare_path(expected.path, actual.path, rules)
    if exact_query and expected.raw_query is not None:
        if unquote_plus(expected.raw_query) != unquote_plus(actual.raw_query or ""):
            out.append(
                Mismatch(
                    "query",
                    "",
                    f"Expected query string '{expected.raw_query}' but received "
                    f"'{actual.raw_query}'",
                )
            )
    else:
        out += compare_query(expected.query, actual.query, rules)
    out += compare_headers(expected.headers, actual.headers, rules)
    out += compare_bodies(
        expected.body,
        actual.body,
        rules,
        allow_unexpected_keys=False,
        schemas=schemas,
        part="request",
    )
    return out


def compare_response(
    expected: HttpResponse, actual: HttpResponse, *, schemas: SchemaSource | None = None
) -> list[Mismatch]:
    """Everything that differs between an expected and a received response."""
    rules = expected.matching_rules
    check_rules(rules)  # a broken rule is an error for this interaction, named by place
    out = []
    if expected.status is not None:
        out += compare_status(expected.status, actual.status, rules)
    out += compare_headers(expected.headers, actual.headers, rules)
    out += compare_bodies(
        expected.body,
        actual.body,
        rules,
        allow_unexpected_keys=True,
        schemas=schemas,
        part="response",
    )
    return out


def compare_status(expected: int, actual: int | None, rules: MatchingRules) -> list[Mismatch]:
    rule_list = rules.single("status")
    if rule_list is not None:
        failures = []
        for rule in rule_list.rules:
            if rule_name(rule) != "statusCode":
                failures += check_all([rule], "AND", expected, actual, coerce=True)
                continue
            wanted = rule.get("status", "success")
            if isinstance(wanted, list):
                if actual not in [int(code) for code in wanted]:
                    failures.append(f"Expected status code {actual} to be one of {wanted}")
            elif wanted in _STATUS_CLASSES:
                label, accepts = _STATUS_CLASSES[wanted]
                if actual is None or not accepts(actual):
                    failures.append(f"Expected status code {actual} to be {label}")
        if rule_list.combine == "OR" and len(failures) < len(rule_list.rules):
            failures = []
        return [Mismatch("status", "", f, expected, actual) for f in failures]
    if expected != actual:
        return [Mismatch("status", "", f"expected {expected} but was {actual}", expected, actual)]
    return []


def _compare_path(expected: str, actual: str, rules: MatchingRules) -> list[Mismatch]:
    rule_list = rules.single("path")
    if rule_list is not None:
        failures = check_all(rule_list.rules, rule_list.combine, expected, actual, coerce=True)
        return [Mismatch("path", "", f, expected, actual) for f in failures]
    if expected != actual:
        return [
            Mismatch("path", "", f"Expected '{expected}' but received '{actual}'", expected, actual)
        ]
    return []


def compare_query(
    expected: dict[str, list[str | None]] | None,
    actual: dict[str, list[str | None]] | None,
    rules: MatchingRules,
) -> list[Mismatch]:
    want = expected or {}
    got = actual or {}
    out = []
    for name, values in want.items():
        if name not in got:
            out.append(
                Mismatch("query", name, f"Expected query parameter '{name}' but was missing")
            )
            continue
        rule_list = rules.keyed("query", name)
        received = got[name]
        if rule_list is not None:
            for index, value in enumerate(received):
                example = values[index] if index < len(values) else (values[0] if values else None)
                for failure in check_all(
                    rule_list.rules, rule_list.combine, example, value, coerce=True
                ):
                    out.append(Mismatch("query", name, failure, example, value))
        elif received != values:
            out.append(
                Mismatch(
                    "query",
                    name,
                    f"Expected query parameter '{name}' with value {_show_values(values)} "
                    f"but was {_show_values(received)}",
                    values,
                    received,
                )
            )
    for name in got:
        if name not in want:
            out.append(Mismatch("query", name, f"Unexpected query parameter '{name}' received"))
    return out


def _show_values(values: list[str | None]) -> str:
    if len(values) == 1:
        return f"'{values[0]}'"
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


def compare_headers(
    expected: dict[str, list[str]] | None,
    actual: dict[str, list[str]] | None,
    rules: MatchingRules,
) -> list[Mismatch]:
    got = {name.lower(): values for name, values in (actual or {}).items()}
    out = []
    for name, values in (expected or {}).items():
        received = got.get(name.lower())
        if received is None:
            out.append(Mismatch("header", name, f"Expected a header '{name}' but was missing"))
            continue
        want_text = ", ".join(values)
        got_text = ", ".join(received)
        rule_list = rules.keyed("header", name)
        if rule_list is not None:
            # A header sent on several lines is several values; the rules apply to each one,
            # as they do to each value of a repeated query parameter.
            for index, value in enumerate(received):
                example = values[index] if index < len(values) else want_text
                for failure in check_all(
                    rule_list.rules, rule_list.combine, example, value, coerce=True
                ):
                    out.append(Mismatch("header", name, failure, example, value))
            continue
        if not header_values_match(name, want_text, got_text):
            out.append(
                Mismatch(
                    "header",
                    name,
                    f"Expected header '{name}' to have value '{want_text}' but was '{got_text}'",
                    want_text,
                    got_text,
                )
            )
    return out


def header_values_match(name: str, expected: str, actual: str) -> bool:
    """Header equality as HTTP means it: lists, media types and parameters."""
    lowered = name.lower()
    if lowered == "content-type":
        return _content_type_matches(expected, actual)
    if lowered == "accept":
        offered = [part.split(";", 1)[0].strip() for part in actual.split(",")]
        return [part.split(";", 1)[0].strip() for part in expected.split(",")] == offered
    return _split(expected) == _split(actual)


def _split(value: str) -> list[str]:
    return [part.strip() for part in value.split(",")]


def _content_type_matches(expected: str, actual: str) -> bool:
    if media_type(expected) != media_type(actual):
        return False
    want = _params(expected)
    got = _params(actual)
    for key, value in want.items():
        if key not in got:
            return False
        if key == "charset":
            if got[key].lower() != value.lower():
                return False
        elif key == "message" and is_protobuf_type(expected):
            if not same_message_name(value, got[key]):
                return False
        elif got[key] != value:
            return False
    return True


def _params(value: str) -> dict[str, str]:
    out = {}
    for part in value.split(";")[1:]:
        key, _, param = part.partition("=")
        out[key.strip().lower()] = param.strip().strip('"')
    return out
