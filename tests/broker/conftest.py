"""A real broker over HTTP, on SQLite and on PostgreSQL, for every storage test.

Each test module gets its own server per backend (uvicorn on a free loopback port in a
thread); each test session gets a throwaway PostgreSQL database, dropped at the end. Tests
isolate themselves by giving every pacticipant and environment a unique name, so modules
can share a database. If PostgreSQL is unreachable the PostgreSQL half FAILS: a broker that
was never tested on PostgreSQL must not look green.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.broker.support import BrokerClient, Names

POSTGRES_URL = os.environ.get(
    "ACCORD_TEST_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test"
)
BACKENDS = ["sqlite", "postgresql"]


@pytest.fixture(scope="session")
def postgres_url() -> Iterator[str]:
    import psycopg

    base = POSTGRES_URL.replace("postgresql+psycopg://", "postgresql://")
    name = f"accord_broker_test_{uuid.uuid4().hex[:12]}"
    try:
        admin = psycopg.connect(base, autocommit=True, connect_timeout=5)
    except psycopg.Error as exc:
        pytest.fail(
            f"PostgreSQL is not reachable at {base} ({exc}). The broker's PostgreSQL tests need "
            "a server (set ACCORD_TEST_POSTGRES_URL to point elsewhere).",
            pytrace=False,
        )
    with admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    head, _, _ = base.rpartition("/")
    try:
        yield f"{head}/{name}"
    finally:
        with psycopg.connect(base, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def sqlite_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    path: Path = tmp_path_factory.mktemp("broker") / "broker.sqlite3"
    return f"sqlite:///{path}"


@pytest.fixture(scope="module", params=BACKENDS)
def database_url(request: pytest.FixtureRequest) -> str:
    fixture = "postgres_url" if request.param == "postgresql" else "sqlite_url"
    return str(request.getfixturevalue(fixture))


@pytest.fixture(scope="module")
def broker(database_url: str) -> Iterator[BrokerClient]:
    from accord.broker import BackgroundServer, Settings

    with BackgroundServer(Settings(database_url=database_url)) as server:
        client = BrokerClient(server.url, database_url)
        try:
            yield client
        finally:
            client.close()


@pytest.fixture
def names() -> Names:
    return Names()


@pytest.fixture
def fresh_postgres(postgres_url: str) -> Iterator[str]:
    """An empty database of its own (the session one is shared by every module)."""
    import psycopg

    head, _, _ = postgres_url.rpartition("/")
    name = f"accord_broker_fresh_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{head}/{name}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
