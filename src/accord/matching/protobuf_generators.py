"""Generators on protobuf contents: applied to the decoded message, then re-encoded.

Pact keeps a protobuf body as bytes, but its generators sit at field paths
(``$.id``, ``$.shapes[0].square.edge_length``) like a JSON body's. Both the gRPC mock
server (consumer mode) and the verifier (provider-state values) decode the message,
apply the generators with the ordinary engine, and encode it again.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from accord.matching.generators import generate_body, generate_message
from accord.model.body import Body
from accord.model.pact import MessageContents
from accord.schemas.protobuf import ProtoMessage  # a type; the extra loads lazily


def generate_protobuf(
    message: ProtoMessage, contents: MessageContents, *, mode: str, context: dict[str, Any]
) -> MessageContents:
    """``contents`` with its body and metadata generators applied; the body stays bytes."""
    if not contents.generators:
        return contents
    body = contents.contents
    with_metadata = generate_message(replace(contents, contents=None), mode=mode, context=context)
    if body is None or not contents.generators.category("body"):
        return replace(with_metadata, contents=body)
    value = message.decode(body.to_bytes())
    made = generate_body(
        Body(value, "application/json"), contents.generators, mode=mode, context=context
    )
    assert made is not None
    data = message.encode(made.content)
    return replace(with_metadata, contents=Body(data, body.content_type, body.hint))
