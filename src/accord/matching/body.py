"""Comparing bodies: pick the comparison by content type, then report in plain words."""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import parse_qsl

from accord.matching.json_body import compare_json
from accord.matching.mismatch import Mismatch
from accord.matching.values import check_all
from accord.matching.xml_body import compare_xml
from accord.model.body import Body, is_json_type, is_xml_type, media_type
from accord.model.rules import MatchingRules


def compare_bodies(
    expected: Body | None,
    actual: Body | None,
    rules: MatchingRules,
    *,
    allow_unexpected_keys: bool,
) -> list[Mismatch]:
    """Mismatches between two bodies; a missing expected body means "don't care"."""
    if expected is None:
        return []
    body_rules = rules.category("body")
    if expected.is_empty or (expected.content is None and not is_json_type(expected.content_type)):
        if actual is None or actual.is_empty or actual.content is None:
            return []
        return [Mismatch("body", "$", f"Expected an empty body but received '{_preview(actual)}'")]
    if actual is None:
        return [Mismatch("body", "$", "Expected a body but it was missing", expected.content)]
    expected_type = media_type(expected.content_type)
    actual_type = media_type(actual.content_type)
    if expected_type and actual_type and not _compatible(expected_type, actual_type):
        return [
            Mismatch(
                "body-type",
                "",
                f"Expected a body of '{expected_type}' but the actual content type was "
                f"'{actual_type}'",
                expected_type,
                actual_type,
            )
        ]
    if is_json_type(expected.content_type) or (
        isinstance(expected.content, dict | list) and not _names_other_type(expected_type)
    ):
        try:
            expected_value = _as_json(expected)
        except ValueError as exc:
            return [Mismatch("body", "$", f"The expected body is not valid JSON: {exc}")]
        try:
            actual_value = _as_json(actual)
        except ValueError as exc:
            return [Mismatch("body", "$", f"Failed to parse the actual body as JSON: {exc}")]
        return compare_json(
            expected_value,
            actual_value,
            body_rules,
            allow_unexpected_keys=allow_unexpected_keys,
        )
    if is_xml_type(expected.content_type):
        return compare_xml(expected, actual, body_rules, allow_unexpected=allow_unexpected_keys)
    if expected_type == "application/x-www-form-urlencoded":
        return _compare_form(expected, actual)
    root = body_rules.get("$")
    if root is not None:
        failures = check_all(root.rules, root.combine, expected.content, actual.content)
        return [Mismatch("body", "$", f, expected.content, actual.content) for f in failures]
    if isinstance(expected.content, bytes) or isinstance(actual.content, bytes):
        return _compare_bytes(expected, actual)
    if expected.to_text() != actual.to_text():
        return [
            Mismatch(
                "body",
                "$",
                f"Expected body '{expected.to_text()}' to match '{actual.to_text()}' "
                "using equality but did not match",
                expected.to_text(),
                actual.to_text(),
            )
        ]
    return []


def _names_other_type(media: str) -> bool:
    """A structured body under a type the reference has no body matcher for (e.g. thrift).

    The Rust core compares such a body as text, whatever rules the body paths carry.
    """
    return bool(media) and not (is_xml_type(media) or media.startswith(_MATCHED_ELSEWHERE))


_MATCHED_ELSEWHERE = ("multipart/", "application/x-www-form-urlencoded")


def _compatible(expected: str, actual: str) -> bool:
    if expected == actual:
        return True
    return is_json_type(expected) and is_json_type(actual)


SCHEMA_REGISTRY_PREFIX = 5
"""Kafka's schema-registry wire format: a zero magic byte and a 4-byte schema id."""


def _as_json(body: Body) -> Any:
    """The body as a JSON value; raises ``ValueError`` with a readable reason."""
    content = body.content
    if body.is_json or isinstance(content, dict | list) or content is None:
        return content
    if isinstance(content, bytes):
        if content[:1] == b"\x00" and len(content) > SCHEMA_REGISTRY_PREFIX:
            content = content[SCHEMA_REGISTRY_PREFIX:]
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-8 text (bad byte at offset {exc.start})") from exc
    if isinstance(content, str):
        return json.loads(content)
    return content


def _preview(body: Body) -> str:
    text = body.to_text()
    return text if len(text) <= 60 else text[:57] + "..."


def _compare_form(expected: Body, actual: Body) -> list[Mismatch]:
    want = _form(expected.to_text())
    got = _form(actual.to_text())
    out = []
    for name, values in want.items():
        if name not in got:
            out.append(
                Mismatch(
                    "body", f"$.{name}", f"Expected form post parameter '{name}' but was missing"
                )
            )
        elif got[name] != values:
            out.append(
                Mismatch(
                    "body",
                    f"$.{name}",
                    f"Expected form post parameter '{name}' with value '{', '.join(values)}' "
                    f"but was '{', '.join(got[name])}'",
                )
            )
    for name in got:
        if name not in want:
            out.append(Mismatch("body", f"$.{name}", f"Unexpected form post parameter '{name}'"))
    return out


def _form(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in parse_qsl(text, keep_blank_values=True):
        out.setdefault(key, []).append(value)
    return out


def _compare_bytes(expected: Body, actual: Body) -> list[Mismatch]:
    want, got = expected.to_bytes(), actual.to_bytes()
    if want == got:
        return []
    return [
        Mismatch(
            "body",
            "$",
            f"Actual body [{_describe(actual, got)}] is not equal to the expected body "
            f"[{_describe(expected, want)}]",
        )
    ]


def _describe(body: Body, data: bytes) -> str:
    content_type = body.content_type or "application/octet-stream"
    return f"{content_type}, {len(data)} bytes, starting with {data[:32].hex()}"
