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
import threading
from collections.abc import Callable
from types import TracebackType
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

from accord.errors import AccordError, MockServerMismatch
from accord.matching.generators import CONSUMER, generate_message
from accord.matching.message import compare_message
from accord.matching.mismatch import Mismatch
from accord.model.pact import SyncMessage
from accord.wire.websocket import websocket_path
from accord.wire.websocket_frames import outgoing, received

_READ_CHUNK = 64 * 1024
_START_TIMEOUT = 10.0
_POLICY_VIOLATION = 1008
_INTERNAL_ERROR = 1011


class WebSocketMockServer:
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
        self.interactions = list(interactions)
        self.host = host
        self.port = port
        self._on_success = on_success
        self._by_path: dict[str, list[SyncMessage]] = {}
        for interaction in self.interactions:
            self._by_path.setdefault(websocket_path(interaction), []).append(interaction)
        self._matched: dict[int, SyncMessage] = {}
        self._problems: list[str] = []
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[asyncio.Task[None]] = set()
        self._start_error: BaseException | None = None

    @property
    def url(self) -> str:
        return f"ws://{self.host}:{self.port}"

    @property
    def matched(self) -> list[SyncMessage]:
        with self._lock:
            return list(self._matched.values())

    @property
    def problems(self) -> list[str]:
        with self._lock:
            return list(self._problems)

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> WebSocketMockServer:
        if self._thread is not None:
            raise AccordError("this WebSocket mock server is already running")
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(ready,), name="accord-websocket-mock", daemon=True
        )
        self._thread.start()
        if not ready.wait(_START_TIMEOUT):
            raise AccordError(
                f"the WebSocket mock server did not start within {_START_TIMEOUT:g} s"
            )
        if self._start_error is not None:
            self._thread.join()
            raise AccordError(
                f"the WebSocket mock server could not listen on {self.host}:{self.port}: "
                f"{self._start_error}"
            ) from self._start_error
        return self

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join()

    def check(self) -> None:
        """Raise :class:`MockServerMismatch` if anything went wrong, or never happened."""
        problems = self.problems
        with self._lock:
            matched = set(self._matched)
        for interaction in self.interactions:
            if id(interaction) not in matched:
                problems.append(
                    f"missing message: on {websocket_path(interaction)} "
                    f"({interaction.description!r}) was never received"
                )
        if problems:
            raise MockServerMismatch(self.url, problems)

    def __enter__(self) -> WebSocketMockServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._finish(exc_type is None)

    async def __aenter__(self) -> WebSocketMockServer:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)
        self._finish(exc_type is None)

    def _finish(self, clean: bool) -> None:
        if not clean:
            return
        if self._on_success is not None:
            self._on_success(self.matched)
        self.check()

    def _problem(self, text: str) -> None:
        with self._lock:
            self._problems.append(text)

    # -- the server thread ---------------------------------------------------------------

    def _run(self, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                asyncio.start_server(self._accept, self.host, self.port)
            )
        except OSError as exc:
            self._start_error = exc
            ready.set()
            loop.close()
            return
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            for task in list(self._connections):
                task.cancel()
            pending = [t for t in self._connections if not t.done()]
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(server.wait_closed())
            loop.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            await _Connection(self, reader, writer).serve()
        except (ConnectionError, asyncio.IncompleteReadError, asyncio.CancelledError):
            pass
        finally:
            if task is not None:
                self._connections.discard(task)
            with contextlib.suppress(Exception):
                writer.close()

    # -- matching ------------------------------------------------------------------------

    def choose(
        self, path: str, data: str | bytes
    ) -> tuple[SyncMessage | None, SyncMessage | None, list[Mismatch]]:
        """The interaction on ``path`` whose request ``data`` satisfies (unused ones first),
        else ``None`` with the nearest one and its mismatches."""
        with self._lock:
            already = set(self._matched)
        scored = []
        for interaction in self._by_path.get(path, []):
            expected = interaction.request
            found = compare_message(expected, received(data, expected.content_type))
            scored.append((interaction, found))
        perfect = [i for i, found in scored if not found]
        if perfect:
            chosen = next((i for i in perfect if id(i) not in already), perfect[0])
            with self._lock:
                self._matched.setdefault(id(chosen), chosen)
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
                self.server._problem(
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
            self.server._problem(f"accord could not answer a message on {self.path}: {exc!r}")
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
        self.server._problem(f"message on {self.path} did not match {name}: {details}")
        reason = f"accord mock server: message did not match {name}"
        await self._send(CloseConnection(code=_POLICY_VIOLATION, reason=reason[:120]))
        self.open = False


def _data(data: str | bytes | bytearray) -> str | bytes:
    return bytes(data) if isinstance(data, bytearray) else data
