"""Schemas for binary contents: protobuf descriptors and Avro schemas, read from pacts.

Needs extras: ``pip install 'accord[grpc]'`` for protobuf, ``'accord[avro]'`` for Avro.
Names are imported on first use, so routing a body by media type
(:mod:`accord.schemas.media`) costs nothing until a binary body is decoded.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from accord.schemas.avro import AvroRecord, AvroSchema
    from accord.schemas.in_pact import GivenSchemas, PactSchemas, SchemaSource, schemas_for
    from accord.schemas.media import (
        AVRO_TYPES,
        PROTOBUF_TYPES,
        is_avro_type,
        is_protobuf_type,
        parameter,
    )
    from accord.schemas.protobuf import ProtoMessage, ProtoMethod, ProtoSchema, compile_proto

_HOMES = {
    "AvroRecord": "avro",
    "AvroSchema": "avro",
    "GivenSchemas": "in_pact",
    "PactSchemas": "in_pact",
    "SchemaSource": "in_pact",
    "schemas_for": "in_pact",
    "AVRO_TYPES": "media",
    "PROTOBUF_TYPES": "media",
    "is_avro_type": "media",
    "is_protobuf_type": "media",
    "parameter": "media",
    "ProtoMessage": "protobuf",
    "ProtoMethod": "protobuf",
    "ProtoSchema": "protobuf",
    "compile_proto": "protobuf",
}

__all__ = [
    "AVRO_TYPES",
    "PROTOBUF_TYPES",
    "AvroRecord",
    "AvroSchema",
    "GivenSchemas",
    "PactSchemas",
    "ProtoMessage",
    "ProtoMethod",
    "ProtoSchema",
    "SchemaSource",
    "compile_proto",
    "is_avro_type",
    "is_protobuf_type",
    "parameter",
    "schemas_for",
]


def __getattr__(name: str) -> Any:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module 'accord.schemas' has no attribute {name!r}")
    return getattr(importlib.import_module(f"accord.schemas.{home}"), name)
