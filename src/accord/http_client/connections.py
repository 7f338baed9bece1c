"""Kept-alive ``http.client`` connections that keep one deadline, and proxies from the
environment, as urllib reads them."""

from __future__ import annotations

import base64
import http.client
import io
import select
import socket
import ssl
import time
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from accord.errors import HttpError

# -- connections that keep one deadline -----------------------------------------------------


class _DeadlineReader(io.RawIOBase):
    """Socket reads that share the request's deadline: each read may only wait for what is
    left of it, so a trickle of single bytes still ends on time."""

    def __init__(self, sock: socket.socket, owner: _DeadlineMixin) -> None:
        # The socket's own unbuffered file: it counts as an open file of the socket, so
        # closing the connection leaves the descriptor open until this answer is read.
        self._raw = sock.makefile("rb", buffering=0)
        self._sock = sock
        self._owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int | None:
        self._owner.arm(self._sock)
        return self._raw.readinto(buffer)

    def close(self) -> None:
        self._raw.close()
        super().close()


class _DeadlineSocket:
    """A connected socket whose ``makefile`` (what ``http.client`` reads through) obeys the
    deadline; everything else is the socket's own."""

    def __init__(self, sock: socket.socket, owner: _DeadlineMixin) -> None:
        self._sock = sock
        self._owner = owner

    def makefile(self, mode: str = "rb", *args: Any, **kwargs: Any) -> io.BufferedReader:
        return io.BufferedReader(_DeadlineReader(self._sock, self._owner))

    def sendall(self, data: Any) -> None:
        self._owner.arm(self._sock)
        self._sock.sendall(data)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._sock, name)


class _DeadlineMixin:
    deadline: float | None = None
    reached = False
    """True once connected: a failure after that is not a failure to reach the server."""
    absolute: bool = False
    proxy_headers: dict[str, str] | None = None
    sock: Any
    host: str
    port: int

    def arm(self, sock: socket.socket) -> None:
        if self.deadline is None:
            sock.settimeout(None)
            return
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        sock.settimeout(left)

    hold_head = False
    """Set for a request with a body: its header block waits for the body (see :meth:`send`)."""
    _held: bytes | None = None

    def send(self, data: Any) -> None:
        """``http.client`` writes the header block and the body separately; sent together,
        the server reads the whole request at once, one wake-up instead of two."""
        if self.hold_head and self._held is None and isinstance(data, bytes):
            self._held = data
            return
        if self._held is not None:
            data, self._held, self.hold_head = self._held + bytes(data), None, False
        super().send(data)  # type: ignore[misc]

    def wrap(self) -> None:
        self.reached = True
        self.sock = _DeadlineSocket(self.sock, self)

    def usable(self) -> bool:
        """False when an idle kept-alive connection was closed by the server (it is then
        readable: an EOF, or bytes nobody asked for); checked before writing a request."""
        sock = getattr(self.sock, "_sock", None)
        if sock is None:
            return False
        try:
            readable, _, _ = select.select([sock], [], [], 0)
        except (OSError, ValueError):
            return False
        return not readable

    def connect_timeout(self) -> float | None:
        if self.deadline is None:
            return None
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("deadline passed")
        return left


class PlainConnection(_DeadlineMixin, http.client.HTTPConnection):
    def connect(self) -> None:
        self.timeout = self.connect_timeout()
        super().connect()
        self.wrap()

    def putrequest(self, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        super().putrequest(method, url, *args, **kwargs)
        for name, value in (self.proxy_headers or {}).items():
            self.putheader(name, value)


class TlsConnection(_DeadlineMixin, http.client.HTTPSConnection):
    def connect(self) -> None:
        self.timeout = self.connect_timeout()
        super().connect()
        self.wrap()


Connection = PlainConnection | TlsConnection


def read_body(raw: http.client.HTTPResponse, cap: int | None, method: str, url: str) -> bytes:
    if raw.length is not None and (cap is None or raw.length <= cap):
        return raw.read()  # the common case: a stated length within the cap, one read
    chunks: list[bytes] = []
    size = 0
    while True:
        chunk = raw.read1(65536)
        if not chunk:
            raw.close()  # read to the end: marks the kept-alive connection ready for more
            return b"".join(chunks)
        size += len(chunk)
        if cap is not None and size > cap:
            raise HttpError(
                f"{method} {url}: the answer is over the {cap}-byte limit",
                method=method,
                url=url,
                too_large=True,
            )
        chunks.append(chunk)


# -- proxies, as urllib reads them from the environment ---------------------------------


@dataclass(frozen=True, slots=True)
class _Proxy:
    netloc: str
    headers: dict[str, str]


def _proxy_for(scheme: str, netloc: str) -> _Proxy | None:
    """The ``HTTP(S)_PROXY`` for this URL unless ``NO_PROXY`` exempts its host."""
    proxy = urllib.request.getproxies().get(scheme)
    if not proxy or urllib.request.proxy_bypass(netloc.rsplit("@", 1)[-1]):
        return None
    parts = urlsplit(proxy if "://" in proxy else f"http://{proxy}")
    headers: dict[str, str] = {}
    if parts.username is not None:
        raw = f"{parts.username}:{parts.password or ''}".encode()
        headers["Proxy-Authorization"] = "Basic " + base64.b64encode(raw).decode("ascii")
    return _Proxy(parts.netloc.rsplit("@", 1)[-1], headers)


def open_connection(scheme: str, netloc: str, tls: ssl.SSLContext | None) -> Connection:
    """A new (not yet connected) connection to ``netloc``, through a proxy if one applies."""
    proxy = _proxy_for(scheme, netloc)
    if scheme == "https":
        if proxy is not None:
            connection: Connection = TlsConnection(proxy.netloc, context=tls)
            connection.set_tunnel(netloc, headers=proxy.headers)
            return connection
        return TlsConnection(netloc, context=tls)
    if proxy is not None:
        connection = PlainConnection(proxy.netloc)
        connection.absolute = True
        connection.proxy_headers = proxy.headers
        return connection
    return PlainConnection(netloc)
