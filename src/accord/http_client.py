"""The core's one HTTP client: pact URLs, the broker, message and state-change endpoints.

Every request accord makes itself (as opposed to replaying a pact's request with httpx, see
:mod:`accord.provider.transports.http_replay`) goes through :class:`HttpClient`, so they all
share one policy:

* **Credentials:** one :class:`Auth` (bearer token, or username and password).
* **One deadline:** ``timeout`` bounds the whole exchange, retries included, not each read:
  a server that trickles a byte at a time cannot hold a run forever. Answers can be capped
  in size (``max_bytes``).
* **Retries only where repeating is harmless:** idempotent methods (GET, HEAD, PUT, DELETE,
  OPTIONS) are tried again after a connection failure or a 502/503/504 answer, honouring
  ``Retry-After`` within bounds. A POST is sent at most once: repeating one could record a
  verification result or a deployment twice.
* **One error:** every failure is an :class:`~accord.errors.HttpError` whose one-line message
  names the method, the URL and the cause.
* **Kept-alive connections:** the standard library's ``http.client`` on pooled connections,
  several times cheaper per call than a general client, which matters for the hundreds of
  state-change POSTs of a verification run. A connection the server closed while it was
  idle is noticed *before* a request is written to it, so nothing needs resending.

The standard library (not httpx) keeps ``import accord`` light and these fixed-shape calls
fast; :meth:`HttpClient.arequest` runs the same code on a worker thread so an ``async``
caller's loop (which may be serving the provider) stays free.
"""

from __future__ import annotations

import asyncio
import base64
import contextlib
import email.utils
import functools
import http.client
import io
import json as jsonlib
import os
import select
import socket
import ssl
import threading
import time
import urllib.request
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from accord.errors import HttpError

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
"""Methods whose repetition has the same effect as one request (RFC 9110 §9.2.2)."""
RETRY_STATUSES = frozenset({502, 503, 504})
"""Answers from a gateway or an overloaded server, worth another try of an idempotent call."""
MAX_RETRY_WAIT = 10.0
"""The longest pause between tries, whatever ``Retry-After`` asks for."""
MAX_REDIRECTS = 5

_NO_BODY = object()


@dataclass(frozen=True, slots=True)
class Auth:
    """Credentials for a broker or a pact URL: a bearer token, or a username and password.

    The same type serves the broker client, pact URLs and the CLI, so credentials are given
    once. :meth:`from_env` reads the variables the official Pact CLIs read.
    """

    token: str | None = None
    username: str | None = None
    password: str | None = None

    def header(self) -> str | None:
        """The ``Authorization`` header value (a token wins over a username)."""
        if self.token:
            return f"Bearer {self.token}"
        if self.username is not None:
            raw = f"{self.username}:{self.password or ''}".encode()
            return "Basic " + base64.b64encode(raw).decode("ascii")
        return None

    @classmethod
    def from_env(
        cls,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        environ: Mapping[str, str] | None = None,
    ) -> Auth | None:
        """Arguments first, else ``PACT_BROKER_TOKEN`` / ``PACT_BROKER_USERNAME`` and
        ``PACT_BROKER_PASSWORD``; ``None`` when neither gives credentials."""
        env = os.environ if environ is None else environ
        token = token or env.get("PACT_BROKER_TOKEN") or None
        username = username or env.get("PACT_BROKER_USERNAME") or None
        password = password or env.get("PACT_BROKER_PASSWORD") or None
        if token or username:
            return cls(token, username, password)
        return None


@dataclass(frozen=True, slots=True)
class Response:
    """A complete answer: status, headers (names lower-cased) and the body's bytes."""

    method: str
    url: str
    status: int
    reason: str
    headers: dict[str, str] = field(repr=False)
    content: bytes = field(repr=False)

    def json(self) -> Any:
        """The body as JSON (an empty body is ``{}``); :class:`HttpError` if it is not."""
        if not self.content.strip():
            return {}
        try:
            return jsonlib.loads(self.content)
        except ValueError as exc:
            raise HttpError(
                f"{self.method} {self.url} did not answer JSON: {exc}",
                method=self.method,
                url=self.url,
                status=self.status,
                body=self.content.decode("utf-8", "replace"),
            ) from exc

    def raise_for_status(self) -> Response:
        """``self`` when the status is below 400, else the one-line :class:`HttpError`."""
        if self.status < 400:
            return self
        detail = _decode(self.content)
        hint = ""
        if self.status in (401, 403):
            hint = (
                f" {self.reason} (check the credentials)"
                if self.reason
                else " (check the credentials)"
            )
        raise HttpError(
            f"{self.method} {self.url} answered HTTP {self.status}{hint}: {summary(detail)}",
            method=self.method,
            url=self.url,
            status=self.status,
            body=detail,
        )


class HttpClient:
    """Sends requests under one policy (see the module docstring); thread-safe.

    ``attempts`` is how many times an idempotent request is tried in all (1: no retry).
    ``timeout`` is each request's overall deadline in seconds; ``max_bytes`` caps an
    answer's body. Both can be overridden per request.
    """

    def __init__(
        self,
        *,
        auth: Auth | None = None,
        timeout: float = 30.0,
        attempts: int = 3,
        max_bytes: int | None = None,
        headers: Mapping[str, str] | None = None,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.auth = auth
        self.timeout = timeout
        self.attempts = max(1, attempts)
        self.max_bytes = max_bytes
        self.headers = dict(headers or {})
        self._sleep = sleep
        self._idle: dict[tuple[str, str], list[_Connection]] = {}
        self._lock = threading.Lock()
        self._tls: ssl.SSLContext | None = None

    # -- the API ---------------------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str,
        *,
        json: Any = _NO_BODY,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        timeout: float | None = None,
        max_bytes: int | None = None,
    ) -> Response:
        """Send one request and read the whole answer, whatever its status.

        Raises :class:`HttpError` when no complete answer arrives (connection failure,
        deadline, size cap). Statuses are the caller's: see :meth:`Response.raise_for_status`.
        """
        method = method.upper()
        limit = self.timeout if timeout is None else timeout
        deadline = time.monotonic() + limit
        sent = dict(self.headers)
        if json is not _NO_BODY:
            content = jsonlib.dumps(json).encode()
            sent.setdefault("Content-Type", "application/json")
        sent.update(headers or {})
        parsed = _parse(url)
        if parsed is None:
            raise HttpError(f"{method} {url} failed: not an http(s) URL", method=method, url=url)
        url = parsed.url
        credentials = self.auth or parsed.credentials
        header = credentials.header() if credentials else None
        if header and not any(k.lower() == "authorization" for k in sent):
            sent["Authorization"] = header
        cap = self.max_bytes if max_bytes is None else max_bytes
        tries = self.attempts if method in IDEMPOTENT else 1
        redirects = 0
        attempt = 0
        while True:
            attempt += 1
            try:
                response = self._exchange(method, url, content, sent, deadline, limit, cap)
            except HttpError as exc:
                if exc.retryable and attempt < tries and self._pause(None, attempt, deadline):
                    continue
                raise
            retry_after = response.headers.get("retry-after")
            if (
                response.status in RETRY_STATUSES
                and attempt < tries
                and self._pause(retry_after, attempt, deadline)
            ):
                continue
            location = response.headers.get("location")
            if (
                response.status in (301, 302, 303, 307, 308)
                and location
                and method in ("GET", "HEAD")
                and redirects < MAX_REDIRECTS
            ):
                redirects += 1
                target = urljoin(url, location)
                if urlsplit(target).netloc != urlsplit(url).netloc:
                    sent = {k: v for k, v in sent.items() if k.lower() != "authorization"}
                url = target
                continue
            return response

    async def arequest(self, method: str, url: str, **options: Any) -> Response:
        """:meth:`request` on a worker thread: the caller's event loop keeps running (the
        provider it talks to may live on that very loop)."""
        call = functools.partial(self.request, method, url, **options)
        return await asyncio.get_running_loop().run_in_executor(None, call)

    def close(self) -> None:
        """Close every idle connection (the client stays usable)."""
        with self._lock:
            idle, self._idle = self._idle, {}
        for connections in idle.values():
            for connection in connections:
                connection.close()

    def __enter__(self) -> HttpClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        # Closing here keeps unclosed-socket warnings out of a caller that never closed us.
        with contextlib.suppress(Exception):  # interpreter shutdown
            self.close()

    # -- one try ---------------------------------------------------------------------------

    def _exchange(
        self,
        method: str,
        url: str,
        content: bytes | None,
        headers: dict[str, str],
        deadline: float,
        limit: float,
        cap: int | None,
    ) -> Response:
        target = _parse(url)
        if target is None:
            raise HttpError(f"{method} {url} failed: not an http(s) URL", method=method, url=url)
        key = (target.scheme, target.netloc)
        connection = self._checkout(key, target.scheme, target.netloc)
        path = (
            f"{target.scheme}://{target.netloc}{target.path}"
            if connection.absolute
            else target.path
        )
        connection.deadline = deadline
        try:
            if connection.sock is None:
                connection.connect()
            connection.hold_head = bool(content)
            connection.request(method, path, content, headers)
            raw = connection.getresponse()
            body = _read(raw, cap, method, url)
        except TimeoutError as exc:
            connection.close()
            raise HttpError(
                f"{method} {url}: the answer did not arrive within {limit:g} s",
                method=method,
                url=url,
                timed_out=True,
            ) from exc
        except HttpError:
            connection.close()
            raise
        except (OSError, http.client.HTTPException) as exc:
            connected = connection.reached
            connection.close()
            refused = isinstance(exc, ConnectionRefusedError)
            raise HttpError(
                f"{method} {url} failed: {_cause(exc)}",
                method=method,
                url=url,
                cause=_cause(exc),
                connect_failed=not connected or refused,
                # Nothing listens: another try in a moment will not change that.
                retryable=not refused,
            ) from exc
        if raw.will_close:
            connection.close()
        else:
            self._checkin(key, connection)
        return Response(
            method,
            url,
            raw.status,
            raw.reason or "",
            {name.lower(): value for name, value in raw.getheaders()},
            body,
        )

    def _pause(self, retry_after: str | None, attempt: int, deadline: float) -> bool:
        """Wait before the next try; False when the deadline leaves no time for one."""
        wait = _retry_after(retry_after)
        if wait is None:
            wait = 0.25 * 2 ** (attempt - 1)
        wait = min(wait, MAX_RETRY_WAIT)
        if time.monotonic() + wait >= deadline:
            return False
        self._sleep(wait)
        return True

    # -- the connection pool ---------------------------------------------------------------

    def _checkout(self, key: tuple[str, str], scheme: str, netloc: str) -> _Connection:
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                connection = idle.pop()
                if connection.usable():
                    return connection
                connection.close()
        return self._connect(scheme, netloc)

    def _checkin(self, key: tuple[str, str], connection: _Connection) -> None:
        connection.deadline = None
        with self._lock:
            self._idle.setdefault(key, []).append(connection)

    def _connect(self, scheme: str, netloc: str) -> _Connection:
        proxy = _proxy_for(scheme, netloc)
        if scheme == "https":
            if self._tls is None:
                self._tls = ssl.create_default_context()
            if proxy is not None:
                connection: _Connection = _HTTPSConnection(proxy.netloc, context=self._tls)
                connection.set_tunnel(netloc, headers=proxy.headers)
            else:
                connection = _HTTPSConnection(netloc, context=self._tls)
        elif proxy is not None:
            connection = _HTTPConnection(proxy.netloc)
            connection.absolute = True
            connection.proxy_headers = proxy.headers
        else:
            connection = _HTTPConnection(netloc)
        return connection


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


class _HTTPConnection(_DeadlineMixin, http.client.HTTPConnection):
    def connect(self) -> None:
        self.timeout = self.connect_timeout()
        super().connect()
        self.wrap()

    def putrequest(self, method: str, url: str, *args: Any, **kwargs: Any) -> None:
        super().putrequest(method, url, *args, **kwargs)
        for name, value in (self.proxy_headers or {}).items():
            self.putheader(name, value)


class _HTTPSConnection(_DeadlineMixin, http.client.HTTPSConnection):
    def connect(self) -> None:
        self.timeout = self.connect_timeout()
        super().connect()
        self.wrap()


_Connection = _HTTPConnection | _HTTPSConnection


def _read(raw: http.client.HTTPResponse, cap: int | None, method: str, url: str) -> bytes:
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


@dataclass(frozen=True, slots=True)
class _Target:
    """A URL taken apart once: where to connect, what to ask for, credentials it carried."""

    url: str
    """The URL without credentials, so no message shows them."""
    scheme: str
    netloc: str
    path: str
    credentials: Auth | None


@functools.lru_cache(maxsize=512)
def _parse(url: str) -> _Target | None:
    """``None`` for anything but an absolute http(s) URL; ``user:pw@`` becomes basic auth."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return None
    netloc = parts.netloc
    credentials = None
    if "@" in netloc:
        netloc = netloc.rsplit("@", 1)[-1]
        url = parts._replace(netloc=netloc).geturl()
        user = unquote(parts.username or "")
        credentials = Auth(None, user, unquote(parts.password or ""))
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    return _Target(url, parts.scheme, netloc, path, credentials)


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


# -- wording -----------------------------------------------------------------------------


def _cause(exc: BaseException) -> str:
    if isinstance(exc, http.client.RemoteDisconnected):
        return "the server closed the connection without answering"
    if isinstance(exc, http.client.HTTPException) and not str(exc):
        return type(exc).__name__
    if isinstance(exc, socket.gaierror):
        return f"cannot resolve the host name ({exc.strerror or exc})"
    return str(exc) or type(exc).__name__


def _retry_after(value: str | None) -> float | None:
    """Seconds from a ``Retry-After`` header (a number or an HTTP date), if it has one."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def _decode(raw: bytes) -> Any:
    try:
        return jsonlib.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def summary(detail: Any) -> str:
    """The most useful short text from an error body (broker-style JSON errors or text)."""
    if isinstance(detail, dict):
        errors = detail.get("errors")
        if isinstance(errors, dict):
            parts = [
                f"{k}: {'; '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in errors.items()
            ]
            return ", ".join(parts)
        if isinstance(errors, list):
            return "; ".join(str(e) for e in errors)
        for key in ("error", "message", "title"):
            if key in detail:
                value = detail[key]
                return value.get("message", str(value)) if isinstance(value, dict) else str(value)
        return jsonlib.dumps(detail)[:300]
    text = " ".join(str(detail).split())
    return text[:300] or "(empty body)"
