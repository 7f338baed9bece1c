"""Kafka's schema-registry wire format, as an adapter the other formats unwrap through.

Confluent serializers put a zero magic byte and a 4-byte schema id before the payload;
protobuf serializers then add the message's index path as zig-zag varints. A consumer's
contract is about the payload, so the JSON, protobuf and Avro formats compare what is
inside the frame.
"""

from __future__ import annotations

MAGIC = 0
PREFIX = 5
"""The magic byte and the 4-byte big-endian schema id."""


def is_framed(data: bytes) -> bool:
    """True when ``data`` starts like a schema-registry frame with a payload after it."""
    return len(data) > PREFIX and data[0] == MAGIC


def schema_id(data: bytes) -> int:
    """The registry's schema id in a framed payload."""
    return int.from_bytes(data[1:PREFIX], "big")


def unframe(data: bytes) -> bytes:
    """The payload of a JSON or Avro frame; unframed data is returned as it is."""
    return data[PREFIX:] if is_framed(data) else data


def unframe_protobuf(data: bytes) -> bytes:
    """The payload of a protobuf frame: after the prefix, skip the message-index path.

    The path is a varint count followed by that many varints, except that a single zero
    byte stands for ``[0]`` (the first message in the schema).
    """
    if not is_framed(data):
        return data
    position = PREFIX
    count, position = _varint(data, position)
    count = _zigzag(count)
    for _ in range(max(count, 0)):
        _, position = _varint(data, position)
    return data[position:]


def _varint(data: bytes, position: int) -> tuple[int, int]:
    value = shift = 0
    while position < len(data):
        byte = data[position]
        position += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, position
        shift += 7
    raise ValueError("truncated varint in the schema-registry frame")


def _zigzag(value: int) -> int:
    return (value >> 1) ^ -(value & 1)
