"""The in-process verifier: outcomes, reasons in the first line, states, sources."""

from __future__ import annotations

import asyncio
import base64
import http.server
import json
import threading
import time
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord import Message, Pact, Verifier, generate, match
from accord.errors import SourceError
from accord.provider.results import Outcome
from accord.provider.sources import Auth


def write_pact(folder: Path, *, pending: bool = False) -> Path:
    pact = Pact("billing", "orders", pact_dir=folder)
    (
        pact.expects_to_receive("an order created event")
        .given("an order exists", id=10)
        .with_metadata({"topic": "orders"})
        .with_content({"id": match.integer(10), "status": match.regex("NEW", "NEW|PAID")})
        .pending(pending)
    )
    pact.expects_to_receive("an order paid event").with_content({"id": match.integer(1)})
    pact.verify(lambda m: None)
    return pact.write()


@pytest.fixture
def pact_file(tmp_path: Path) -> Path:
    return write_pact(tmp_path)


def good_verifier(log: list[str] | None = None) -> Verifier:
    verifier = Verifier("orders")
    log = log if log is not None else []

    @verifier.message("an order created event")
    def created(id: int = 0) -> Message:
        return Message({"id": id, "status": "NEW", "extra": True}, metadata={"topic": "orders"})

    @verifier.message("an order paid event")
    async def paid() -> dict[str, Any]:
        await asyncio.sleep(0)
        return {"id": 7}

    @verifier.state("an order exists")
    def order_exists(id: int) -> Iterator[dict[str, int]]:
        log.append(f"setup {id}")
        yield {"id": id}
        log.append(f"teardown {id}")

    return verifier


def test_a_correct_provider_passes_and_states_are_set_up_and_torn_down(pact_file: Path) -> None:
    log: list[str] = []
    result = good_verifier(log).verify(pact_file)
    assert result.ok, result.report()
    assert [r.outcome for r in result.results] == [Outcome.PASSED, Outcome.PASSED]
    assert log == ["setup 10", "teardown 10"]
    assert result.summary() == "2 interactions: 2 passed, 0 failed"


def test_wrong_content_fails_with_the_mismatch(pact_file: Path) -> None:
    verifier = good_verifier()
    verifier.producers["an order paid event"] = lambda: {"id": "seven"}
    result = verifier.verify(pact_file)
    assert not result.ok
    failed = result.failures[0]
    assert failed.description == "an order paid event"
    assert failed.mismatches[0].path == "$.id"
    assert failed.reason == "body $.id: Expected 'seven' (String) to be an integer"


def test_a_producer_exception_is_the_first_line_with_its_location(pact_file: Path) -> None:
    verifier = good_verifier()

    def explode() -> None:
        raise ValueError("no such order")

    verifier.producers["an order paid event"] = explode
    result = verifier.verify(pact_file)
    failed = result.failures[0]
    assert failed.outcome is Outcome.ERROR
    assert failed.error is not None
    assert failed.error.startswith(
        "producer for 'an order paid event' raised ValueError: no such order (at test_verifier.py:"
    )
    assert "in explode)" in failed.error
    assert result.results[0].ok, "the other interaction is unaffected"


def test_a_missing_producer_names_the_known_ones(pact_file: Path) -> None:
    verifier = good_verifier()
    del verifier.producers["an order paid event"]
    failed = verifier.verify(pact_file).failures[0]
    assert failed.error == (
        "no producer for message 'an order paid event' (registered: 'an order created event')"
    )


def test_a_missing_state_handler_fails_or_warns(pact_file: Path) -> None:
    verifier = good_verifier()
    verifier.states.clear()
    failed = verifier.verify(pact_file).failures[0]
    assert failed.error == "no state handler for 'an order exists' (registered: none)"
    verifier.missing_state = "warn"
    result = verifier.verify(pact_file)
    assert result.ok
    assert result.results[0].warnings == [
        "no state handler for 'an order exists' (registered: none)"
    ]


def test_a_failing_state_handler_is_reported_at_once_without_retries(pact_file: Path) -> None:
    calls: list[int] = []
    verifier = good_verifier()

    def broken(id: int) -> None:
        calls.append(id)
        raise ConnectionError("database is down")

    verifier.states["an order exists"] = broken
    failed = verifier.verify(pact_file).failures[0]
    assert calls == [10]
    assert failed.error is not None
    assert failed.error.startswith(
        "state handler for 'an order exists' raised ConnectionError: database is down"
    )


def test_a_hanging_producer_is_ended_by_the_timeout(pact_file: Path) -> None:
    verifier = good_verifier()
    verifier.timeout = 0.2
    release = threading.Event()
    verifier.producers["an order paid event"] = lambda: release.wait(30)
    try:
        result = verifier.verify(pact_file)
    finally:
        release.set()
    failed = result.failures[0]
    assert failed.error == "producer for 'an order paid event' did not finish within 0.2 s"
    assert result.results[0].ok


def test_a_hanging_async_state_handler_is_ended_by_the_timeout(pact_file: Path) -> None:
    verifier = good_verifier()
    verifier.timeout = 0.2

    async def slow(id: int) -> None:
        await asyncio.sleep(30)

    verifier.states["an order exists"] = slow
    failed = verifier.verify(pact_file).failures[0]
    assert failed.error == "state handler for 'an order exists' did not finish within 0.2 s"


def test_async_generator_state_handlers_tear_down(pact_file: Path) -> None:
    log: list[str] = []
    verifier = good_verifier()

    async def state(id: int) -> Any:
        log.append("up")
        yield {"id": id}
        log.append("down")

    verifier.states["an order exists"] = state
    assert verifier.verify(pact_file).ok
    assert log == ["up", "down"]


def test_pending_failures_do_not_fail_the_verification(tmp_path: Path) -> None:
    path = write_pact(tmp_path, pending=True)
    verifier = good_verifier()
    verifier.producers["an order created event"] = lambda: {"id": "x"}
    result = verifier.verify(path)
    assert result.ok
    assert result.results[0].pending and result.results[0].outcome is Outcome.FAILED
    assert "1 pending failed" in result.summary()


def test_filters_select_interactions(pact_file: Path) -> None:
    verifier = good_verifier()
    only_paid = verifier.verify(pact_file, filter_description="paid")
    assert [r.description for r in only_paid.results] == ["an order paid event"]
    no_state = verifier.verify(pact_file, filter_state="")
    assert [r.description for r in no_state.results] == ["an order paid event"]
    other_consumer = verifier.verify(pact_file, filter_consumer="someone-else")
    assert other_consumer.results == []


def test_provider_state_values_feed_provider_state_generators(tmp_path: Path) -> None:
    pact = Pact("c", "p", pact_dir=tmp_path)
    (
        pact.expects_to_receive("a user")
        .given("a user exists")
        .with_content({"href": generate.provider_state("/users/${id}", "/users/1")})
    )
    pact.verify(lambda m: None)
    verifier = Verifier("p", producers={"a user": lambda: {"href": "/users/42"}})

    @verifier.state("a user exists")
    def user() -> dict[str, int]:
        return {"id": 42}

    assert verifier.verify(pact.write()).ok
    verifier.producers["a user"] = lambda: {"href": "/users/1"}
    result = verifier.verify(tmp_path)
    assert not result.ok
    assert "'/users/1' (String) to be equal to '/users/42'" in result.failures[0].reason


def test_reports_json_and_junit(pact_file: Path) -> None:
    verifier = good_verifier()
    verifier.producers["an order paid event"] = lambda: {"id": "x"}
    result = verifier.verify(pact_file, verbose=True)
    data = json.loads(result.dumps())
    assert data["ok"] is False
    assert data["interactions"][0]["notices"] == ["unexpected field $.extra (allowed)"]
    assert data["interactions"][1]["mismatches"][0]["path"] == "$.id"
    junit = ET.fromstring(result.to_junit())
    suite = junit.find("testsuite")
    assert suite is not None and suite.get("tests") == "2" and suite.get("failures") == "1"
    text = result.report(verbose=True)
    assert "[FAIL] billing: 'an order paid event'" in text
    assert "note: unexpected field $.extra (allowed)" in text


def test_events_are_emitted_in_order(pact_file: Path) -> None:
    verifier = good_verifier()
    names: list[str] = []
    verifier.on_event(lambda event: names.append(type(event).__name__))
    verifier.verify(pact_file)
    assert names == [
        "VerificationStarted",
        "InteractionStarted",
        "InteractionFinished",
        "InteractionStarted",
        "InteractionFinished",
        "VerificationFinished",
    ]


class _PactServer(http.server.BaseHTTPRequestHandler):
    body = b""
    expected_auth = ""

    def do_GET(self) -> None:
        if self.headers.get("Authorization") != self.expected_auth:
            self.send_response(401)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(self.body)

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.mark.parametrize(
    ("auth", "header"),
    [
        (Auth(token="s3cret"), "Bearer s3cret"),
        (Auth(username="u", password="p"), "Basic " + base64.b64encode(b"u:p").decode()),
    ],
)
def test_pacts_from_urls_with_credentials(pact_file: Path, auth: Auth, header: str) -> None:
    handler = type("H", (_PactServer,), {"body": pact_file.read_bytes(), "expected_auth": header})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/pacts/orders"
        assert good_verifier().verify(url, auth=auth).ok
        with pytest.raises(SourceError, match=r"HTTP 401 Unauthorized \(check the credentials\)"):
            good_verifier().verify(url)
    finally:
        server.shutdown()
        server.server_close()


def test_an_unreachable_url_and_a_missing_file_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match="cannot fetch the pact"):
        good_verifier().verify("http://127.0.0.1:9/nothing-listens-here")
    with pytest.raises(SourceError, match="no such file or directory"):
        good_verifier().verify(tmp_path / "missing.json")
    with pytest.raises(SourceError, match="no pact files"):
        good_verifier().verify(tmp_path)


def test_thousands_of_messages_verify_in_one_process(tmp_path: Path) -> None:
    pact = Pact("many", "orders", pact_dir=tmp_path)
    for n in range(300):
        pact.expects_to_receive(f"event {n}").with_content({"n": match.integer(n)})
    pact.verify(lambda m: None)
    verifier = Verifier(
        "orders", producers={f"event {n}": (lambda n=n: {"n": n}) for n in range(300)}
    )
    started = time.perf_counter()
    result = verifier.verify(pact.write())
    assert result.ok and len(result.results) == 300
    assert result.seconds <= time.perf_counter() - started + 0.001
