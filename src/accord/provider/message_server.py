"""Serving an accord provider over the standard Pact message protocol.

accord verifies its own providers in-process. Teams with consumers in other languages may
still be asked to run the *official* ``pact verifier`` (or a Pact library in Go, JS, JVM,
...) against a Python provider. Those tools cannot call Python functions; they speak the
HTTP message protocol instead. :func:`serve_messages` puts a :class:`Verifier`'s producers
and state handlers behind that protocol, so any Pact implementation can verify them:

* ``POST /`` (or ``POST /_pact/message``) with ``{"description", "providerStates"}`` answers
  the message: its body with its ``Content-Type``, and its metadata as base64 JSON in the
  ``Pact-Message-Metadata`` header. For a V4 synchronous message the official verifier adds
  ``"request"`` (the request message, V4 JSON); the producer gets it as its ``request``
  parameter and the answer is its (first) response: the protocol carries one.
* ``POST /_pact/state`` with ``{"state", "params", "action": "setup"|"teardown"}`` (or the
  same as query parameters, ``--state-change-as-query``) runs the state handler. The reply
  is the handler's values as JSON: the official verifier feeds them to provider-state
  generators, exactly as accord's in-process verifier does.

Failures answer one line of JSON, ``{"error": "producer for 'x' raised ValueError: ... (at
f.py:3 in make)"}``: 500 for a producer (the official verifier shows that body in its diff,
so the reason reaches its output), 422 for a state handler (see :data:`STATE_FAILED`), 404
for an unknown description or state, listing the known ones.

State handling is the verifier's own code path (:class:`~accord.provider.states.StateSetup`)
and producers are called by the same in-process transport
(:mod:`~accord.provider.transports.producers`), so a provider behaves the same whichever
verifier drives it. The server itself is the standard library's ``http.server``: it
answers a handful of fixed endpoints, one request at a time.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from accord.errors import MessageServerError
from accord.provider.errors import describe_exception
from accord.provider.message_endpoints import (
    MessageEndpoints,
    ProtocolError,
    Reply,
    error_reply,
    json_bytes,
    message_reply,
    parse_request,
    parse_states,
    read_json,
    state_request,
)
from accord.provider.verifier import Verifier

__all__ = ["MESSAGE_PATHS", "STATE_PATH", "MessageServer", "serve_messages"]

MESSAGE_PATHS = ("/", "/_pact/message")
"""Where messages are answered: ``/`` is where the official verifier posts by default (its
base path), ``/_pact/message`` is where pact-python and other libraries put their relay."""

STATE_PATH = "/_pact/state"

log = logging.getLogger(__name__)


class _Handler(BaseHTTPRequestHandler):
    """Routes the three endpoints; all work happens in :class:`MessageEndpoints`."""

    server: _Server
    protocol_version = "HTTP/1.1"
    server_version = "accord-message-server"

    def do_POST(self) -> None:
        self._send(self._answer_post())

    def do_GET(self) -> None:
        # Not part of the protocol: a readiness probe that also says what is served.
        verifier = self.server.provider.verifier
        body = {
            "provider": verifier.provider,
            "messages": sorted(verifier.producers),
            "states": sorted(verifier.states),
        }
        self._send(Reply(HTTPStatus.OK, json_bytes(body), {"Content-Type": "application/json"}))

    def _answer_post(self) -> Reply:
        provider = self.server.provider
        url = urlsplit(self.path)
        path = url.path.rstrip("/") or "/"
        try:
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if path == STATE_PATH:
                payload = read_json(raw)
                if not payload and url.query:
                    payload = dict(parse_qsl(url.query, keep_blank_values=True))
                state, action = state_request(payload)
                values = provider.run(provider.change_state(state, action))
                return Reply(
                    HTTPStatus.OK, json_bytes(values), {"Content-Type": "application/json"}
                )
            if path in MESSAGE_PATHS:
                payload = read_json(raw)
                description = payload.get("description")
                if not isinstance(description, str):
                    raise ProtocolError(HTTPStatus.BAD_REQUEST, "the request needs a 'description'")
                states = parse_states(payload.get("providerStates"))
                request = parse_request(payload.get("request"))
                contents = provider.run(provider.message(description, states, request))
                provider.note(f"message {description!r} produced")
                return message_reply(contents)
            raise ProtocolError(
                HTTPStatus.NOT_FOUND,
                f"no endpoint {path!r}; messages: POST / or /_pact/message, "
                f"states: POST {STATE_PATH}",
            )
        except ProtocolError as exc:
            provider.note(f"error {exc.status.value} on {path}: {exc.message}")
            return error_reply(exc.status, exc.message, **exc.extra)
        except Exception as exc:  # a bug here must answer, not hang the caller
            log.exception("message server failed on %s", path)
            return error_reply(HTTPStatus.INTERNAL_SERVER_ERROR, describe_exception(exc))

    def _send(self, reply: Reply) -> None:
        self.send_response(reply.status)
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(reply.body)))
        self.end_headers()
        self.wfile.write(reply.body)

    def log_message(self, format: str, *args: Any) -> None:
        # The library never prints; request lines go to logging (and to ``on_request``).
        log.debug(format, *args)


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    provider: MessageEndpoints


class MessageServer:
    """A running message server: ``url``, ``port``, ``close()``; a context manager.

    Made by :func:`serve_messages`. ``message_url`` and ``state_change_url`` are what to give
    a verifier (accord's own ``Verifier(message_url=..., state_change_url=...)`` works too).
    """

    def __init__(
        self,
        verifier: Verifier,
        host: str = "127.0.0.1",
        port: int = 0,
        *,
        on_request: Callable[[str], None] | None = None,
    ) -> None:
        if verifier.message_url or verifier.state_change_url:
            raise MessageServerError(
                "this Verifier already reaches its provider over HTTP "
                f"({verifier.message_url or verifier.state_change_url}); serve a Verifier "
                "with producers and state handlers instead"
            )
        self.verifier = verifier
        self._server = _Server((host, port), _Handler)
        self._server.provider = MessageEndpoints(verifier, on_request)
        self.host = host
        self.port: int = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.1},
            name="accord-message-server",
            daemon=True,
        )
        self._thread.start()
        self._closed = False

    @property
    def url(self) -> str:
        """The base URL; the official verifier posts messages here (its base path)."""
        host = self.connect_host
        return f"http://[{host}]:{self.port}" if ":" in host else f"http://{host}:{self.port}"

    @property
    def connect_host(self) -> str:
        """Where a client on this machine connects: a wildcard bind means loopback."""
        return {"": "127.0.0.1", "0.0.0.0": "127.0.0.1", "::": "::1"}.get(self.host, self.host)

    @property
    def message_url(self) -> str:
        return f"{self.url}/_pact/message"

    @property
    def state_change_url(self) -> str:
        return f"{self.url}{STATE_PATH}"

    def pact_verifier_args(self, *sources: str) -> list[str]:
        """Arguments for the official ``pact verifier`` (after ``pact verifier``).

        ``sources`` are pact files, directories or URLs. ``--state-change-teardown`` makes the
        official verifier run teardowns (the code after ``yield``) after each interaction.
        """
        args: list[str] = []
        for source in sources:
            if source.startswith(("http://", "https://")):
                args += ["--url", source]
            elif source.endswith(".json"):
                args += ["--file", source]
            else:
                args += ["--dir", source]
        return [
            *args,
            "--hostname",
            self.connect_host,
            "--port",
            str(self.port),
            "--state-change-url",
            self.state_change_url,
            "--state-change-teardown",
            "--provider-name",
            self.verifier.provider,
        ]

    def close(self) -> None:
        """Stop serving, then tear down any state still set up. Safe to call twice."""
        if self._closed:
            return
        self._closed = True
        try:
            self._server.shutdown()
            self._server.server_close()
            self._thread.join(timeout=5)
        finally:
            self._server.provider.close()

    def __enter__(self) -> MessageServer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<MessageServer {self.verifier.provider!r} at {self.url}>"


def serve_messages(
    verifier: Verifier,
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    on_request: Callable[[str], None] | None = None,
) -> MessageServer:
    """Serve ``verifier``'s producers and state handlers over the Pact message protocol.

    Returns the running server at once (``port=0`` picks a free port; read ``.port``). Use it
    as a context manager or call ``.close()``. ``on_request`` receives one line per request
    handled, for a console; the library itself only logs.
    """
    return MessageServer(verifier, host, port, on_request=on_request)
