"""Which media types carry protobuf or Avro, and reading their parameters.

Kept apart from the schema code so the matching engine can route bodies without importing
anything heavier than this.
"""

from __future__ import annotations

from accord.model.body import media_type

PROTOBUF_TYPES = frozenset(
    {
        "application/protobuf",
        "application/x-protobuf",
        "application/vnd.google.protobuf",
        "application/grpc",
        "application/grpc+proto",
    }
)
AVRO_TYPES = frozenset({"avro/binary", "application/avro", "application/vnd.apache.avro+binary"})


def is_protobuf_type(content_type: str | None) -> bool:
    return media_type(content_type) in PROTOBUF_TYPES


def is_avro_type(content_type: str | None) -> bool:
    return media_type(content_type) in AVRO_TYPES


def parameter(content_type: str | None, name: str) -> str | None:
    """A content-type parameter (``message``, ``record``), spaces and quotes tolerated."""
    if not content_type:
        return None
    for piece in content_type.split(";")[1:]:
        key, _, value = piece.partition("=")
        if key.strip().lower() == name:
            return value.strip().strip('"') or None
    return None


def same_message_name(expected: str, actual: str) -> bool:
    """``Feature``, ``routeguide.Feature`` and ``.routeguide.Feature`` name one message.

    Writers differ in whether they qualify the name, so a shorter name matches a longer
    one that ends with it at a package boundary.
    """
    want, got = expected.strip().lstrip("."), actual.strip().lstrip(".")
    if want == got:
        return True
    return got.endswith("." + want) or want.endswith("." + got)
