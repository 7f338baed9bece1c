"""Messages: contents with response-like leniency, and metadata key by key."""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.matching.bodies import compare_bodies
from accord.matching.http import header_values_match
from accord.matching.mismatch import Mismatch, show
from accord.matching.rule_check import check_rules
from accord.matching.values import check_all, json_equal
from accord.model.body import Body
from accord.model.pact import MessageContents, is_content_type_key

if TYPE_CHECKING:
    from accord.schemas.in_pact import SchemaSource


def compare_message(
    expected: MessageContents,
    actual: MessageContents,
    *,
    schemas: SchemaSource | None = None,
    part: str | None = None,
) -> list[Mismatch]:
    """Everything that differs between an expected and a produced message.

    ``schemas`` decodes protobuf and Avro contents (``accord.schemas.schemas_for``);
    ``part`` is ``"request"`` or ``"response"`` for a synchronous message's halves.
    """
    check_rules(expected.matching_rules)  # a broken rule errors this interaction
    expected_body = expected.contents
    actual_body = actual.contents
    if expected_body is not None and expected_body.content_type is None:
        expected_body = Body(expected_body.content, expected.content_type, expected_body.hint)
    if actual_body is not None and actual_body.content_type is None:
        actual_body = Body(actual_body.content, actual.content_type, actual_body.hint)
    out = compare_bodies(
        expected_body,
        actual_body,
        expected.matching_rules,
        allow_unexpected_keys=True,
        schemas=schemas,
        part=part,
    )
    out += compare_metadata(expected, actual)
    return out


def compare_metadata(expected: MessageContents, message: MessageContents) -> list[Mismatch]:
    """Only expected keys are checked; extra metadata is always fine.

    A content-type key is compared with the produced content type, from the metadata or,
    when the producer set none there, from the body.
    """
    rules = expected.matching_rules
    actual = message.metadata
    out = []
    for key, value in expected.metadata.items():
        if is_content_type_key(key):
            received = message.content_type
            if received is not None and isinstance(value, str):
                if not header_values_match("content-type", value, received):
                    out.append(
                        Mismatch(
                            "metadata",
                            key,
                            f"Expected message metadata '{key}' to have value {show(value)} "
                            f"but was {show(received)}",
                            value,
                            received,
                        )
                    )
                continue
        if key not in actual:
            out.append(
                Mismatch(
                    "metadata", key, f"Expected message metadata '{key}' but was missing", value
                )
            )
            continue
        received = actual[key]
        rule_list = rules.keyed("metadata", key)
        if rule_list is not None:
            for failure in check_all(
                rule_list.rules, rule_list.combine, value, received, coerce=True
            ):
                out.append(Mismatch("metadata", key, failure, value, received))
        elif not json_equal(value, received):
            out.append(
                Mismatch(
                    "metadata",
                    key,
                    f"Expected message metadata '{key}' to have value {show(value)} "
                    f"but was {show(received)}",
                    value,
                    received,
                )
            )
    return out
