"""Comparing bodies: what all formats share, then the format the media type picks.

Missing and empty bodies, and content types that cannot be the same kind of thing, are
decided here; everything else is handed to the :mod:`accord.matching.bodies` registry
(JSON, XML, forms, text, binary, protobuf, Avro, ...).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.matching.bodies import BodyContext, format_for, same_family
from accord.matching.mismatch import Mismatch
from accord.model.body import Body, is_json_type, media_type
from accord.model.rules import MatchingRules

if TYPE_CHECKING:
    from accord.schemas.in_pact import SchemaSource


def compare_bodies(
    expected: Body | None,
    actual: Body | None,
    rules: MatchingRules,
    *,
    allow_unexpected_keys: bool,
    schemas: SchemaSource | None = None,
    part: str | None = None,
) -> list[Mismatch]:
    """Mismatches between two bodies; a missing expected body means "don't care".

    ``schemas`` decodes protobuf and Avro bodies (``PactSchemas.of(pact, interaction)``);
    ``part`` (``"request"``/``"response"``) tells a gRPC interaction's two messages apart.
    """
    if expected is None:
        return []
    body_format = format_for(expected)
    if not body_format.compares_empty and (
        expected.is_empty or (expected.content is None and not is_json_type(expected.content_type))
    ):
        if actual is None or actual.is_empty or actual.content is None:
            return []
        return [Mismatch("body", "$", f"Expected an empty body but received '{_preview(actual)}'")]
    if actual is None:
        if body_format.compares_empty and expected.is_empty:
            return []  # an all-default message expects nothing in particular
        return [Mismatch("body", "$", "Expected a body but it was missing", expected.content)]
    expected_type = media_type(expected.content_type)
    actual_type = media_type(actual.content_type)
    if expected_type and actual_type and not same_family(expected_type, actual_type):
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
    context = BodyContext(allow_unexpected_keys, schemas, part)
    return body_format.compare(expected, actual, rules.category("body"), context)


def _preview(body: Body) -> str:
    text = body.to_text()
    return text if len(text) <= 60 else text[:57] + "..."
