"""The broker fixtures of ``tests/broker`` (a real broker per module on SQLite and
PostgreSQL, unique names per test), reused here for the official-client tests."""

from tests.broker.conftest import (  # noqa: F401 - fixtures, registered by import
    broker,
    database_url,
    names,
    postgres_url,
    sqlite_url,
)
