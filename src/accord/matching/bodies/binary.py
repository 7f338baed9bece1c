"""Text and binary bodies: a rule at ``$`` (a ``contentType`` or ``regex`` matcher, say)
decides; without one, text compares by equality and bytes byte for byte."""

from __future__ import annotations

from accord.matching.bodies.registry import BodyContext, BodyFormat, BodyRules
from accord.matching.mismatch import Mismatch
from accord.matching.values import check_all
from accord.model.body import Body


def root_rule_mismatches(expected: Body, actual: Body, rules: BodyRules) -> list[Mismatch] | None:
    """Mismatches under the rules at ``$``, or ``None`` when there are none."""
    root = rules.get("$")
    if root is None:
        return None
    failures = check_all(root.rules, root.combine, expected.content, actual.content)
    return [Mismatch("body", "$", f, expected.content, actual.content) for f in failures]


def accepts_text(body: Body) -> bool:
    return not isinstance(body.content, bytes)


def compare_text(
    expected: Body, actual: Body, rules: BodyRules, context: BodyContext
) -> list[Mismatch]:
    by_rule = root_rule_mismatches(expected, actual, rules)
    if by_rule is not None:
        return by_rule
    if isinstance(actual.content, bytes):
        return compare_bytes(expected, actual)
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


def compare_binary(
    expected: Body, actual: Body, rules: BodyRules, context: BodyContext
) -> list[Mismatch]:
    by_rule = root_rule_mismatches(expected, actual, rules)
    if by_rule is not None:
        return by_rule
    return compare_bytes(expected, actual)


def compare_bytes(expected: Body, actual: Body, note: str = "") -> list[Mismatch]:
    want, got = expected.to_bytes(), actual.to_bytes()
    if want == got:
        return []
    return [
        Mismatch(
            "body",
            "$",
            f"Actual body [{_describe(actual, got)}] is not equal to the expected body "
            f"[{_describe(expected, want)}]{note}",
        )
    ]


def _describe(body: Body, data: bytes) -> str:
    content_type = body.content_type or "application/octet-stream"
    return f"{content_type}, {len(data)} bytes, starting with {data[:32].hex()}"


TEXT = BodyFormat("text", accepts_text, compare_text)
BINARY = BodyFormat("binary", lambda body: True, compare_binary)
