"""Provider test: the Starlette app, served by uvicorn, satisfies the consumer's pact."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
import uvicorn

from examples.websocket import provider
from examples.websocket.consumer import UserLookup, UserNotFound
from examples.websocket.contract import lookup_pact


@pytest.fixture
def pact_file(tmp_path: Path) -> Path:
    pact = lookup_pact(tmp_path)
    with pact.serve(transport="websocket") as server:
        lookup = UserLookup(server.url)
        lookup.find(127)
        with pytest.raises(UserNotFound):
            lookup.find(404)
    return pact.write()


@pytest.fixture
def provider_url() -> Iterator[str]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(provider.app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.02)
    yield f"ws://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(timeout=10)


def test_the_socket_satisfies_the_consumer(pact_file: Path, provider_url: str) -> None:
    result = provider.verifier.verify(pact_file, transports={"websocket": provider_url})
    assert result.ok, result.report()
    assert [r.kind for r in result.results] == ["WebSocket", "WebSocket"]
    assert provider.users == {}, "the state handler's teardown ran"
