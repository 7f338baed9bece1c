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
import time
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
MAX_ATTEMPTS = 8

# PostgreSQL SQLSTATEs worth a retry: serialization failure, deadlock, lock timeout.
_RETRYABLE_PG_STATES = {"40001", "40P01", "55P03"}


def normalise_url(url: str) -> str:
    """Map ``postgres://`` and ``postgresql://`` to the psycopg 3 driver SQLAlchemy needs."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(url: str | None = None) -> Engine:
    """An engine tuned for the broker: WAL and explicit locking on SQLite, a pool on Postgres."""
    real = normalise_url(url or DEFAULT_DATABASE_URL)
    if real.startswith("sqlite"):
        return _sqlite_engine(real)
    return sa.create_engine(real, pool_size=20, max_overflow=20)


def _sqlite_engine(url: str) -> Engine:
    database = sa.make_url(url).database
    if database and database != ":memory:":
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = sa.create_engine(
        url, connect_args={"check_same_thread": False, "timeout": 30}, pool_size=20
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Connection) -> None:
        # A writer takes the lock up front: a deferred transaction that later upgrades to a
        # write lock can deadlock with another writer, and SQLite then fails at once.
        write = connection.get_execution_options().get("accord_write", False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")

    return engine


def is_retryable(exc: BaseException) -> bool:
    """Did the transaction lose a race that running it again would win?"""
    if isinstance(exc, IntegrityError):
        return True
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        return True  # the server dropped an idle pooled connection; a fresh one will do
    if isinstance(exc, OperationalError | DBAPIError):
        state = getattr(getattr(exc, "orig", None), "sqlstate", None)
        if state in _RETRYABLE_PG_STATES:
            return True
        return "database is locked" in str(exc) or "database is busy" in str(exc)
    return False


class Database:
    """The engine plus the one way the broker touches it: a retried transaction."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

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
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                with self.connect(write=write) as conn:
                    return work(conn)
            except (IntegrityError, OperationalError, DBAPIError) as exc:
                if attempt == MAX_ATTEMPTS or not is_retryable(exc):
                    raise
                log.debug("transaction lost a race (attempt %d), retrying: %s", attempt, exc)
                time.sleep(random.uniform(0.001, 0.01) * attempt)
        raise AssertionError("unreachable")

    def dispose(self) -> None:
        self.engine.dispose()
