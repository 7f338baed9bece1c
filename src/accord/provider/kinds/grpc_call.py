"""gRPC calls (``Synchronous/Messages`` over transport ``grpc``), as the protobuf plugin
verifies them.

The method and its message types come from the descriptors the pact carries. The request
gets every generator (provider-state values included) and its metadata is sent as gRPC
metadata. A reply is decoded and matched by field with the response's rules; its initial
and trailing metadata are matched key by key. An expected error (``grpc-status`` in the
response metadata) is matched by status code, then ``grpc-message`` and any other keys.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from accord.errors import SchemaError
from accord.matching.generators import PROVIDER
from accord.matching.message import compare_message, compare_metadata
from accord.matching.mismatch import Mismatch
from accord.matching.protobuf_generators import generate_protobuf
from accord.model.body import Body
from accord.model.pact import MessageContents, SyncMessage, without_content_type
from accord.provider.errors import InteractionError
from accord.provider.expected import expected_message
from accord.provider.kinds import KindContext
from accord.provider.results import InteractionResult, Outcome
from accord.provider.transports.grpc import GrpcReply, GrpcTransport
from accord.schemas.in_pact import schemas_for
from accord.wire.grpc_status import MESSAGE_KEY, STATUS_KEY, expected_status, sent_metadata


async def verify(
    interaction: SyncMessage,
    ctx: KindContext,
    values: dict[str, Any],
    result: InteractionResult,
) -> None:
    transport = ctx.named.get("grpc")
    if not isinstance(transport, GrpcTransport):
        raise InteractionError(
            "gRPC interactions need a gRPC server to call: "
            "verify(..., transports={'grpc': 'HOST:PORT'}) (CLI: --transport grpc=HOST:PORT)"
        )
    if ctx.pact is None:
        raise InteractionError("gRPC interactions need the pact's descriptors")
    schemas = schemas_for(ctx.pact, interaction)
    try:
        method = schemas.proto_method()
        with ctx.bounded():
            request = generate_protobuf(
                method.input, interaction.request, mode=PROVIDER, context=values
            )
    except SchemaError as exc:
        raise InteractionError(f"cannot call the gRPC method: {exc}") from exc
    if not interaction.response:
        raise InteractionError("the gRPC interaction declares no response")
    if len(interaction.response) > 1:
        result.warnings.append(
            f"a unary gRPC call has one reply; only the first of the "
            f"{len(interaction.response)} expected responses was compared"
        )
    data = request.contents.to_bytes() if request.contents is not None else b""
    reply = await transport.call(method.path, data, sent_metadata(request.metadata))
    with ctx.bounded():
        expected = expected_message(interaction.response[0], values)
        expected = replace(expected, metadata=without_content_type(expected.metadata))
        if expected_status(expected.metadata) is not None:
            mismatches = _compare_error(expected, reply)
        else:
            mismatches = _compare_reply(expected, reply, schemas, method.output.full_name)
    result.mismatches = mismatches
    if mismatches:
        result.outcome = Outcome.FAILED


def _compare_reply(
    expected: MessageContents, reply: GrpcReply, schemas: Any, output: str
) -> list[Mismatch]:
    if reply.data is None:
        return [
            Mismatch(
                "metadata",
                STATUS_KEY,
                f"Expected a {output} reply but the call failed with status {reply.status}"
                + (f": {reply.details}" if reply.details else ""),
                "OK",
                reply.status,
            )
        ]
    content_type = expected.contents.content_type if expected.contents is not None else None
    actual = MessageContents(Body(reply.data, content_type), dict(reply.metadata))
    return compare_message(expected, actual, schemas=schemas, part="response")


def _compare_error(expected: MessageContents, reply: GrpcReply) -> list[Mismatch]:
    want = expected_status(expected.metadata)
    if reply.data is not None:
        return [
            Mismatch(
                "metadata",
                STATUS_KEY,
                f"Expected gRPC status {want} but the call succeeded (OK)",
                want,
                "OK",
            )
        ]
    written = next(v for k, v in expected.metadata.items() if k.lower() == STATUS_KEY)
    actual_metadata = dict(reply.metadata)
    actual_metadata[STATUS_KEY] = _same_form(written, reply.status)
    actual_metadata[MESSAGE_KEY] = reply.details
    return compare_metadata(expected, MessageContents(None, actual_metadata))


def _same_form(written: Any, status: str) -> Any:
    """The received status spelled as the pact spells the expected one (name or number)."""
    from accord.wire.grpc_status import CODES

    number = CODES.get(status, 2)
    if isinstance(written, int) and not isinstance(written, bool):
        return number
    if isinstance(written, str) and written.strip().isdigit():
        return str(number)
    if isinstance(written, str) and written.strip().upper() == status:
        return written
    return status
