"""Small real HTTP servers on 127.0.0.1 for the provider scenarios.

- :class:`ReplayServer` answers each request with the response of the first interaction
  whose request it matches (by accord's own ``compare_request``), generators applied with
  this server as the ``mockServer`` (so ``MockServerURL`` links point back here), and 500
  with the mismatches otherwise. It plays "a provider that returns the response from
  interaction N", and a Pact Broker described by the broker client's own pact
  (``pact-broker_c1.json``).
- :class:`StateChangeServer` is a provider's state-change endpoint, as the official
  verifier's ``--state-change-url`` protocol calls it; it can be told to fail.

Both record every request they receive so the steps can check what reached them. They run
on the standard library's threading HTTP server: these are test doubles for the provider,
not the code under test.
"""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl, unquote, urlsplit

from accord.matching import compare_request
from accord.matching.generators import generate_response
from accord.model import HttpInteraction, HttpRequest
from tests.compat.support import body_from_bytes


@dataclass
class Received:
    method: str
    path: str
    query: str
    headers: list[tuple[str, str]]
    body: bytes

    def header(self, name: str) -> list[str]:
        return [v for k, v in self.headers if k.lower() == name.lower()]

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8"))

    def model(self) -> HttpRequest:
        query: dict[str, list[str | None]] = {}
        for key, value in parse_qsl(self.query, keep_blank_values=True):
            query.setdefault(key, []).append(value)
        headers: dict[str, list[str]] = {}
        for key, value in self.headers:
            headers.setdefault(key, []).append(value)
        content_type = next(iter(self.header("content-type")), None)
        return HttpRequest(
            method=self.method,
            path=self.path,
            query=query or None,
            headers=headers,
            body=body_from_bytes(self.body, content_type) if self.body else None,
            raw_query=self.query or None,
        )


Reply = tuple[int, list[tuple[str, str]], bytes]


class LoopbackServer:
    """A threading HTTP server on an ephemeral loopback port; ``answer`` makes replies."""

    def __init__(self, log: list[str] | None = None, name: str = "server") -> None:
        self.received: list[Received] = []
        self.log = log if log is not None else []
        """Shared with other servers, so a test can see which was called first."""
        self.name = name
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _handle(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                parts = urlsplit(self.path)
                request = Received(
                    self.command,
                    unquote(parts.path),
                    parts.query,
                    list(self.headers.items()),
                    self.rfile.read(size) if size else b"",
                )
                owner.received.append(request)
                owner.log.append(f"{owner.name} {request.method} {request.path}")
                status, headers, body = owner.answer(request)
                self.send_response(status)
                for name, value in headers:
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(body)

            do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = _handle

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self.port = self._server.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def answer(self, request: Received) -> Reply:
        raise NotImplementedError

    def close(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


class ReplayServer(LoopbackServer):
    """Answers with the response of the first interaction whose request matches."""

    def __init__(
        self,
        interactions: list[HttpInteraction],
        log: list[str] | None = None,
        name: str = "replay",
    ) -> None:
        self.interactions = list(interactions)
        self.matched: list[tuple[Received, HttpInteraction]] = []
        super().__init__(log, name)

    def answer(self, request: Received) -> Reply:
        actual = request.model()
        nearest: list[Any] = []
        for interaction in self.interactions:
            mismatches = compare_request(interaction.request, actual)
            if not mismatches:
                self.matched.append((request, interaction))
                return self._reply(interaction)
            nearest.append(
                {
                    "interaction": interaction.description,
                    "mismatches": [m.to_json() for m in mismatches],
                }
            )
        close = [c for c in nearest if c["mismatches"]]
        close.sort(key=lambda c: len(c["mismatches"]))
        why = ""
        if close:
            shown = "; ".join(f"{m['path']}: {m['message']}" for m in close[0]["mismatches"][:3])
            why = f" (nearest, {close[0]['interaction']!r}: {shown})"
        error = f"no interaction matches {request.method} {request.path}{why}"
        body = json.dumps({"error": error, "candidates": nearest}).encode()
        return 500, [("Content-Type", "application/json")], body

    def _reply(self, interaction: HttpInteraction) -> Reply:
        context = {"mockServer": {"href": self.url, "port": self.port}}
        response = generate_response(interaction.response, context=context)
        headers = [(k, v) for k, values in (response.headers or {}).items() for v in values]
        body = response.body.to_bytes() if response.body is not None else b""
        typed = any(k.lower() == "content-type" for k, _ in headers)
        if body and response.body and response.body.content_type and not typed:
            headers.append(("Content-Type", response.body.content_type))
        return response.status or 200, headers, body


@dataclass
class StateCall:
    state: str
    params: dict[str, Any]
    action: str


class StateChangeServer(LoopbackServer):
    """A provider's state-change endpoint; records each call, answers 500 when failing."""

    def __init__(self, *, fail: bool = False, log: list[str] | None = None) -> None:
        self.fail = fail
        self.calls: list[StateCall] = []
        super().__init__(log, "state")

    def answer(self, request: Received) -> Reply:
        document = request.json()
        call = StateCall(
            str(document.get("state", "")),
            dict(document.get("params") or {}),
            str(document.get("action", "setup")),
        )
        self.calls.append(call)
        self.log.append(f"state {call.action} {call.state!r}")
        if self.fail:
            return 500, [("Content-Type", "text/plain")], b"the state change failed on purpose"
        return 200, [("Content-Type", "application/json")], b"{}"
