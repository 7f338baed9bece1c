"""Protobuf and Avro bodies shown decoded, with the rules beside the fields.

A pact stores these bodies as base64, which says nothing to a reader. With the schema the
pact carries (``metadata.plugins``, :mod:`accord.schemas`) the body is decoded into its
fields and shown like a JSON body, each matching rule and generator beside the field it
governs. Without the extra that decodes it, or when the bytes do not decode, the page
falls back to the base64 view, and the reason is shown.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from accord.broker.ui.annotate import BodyView, body_view
from accord.errors import AccordError
from accord.model.body import Body
from accord.model.rules import Generators, MatchingRules
from accord.schemas.media import is_avro_type, is_protobuf_type

if TYPE_CHECKING:
    from accord.schemas.in_pact import SchemaSource


def schema_body_view(
    body: Body | None,
    rules: MatchingRules,
    generators: Generators,
    schemas: SchemaSource | None,
    part: str | None = None,
) -> BodyView | None:
    """The decoded view of a protobuf or Avro body; ``None`` when the body is neither."""
    if body is None or not isinstance(body.content, bytes) or schemas is None:
        return None
    content_type = body.content_type
    try:
        if is_protobuf_type(content_type):
            message = schemas.proto_message(content_type, part)
            value = message.decode(body.content)
            label = f"protobuf message {message.full_name}"
        elif is_avro_type(content_type):
            record = schemas.avro_record(content_type, part)
            value = record.decode(body.content)
            label = f"Avro record {record.full_name}"
        else:
            return None
    except AccordError as exc:  # a missing extra, a schema the pact lacks, bad bytes
        view = body_view(body, rules, generators)
        if view is not None:
            view.decoded = f"not decoded: {exc}"
        return view
    view = body_view(Body(value, "application/json"), rules, generators)
    assert view is not None
    view.content_type = content_type
    view.decoded = f"decoded with the pact's schema as {label}"
    return view
