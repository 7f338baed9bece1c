"""accord as a CLIENT of accord's broker: the CLI and the Python API over real HTTP.

One broker (SQLite, in a thread, on a free loopback port) serves the whole session; every
test makes its own pacticipant and environment names, so tests never see each other's data.
PostgreSQL is covered by ``tests/broker``; here the client is under test, not the storage.
``PACT_BROKER_*`` variables from the surrounding shell are removed for every test, so a
developer's own broker settings cannot leak in.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.broker_client.support import Cli, Names, Remote

BROKER_VARIABLES = (
    "PACT_BROKER_BASE_URL",
    "PACT_BROKER_TOKEN",
    "PACT_BROKER_USERNAME",
    "PACT_BROKER_PASSWORD",
)


@pytest.fixture(scope="session")
def broker_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from accord.broker import BackgroundServer, Settings

    path: Path = tmp_path_factory.mktemp("broker-client") / "broker.sqlite3"
    with BackgroundServer(Settings(database_url=f"sqlite:///{path}")) as server:
        yield server.url


@pytest.fixture
def remote(broker_url: str) -> Iterator[Remote]:
    """The broker's state, read over HTTP independently of the client under test."""
    with Remote(broker_url) as r:
        yield r


@pytest.fixture(autouse=True)
def no_broker_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in BROKER_VARIABLES:
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def names() -> Names:
    return Names()


@pytest.fixture
def cli(broker_url: str, capsys: pytest.CaptureFixture[str]) -> Cli:
    return Cli(broker_url, capsys)
