"""Providers the binary tests verify against: real servers on loopback, built from the
descriptors or schema a pact carries, and the verification step that checks their replies.

Each provider is given plain dicts by the test (what a correct or a broken implementation
would answer) and does the encoding itself, as a real service would.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Iterator
from concurrent import futures
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # before grpc loads: no INFO lines on stderr

import grpc

from accord.matching import Mismatch, compare_message
from accord.model.body import Body
from accord.model.pact import MessageContents, Pact, SyncMessage
from accord.schemas import ProtoMethod, schemas_for

Handler = Callable[[dict[str, Any]], dict[str, Any] | bytes]
"""Takes the decoded request; returns the reply as a dict, or as raw bytes to send as-is."""


@contextmanager
def grpc_provider(
    methods: dict[str, tuple[ProtoMethod, Handler]],
    metadata: tuple[tuple[str, str], ...] = (),
) -> Iterator[str]:
    """A gRPC server on 127.0.0.1 answering each method with ``handler(request_dict)``.

    ``methods`` maps the method's full name to its descriptors and handler. Yields the
    target (``"127.0.0.1:PORT"``).
    """
    by_service: dict[str, dict[str, grpc.RpcMethodHandler]] = {}
    for method, handler in methods.values():

        def unary(
            request: bytes,
            context: grpc.ServicerContext,
            m: ProtoMethod = method,
            h: Handler = handler,
        ) -> bytes:
            if metadata:
                context.set_trailing_metadata(metadata)
            reply = h(m.input.decode(request))
            return reply if isinstance(reply, bytes) else m.output.encode(reply)

        by_service.setdefault(method.service, {})[method.name] = (
            grpc.unary_unary_rpc_method_handler(unary)
        )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    for service, handlers in by_service.items():
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service, handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None)


def call_grpc(target: str, method: ProtoMethod, request: bytes) -> bytes:
    """One unary call with raw bytes, as a verifier replays the pact's request."""
    with grpc.insecure_channel(target) as channel:
        call = channel.unary_unary(method.path)
        reply: bytes = call(request, timeout=10)
        return reply


def verify_grpc_interaction(pact: Pact, interaction: SyncMessage, target: str) -> list[Mismatch]:
    """Replay the pact's request against the server and match the reply by field."""
    schemas = schemas_for(pact, interaction)
    method = schemas.proto_method()
    assert interaction.request.contents is not None
    reply = call_grpc(target, method, interaction.request.contents.to_bytes())
    expected = interaction.response[0]
    actual = MessageContents(
        contents=Body(reply, f"application/protobuf;message={method.output.full_name}")
    )
    return compare_message(expected, actual, schemas=schemas, part="response")


@contextmanager
def http_provider(
    routes: dict[tuple[str, str], Callable[[bytes], tuple[int, str, bytes]]],
) -> Iterator[str]:
    """An HTTP server on 127.0.0.1: ``routes[(method, path)](body) -> (status, type, body)``."""

    class Handle(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            route = routes.get((self.command, self.path))
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            if route is None:
                self.send_error(404)
                return
            status, content_type, payload = route(body)
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = _serve

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handle)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
