"""The pieces of a pact the protobuf and Avro plugins write, built from accord's schemas.

accord writes gRPC, protobuf and Avro interactions in exactly the plugins' shapes, so a
provider team using pact-jvm or pact-go with the plugin can verify them. These helpers
return plain JSON-ready dicts for the consumer builders and mock servers to put into the
model (``Pact.metadata["plugins"]``, ``Interaction.plugin_config``, ``markup``, and the
bodies' content types).
"""

from __future__ import annotations

from typing import Any

from accord.schemas.avro import AvroRecord, AvroSchema
from accord.schemas.protobuf import ProtoMessage, ProtoMethod, ProtoSchema

PROTOBUF_PLUGIN = ("protobuf", "0.5.4")
"""Name and version recorded for the protobuf plugin (a released version other tools load)."""
AVRO_PLUGIN = ("avro", "0.0.6")
"""Name and version recorded for the Avro plugin."""

_SCALAR_NAMES = {
    1: "double",
    2: "float",
    3: "int64",
    4: "uint64",
    5: "int32",
    6: "fixed64",
    7: "fixed32",
    8: "bool",
    9: "string",
    12: "bytes",
    13: "uint32",
    15: "sfixed32",
    16: "sfixed64",
    17: "sint32",
    18: "sint64",
}


def protobuf_content_type(message: ProtoMessage) -> str:
    """``application/protobuf; message=.pkg.Message``, as recent plugin versions write it."""
    return f"application/protobuf; message=.{message.full_name}"


def avro_content_type(record: AvroRecord) -> str:
    """``avro/binary;record=User``, as the Avro plugin writes it."""
    return f"avro/binary;record={record.name}"


def protobuf_plugin_entry(schema: ProtoSchema) -> dict[str, Any]:
    """One ``metadata.plugins[]`` entry carrying the descriptors under their key."""
    name, version = PROTOBUF_PLUGIN
    return {
        "name": name,
        "version": version,
        "configuration": {schema.descriptor_key: schema.plugin_configuration()},
    }


def avro_plugin_entry(schema: AvroSchema) -> dict[str, Any]:
    name, version = AVRO_PLUGIN
    return {
        "name": name,
        "version": version,
        "configuration": {schema.schema_key: schema.plugin_configuration()},
    }


def add_plugin_entry(metadata: dict[str, Any], entry: dict[str, Any]) -> None:
    """Merge ``entry`` into ``metadata["plugins"]``: one entry per plugin name and version,
    configurations merged by key (a pact with several ``.proto`` files keeps them all)."""
    plugins = metadata.setdefault("plugins", [])
    for existing in plugins:
        if existing.get("name") == entry["name"] and existing.get("version") == entry["version"]:
            existing.setdefault("configuration", {}).update(entry["configuration"])
            return
    plugins.append(
        {
            "name": entry["name"],
            "version": entry["version"],
            "configuration": dict(entry["configuration"]),
        }
    )


def grpc_plugin_config(schema: ProtoSchema, method: ProtoMethod) -> dict[str, Any]:
    """``pluginConfiguration`` of a gRPC interaction."""
    return {
        "protobuf": {
            "descriptorKey": schema.descriptor_key,
            "service": f".{method.service}/{method.name}",
        }
    }


def message_plugin_config(schema: ProtoSchema, message: ProtoMessage) -> dict[str, Any]:
    """``pluginConfiguration`` of a protobuf message on a queue."""
    return {
        "protobuf": {"descriptorKey": schema.descriptor_key, "message": f".{message.full_name}"}
    }


def http_plugin_config(
    schema: ProtoSchema,
    request: ProtoMessage | None = None,
    response: ProtoMessage | None = None,
) -> dict[str, Any]:
    """``pluginConfiguration`` of an HTTP interaction with protobuf bodies, per part."""
    parts: dict[str, Any] = {}
    for part, message in (("request", request), ("response", response)):
        if message is not None:
            parts[part] = {
                "descriptorKey": schema.descriptor_key,
                "message": f".{message.full_name}",
            }
    return {"protobuf": parts}


def avro_plugin_config(schema: AvroSchema, record: AvroRecord) -> dict[str, Any]:
    return {"avro": {"record": record.name, "schemaKey": schema.schema_key}}


def protobuf_markup(*parts: tuple[ProtoMessage, dict[str, Any]]) -> dict[str, str]:
    """``interactionMarkup``: each message with the fields its example sets, in CommonMark.

    Tools show this beside the interaction; it is a rendering, never read back.
    """
    blocks = []
    for message, example in parts:
        lines = [f"```protobuf\nmessage {message.name} {{"]
        fields = sorted(
            (
                message.descriptor.fields_by_name[name]
                for name in example
                if name in message.descriptor.fields_by_name
            ),
            key=lambda f: f.number,
        )
        for field_descriptor in fields:
            lines.append(
                f"    {_field_type(field_descriptor)} {field_descriptor.name} = "
                f"{field_descriptor.number};"
            )
        lines.append("}\n```\n")
        blocks.append("\n".join(lines))
    return {"markup": "\n".join(blocks), "markupType": "COMMON_MARK"}


def _field_type(field_descriptor: Any) -> str:
    message_type = field_descriptor.message_type
    if message_type is not None and message_type.GetOptions().map_entry:
        key = _type_name(message_type.fields_by_name["key"])
        value = _type_name(message_type.fields_by_name["value"])
        return f"map<{key}, {value}>"
    name = _type_name(field_descriptor)
    repeated = getattr(field_descriptor, "is_repeated", None)
    if repeated is None:
        repeated = field_descriptor.label == field_descriptor.LABEL_REPEATED
    return f"repeated {name}" if repeated else name


def _type_name(field_descriptor: Any) -> str:
    if field_descriptor.message_type is not None:
        return f"message .{field_descriptor.message_type.full_name}"
    if field_descriptor.enum_type is not None:
        return f"enum .{field_descriptor.enum_type.full_name}"
    return _SCALAR_NAMES.get(field_descriptor.type, "unknown")
