"""gRPC interactions: one unary call, written in the Pact protobuf plugin's shape.

``pact.grpc(description, proto=..., service="pkg.Service/Method")`` returns a
:class:`GrpcInteractionBuilder`. Request and response are plain dicts keyed by the field
names of the ``.proto`` (matchers allowed anywhere); the builder encodes the examples with
the schema and keeps the rules at ``$.field`` paths, so the interaction is exactly what the
plugin writes: ``Synchronous/Messages`` over transport ``grpc``, binary protobuf contents,
``pluginConfiguration.protobuf`` naming the descriptors and the service, and a readable
``interactionMarkup``. A provider team with the plugin (pact-jvm, pact-go, ...) can verify
it; accord verifies it with no plugin process.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from accord._dsl.term import Term, compile_value
from accord.consumer.builder import compile_metadata
from accord.consumer.interaction_builder import InteractionBuilder
from accord.errors import MatcherError, SchemaError
from accord.model.body import Body
from accord.model.pact import MessageContents, SyncMessage
from accord.model.rules import Generators, MatchingRules
from accord.schemas.plugin_shapes import (
    grpc_plugin_config,
    protobuf_content_type,
    protobuf_markup,
    protobuf_plugin_entry,
)
from accord.wire.grpc_status import MESSAGE_KEY, STATUS_KEY, code_name

if TYPE_CHECKING:
    from accord.schemas.protobuf import ProtoMessage, ProtoSchema

TRANSPORT = "grpc"


def load_schema(proto: Any, include_paths: tuple[str | os.PathLike[str], ...] = ()) -> ProtoSchema:
    """A :class:`ProtoSchema` from a ``.proto`` path, a ``FileDescriptorSet`` (message or
    bytes), or a ``ProtoSchema`` itself."""
    from accord.schemas.protobuf import ProtoSchema

    if isinstance(proto, ProtoSchema):
        return proto
    if isinstance(proto, str | os.PathLike):
        return ProtoSchema.from_proto_file(proto, include_paths)
    if isinstance(proto, bytes | bytearray):
        return ProtoSchema.from_descriptor_set(bytes(proto))
    serialize = getattr(proto, "SerializeToString", None)
    if callable(serialize):
        return ProtoSchema.from_descriptor_set(bytes(serialize()))
    raise SchemaError(
        f"proto= takes a .proto path, a FileDescriptorSet or its bytes, not {type(proto).__name__}"
    )


def metadata_content_type(message: ProtoMessage) -> str:
    """The ``contentType`` metadata the plugin writes beside the contents (no space)."""
    return f"application/protobuf;message=.{message.full_name}"


def protobuf_contents(
    message: ProtoMessage, content: Mapping[str, Any] | None, metadata: Mapping[str, Any]
) -> tuple[MessageContents, dict[str, Any]]:
    """Encode ``content`` (matchers allowed) as ``message``; rules stay at field paths.
    Returns the contents and the plain example (for the markup)."""
    value: Any = {} if content is None else content
    if not isinstance(value, Mapping):
        raise MatcherError(
            f"a {message.full_name} message is given as a dict of its fields, "
            f"not {type(value).__name__}"
        )
    compiled = compile_value(dict(value))
    try:
        data = message.encode(compiled.example)
    except SchemaError as exc:
        raise MatcherError(f"the example is not a valid {message.full_name}: {exc}") from exc
    rules, generators = MatchingRules(), Generators()
    for path, rule_list in compiled.rules.items():
        rules.add("body", path, rule_list.rules, rule_list.combine)
    for path, generator in compiled.generators.items():
        generators.add("body", path, generator)
    plain = compile_metadata(metadata, rules, generators)
    plain.setdefault("contentType", metadata_content_type(message))
    body = Body(data, protobuf_content_type(message), "BINARY")
    return MessageContents(body, plain, rules, generators), compiled.example


class GrpcInteractionBuilder(InteractionBuilder):
    """Describes one unary gRPC call: the request the consumer sends, and the reply
    (a message, or an error status) it needs."""

    kind = "a gRPC interaction"

    def __init__(self, description: str, schema: ProtoSchema, service: str) -> None:
        super().__init__(description)
        self.schema = schema
        try:
            self.method = schema.method(service)
        except SchemaError as exc:
            raise SchemaError(f"gRPC interaction {description!r}: {exc}") from exc
        if self.method.client_streaming or self.method.server_streaming:
            raise SchemaError(
                f"gRPC interaction {description!r}: {self.method.full_name} is a streaming "
                "method; accord contracts cover unary calls"
            )
        self._request, self._request_example = protobuf_contents(self.method.input, {}, {})
        self._response: MessageContents | None = None
        self._response_example: dict[str, Any] | None = None

    def with_request(
        self, content: Mapping[str, Any] | None = None, *, metadata: Mapping[str, Any] | None = None
    ) -> GrpcInteractionBuilder:
        """The request message as a dict of its fields (matchers allowed), and any gRPC
        metadata the consumer sends (matchers allowed)."""
        self._request, self._request_example = protobuf_contents(
            self.method.input, content, metadata or {}
        )
        return self

    def will_respond_with(
        self, content: Mapping[str, Any] | None = None, *, metadata: Mapping[str, Any] | None = None
    ) -> GrpcInteractionBuilder:
        """The reply message as a dict of its fields (matchers allowed), and the response
        metadata the consumer relies on."""
        self._response, self._response_example = protobuf_contents(
            self.method.output, content, metadata or {}
        )
        return self

    def will_respond_with_status(
        self,
        code: str | int,
        message: str | Term | None = None,
        *,
        metadata: Mapping[str, Any] | None = None,
    ) -> GrpcInteractionBuilder:
        """The call fails with gRPC status ``code`` (``"NOT_FOUND"`` or ``5``) and, when
        given, the status ``message`` (a matcher such as ``match.like(...)`` allowed)."""
        name = code_name(code)
        if name is None or name == "OK":
            raise MatcherError(
                f"gRPC interaction {self.description!r}: {code!r} is not a gRPC error status "
                "(use a name such as 'NOT_FOUND', or its number)"
            )
        values: dict[str, Any] = {STATUS_KEY: name}
        if message is not None:
            values[MESSAGE_KEY] = message
        values.update(metadata or {})
        rules, generators = MatchingRules(), Generators()
        plain = compile_metadata(values, rules, generators)
        plain["contentType"] = metadata_content_type(self.method.output)
        self._response = MessageContents(None, plain, rules, generators)
        self._response_example = None
        return self

    def build(self) -> SyncMessage:
        if self._response is None:
            raise MatcherError(
                f"gRPC interaction {self.description!r} has no reply: call "
                ".will_respond_with(...) or .will_respond_with_status(...)"
            )
        parts = [(self.method.input, self._request_example)]
        if self._response_example is not None:
            parts.append((self.method.output, self._response_example))
        return SyncMessage(
            description=self.description,
            provider_states=list(self._states),
            key=self._key,
            pending=self._pending,
            comments=dict(self._comments),
            plugin_config=grpc_plugin_config(self.schema, self.method),
            markup=protobuf_markup(*parts),
            transport=TRANSPORT,
            request=self._request,
            response=[self._response],
        )

    def plugin_entry(self) -> dict[str, Any]:
        """The ``metadata.plugins`` entry the pact needs for this interaction."""
        return protobuf_plugin_entry(self.schema)
