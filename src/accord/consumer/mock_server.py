"""The HTTP mock server behind ``pact.serve()``: a real HTTP/1.1 server on loopback.

HTTP/1.1 framing comes from ``h11`` (a small, pure-Python, sans-I/O protocol library that
httpx is built on) over asyncio streams; accord writes no HTTP parser. The server runs its
own event loop in a background thread, so a test can call it with a blocking client from
plain code (``with``) or with an async client from a coroutine (``async with``) alike.

Each request is matched against the declared interactions by Pact's rules
(:mod:`accord.consumer.request_match`) and answered with that interaction's response,
generators applied (``MockServerURL`` points at this server). Everything that went wrong is
collected and raised on exit as :class:`~accord.errors.MockServerMismatch`, which pytest
shows as a failed assertion. Only interactions that were matched enter the pact.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import ssl
from collections.abc import Callable
from pathlib import Path
from typing import Any

import h11

from accord.consumer import cors
from accord.consumer.request_match import RequestMatcher, received_request
from accord.consumer.serving import LoopThread, MockServerRecord
from accord.consumer.tls import TlsFiles, make_tls
from accord.matching.generators import CONSUMER, generate_response
from accord.model.pact import HttpInteraction, HttpRequest

DEFAULT_MAX_BODY = 16 * 1024 * 1024
"""Bytes a request body may have before the server answers 413 (``max_body_size=``).

Generous for contract examples; it exists so a runaway upload fails clearly, fast."""

_READ_CHUNK = 64 * 1024
_NO_BODY_STATUSES = frozenset({204, 304})

Reply = tuple[int, list[tuple[str, str]], bytes]


class MockServer(MockServerRecord[HttpInteraction]):
    """A running mock server; use it as a context manager (``with`` or ``async with``).

    ``url`` is ``http://127.0.0.1:PORT`` (``https://`` with ``tls=True``, when ``ca_path``
    is the CA certificate to trust and ``ssl_context`` a client context that trusts it).
    """

    def __init__(
        self,
        interactions: list[HttpInteraction],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        cors: bool = False,
        tls: bool = False,
        max_body_size: int = DEFAULT_MAX_BODY,
        on_success: Callable[[list[HttpInteraction]], None] | None = None,
    ) -> None:
        super().__init__(on_success)
        self.interactions = list(interactions)
        self.host = host
        self.port = port
        self.cors = cors
        self.max_body_size = max_body_size
        self._matcher = RequestMatcher(self.interactions)
        self._tls_dir: Path | None = None
        self._tls: TlsFiles | None = None
        if tls:
            import tempfile

            self._tls_dir = Path(tempfile.mkdtemp(prefix="accord-tls-"))
            self._tls = make_tls(self._tls_dir)
        self._server = LoopThread(
            "mock server",
            self._serve_connection,
            quiet=(ssl.SSLError,),
            ssl_context=self._tls.server_context if self._tls else None,
        )

    # -- what tests use ------------------------------------------------------------------

    @property
    def url(self) -> str:
        scheme = "https" if self._tls else "http"
        return f"{scheme}://{self.host}:{self.port}"

    @property
    def ca_path(self) -> Path | None:
        """The CA certificate (PEM) a client must trust when ``tls=True``."""
        return self._tls.ca_path if self._tls else None

    @property
    def ssl_context(self) -> ssl.SSLContext | None:
        """A client SSL context trusting the server (``httpx.Client(verify=...)``)."""
        return self._tls.client_context if self._tls else None

    # -- lifecycle -----------------------------------------------------------------------

    @property
    def address(self) -> str:
        return self.url

    def start(self) -> MockServer:
        self.port = self._server.start(self.host, self.port)
        return self

    def stop(self) -> None:
        self._server.stop()
        if self._tls_dir is not None:
            shutil.rmtree(self._tls_dir, ignore_errors=True)
            self._tls_dir = None

    def missing(self, matched: set[int]) -> list[str]:
        return [
            f"missing request: {i.request.method} {i.request.path} "
            f"({i.description!r}) was never received"
            for i in self.interactions
            if id(i) not in matched
        ]

    # -- one connection ------------------------------------------------------------------

    async def _serve_connection(
        self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter
    ) -> None:
        conn = h11.Connection(h11.SERVER)
        while True:
            try:
                event = await _next_event(conn, reader)
            except h11.RemoteProtocolError as exc:
                if conn.our_state in (h11.IDLE, h11.SEND_RESPONSE):
                    await _send(conn, writer, _text_reply(400, f"bad HTTP request: {exc}"))
                return
            if isinstance(event, h11.ConnectionClosed) or event is h11.PAUSED:
                return
            if not isinstance(event, h11.Request):
                continue
            method = event.method.decode("ascii", "replace")
            target = event.target.decode("utf-8", "replace")
            headers = [
                (name.decode("latin-1"), value.decode("latin-1")) for name, value in event.headers
            ]
            body = await self._read_body(conn, reader, writer, method, target, headers)
            if body is None:
                reply = _text_reply(413, self._too_large(method, target))
                reply[1].append(("Connection", "close"))
                await _send(conn, writer, reply)
                return
            try:
                reply = self._respond(received_request(method, target, headers, body))
            except Exception as exc:  # a bug here must fail the test, not hang the client
                self.record_problem(f"accord could not answer {method} {target}: {exc!r}")
                reply = _text_reply(500, f"accord mock server error: {exc!r}")
            if method == "HEAD":
                reply = (reply[0], reply[1], b"")
            await _send(conn, writer, reply)
            if conn.our_state is h11.MUST_CLOSE or conn.their_state is not h11.DONE:
                return
            conn.start_next_cycle()

    async def _read_body(
        self,
        conn: h11.Connection,
        reader: asyncio.StreamReader,
        writer: asyncio.StreamWriter,
        method: str,
        target: str,
        headers: list[tuple[str, str]],
    ) -> bytes | None:
        """The whole request body, or ``None`` (after noting it) when over the limit."""
        declared = next((v for k, v in headers if k.lower() == "content-length"), None)
        if declared is not None and declared.isdigit() and int(declared) > self.max_body_size:
            self.record_problem(self._too_large(method, target))
            return None
        if conn.they_are_waiting_for_100_continue:
            # curl and others wait for this before sending a large body.
            writer.write(conn.send(h11.InformationalResponse(status_code=100, headers=[])) or b"")
            await writer.drain()
        chunks: list[bytes] = []
        size = 0
        while True:
            event = await _next_event(conn, reader)
            if isinstance(event, h11.Data):
                size += len(event.data)
                if size > self.max_body_size:
                    self.record_problem(self._too_large(method, target))
                    return None
                chunks.append(bytes(event.data))
            elif isinstance(event, h11.EndOfMessage | h11.ConnectionClosed):
                return b"".join(chunks)

    def _too_large(self, method: str, target: str) -> str:
        return (
            f"request body too large: {method} {target} has more than the mock server's "
            f"limit of {self.max_body_size} bytes (raise it with serve(max_body_size=...))"
        )

    # -- answering -----------------------------------------------------------------------

    def _respond(self, actual: HttpRequest) -> Reply:
        shown = f"{actual.method} {actual.path}"
        already = self.used()
        choice = self._matcher.choose(actual, already)
        if choice.interaction is None and self.cors and cors.is_preflight(actual):
            return 204, cors.preflight_headers(actual), b""
        if choice.interaction is not None:
            self.record_match(choice.interaction)
            reply = self._reply_for(choice.interaction)
        elif choice.nearest is not None:
            details = "; ".join(str(m) for m in choice.mismatches)
            self.record_problem(
                f"request {shown} did not match {choice.nearest.description!r}: {details}"
            )
            reply = _json_reply(
                500,
                {
                    "error": f"accord mock server: {shown} did not match "
                    f"{choice.nearest.description!r}",
                    "mismatches": [m.to_json() for m in choice.mismatches],
                },
            )
        else:
            self.record_problem(f"unexpected request: {shown}")
            reply = _json_reply(500, {"error": f"accord mock server: unexpected request {shown}"})
        if self.cors and not any(k.lower() == "access-control-allow-origin" for k, _ in reply[1]):
            reply[1].append(cors.allow_origin(actual))
        return reply

    def _reply_for(self, interaction: HttpInteraction) -> Reply:
        context = {"mockServer": {"href": self.url, "port": self.port}}
        response = generate_response(interaction.response, mode=CONSUMER, context=context)
        headers: list[tuple[str, str]] = []
        has_type = False
        for name, values in (response.headers or {}).items():
            if name.lower() in ("content-length", "transfer-encoding"):
                continue
            has_type = has_type or name.lower() == "content-type"
            headers.extend((name, value) for value in values)
        body = b""
        if response.body is not None:
            body = response.body.to_bytes()
            if not has_type and response.body.content_type and body:
                headers.append(("Content-Type", response.body.content_type))
        status = 200 if response.status is None else response.status
        return status, headers, body


async def _next_event(conn: h11.Connection, reader: asyncio.StreamReader) -> Any:
    while True:
        event = conn.next_event()
        if event is not h11.NEED_DATA:
            return event
        conn.receive_data(await reader.read(_READ_CHUNK))


async def _send(conn: h11.Connection, writer: asyncio.StreamWriter, reply: Reply) -> None:
    status, headers, body = reply
    if status in _NO_BODY_STATUSES:
        body = b""
    else:
        headers = [*headers, ("Content-Length", str(len(body)))]
    wire = conn.send(h11.Response(status_code=status, headers=headers)) or b""
    if body:
        wire += conn.send(h11.Data(data=body)) or b""
    wire += conn.send(h11.EndOfMessage()) or b""
    writer.write(wire)
    await writer.drain()


def _text_reply(status: int, text: str) -> Reply:
    return status, [("Content-Type", "text/plain; charset=utf-8")], text.encode()


def _json_reply(status: int, value: Any) -> Reply:
    return status, [("Content-Type", "application/json")], json.dumps(value).encode()
