"""Body formats by media type: a registry and one module per content type family.

Order matters: schema formats (protobuf, Avro) first because their bodies are bytes the
others would take; JSON next, then XML, forms, multipart and text; binary accepts anything, last.
"""

from accord.matching.bodies.avro import AVRO
from accord.matching.bodies.binary import BINARY, TEXT
from accord.matching.bodies.form import FORM
from accord.matching.bodies.json_content import JSON
from accord.matching.bodies.multipart import MULTIPART
from accord.matching.bodies.protobuf import PROTOBUF
from accord.matching.bodies.registry import (
    BodyContext,
    BodyFormat,
    BodyRules,
    compare_bodies,
    format_for,
    formats,
    register,
    same_family,
)
from accord.matching.bodies.xml_content import XML

for _format in (PROTOBUF, AVRO, JSON, XML, FORM, MULTIPART, TEXT, BINARY):
    register(_format)

__all__ = [
    "BodyContext",
    "BodyFormat",
    "BodyRules",
    "compare_bodies",
    "format_for",
    "formats",
    "register",
    "same_family",
]
