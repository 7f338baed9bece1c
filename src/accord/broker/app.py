"""The ASGI application: raw-path routing, bounded bodies, one transaction per request.

Handlers are plain synchronous functions that run in a worker thread inside
:meth:`Database.transaction`; the event loop only moves bytes. A request body is read (and
refused past the size limit, or past the body deadline) before any transaction starts, and
path values and query strings are checked against :mod:`accord.broker.limits` before any
handler sees them. Errors become JSON: 400/404/409 from :mod:`accord.broker.http.errors`,
503 with ``Retry-After`` when the database is locked or unreachable, and 500 only for a
genuine bug, which is logged.

On SQLite only one writer can hold the lock, so writes queue at an async gate before they
take a worker thread: a lock held by another process then ties up a few threads (each
waiting at most ``lock_timeout``) and reads keep flowing. Queued writes hold no thread; they give up
with 503 after ``queue_timeout``. Events
recorded by a handler are delivered to listeners only after its transaction commits, and
then to the webhook runner. Credentials (:mod:`accord.broker.auth`) are checked before
routing, so an anonymous client learns nothing about which paths exist.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from functools import partial
from urllib.parse import parse_qsl

import anyio.to_thread
from sqlalchemy.engine import Connection
from sqlalchemy.exc import DataError, StatementError
from starlette.applications import Starlette
from starlette.types import Message, Receive, Scope, Send

from accord.broker.auth import AccessPolicy
from accord.broker.clock import now
from accord.broker.db.engine import Database, DatabaseUnavailable, make_engine
from accord.broker.db.migrate import migrate
from accord.broker.db.types import StoredValueRefused
from accord.broker.events import BrokerEvent
from accord.broker.http.errors import (
    BadRequest,
    HttpError,
    PayloadTooLarge,
    RequestTimeout,
    ServiceUnavailable,
)
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, dumps
from accord.broker.http.routing import Route, Router
from accord.broker.limits import MAX_METADATA_SEGMENT_LENGTH, MAX_NAME_LENGTH, name_problem
from accord.broker.routes import build_router
from accord.broker.settings import Settings
from accord.broker.urls import Urls
from accord.broker.webhooks.runner import WebhookRunner

log = logging.getLogger("accord.broker")

BODY_METHODS = {"POST", "PUT", "PATCH"}
HANDLER_THREADS = 16
"""Handlers running at once (other than SQLite writes). They are CPU-bound Python sharing
one GIL, so more threads only add contention; with dozens, the event loop itself waits so
long for the GIL that every request slows, and SQLite's single writer most of all."""
SQLITE_WRITE_GATE = 4
"""SQLite writes running at once. SQLite admits one writer at a time anyway (and
:class:`Database` hands its lock from thread to thread), so a few are enough to keep it
busy; queued writes hold no thread, and a lock held by another process blocks only these."""


class _ClientGone(Exception):
    """The client disconnected while sending its body."""


class Broker:
    """The broker as a bare ASGI callable; :func:`create_app` wraps it for lifespan."""

    def __init__(self, settings: Settings, router: Router | None = None) -> None:
        self.settings = settings
        self.router = router or build_router()
        self.access = AccessPolicy(settings)
        self.webhooks: WebhookRunner | None = None
        self._db: Database | None = None
        self._lock = threading.Lock()
        self._write_gate: anyio.Semaphore | None = None
        self._writer_threads: anyio.CapacityLimiter | None = None
        self._handler_threads: anyio.CapacityLimiter | None = None

    # --- lifecycle ------------------------------------------------------------------------

    def start(self) -> Database:
        """Connect (and migrate, unless disabled) once; safe to call from any thread."""
        with self._lock:
            if self._db is None:
                engine = make_engine(
                    self.settings.database_url, lock_timeout=self.settings.lock_timeout
                )
                if self.settings.migrate_on_start:
                    migrate(engine=engine)
                self._db = Database(engine, lock_timeout=self.settings.lock_timeout)
                self.webhooks = WebhookRunner(self._db, self.settings)
                if not self.access.enabled:
                    log.warning(
                        "accord broker: NO AUTHENTICATION - no credentials are configured, so "
                        "anyone who can reach this server can read and change its data. Set "
                        "PACT_BROKER_BASIC_AUTH_USERNAME/PASSWORD or ACCORD_BROKER_TOKEN."
                    )
            return self._db

    def stop(self) -> None:
        with self._lock:
            if self.webhooks is not None:
                self.webhooks.stop()
                self.webhooks = None
            if self._db is not None:
                self._db.dispose()
                self._db = None

    # --- ASGI -----------------------------------------------------------------------------

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            return
        method: str = scope["method"]
        req: Req | None = None
        committed_at = now()
        try:
            headers = {
                k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]
            }
            self.access.check(method, _raw_path(scope), headers.get("authorization"))
            route, params = self.router.match(method, _raw_path(scope))
            _check_path_values(params)
            query = _query(scope)
            body = b""
            if method in BODY_METHODS:
                try:
                    with anyio.fail_after(self.settings.body_timeout):
                        body = await _read_body(receive, headers, self.settings.max_body_bytes)
                except TimeoutError:
                    raise RequestTimeout(self.settings.body_timeout) from None
            req = Req(
                method=method,
                path=_raw_path(scope),
                params=params,
                query=query,
                headers=headers,
                body=body,
                urls=Urls(self.settings.public_url or _base_url(scope, headers)),
                settings=self.settings,
            )
            db = self._db if self._db is not None else await anyio.to_thread.run_sync(self.start)
            reply = await self._run_gated(db, route, req)
            committed_at = now()  # webhooks created after this point do not hear its events
        except _ClientGone:
            return
        except HttpError as exc:
            reply = _error_reply(exc)
        except DatabaseUnavailable as exc:
            log.warning("%s %s: %s", method, scope.get("path"), exc.reason)
            reply = _error_reply(ServiceUnavailable(exc.reason, self._retry_after()))
        except StatementError as exc:
            reply = _refused_value_reply(exc, method, scope)
        except Exception as exc:
            log.exception("unhandled error in %s %s", method, scope.get("path"))
            reply = Reply(500, dumps({"error": f"Internal server error: {type(exc).__name__}"}))
        await _send(send, reply, head=method == "HEAD")
        if req is not None and req.events and reply.status < 400:
            await anyio.to_thread.run_sync(partial(self._deliver, req.events, committed_at))

    async def _run_gated(self, db: Database, route: Route, req: Req) -> Reply:
        """Run the handler in a worker thread; SQLite writes first pass the write gate."""
        if not (route.write and db.dialect == "sqlite"):
            if self._handler_threads is None:
                self._handler_threads = anyio.CapacityLimiter(HANDLER_THREADS)
            return await anyio.to_thread.run_sync(
                partial(_run, db, route, req), limiter=self._handler_threads
            )
        if self._write_gate is None or self._writer_threads is None:
            self._write_gate = anyio.Semaphore(SQLITE_WRITE_GATE)
            self._writer_threads = anyio.CapacityLimiter(SQLITE_WRITE_GATE)
        try:
            with anyio.fail_after(self.settings.queue_timeout):
                await self._write_gate.acquire()
        except TimeoutError:
            raise DatabaseUnavailable(
                "the database is busy with other writes (or locked by another process); "
                "retry shortly"
            ) from None
        try:
            # A thread of its own: the write holds the gate, so it must not then queue for
            # a thread behind every read (which would leave the lock idle meanwhile).
            return await anyio.to_thread.run_sync(
                partial(_run, db, route, req), limiter=self._writer_threads
            )
        finally:
            self._write_gate.release()

    def _retry_after(self) -> int:
        return max(1, round(self.settings.lock_timeout))

    def _deliver(self, events: list[BrokerEvent], committed_at: datetime) -> None:
        for event in events:
            for listener in self.settings.listeners:
                try:
                    listener(event)
                except Exception:
                    log.exception("broker event listener %r failed on %r", listener, event)
            if self.webhooks is not None:
                self.webhooks.notify(event, committed_at)


def _run(db: Database, route: Route, req: Req) -> Reply:
    def work(conn: Connection) -> Reply:
        req.events.clear()  # a retried transaction starts its events afresh
        return route.handler(req, conn)

    return db.transaction(work, write=route.write)


def _error_reply(exc: HttpError) -> Reply:
    reply = Reply(exc.status, dumps(exc.body), headers=dict(exc.headers))
    if exc.status == 413:
        reply.headers["Connection"] = "close"
    return reply


def _refused_value_reply(exc: StatementError, method: str, scope: Scope) -> Reply:
    """A value no database may store (too long, NUL) that no field check caught: 400 on
    every backend (see :mod:`accord.broker.db.types`). PostgreSQL's own refusal (a
    ``DataError``) is mapped the same way. Anything else is a bug: 500."""
    if isinstance(exc.orig, StoredValueRefused):
        return _error_reply(BadRequest(f"value refused: {exc.orig}"))
    if isinstance(exc, DataError):
        log.warning("%s %s: the database refused a value: %s", method, scope.get("path"), exc)
        return _error_reply(BadRequest(f"value refused by the database: {exc.orig}"))
    log.error("unhandled database error in %s %s", method, scope.get("path"), exc_info=exc)
    return Reply(500, dumps({"error": f"Internal server error: {type(exc).__name__}"}))


def _check_path_values(params: dict[str, str]) -> None:
    """Every value in the path is a name (or a hash, uuid, number) of at most
    :data:`MAX_NAME_LENGTH` characters with no control character, so nothing a database
    would refuse, and no name a client could not route back to, gets further."""
    errors: dict[str, list[str]] = {}
    for key, value in params.items():
        limit = MAX_METADATA_SEGMENT_LENGTH if key == "metadata" else MAX_NAME_LENGTH
        problem = name_problem(value, limit=limit)
        if problem is not None:
            errors[key] = [f"path value {problem}"]
    if errors:
        raise BadRequest(errors)


def _query(scope: Scope) -> list[tuple[str, str]]:
    raw = scope.get("query_string", b"").decode("latin-1")
    pairs = parse_qsl(raw, keep_blank_values=True)
    if any("\x00" in key or "\x00" in value for key, value in pairs):
        raise BadRequest({"query": ["must not contain NUL (%00)"]})
    return pairs


def _raw_path(scope: Scope) -> str:
    raw: bytes | None = scope.get("raw_path")
    path = raw.decode("latin-1") if raw else scope["path"]
    path = path.split("?", 1)[0]
    root = scope.get("root_path", "")
    if root and path.startswith(root):
        path = path[len(root) :]
    return path or "/"


def _base_url(scope: Scope, headers: dict[str, str]) -> str:
    host = headers.get("host")
    if not host:
        server = scope.get("server") or ("localhost", 80)
        host = f"{server[0]}:{server[1]}"
    scheme = headers.get("x-forwarded-proto") or scope.get("scheme", "http")
    return f"{scheme}://{host}{scope.get('root_path', '')}"


async def _read_body(receive: Receive, headers: dict[str, str], limit: int) -> bytes:
    """The whole body, or 413 past ``limit`` (declared or actually streamed).

    An oversized body is still drained (up to a cap) so the client, which writes the whole
    request before reading, gets to see the 413 instead of a reset connection.
    """
    declared = headers.get("content-length", "")
    too_big = declared.isdigit() and int(declared) > limit
    drain_cap = limit * 4 + (1 << 20)
    if too_big and int(declared) > drain_cap:
        raise PayloadTooLarge(limit)
    chunks: list[bytes] = []
    size = 0
    while True:
        message: Message = await receive()
        if message["type"] == "http.disconnect":
            raise _ClientGone()
        chunk: bytes = message.get("body", b"")
        size += len(chunk)
        if size > limit:
            too_big = True
        if not too_big:
            chunks.append(chunk)
        if not message.get("more_body", False) or size > drain_cap:
            break
    if too_big:
        raise PayloadTooLarge(limit)
    return b"".join(chunks)


async def _send(send: Send, reply: Reply, *, head: bool) -> None:
    headers = [(b"content-length", str(len(reply.body)).encode("latin-1")), (b"vary", b"Accept")]
    if reply.content_type:
        headers.append((b"content-type", reply.content_type.encode("latin-1")))
    headers += [
        (k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in reply.headers.items()
    ]
    await send({"type": "http.response.start", "status": reply.status, "headers": headers})
    await send({"type": "http.response.body", "body": b"" if head else reply.body})


def create_app(settings: Settings | None = None) -> Starlette:
    """A Starlette app serving the broker API; connects and migrates on startup."""
    broker = Broker(settings or Settings())

    @asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        await anyio.to_thread.run_sync(broker.start)
        try:
            yield
        finally:
            await anyio.to_thread.run_sync(broker.stop)

    app = Starlette(lifespan=lifespan)
    # Every request goes to the broker, which routes raw paths itself: a Starlette route
    # would match the decoded path with a regex that stops at a newline and answer a
    # plain-text 404 instead of the broker's JSON 400 for a name holding %0A.
    app.router.default = broker
    app.state.broker = broker
    return app
