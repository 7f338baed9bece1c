"""Connecting to SQLite or PostgreSQL, and running one request as one transaction.

Every request runs inside :meth:`Database.transaction`, so a failure part-way through a write
changes nothing. Races between processes (two publishers creating the same pacticipant, two
verifiers adding the same tag) are settled by unique constraints: the loser's transaction
fails with an integrity error, deadlock or lock timeout, and is simply run again on a fresh
connection, where it now finds the winner's rows.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import weakref
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import DBAPIError, IntegrityError, OperationalError

log = logging.getLogger("accord.broker")

T = TypeVar("T")

DEFAULT_DATABASE_URL = "sqlite:///./accord-broker.sqlite3"
DEFAULT_LOCK_TIMEOUT = 5.0
MAX_ATTEMPTS = 8

# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, lock timeout.
_RETRYABLE_PG_STATES = {"40001", "40P01", "55P03"}


def normalise_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` to the psycopg 3 driver SQLAlchemy needs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class DatabaseUnavailable(Exception):
    """The database cannot serve this request now (locked by another process, down, or out
    of connections); the client should retry after ``retry_after`` seconds (HTTP 503)."""

    def __init__(self, reason: str, retry_after: int = 1) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def make_engine(url: str | None = None, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> Engine:
    """An engine tuned for the broker: WAL and explicit locking on SQLite, a pool on Postgres.

    ``lock_timeout`` bounds how long a SQLite writer waits for a lock another connection or
    process holds (SQLite's busy timeout) and how long any request waits for a pooled
    connection. PostgreSQL connections are pinged when taken from the pool, so a backend the
    server terminated is replaced instead of failing the next request.
    """
    real = normalise_url(url or DEFAULT_DATABASE_URL)
    if real.startswith("sqlite"):
        return _sqlite_engine(real, lock_timeout)
    return sa.create_engine(
        real,
        pool_size=20,
        max_overflow=20,
        pool_pre_ping=True,
        pool_timeout=max(lock_timeout, 1.0),
        connect_args={"connect_timeout": max(int(lock_timeout), 2)},
    )


def _sqlite_engine(url: str, lock_timeout: float) -> Engine:
    database = sa.make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url,
        connect_args={"check_same_thread": False, "timeout": lock_timeout},
        pool_size=20,
        pool_timeout=max(lock_timeout, 1.0),
    )
    busy_ms = int(lock_timeout * 1000)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={busy_ms}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock up front: a deferred transaction that later upgrades to a
        # write lock can deadlock with another writer, and SQLite then fails at once.
        write = connection.get_execution_options().get("accord_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def is_sqlite_locked(exc: BaseException) -> bool:
    """SQLite gave up waiting for a lock (after its busy timeout)."""
    return isinstance(exc, OperationalError) and (
        "database is locked" in str(exc) or "database is busy" in str(exc)
    )


def is_retryable(exc: BaseException) -> bool:
    """Did the transaction lose a race that running it again would win?

    A SQLite lock timeout is not retried here: the busy timeout already waited for it, and
    waiting again would hold a worker thread for several timeouts (the caller answers 503).
    """
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True  # the server dropped the connection (restart, terminated backend)
    if isinstance(exc, OperationalError | DBAPIError):
        state = getattr(getattr(exc, "orig", None), "sqlstate", None)
        return state in _RETRYABLE_PG_STATES
    return False


_writer_locks: weakref.WeakKeyDictionary[Engine, threading.Lock] = weakref.WeakKeyDictionary()
_writer_locks_guard = threading.Lock()


def _writer_lock(engine: Engine) -> threading.Lock:
    with _writer_locks_guard:
        return _writer_locks.setdefault(engine, threading.Lock())


class Database:
    """The engine plus the one way the broker touches it: a retried transaction.

    On SQLite, this process's writers take turns on a lock of their own before they ask
    SQLite for its write lock. A thread waiting on it wakes the moment the previous writer
    is done, whereas SQLite's busy handler polls in sleeps of up to 100 ms; so concurrent
    writes keep the database busy instead of sleeping. The wait is bounded by
    ``lock_timeout``, as SQLite's own is.
    """

    def __init__(self, engine: Engine, *, lock_timeout: float = DEFAULT_LOCK_TIMEOUT) -> None:
        self.engine = engine
        self.lock_timeout = lock_timeout
        self._writers = _writer_lock(engine) if engine.dialect.name == "sqlite" else None

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def connect(self, *, write: bool) -> Iterator[Connection]:
        with self.engine.connect() as conn:
            conn = conn.execution_options(accord_write=write)
            with conn.begin():
                yield conn

    def transaction(self, work: Callable[[Connection], T], *, write: bool) -> T:
        """Run ``work`` in one transaction, again from scratch if it lost a race."""
        if not write or self._writers is None:
            return self._transaction(work, write=write)
        if not self._writers.acquire(timeout=self.lock_timeout):
            raise DatabaseUnavailable("the database is busy with other writes; retry shortly")
        try:
            return self._transaction(work, write=True)
        finally:
            self._writers.release()

    def _transaction(self, work: Callable[[Connection], T], *, write: bool) -> T:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.connect(write=write) as conn:
                    return work(conn)
            except sa.exc.TimeoutError as exc:
                raise DatabaseUnavailable("no database connection is free") from exc
            except (IntegrityError, OperationalError, DBAPIError) as exc:
                if is_sqlite_locked(exc):
                    raise DatabaseUnavailable(
                        "the database is locked by another writer; retry shortly"
                    ) from exc
                if attempt == MAX_ATTEMPTS or not is_retryable(exc):
                    if isinstance(exc, OperationalError) or (
                        isinstance(exc, DBAPIError) and exc.connection_invalidated
                    ):
                        raise DatabaseUnavailable(
                            f"the database is unavailable: {exc.orig}"
                        ) from exc
                    raise
                log.debug("transaction lost a race (attempt %d), retrying: %s", attempt, exc)
                time.sleep(random.uniform(0.001, 0.01) * attempt)
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
