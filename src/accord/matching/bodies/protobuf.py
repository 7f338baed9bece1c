"""Protobuf bodies (``application/protobuf; message=...``, ``application/grpc``, ...).

The message type comes from the content type's ``message`` parameter or the interaction's
plugin configuration, and its descriptors from the pact (:mod:`accord.schemas`). A body in
a Kafka schema-registry frame is unwrapped when it does not parse as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord.errors import SchemaError
from accord.matching.bodies import kafka_framing
from accord.matching.bodies.decoded import Decoder, compare_decoded
from accord.matching.bodies.registry import BodyContext, BodyFormat, BodyRules
from accord.matching.mismatch import Mismatch
from accord.model.body import Body
from accord.schemas.media import is_protobuf_type

if TYPE_CHECKING:
    from accord.schemas.protobuf import ProtoMessage


def accepts(body: Body) -> bool:
    return is_protobuf_type(body.content_type)


def compare(expected: Body, actual: Body, rules: BodyRules, context: BodyContext) -> list[Mismatch]:
    def find() -> tuple[str, Decoder, object]:
        assert context.schemas is not None
        message = context.schemas.proto_message(expected.content_type, context.part)
        return message.full_name, decoder(message), message

    return compare_decoded(
        expected, actual, rules, context, kind="protobuf message", find_decoder=find
    )


def decoder(message: ProtoMessage) -> Decoder:
    def decode(data: bytes, like: Any) -> dict[str, Any]:
        try:
            return message.decode(data, like=like)
        except SchemaError:
            unframed = (
                kafka_framing.unframe_protobuf(data) if kafka_framing.is_framed(data) else None
            )
            if unframed is None:
                raise
            return message.decode(unframed, like=like)

    return decode


def _kin(expected: str, actual: str) -> bool:
    return is_protobuf_type(expected) and is_protobuf_type(actual)


PROTOBUF = BodyFormat("protobuf", accepts, compare, same_family=_kin, compares_empty=True)
