"""Where pacts come from: files, directories and http(s) URLs (with basic or bearer auth)."""

from __future__ import annotations

import base64
import contextlib
import http.client
import socket
import threading
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord.errors import SourceError
from accord.limits import MAX_PACT_BYTES_ENV, max_pact_bytes
from accord.model.pact import Pact
from accord.model.read import load_pact, loads_pact


@dataclass(frozen=True, slots=True)
class Auth:
    """Credentials for pact URLs: a bearer token, or a username and password."""

    token: str | None = None
    username: str | None = None
    password: str | None = None

    def header(self) -> str | None:
        if self.token:
            return f"Bearer {self.token}"
        if self.username is not None:
            raw = f"{self.username}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None


@dataclass(frozen=True, slots=True)
class LoadedPact:
    """A pact to verify, and what the broker said about it when it came from one."""

    source: str
    pact: Pact
    pending: bool = False
    notices: tuple[str, ...] = ()


def load_sources(
    sources: list[str | Path], *, auth: Auth | None = None, timeout: float = 30.0
) -> list[LoadedPact]:
    """Every pact named by ``sources``, in order; directories give their ``*.json`` files."""
    loaded: list[LoadedPact] = []
    for source in sources:
        text = str(source)
        if text.startswith(("http://", "https://")):
            loaded.append(LoadedPact(text, fetch_pact(text, auth=auth, timeout=timeout)))
            continue
        path = Path(source)
        if path.is_dir():
            files = sorted(path.glob("*.json"))
            if not files:
                raise SourceError(f"{path}: no pact files (*.json) in this directory")
            loaded.extend(LoadedPact(str(f), load_pact(f)) for f in files)
        elif path.exists():
            loaded.append(LoadedPact(text, load_pact(path)))
        else:
            raise SourceError(f"{path}: no such file or directory")
    return loaded


def fetch_pact(url: str, *, auth: Auth | None = None, timeout: float = 30.0) -> Pact:
    """Download and read one pact; ``timeout`` bounds the whole download, not each read.

    A server that trickles one byte at a time (in its headers or its body) never trips a
    per-read timeout. So a watchdog shuts the connection down when the overall deadline
    passes, the body is read in chunks against the same deadline, and its size is capped
    like a pact file's (``ACCORD_MAX_PACT_BYTES``).
    """
    request = urllib.request.Request(
        url, headers={"Accept": "application/hal+json, application/json"}
    )
    header = auth.header() if auth else None
    if header:
        request.add_header("Authorization", header)
    deadline = time.monotonic() + timeout
    watchdog = _Watchdog(timeout)
    late = SourceError(f"{url}: the pact did not arrive within {timeout:g} s")
    try:
        with watchdog, watchdog.opener().open(request, timeout=timeout) as response:
            body = _read_within(response, url, deadline, late)
    except urllib.error.HTTPError as exc:
        hint = " (check the credentials)" if exc.code in (401, 403) else ""
        raise SourceError(f"{url}: HTTP {exc.code} {exc.reason}{hint}") from exc
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        if watchdog.fired:
            raise late from exc
        reason = getattr(exc, "reason", exc)
        raise SourceError(f"{url}: cannot fetch the pact: {reason}") from exc
    if watchdog.fired:
        raise late
    return loads_pact(body, source=url)


def _read_within(response: Any, url: str, deadline: float, late: SourceError) -> bytes:
    limit = max_pact_bytes()
    chunks: list[bytes] = []
    size = 0
    while True:
        if time.monotonic() > deadline:
            raise late
        chunk = response.read1(65536)
        if not chunk:
            return b"".join(chunks)
        size += len(chunk)
        if size > limit:
            raise SourceError(
                f"{url}: the pact is over the {limit}-byte limit (set {MAX_PACT_BYTES_ENV} "
                "to raise it)"
            )
        chunks.append(chunk)


class _Watchdog:
    """Shuts the download's socket down when the overall deadline passes.

    urllib only offers a per-operation timeout, so the opener's connections report their
    socket here, and a timer thread ends a download that is still running at the deadline.
    """

    def __init__(self, timeout: float) -> None:
        self.fired = False
        self._sockets: list[socket.socket] = []
        self._lock = threading.Lock()
        self._timer = threading.Timer(timeout, self._fire)
        self._timer.daemon = True

    def __enter__(self) -> _Watchdog:
        self._timer.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._timer.cancel()

    def _fire(self) -> None:
        with self._lock:
            self.fired = True
            for sock in self._sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def _track(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.append(sock)
            if self.fired:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def opener(self) -> urllib.request.OpenerDirector:
        track = self._track

        class Connection(http.client.HTTPConnection):
            def connect(self) -> None:
                super().connect()
                track(self.sock)

        class SecureConnection(http.client.HTTPSConnection):
            def connect(self) -> None:
                super().connect()
                track(self.sock)

        class Handler(urllib.request.HTTPHandler):
            def http_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                return self.do_open(Connection, req)

        class SecureHandler(urllib.request.HTTPSHandler):
            def https_open(self, req: urllib.request.Request) -> http.client.HTTPResponse:
                context = getattr(self, "_context", None)
                return self.do_open(SecureConnection, req, context=context)

        return urllib.request.build_opener(Handler, SecureHandler)
