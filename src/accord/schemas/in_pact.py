"""Finding the schema a pact carries for an interaction's binary bodies.

The protobuf and Avro plugins keep schemas once per pact, under ``metadata.plugins[]``
keyed by a hash, and let each interaction's ``pluginConfiguration`` point at one
(``descriptorKey``, ``schemaKey``) and name the message, service or record. A body's
content type names the message too (``application/protobuf; message=.pkg.Msg``,
``avro/binary;record=User``). :class:`PactSchemas` puts those together, lazily: nothing is
decoded until a binary body is compared, so JSON-only pacts never import protobuf.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol

from accord.errors import SchemaError
from accord.model.pact import Interaction, Pact
from accord.schemas.avro import AvroRecord, AvroSchema
from accord.schemas.media import parameter
from accord.schemas.protobuf import ProtoMessage, ProtoMethod, ProtoSchema


class SchemaSource(Protocol):
    """What body comparison asks for; :class:`PactSchemas` and :class:`GivenSchemas` answer."""

    def proto_message(self, content_type: str | None, part: str | None = None) -> ProtoMessage:
        """The message type of a protobuf body (``part`` is ``request``/``response``)."""
        ...

    def avro_record(self, content_type: str | None, part: str | None = None) -> AvroRecord:
        """The record type of an Avro body."""
        ...


@dataclass(frozen=True)
class GivenSchemas:
    """Schemas handed over directly (a consumer test's ``.proto``), not read from a pact."""

    proto: ProtoSchema | None = None
    avro: AvroSchema | None = None
    message: str | None = None
    record: str | None = None

    def proto_message(self, content_type: str | None, part: str | None = None) -> ProtoMessage:
        if self.proto is None:
            raise SchemaError("a protobuf body needs a .proto or descriptors, and none was given")
        name = parameter(content_type, "message") or self.message
        if name is None:
            raise SchemaError(f"the content type {content_type!r} names no message")
        return self.proto.message(name)

    def avro_record(self, content_type: str | None, part: str | None = None) -> AvroRecord:
        if self.avro is None:
            raise SchemaError("an Avro body needs a schema, and none was given")
        return self.avro.record(parameter(content_type, "record") or self.record)


@dataclass
class PactSchemas:
    """The schemas one interaction of a pact refers to."""

    plugins: list[dict[str, Any]] = field(default_factory=list)
    """``metadata.plugins`` of the pact."""
    config: dict[str, Any] = field(default_factory=dict)
    """``pluginConfiguration`` of the interaction."""

    @classmethod
    def of(cls, pact: Pact, interaction: Interaction | None = None) -> PactSchemas:
        plugins = pact.metadata.get("plugins")
        return cls(
            [p for p in plugins if isinstance(p, dict)] if isinstance(plugins, list) else [],
            dict(interaction.plugin_config) if interaction is not None else {},
        )

    def __bool__(self) -> bool:
        return bool(self.plugins or self.config)

    # -- protobuf --------------------------------------------------------------------------

    def _section(self, plugin: str, part: str | None) -> dict[str, Any]:
        section = self.config.get(plugin)
        if not isinstance(section, dict):
            return {}
        if part is not None and isinstance(section.get(part), dict):
            return {**section, **section[part]}
        return section

    def protobuf(self, descriptor_key: str | None = None) -> ProtoSchema:
        """The descriptors under ``descriptor_key`` (or the interaction's, or the only ones)."""
        schemas = list(self._proto_schemas(descriptor_key))
        if not schemas:
            raise SchemaError(self._missing("protobuf", descriptor_key))
        return schemas[0]

    def _proto_schemas(
        self, descriptor_key: str | None, part: str | None = None
    ) -> Iterator[ProtoSchema]:
        key = descriptor_key or self._section("protobuf", part).get("descriptorKey")
        for entry in self._entries("protobuf", key if isinstance(key, str) else None):
            descriptors = entry.get("protoDescriptors")
            text = entry.get("protoFile")
            if isinstance(descriptors, str) and descriptors:
                yield ProtoSchema.from_descriptor_set(
                    descriptors, text if isinstance(text, str) else None
                )
            elif isinstance(text, str) and text:
                yield ProtoSchema.from_proto_text(text)

    def proto_message(self, content_type: str | None, part: str | None = None) -> ProtoMessage:
        section = self._section("protobuf", part)
        name = parameter(content_type, "message") or section.get("message")
        service = section.get("service")
        errors: list[str] = []
        for schema in self._proto_schemas(None, part):
            try:
                if isinstance(name, str):
                    return schema.message(name)
                if isinstance(service, str):
                    method = schema.method(service)
                    return method.input if part == "request" else method.output
            except SchemaError as exc:
                errors.append(str(exc))
        if errors:
            raise SchemaError(errors[0])
        if not isinstance(name, str) and not isinstance(service, str):
            raise SchemaError(
                f"the content type {content_type!r} names no message "
                "(application/protobuf; message=Name) and the interaction names none either"
            )
        raise SchemaError(self._missing("protobuf", section.get("descriptorKey")))

    def proto_method(self) -> ProtoMethod:
        """The RPC a gRPC interaction calls (``pluginConfiguration.protobuf.service``)."""
        service = self._section("protobuf", None).get("service")
        if not isinstance(service, str):
            raise SchemaError("the interaction names no gRPC service (pluginConfiguration)")
        errors: list[str] = []
        for schema in self._proto_schemas(None):
            try:
                return schema.method(service)
            except SchemaError as exc:
                errors.append(str(exc))
        raise SchemaError(errors[0] if errors else self._missing("protobuf", None))

    # -- avro ------------------------------------------------------------------------------

    def avro(self, schema_key: str | None = None) -> AvroSchema:
        key = schema_key or self._section("avro", None).get("schemaKey")
        for entry in self._entries("avro", key if isinstance(key, str) else None):
            text = entry.get("avroSchema")
            if isinstance(text, str) and text:
                return AvroSchema.from_text(text)
        raise SchemaError(self._missing("avro", key))

    def avro_record(self, content_type: str | None, part: str | None = None) -> AvroRecord:
        section = self._section("avro", part)
        name = parameter(content_type, "record") or section.get("record")
        key = section.get("schemaKey")
        return self.avro(key if isinstance(key, str) else None).record(
            name if isinstance(name, str) else None
        )

    # -- shared ----------------------------------------------------------------------------

    def _entries(self, plugin: str, key: str | None) -> Iterator[Mapping[str, Any]]:
        """Configuration entries of ``plugin``: the keyed one first, then any others."""
        seen: set[int] = set()
        entries: list[Mapping[str, Any]] = []
        for item in self.plugins:
            if str(item.get("name", "")).lower() != plugin:
                continue
            configuration = item.get("configuration")
            if not isinstance(configuration, dict):
                continue
            for entry_key, entry in configuration.items():
                if isinstance(entry, dict) and id(entry) not in seen:
                    seen.add(id(entry))
                    if entry_key == key:
                        entries.insert(0, entry)
                    else:
                        entries.append(entry)
        yield from entries

    def _missing(self, plugin: str, key: Any) -> str:
        where = f" under key {key!r}" if key else ""
        return f"the pact carries no {plugin} schema{where} (metadata.plugins)"


def schemas_for(pact: Pact, interaction: Interaction | None = None) -> PactSchemas:
    """The schemas ``interaction`` of ``pact`` can decode its binary bodies with."""
    return PactSchemas.of(pact, interaction)
