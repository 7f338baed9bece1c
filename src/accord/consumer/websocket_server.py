"""The WebSocket mock server behind ``pact.serve(transport="websocket")``.

A real WebSocket server on loopback: ``wsproto`` (pure Python, by the authors of ``h11``,
on which it builds) does the handshake and framing over asyncio streams, so accord writes
no protocol code. It runs its own event loop in a background thread, so a test may talk to
it from plain code or from a coroutine.

A connection is accepted on a path some interaction declares (else refused with 404 and
remembered). Each message received is matched by Pact's rules against the requests
declared for that path; the first that matches is answered with its response message(s),
generators applied. A message that matches none closes the socket with code 1008. On
leaving the block :class:`~accord.errors.MockServerMismatch` names every unexpected
connection, every message that matched nothing and every exchange never used.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Callable
from urllib.parse import urlsplit

from wsproto import ConnectionType, WSConnection
from wsproto.events import (
    AcceptConnection,
    BytesMessage,
    CloseConnection,
    Event,
    Ping,
    RejectConnection,
    Request,
    TextMessage,
)

from accord.consumer.serving import LoopThread, MockServerRecord
from accord.matching.generators import CONSUMER, generate_message
from accord.matching.message import compare_message
from accord.matching.mismatch import Mismatch
from accord.model.pact import SyncMessage
from accord.wire.websocket import websocket_path
from accord.wire.websocket_frames import outgoing, received

_READ_CHUNK = 64 * 1024
_POLICY_VIOLATION = 1008
_INTERNAL_ERROR = 1011


class WebSocketMockServer(MockServerRecord[SyncMessage]):
    """A running WebSocket mock server; use it as a context manager (``with``/``async with``).

    ``url`` is ``ws://127.0.0.1:PORT``; connect to ``url + path``.
    """

    def __init__(
        self,
        interactions: list[SyncMessage],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_success: Callable[[list[SyncMessage]], None] | None = None,
    ) -> None:
        super().__init__(on_success)
        self.interactions = list(interactions)
        self.host = host
        self.port = port
        self._by_path: dict[str, list[SyncMessage]] = {}
        for interaction in self.interactions:
            self._by_path.setdefault(websocket_path(interaction), []).append(interaction)
        self._server = LoopThread("WebSocket mock server", self._serve_connection)

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def address(self) -> str:
        return self.url

    def start(self) -> WebSocketMockServer:
        self.port = self._server.start(self.host, self.port)
        return self

    def stop(self) -> None:
        self._server.stop()

    def missing(self, matched: set[int]) -> list[str]:
        return [
            f"missing message: on {websocket_path(i)} ({i.description!r}) was never received"
            for i in self.interactions
            if id(i) not in matched
        ]

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        await _Connection(self, reader, writer).serve()

    # -- matching ------------------------------------------------------------------------

    def choose(
        self, path: str, data: str | bytes
    ) -> tuple[SyncMessage | None, SyncMessage | None, list[Mismatch]]:
        """The interaction on ``path`` whose request ``data`` satisfies (unused ones first),
        else ``None`` with the nearest one and its mismatches."""
        already = self.used()
        scored = []
        for interaction in self._by_path.get(path, []):
            expected = interaction.request
            found = compare_message(expected, received(data, expected.content_type))
            scored.append((interaction, found))
        perfect = [i for i, found in scored if not found]
        if perfect:
            chosen = next((i for i in perfect if id(i) not in already), perfect[0])
            self.record_match(chosen)
            return chosen, None, []
        if not scored:
            return None, None, []
        nearest, found = min(scored, key=lambda item: len(item[1]))
        return None, nearest, found

    def replies(self, interaction: SyncMessage) -> list[str | bytes]:
        context = {"mockServer": {"href": self.url, "port": self.port}}
        return [
            outgoing(generate_message(response, mode=CONSUMER, context=context))
            for response in interaction.response
        ]


class _Connection:
    """One client connection: the handshake, then messages in, replies out."""

    def __init__(
        self,
        server: WebSocketMockServer,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
    ) -> None:
        self.server = server
        self.reader = reader
        self.writer = writer
        self.ws = WSConnection(ConnectionType.SERVER)
        self.path = ""
        self.parts: list[str | bytes] = []
        self.open = True

    async def serve(self) -> None:
        while self.open:
            data = await self.reader.read(_READ_CHUNK)
            self.ws.receive_data(data or None)
            for event in self.ws.events():
                await self._on(event)
            if not data:
                return

    async def _send(self, event: Event) -> None:
        self.writer.write(self.ws.send(event))
        await self.writer.drain()

    async def _on(self, event: Event) -> None:
        if isinstance(event, Request):
            self.path = urlsplit(event.target).path or "/"
            if self.path not in self.server._by_path:
                self.server.record_problem(
                    f"unexpected connection: {self.path} (no interaction declares this path)"
                )
                await self._send(RejectConnection(status_code=404))
                self.open = False
                return
            await self._send(AcceptConnection())
        elif isinstance(event, TextMessage | BytesMessage):
            self.parts.append(_data(event.data))
            if event.message_finished:
                first = self.parts[0]
                whole = "".join(p for p in self.parts if isinstance(p, str))
                message: str | bytes = (
                    whole
                    if isinstance(first, str)
                    else b"".join(p for p in self.parts if isinstance(p, bytes))
                )
                self.parts = []
                await self._answer(message)
        elif isinstance(event, Ping):
            await self._send(event.response())
        elif isinstance(event, CloseConnection):
            with contextlib.suppress(Exception):
                await self._send(event.response())
            self.open = False

    async def _answer(self, message: str | bytes) -> None:
        try:
            chosen, nearest, found = self.server.choose(self.path, message)
            replies = self.server.replies(chosen) if chosen is not None else []
        except Exception as exc:  # a bug here must fail the test, not hang the client
            self.server.record_problem(f"accord could not answer a message on {self.path}: {exc!r}")
            await self._send(
                CloseConnection(code=_INTERNAL_ERROR, reason="accord mock server error")
            )
            self.open = False
            return
        if chosen is not None:
            for reply in replies:
                if isinstance(reply, bytes):
                    await self._send(BytesMessage(data=reply))
                else:
                    await self._send(TextMessage(data=reply))
            return
        name = repr(nearest.description) if nearest is not None else "any interaction"
        details = "; ".join(str(m) for m in found)
        self.server.record_problem(f"message on {self.path} did not match {name}: {details}")
        reason = f"accord mock server: message did not match {name}"
        await self._send(CloseConnection(code=_POLICY_VIOLATION, reason=reason[:120]))
        self.open = False


def _data(data: str | bytes | bytearray) -> str | bytes:
    return bytes(data) if isinstance(data, bytearray) else data
