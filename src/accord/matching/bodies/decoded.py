"""Shared steps of the schema formats: decode both bodies, then match as JSON.

A decoded protobuf message or Avro record is a tree of dicts, lists and scalars with field
names as keys, so the ordinary matching rules apply at their ``$.field`` paths and a
mismatch names the field, never a byte offset.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from accord.errors import SchemaError
from accord.matching.bodies.binary import compare_bytes
from accord.matching.bodies.registry import BodyContext, BodyRules
from accord.matching.json_body import compare_json
from accord.matching.mismatch import Mismatch
from accord.model.body import Body

Decoder = Callable[[bytes, Any], dict[str, Any]]
"""``decode(data, like)``: the value of one body; ``like`` is the expected value, if known."""

_EXPECTED: OrderedDict[tuple[int, bytes], tuple[object, Any]] = OrderedDict()
_EXPECTED_SIZE = 256
"""Decoded expected bodies: a verification run compares one pact's examples many times."""


def compare_decoded(
    expected: Body,
    actual: Body,
    rules: BodyRules,
    context: BodyContext,
    *,
    kind: str,
    find_decoder: Callable[[], tuple[str, Decoder, object]],
) -> list[Mismatch]:
    """Decode with the schema ``find_decoder`` locates, then compare the two values.

    Without a schema source the bodies can only be compared byte for byte, and a mismatch
    says why. A schema the pact lacks is a mismatch at ``$`` that names what is missing.
    """
    if context.schemas is None:
        return compare_bytes(
            expected, actual, f" (no {kind} schema was given to decode the bodies with)"
        )
    try:
        type_name, decode, schema_type = find_decoder()
    except SchemaError as exc:
        return [Mismatch("body", "$", f"Cannot decode the {kind} body: {exc}")]
    try:
        expected_value = _expected_value(expected, decode, schema_type)
    except SchemaError as exc:
        return [Mismatch("body", "$", f"The expected body is not a valid {type_name}: {exc}")]
    try:
        actual_value = _value(actual, decode, expected_value)
    except SchemaError as exc:
        return [
            Mismatch(
                "body",
                "$",
                f"Failed to decode the actual body as {kind} {type_name}: {exc}",
                expected_value,
                actual.content,
            )
        ]
    return compare_json(
        expected_value, actual_value, rules, allow_unexpected_keys=context.allow_unexpected_keys
    )


def _expected_value(body: Body, decode: Decoder, schema_type: object) -> Any:
    """The expected body decoded, reused while the same type decodes the same bytes.

    Values are shared between comparisons, which only read them.
    """
    content = body.content
    if not isinstance(content, bytes):
        return _value(body, decode, None)
    key = (id(schema_type), content)
    cached = _EXPECTED.get(key)
    if cached is not None and cached[0] is schema_type:
        _EXPECTED.move_to_end(key)
        return cached[1]
    value = _value(body, decode, None)
    _EXPECTED[key] = (schema_type, value)
    if len(_EXPECTED) > _EXPECTED_SIZE:
        _EXPECTED.popitem(last=False)
    return value


def _value(body: Body, decode: Decoder, like: Any) -> Any:
    content = body.content
    if isinstance(content, dict):
        return content
    if content is None:
        return {}
    if isinstance(content, str):
        content = content.encode("latin-1", errors="strict")
    return decode(bytes(content), like)
