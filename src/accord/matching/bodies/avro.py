"""Avro bodies (``avro/binary;record=User``): one record, decoded with the pact's schema.

A body in a Kafka schema-registry frame is unwrapped when it does not decode as it is.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from accord.errors import SchemaError
from accord.matching.bodies import kafka_framing
from accord.matching.bodies.decoded import Decoder, compare_decoded
from accord.matching.bodies.registry import BodyContext, BodyFormat, BodyRules
from accord.matching.mismatch import Mismatch
from accord.model.body import Body
from accord.schemas.media import is_avro_type

if TYPE_CHECKING:
    from accord.schemas.avro import AvroRecord


def accepts(body: Body) -> bool:
    return is_avro_type(body.content_type)


def compare(expected: Body, actual: Body, rules: BodyRules, context: BodyContext) -> list[Mismatch]:
    def find() -> tuple[str, Decoder, object]:
        assert context.schemas is not None
        record = context.schemas.avro_record(expected.content_type, context.part)
        return record.full_name, decoder(record), record

    return compare_decoded(expected, actual, rules, context, kind="Avro record", find_decoder=find)


def decoder(record: AvroRecord) -> Decoder:
    def decode(data: bytes, like: Any) -> dict[str, Any]:
        try:
            return record.decode(data)
        except SchemaError:
            if not kafka_framing.is_framed(data):
                raise
            return record.decode(kafka_framing.unframe(data))

    return decode


def _kin(expected: str, actual: str) -> bool:
    return is_avro_type(expected) and is_avro_type(actual)


AVRO = BodyFormat("avro", accepts, compare, same_family=_kin, compares_empty=True)
