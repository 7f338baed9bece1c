"""Helpers for driving accord's broker with the official Pact tools.

* :func:`pact` runs the official ``pact`` binary (pact-python-cli: ``pact broker`` is the
  Rust pact-broker-cli, ``pact verifier`` the Rust verifier) with a clean environment;
* :class:`JsonProvider` is a tiny stdlib HTTP provider for the verifier to verify;
* :class:`StateServer` is a stdlib provider-state-change endpoint for ``--state-change-url``;
* :class:`AsgiServer` runs any ASGI app (the broker wrapped in a shim) on a free port.
"""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import TracebackType
from typing import Any

import pytest
import uvicorn

PACT_BIN = shutil.which("pact", path=str(Path(sys.executable).parent)) or shutil.which("pact")


def pact(
    *args: str, broker_url: str | None = None, check: bool = True, timeout: float = 120
) -> subprocess.CompletedProcess[str]:
    """Run ``pact ARGS...`` (``-b BROKER`` appended for ``pact broker`` commands)."""
    if PACT_BIN is None:
        pytest.fail(
            "the official `pact` CLI is missing: pip install pact-python-cli (a dev dependency)",
            pytrace=False,
        )
    command = [PACT_BIN, *args]
    if args[0] == "broker" and broker_url is not None:
        command += ["-b", broker_url]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={"PACT_DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin", "NO_COLOR": "1"},
    )
    if check:
        assert result.returncode == 0, (
            f"pact {' '.join(args)} exited {result.returncode}\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )
    return result


def pact_json(*args: str, broker_url: str, check: bool = True) -> tuple[int, Any]:
    """``pact broker ... --output json``: the exit code and the parsed JSON on stdout."""
    result = pact(*args, "--output", "json", broker_url=broker_url, check=check)
    # some commands print a progress line ("📨 Attempting to publish ...") before the JSON
    lines = result.stdout.splitlines()
    start = next((i for i, line in enumerate(lines) if line.lstrip().startswith(("{", "["))), None)
    try:
        if start is None:
            raise ValueError("no JSON")
        return result.returncode, json.loads("\n".join(lines[start:]))
    except ValueError:
        pytest.fail(
            f"pact {' '.join(args)} --output json printed no JSON (exit {result.returncode})\n"
            f"stdout:\n{result.stdout}\nstderr:\n{result.stderr}"
        )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class _Threaded:
    """A ThreadingHTTPServer on a free loopback port, served from a daemon thread."""

    handler: type[BaseHTTPRequestHandler]

    def __init__(self) -> None:
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler)
        self.server.daemon_threads = True
        self.server.owner = self  # type: ignore[attr-defined]
        self.port = int(self.server.server_address[1])
        self.url = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> _Threaded:
        self._thread.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=10)


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def _reply(self, status: int, body: Any, content_type: str = "application/json") -> None:
        data = b"" if body is None else json.dumps(body).encode()
        self.send_response(status)
        if data:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def _body(self) -> Any:
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        return json.loads(raw) if raw.strip() else None


class _ProviderHandler(_Handler):
    def do_GET(self) -> None:
        owner: JsonProvider = self.server.owner  # type: ignore[attr-defined]
        owner.requests.append(self.path)
        route = owner.routes.get(self.path)
        if route is None:
            self._reply(404, {"error": f"no route {self.path}"})
        else:
            self._reply(*route)


class JsonProvider(_Threaded):
    """A real HTTP provider: ``GET path`` answers ``routes[path] = (status, json body)``."""

    handler = _ProviderHandler

    def __init__(self, routes: dict[str, tuple[int, Any]]) -> None:
        self.routes = routes
        self.requests: list[str] = []
        super().__init__()

    def __enter__(self) -> JsonProvider:
        super().__enter__()
        return self


class _StateHandler(_Handler):
    def do_POST(self) -> None:
        owner: StateServer = self.server.owner  # type: ignore[attr-defined]
        body = self._body() or {}
        state = str(body.get("state") or "")
        action = str(body.get("action") or "setup")
        params = body.get("params") or {}
        owner.calls.append((state, action))
        try:
            result = owner.on_change(state, action, params)
        except Exception as exc:  # the verifier reports a failed state change as a failure
            owner.errors.append(f"{action} {state!r}: {type(exc).__name__}: {exc}")
            self._reply(500, {"error": f"{type(exc).__name__}: {exc}"})
            return
        self._reply(200, result or {})


class StateServer(_Threaded):
    """``--state-change-url``: each ``{"state","params","action"}`` POST calls ``on_change``."""

    handler = _StateHandler

    def __init__(self, on_change: Callable[[str, str, dict[str, Any]], Any]) -> None:
        self.on_change = on_change
        self.calls: list[tuple[str, str]] = []
        self.errors: list[str] = []
        super().__init__()

    def __enter__(self) -> StateServer:
        super().__enter__()
        return self


class AsgiServer:
    """Serve an ASGI app with uvicorn on a free loopback port in a daemon thread."""

    def __init__(self, app: Any) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self._sock.bind(("127.0.0.1", 0))
        self.port = int(self._sock.getsockname()[1])
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
        self._server = uvicorn.Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def __enter__(self) -> AsgiServer:
        self._thread.start()
        deadline = time.monotonic() + 30
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError(f"the server did not start on {self.url}")
            time.sleep(0.01)
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._sock.close()


@contextmanager
def fresh_postgres_database(base_url: str) -> Iterator[str]:
    """A throwaway PostgreSQL database next to ``base_url``'s, dropped afterwards."""
    import uuid

    import psycopg

    base = base_url.replace("postgresql+psycopg://", "postgresql://")
    name = f"accord_broker_official_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(base, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = base.rpartition("/")
    try:
        yield f"{head}/{name}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
