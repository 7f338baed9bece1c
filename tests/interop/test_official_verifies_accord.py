"""The official ``pact verifier`` verifies an accord provider served by ``serve_messages``.

This is the "other languages" direction: a pipeline built around the official CLI (or a
consumer team on another stack) verifies a Python provider without knowing it is accord.
Pacts come from accord's own consumer DSL, V3 and V4.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

import pytest

from accord import Message, Verifier
from accord.provider.message_server import serve_messages
from tests.interop.support import (
    CANCELLED,
    ORDER_EXISTS,
    PLACED,
    PROVIDER,
    OrdersProvider,
    official_verifier,
    run_official,
    write_accord_pact,
)


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_official_verifier_passes_an_accord_provider(tmp_path: Path, spec: str) -> None:
    pact_file = write_accord_pact(tmp_path, spec)
    provider = OrdersProvider()
    with serve_messages(provider.verifier()) as server:
        done = run_official(["--no-colour", *server.pact_verifier_args(str(pact_file))])
    assert done.code == 0, done
    assert "There were" not in done.output, done
    assert done.output.count("has a matching body (OK)") == 3, done


def test_official_verifier_fails_on_a_wrong_type(tmp_path: Path) -> None:
    pact_file = write_accord_pact(tmp_path)
    provider = OrdersProvider(wrong_id_type=True)
    with serve_messages(provider.verifier()) as server:
        done = run_official(["--no-colour", *server.pact_verifier_args(str(pact_file))])
    assert done.code != 0, done
    assert "1 pact failures" in done.output, done
    # The mismatch names the field and the wrong type: "$.id -> Expected '42' (String) to be
    # an integer".
    mismatch = next(line for line in done.output.splitlines() if "$.id" in line)
    assert "'42'" in mismatch and "integer" in mismatch.lower(), done


def test_state_handler_gets_params_and_is_torn_down(tmp_path: Path) -> None:
    pact_file = write_accord_pact(tmp_path)
    provider = OrdersProvider()
    with serve_messages(provider.verifier()) as server:
        args = server.pact_verifier_args(str(pact_file))
        done = run_official(["--no-colour", *args, "--filter-description", PLACED])
        # The teardown arrives from the verifier itself (--state-change-teardown), while
        # the server is still running.
        assert provider.calls == [
            ("setup", {"id": 42, "currency": "EUR"}),
            ("teardown", {"id": 42}),
        ], done
    assert done.code == 0, done
    assert f"Given {ORDER_EXISTS}" in done.output, done


def test_states_are_torn_down_without_teardown_calls(tmp_path: Path) -> None:
    """Without --state-change-teardown the verifier never asks; the next setup or close does."""
    pact_file = write_accord_pact(tmp_path)
    provider = OrdersProvider()
    with serve_messages(provider.verifier()) as server:
        args = [
            a for a in server.pact_verifier_args(str(pact_file)) if a != "--state-change-teardown"
        ]
        done = run_official(["--no-colour", *args])
        assert done.code == 0, done
        assert provider.calls[0] == ("setup", {"id": 42, "currency": "EUR"}), done
    assert provider.calls[-1] == ("teardown", {"id": 42})
    assert provider.orders == {}


def test_state_params_without_a_state_change_url(tmp_path: Path) -> None:
    """With no state URL at all, the server sets states up around each message itself."""
    pact_file = write_accord_pact(tmp_path)
    provider = OrdersProvider()
    with serve_messages(provider.verifier()) as server:
        args = ["--file", str(pact_file), "--hostname", server.host, "--port", str(server.port)]
        done = run_official(["--no-colour", *args])
    assert done.code == 0, done
    assert provider.calls == [("setup", {"id": 42, "currency": "EUR"}), ("teardown", {"id": 42})]


def test_state_params_sent_as_query(tmp_path: Path) -> None:
    pact_file = write_accord_pact(tmp_path)
    provider = OrdersProvider()
    with serve_messages(provider.verifier()) as server:
        args = [*server.pact_verifier_args(str(pact_file)), "--state-change-as-query"]
        done = run_official(["--no-colour", *args])
    assert done.code == 0, done
    # Query parameters are strings; the handler sees what the official verifier sent, once.
    assert provider.calls == [("setup", {"id": "42", "currency": "EUR"}), ("teardown", {"id": 42})]


def test_producer_exception_is_reported_by_the_official_verifier(tmp_path: Path) -> None:
    pact_file = write_accord_pact(tmp_path)
    verifier = OrdersProvider().verifier()

    def broken() -> Any:
        raise ValueError("the orders table is empty")

    # Replacing a producer goes through the dict: a second @verifier.message is an error.
    verifier.producers[CANCELLED] = broken
    with serve_messages(verifier) as server:
        args = [*server.pact_verifier_args(str(pact_file)), "--filter-description", CANCELLED]
        done = run_official(["--no-colour", *args])
    assert done.code != 0, done
    # The verifier shows the error body as the "message" it got: the reason is on one line.
    assert "ValueError: the orders table is empty" in done.output, done
    assert "in broken" in done.output, done


def test_failing_state_handler_fails_fast(tmp_path: Path) -> None:
    pact_file = write_accord_pact(tmp_path)
    verifier = OrdersProvider().verifier()
    seen: list[str] = []

    def broken_state(id: int) -> None:
        seen.append("called")
        raise RuntimeError("database is down")

    verifier.states[ORDER_EXISTS] = broken_state

    with serve_messages(verifier) as server:
        args = [*server.pact_verifier_args(str(pact_file)), "--filter-description", PLACED]
        done = run_official(["--no-colour", *args])
    assert done.code != 0, done
    assert "state change" in done.output, done
    assert seen == ["called"], "a failed state must not be retried (5xx would be, three times)"


# -- the protocol, spoken by hand ------------------------------------------------------------


def _post(url: str, payload: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(
        url, json.dumps(payload).encode(), {"Content-Type": "application/json"}, method="POST"
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers.items()), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers.items()), exc.read()


def test_message_endpoint_speaks_the_protocol() -> None:
    provider = OrdersProvider()
    with serve_messages(provider.verifier()) as server:
        states = [{"name": ORDER_EXISTS, "params": {"id": 5, "currency": "GBP"}}]
        for path in ("/", "/_pact/message"):
            status, headers, body = _post(
                server.url + path, {"description": PLACED, "providerStates": states}
            )
            assert status == 200
            assert headers["Content-Type"] == "application/json"
            assert json.loads(body)["currency"] == "GBP"
            metadata = json.loads(base64.b64decode(headers["Pact-Message-Metadata"]))
            assert metadata["topic"] == "orders.v1"
            assert metadata["contentType"] == "application/json"
    assert provider.orders == {}


def test_unknown_description_is_a_404_listing_known_ones() -> None:
    with serve_messages(OrdersProvider().verifier()) as server:
        status, headers, body = _post(server.message_url, {"description": "nope"})
    assert status == 404
    assert headers["Content-Type"] == "application/json"
    error = json.loads(body)
    assert "no producer for message 'nope'" in error["error"]
    assert PLACED in error["messages"] and CANCELLED in error["messages"]


def test_producer_exception_is_a_500_with_one_line() -> None:
    verifier = Verifier(PROVIDER)

    @verifier.message("boom")
    def boom() -> Any:
        raise KeyError("missing")

    with serve_messages(verifier) as server:
        status, _, body = _post(server.url, {"description": "boom"})
    assert status == 500
    assert b"\n" not in body
    error = json.loads(body)["error"]
    assert error.startswith("producer for 'boom' raised KeyError: 'missing' (at ")
    assert "in boom)" in error


def test_accord_remote_verifier_against_serve_messages(tmp_path: Path) -> None:
    """accord's own HTTP client and server agree too (the path other tools would take)."""
    pact_file = write_accord_pact(tmp_path)
    provider = OrdersProvider()
    with serve_messages(provider.verifier()) as server:
        remote = Verifier(
            PROVIDER, message_url=server.message_url, state_change_url=server.state_change_url
        )
        result = remote.verify(pact_file)
    assert result.ok, result.report()
    assert provider.calls == [("setup", {"id": 42, "currency": "EUR"}), ("teardown", {"id": 42})]


def test_official_binary_is_found() -> None:
    assert official_verifier(), "the fixture fails the test when the binary is missing"


def test_async_state_handler_and_producer(tmp_path: Path) -> None:
    """Async generators resume on the loop that started them: one loop serves all requests."""
    pact_file = write_accord_pact(tmp_path)
    verifier = Verifier(PROVIDER)
    events: list[str] = []

    @verifier.state(ORDER_EXISTS)
    async def order_exists(id: int, currency: str) -> Any:
        events.append(f"setup {id} {currency}")
        yield {"currency": currency}
        events.append(f"teardown {id}")

    @verifier.message(PLACED)
    async def placed(id: int, currency: str) -> Message:
        events.append("produce")
        content = {"id": id, "total": 1.5, "currency": currency, "items": [{"sku": "C", "qty": 2}]}
        return Message(content, metadata={"topic": "orders"})

    with serve_messages(verifier) as server:
        args = [*server.pact_verifier_args(str(pact_file)), "--filter-description", PLACED]
        done = run_official(["--no-colour", *args])
    assert done.code == 0, done
    assert events == ["setup 42 EUR", "produce", "teardown 42"]
