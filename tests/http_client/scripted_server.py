"""A real loopback HTTP/1.1 server that answers from a script and counts what arrives.

``script`` maps a method to the answers for its successive requests: a status code, or
``"drop"`` (read the request, then close the connection without a word). With ``tls`` (a
server-side SSL context) it speaks HTTPS. Once a method's
script runs out, it answers 200 with a JSON body. Every request is counted by method, and
every TCP connection is counted, so tests can say exactly what reached the server.
"""

from __future__ import annotations

import http.server
import json
import ssl
import threading
from collections import Counter
from typing import Any


class ScriptedServer:
    def __init__(
        self,
        script: dict[str, list[int | str]] | None = None,
        *,
        headers: dict[str, str] | None = None,
        close_after_each: bool = False,
        tls: ssl.SSLContext | None = None,
    ) -> None:
        self.script = {method: list(steps) for method, steps in (script or {}).items()}
        self.calls: Counter[str] = Counter()
        self.connections = 0
        self.bodies: list[Any] = []
        self.authorizations: list[str | None] = []
        self.paths: list[str] = []
        self.closed = threading.Event()
        extra = dict(headers or {})
        owner = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def setup(self) -> None:
                super().setup()
                owner.connections += 1

            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                owner.calls[self.command] += 1
                owner.paths.append(self.path)
                owner.authorizations.append(self.headers.get("Authorization"))
                owner.bodies.append(json.loads(raw) if raw else None)
                steps = owner.script.get(self.command) or []
                step: int | str = steps.pop(0) if steps else 200
                if step == "drop":
                    self.close_connection = True
                    return
                assert isinstance(step, int)
                payload = json.dumps({"status": step, "error": f"scripted {step}"}).encode()
                self.send_response(step)
                for name, value in extra.items():
                    self.send_header(name, value)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)
                if close_after_each:
                    # An idle-timeout close: no "Connection: close", the socket just ends.
                    self.close_connection = True

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        class Server(http.server.ThreadingHTTPServer):
            daemon_threads = True

            def shutdown_request(self, request: Any) -> None:
                super().shutdown_request(request)
                owner.closed.set()  # the connection is closed on the server's side now

        self._server = Server(("127.0.0.1", 0), Handler)
        scheme = "http"
        if tls is not None:
            self._server.socket = tls.wrap_socket(self._server.socket, server_side=True)
            scheme = "https"
        self.url = f"{scheme}://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> ScriptedServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(5)
