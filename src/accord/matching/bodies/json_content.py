"""JSON bodies: parsed, then compared structurally (:mod:`accord.matching.json_body`)."""

from __future__ import annotations

import json
from typing import Any

from accord.matching.bodies import kafka_framing
from accord.matching.bodies.registry import BodyContext, BodyFormat, BodyRules
from accord.matching.json_body import compare_json
from accord.matching.mismatch import Mismatch
from accord.model.body import Body, is_json_type, is_xml_type, media_type


def accepts(body: Body) -> bool:
    if is_json_type(body.content_type):
        return True
    return isinstance(body.content, dict | list) and not _names_other_type(
        media_type(body.content_type)
    )


def _names_other_type(media: str) -> bool:
    """A structured body under a type the reference has no body matcher for (e.g. thrift).

    The Rust core compares such a body as text, whatever rules the body paths carry.
    """
    return bool(media) and not (is_xml_type(media) or media.startswith(_MATCHED_ELSEWHERE))


_MATCHED_ELSEWHERE = ("multipart/", "application/x-www-form-urlencoded")


def compare(expected: Body, actual: Body, rules: BodyRules, context: BodyContext) -> list[Mismatch]:
    try:
        expected_value = as_json(expected)
    except ValueError as exc:
        return [Mismatch("body", "$", f"The expected body is not valid JSON: {exc}")]
    try:
        actual_value = as_json(actual)
    except ValueError as exc:
        return [Mismatch("body", "$", f"Failed to parse the actual body as JSON: {exc}")]
    return compare_json(
        expected_value, actual_value, rules, allow_unexpected_keys=context.allow_unexpected_keys
    )


def as_json(body: Body) -> Any:
    """The body as a JSON value; raises ``ValueError`` with a readable reason.

    Bytes in a schema-registry frame are unwrapped first (Kafka JSON serializers).
    """
    content = body.content
    if body.is_json or isinstance(content, dict | list) or content is None:
        return content
    if isinstance(content, bytes):
        content = kafka_framing.unframe(content)
        try:
            content = content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise ValueError(f"not UTF-8 text (bad byte at offset {exc.start})") from exc
    if isinstance(content, str):
        return json.loads(content)
    return content


def _kin(expected: str, actual: str) -> bool:
    return is_json_type(expected) and is_json_type(actual)


JSON = BodyFormat("json", accepts, compare, same_family=_kin)
