"""The ``websocket`` transport: open a socket on the interaction's path, send, read replies.

``verify(..., transports={"websocket": "ws://127.0.0.1:8000"})``. For each interaction a
fresh connection to ``base + path`` (so one exchange cannot leak into the next), the
request sent as one message, then as many messages read as the pact expects, within the
timeout. ``wsproto`` does the handshake and framing over asyncio streams.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Ping,
    RejectConnection,
    RejectData,
    Request,
    TextMessage,
)

from accord.provider.errors import InteractionError, VerifierSetupError
from accord.provider.transports import TransportOptions

_READ_CHUNK = 64 * 1024


@dataclass(slots=True)
class Exchange:
    """What came back for one request: the messages, and why reading stopped early."""

    messages: list[str | bytes] = field(default_factory=list)
    ended: str | None = None
    """``None`` when every expected message arrived; else what happened instead."""


class WebSocketTransport:
    """Exchanges on a WebSocket server at ``base`` (``ws://host:port``)."""

    def __init__(self, base: str, timeout: float | None = 30.0) -> None:
        parts = urlsplit(str(base))
        if parts.scheme not in ("ws", "http") or not parts.hostname:
            raise VerifierSetupError(
                f"the websocket transport needs ws://HOST:PORT (e.g. ws://127.0.0.1:8000), "
                f"not {base!r}"
            )
        self.host = parts.hostname
        self.port = parts.port or 80
        self.prefix = parts.path.rstrip("/")
        self.timeout = timeout or 30.0

    async def exchange(self, path: str, request: str | bytes, count: int) -> Exchange:
        """Send ``request`` on ``path`` and read up to ``count`` messages back."""
        try:
            return await asyncio.wait_for(self._exchange(path, request, count), self.timeout)
        except TimeoutError:
            return Exchange([], f"no reply within {self.timeout:g} s")

    async def _exchange(self, path: str, request: str | bytes, count: int) -> Exchange:
        target = self.prefix + path
        try:
            reader, writer = await asyncio.open_connection(self.host, self.port)
        except OSError as exc:
            raise InteractionError(
                f"cannot connect to ws://{self.host}:{self.port}{target}: {exc}"
            ) from exc
        ws = WSConnection(ConnectionType.CLIENT)
        out = Exchange()
        parts: list[str | bytes] = []
        try:
            writer.write(ws.send(Request(host=f"{self.host}:{self.port}", target=target)))
            await writer.drain()
            accepted = False
            while len(out.messages) < count:
                data = await reader.read(_READ_CHUNK)
                ws.receive_data(data or None)
                for event in ws.events():
                    if isinstance(event, AcceptConnection):
                        accepted = True
                        payload = (
                            BytesMessage(data=request)
                            if isinstance(request, bytes)
                            else TextMessage(data=request)
                        )
                        writer.write(ws.send(payload))
                    elif isinstance(event, RejectConnection | RejectData):
                        status = getattr(event, "status_code", "")
                        raise InteractionError(
                            f"ws://{self.host}:{self.port}{target} refused the WebSocket "
                            f"handshake{f' (HTTP {status})' if status else ''}"
                        )
                    elif isinstance(event, TextMessage | BytesMessage):
                        parts.append(_data(event.data))
                        if event.message_finished:
                            out.messages.append(_join(parts))
                            parts = []
                    elif isinstance(event, Ping):
                        writer.write(ws.send(event.response()))
                    elif isinstance(event, CloseConnection):
                        out.ended = f"the provider closed the socket (code {event.code}" + (
                            f": {event.reason})" if event.reason else ")"
                        )
                        return out
                await writer.drain()
                if not data:
                    out.ended = (
                        "the provider closed the connection"
                        if accepted
                        else "the connection closed during the handshake"
                    )
                    return out
            with contextlib.suppress(Exception):
                writer.write(ws.send(CloseConnection(code=1000)))
                await writer.drain()
            return out
        finally:
            writer.close()
            with contextlib.suppress(Exception):
                await writer.wait_closed()

    async def aclose(self) -> None:
        return None


def _join(parts: list[str | bytes]) -> str | bytes:
    if isinstance(parts[0], str):
        return "".join(p for p in parts if isinstance(p, str))
    return b"".join(p for p in parts if isinstance(p, bytes))


def from_target(target: Any, options: TransportOptions) -> WebSocketTransport:
    return WebSocketTransport(str(target), options.timeout)


def _data(data: str | bytes | bytearray) -> str | bytes:
    return bytes(data) if isinstance(data, bytearray) else data
