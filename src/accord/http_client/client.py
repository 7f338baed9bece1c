"""The client: one policy for credentials, deadlines, retries, redirects and errors."""

from __future__ import annotations

import asyncio
import contextlib
import email.utils
import functools
import http.client
import json as jsonlib
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote, urljoin, urlsplit

from accord.errors import HttpError
from accord.http_client.auth import Auth
from accord.http_client.connections import Connection, open_connection, read_body

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "DELETE", "OPTIONS"})
"""Methods whose repetition has the same effect as one request (RFC 9110 §9.2.2)."""
RETRY_STATUSES = frozenset({502, 503, 504})
"""Answers from a gateway or an overloaded server, worth another try of an idempotent call."""
MAX_RETRY_WAIT = 10.0
"""The longest pause between tries, whatever ``Retry-After`` asks for."""
MAX_REDIRECTS = 5

_NO_BODY = object()


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
        self._idle: dict[tuple[str, str], list[Connection]] = {}
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
            body = read_body(raw, cap, method, url)
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

    def _checkout(self, key: tuple[str, str], scheme: str, netloc: str) -> Connection:
        with self._lock:
            idle = self._idle.get(key)
            while idle:
                connection = idle.pop()
                if connection.usable():
                    return connection
                connection.close()
        return self._connect(scheme, netloc)

    def _checkin(self, key: tuple[str, str], connection: Connection) -> None:
        connection.deadline = None
        with self._lock:
            self._idle.setdefault(key, []).append(connection)

    def _connect(self, scheme: str, netloc: str) -> Connection:
        if scheme == "https" and self._tls is None:
            self._tls = ssl.create_default_context()
        return open_connection(scheme, netloc, self._tls)


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
