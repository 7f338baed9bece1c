"""WebSocket exchanges (``Synchronous/Messages`` over transport ``websocket``).

The request (every generator applied) is sent on the interaction's path; the replies are
read in order and each is matched with its expected response (provider-state values
injected), as a synchronous message's responses are.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from accord.errors import AccordError
from accord.matching.message import compare_message
from accord.matching.mismatch import Mismatch
from accord.model.pact import SyncMessage
from accord.provider.errors import InteractionError
from accord.provider.expected import expected_message, outgoing_message
from accord.provider.kinds import KindContext
from accord.provider.results import InteractionResult, Outcome
from accord.provider.transports.websocket import WebSocketTransport
from accord.wire.websocket import websocket_path
from accord.wire.websocket_frames import outgoing, received


async def verify(
    interaction: SyncMessage,
    ctx: KindContext,
    values: dict[str, Any],
    result: InteractionResult,
) -> None:
    transport = ctx.named.get("websocket")
    if not isinstance(transport, WebSocketTransport):
        raise InteractionError(
            "WebSocket interactions need a server to connect to: "
            "verify(..., transports={'websocket': 'ws://HOST:PORT'})"
        )
    try:
        path = websocket_path(interaction)
    except AccordError as exc:
        raise InteractionError(str(exc)) from exc
    with ctx.bounded():
        expected = [expected_message(response, values) for response in interaction.response]
        request = outgoing(outgoing_message(interaction.request, values))
    exchange = await transport.exchange(path, request, len(expected))
    mismatches: list[Mismatch] = []
    if len(exchange.messages) < len(expected):
        reason = f" ({exchange.ended})" if exchange.ended else ""
        mismatches.append(
            Mismatch(
                "response",
                "",
                f"Expected {len(expected)} message(s) on {path} but received "
                f"{len(exchange.messages)}{reason}",
                len(expected),
                len(exchange.messages),
            )
        )
    several = len(expected) > 1
    for index, (want, got) in enumerate(zip(expected, exchange.messages, strict=False)):
        with ctx.bounded():
            found = compare_message(want, received(got, want.content_type))
        if several:
            found = [replace(m, message=f"message {index + 1}: {m.message}") for m in found]
        mismatches += found
    result.mismatches = mismatches
    if mismatches:
        result.outcome = Outcome.FAILED
