"""One verifier per interaction kind; the run loop hands each interaction to its kind.

A kind verifier turns an interaction into the actual (from a transport), builds the
expected side, compares, and writes mismatches into the result. A new kind is a new module
and one entry in :data:`KINDS`, not a branch in the run loop.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accord.matching.deadline import within
from accord.model.pact import AsyncMessage, HttpInteraction, Interaction, Pact, SyncMessage
from accord.provider.errors import InteractionError
from accord.provider.results import InteractionResult
from accord.provider.transports import HttpTransport, MessageTransport, is_http_transport_name

if TYPE_CHECKING:
    from accord.schemas.in_pact import PactSchemas

HTTP = "HTTP"
ASYNC_MESSAGE = "async message"
SYNC_MESSAGE = "sync message"
GRPC = "gRPC"
WEBSOCKET = "WebSocket"


@dataclass(slots=True)
class KindContext:
    """The transports a kind verifier may take its actual from, and run-wide options."""

    messages: MessageTransport
    http: HttpTransport | None = None
    named: dict[str, Any] = field(default_factory=dict)
    """Transports given by name (``verify(transports={...})``), keyed by transport name."""
    verbose: bool = False
    timeout: float | None = None
    """The verifier's timeout; matching and generation run :meth:`bounded` by it too."""
    pact: Pact | None = None
    """The pact of the interaction being verified (its schemas, for binary contents)."""

    def schemas(self, interaction: Interaction) -> PactSchemas | None:
        """The protobuf/Avro schemas the interaction's pact carries, if any (lazy)."""
        if self.pact is None or not (
            self.pact.metadata.get("plugins") or interaction.plugin_config
        ):
            return None
        from accord.schemas.in_pact import schemas_for

        found = schemas_for(self.pact, interaction)
        return found if found else None

    def bounded(self) -> AbstractContextManager[None]:
        """Matching and generation inside this block stop with ``MatchingTimeout`` after
        ``timeout`` seconds, as user code does (see :mod:`accord.matching.deadline`)."""
        return within(self.timeout)

    def message_transport(self, interaction: Interaction) -> MessageTransport:
        """The named transport the interaction says it travels on, else the default one.

        In-process producers verify a message whatever it travels on, so an interaction
        marked ``"transport": "kafka"`` still reaches its producer.
        """
        named = self.named.get(interaction.transport or "")
        # (a runtime-checkable Protocol's isinstance is slow: skip it when nothing is named)
        return named if named is not None and isinstance(named, MessageTransport) else self.messages

    def http_transport(self, interaction: Interaction) -> HttpTransport:
        named = self.named.get(interaction.transport or "")
        if (
            named is not None
            and isinstance(named, HttpTransport)
            and not is_http_transport_name(interaction.transport)
        ):
            return named
        if self.http is None:
            raise InteractionError(
                "HTTP interactions need a provider to send requests to: "
                "verify(..., base_url=URL) or app=asgi_or_wsgi_app (CLI: --provider-base-url)"
            )
        return self.http


KindVerifier = Callable[[Any, KindContext, dict[str, Any], InteractionResult], Awaitable[None]]


def kind_of(interaction: Interaction) -> str:
    """``HTTP``, ``async message`` or ``sync message``; the interaction's type otherwise."""
    if isinstance(interaction, HttpInteraction):
        return HTTP
    if isinstance(interaction, AsyncMessage):
        return ASYNC_MESSAGE
    if isinstance(interaction, SyncMessage):
        return _BY_TRANSPORT.get(interaction.transport or "", (SYNC_MESSAGE, ""))[0]
    return interaction.type or "unknown"


_BY_TRANSPORT = {
    "grpc": (GRPC, "accord.provider.kinds.grpc_call"),
    "websocket": (WEBSOCKET, "accord.provider.kinds.websocket_exchange"),
}
"""Synchronous messages whose transport has its own kind verifier (module imported on use)."""


def verifier_for(interaction: Interaction) -> KindVerifier:
    """The kind verifier for ``interaction``; unknown kinds are a one-line error."""
    from accord.provider.kinds import async_message, http, sync_message

    if isinstance(interaction, SyncMessage) and interaction.transport in _BY_TRANSPORT:
        module = importlib.import_module(_BY_TRANSPORT[interaction.transport][1])
        return module.verify  # type: ignore[no-any-return]

    kinds: dict[type[Interaction], KindVerifier] = {
        HttpInteraction: http.verify,
        AsyncMessage: async_message.verify,
        SyncMessage: sync_message.verify,
    }
    found = kinds.get(type(interaction))
    if found is None:
        raise InteractionError(
            f"{interaction.type or 'unknown'!s} interactions cannot be verified by accord "
            "(it verifies HTTP, asynchronous and synchronous messages)"
        )
    return found


__all__ = [
    "ASYNC_MESSAGE",
    "HTTP",
    "SYNC_MESSAGE",
    "KindContext",
    "kind_of",
    "verifier_for",
]
