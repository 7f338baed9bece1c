"""End to end through ``Verifier.verify``: timeouts that cover matching, blocking and hung
producers, exits and interrupts in state handlers, hostile text behind the message server.
"""

from __future__ import annotations

import json
import threading
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accord import Pact, Verifier
from accord.errors import PacticipantNameError
from accord.limits import MAX_HUNG_CALLS
from accord.model.read import parse_pact
from accord.provider.calls import hung_calls
from accord.provider.reports import JsonReport, JUnitReport
from accord.provider.results import Outcome

PROVIDER = "timeout-provider"


def _pact(*descriptions: str, content: Any = None, rules: dict[str, Any] | None = None,
          states: dict[str, str] | None = None) -> Any:  # fmt: skip
    interactions = []
    for description in descriptions:
        item: dict[str, Any] = {
            "type": "Asynchronous/Messages",
            "description": description,
            "contents": {"content": content or {"id": 1}, "contentType": "application/json"},
        }
        if rules:
            item["matchingRules"] = {"body": rules}
        if states and description in states:
            item["providerStates"] = [{"name": states[description]}]
        interactions.append(item)
    doc = {
        "consumer": {"name": "timeout-consumer"},
        "provider": {"name": PROVIDER},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    return parse_pact(doc, source="<test>")


def _user_threads() -> int:
    return sum(1 for t in threading.enumerate() if t.name == "accord-user-code")


def _eventually(condition: Callable[[], bool], what: str) -> None:
    """Wait (up to 30 s on a loaded machine) for abandoned calls to end; not a timing test."""
    for _ in range(3000):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def test_the_timeout_stops_matching_a_huge_message() -> None:
    rules = {
        "$.items": {"matchers": [{"match": "type", "min": 1}]},
        "$.items[*].name": {"matchers": [{"match": "regex", "regex": "[a-z]+"}]},
    }
    pact = _pact("a huge event", "a small event", content={"items": [{"id": 1, "name": "x"}]},
                 rules=rules)  # fmt: skip
    huge = {"items": [{"id": n, "name": "abc"} for n in range(300_000)]}
    verifier = Verifier(PROVIDER, timeout=0.1)
    verifier.message("a huge event")(lambda: huge)
    verifier.message("a small event")(lambda: {"items": [{"id": 2, "name": "ok"}]})
    first, second = verifier.verify(pact).results
    assert first.outcome is Outcome.ERROR
    assert first.error == (
        "could not verify: matching and generation did not finish within 0.1 s (the "
        "timeout); the pact is too large or its rules too costly for that limit"
    )
    assert second.outcome is Outcome.PASSED


def test_without_a_timeout_the_same_message_is_matched() -> None:
    rules = {"$.items": {"matchers": [{"match": "type", "min": 1}]}}
    pact = _pact("a big event", content={"items": [{"id": 1}]}, rules=rules)
    verifier = Verifier(PROVIDER, timeout=None)
    verifier.message("a big event")(lambda: {"items": [{"id": n} for n in range(20_000)]})
    assert verifier.verify(pact).ok


def test_an_async_producer_blocking_its_loop_is_stopped_by_the_timeout() -> None:
    already = hung_calls()
    verifier = Verifier(PROVIDER, timeout=0.05)

    @verifier.message("a blocking event")
    async def blocking() -> dict[str, int]:
        time.sleep(0.5)  # blocks the event loop: the classic async mistake
        return {"id": 1}

    verifier.message("a good event")(lambda: {"id": 1})
    first, second = verifier.verify(_pact("a blocking event", "a good event")).results
    assert first.outcome is Outcome.ERROR
    assert first.error == "producer for 'a blocking event' did not finish within 0.05 s"
    assert second.outcome is Outcome.PASSED
    _eventually(lambda: hung_calls() <= already, "the blocked coroutine returns")


def test_two_hundred_hung_producers_leave_a_bounded_number_of_threads() -> None:
    baseline = _user_threads()
    already = hung_calls()
    release = threading.Event()
    descriptions = [f"hung event {n}" for n in range(200)]

    async def hung() -> bool:
        # Blocks its loop, so only a worker can time it (a sync producer would be stopped).
        return release.wait(60)

    verifier = Verifier(PROVIDER, timeout=0.01, producers=dict.fromkeys(descriptions, hung))
    try:
        result = verifier.verify(_pact(*descriptions))
        assert [r.outcome for r in result.results] == [Outcome.ERROR] * 200
        assert _user_threads() <= baseline + MAX_HUNG_CALLS - already
        refused = [r for r in result.results if "earlier calls are still running" in str(r.error)]
        assert len(refused) >= 200 - MAX_HUNG_CALLS
    finally:
        release.set()
    _eventually(lambda: hung_calls() <= already, "released calls are counted back")
    _eventually(lambda: _user_threads() <= baseline, "released calls give their threads back")


def test_sys_exit_in_a_state_handler_is_that_interactions_error() -> None:
    verifier = Verifier(
        PROVIDER, producers={"first": lambda: {"id": 1}, "second": lambda: {"id": 1}}
    )

    @verifier.state("the world ends")
    def leave() -> None:
        raise SystemExit(5)

    first, second = verifier.verify(
        _pact("first", "second", states={"first": "the world ends"})
    ).results
    assert first.outcome is Outcome.ERROR
    assert first.error is not None and "called sys.exit(5)" in first.error
    assert "the world ends" in first.error
    assert second.outcome is Outcome.PASSED


def test_ctrl_c_in_a_state_handler_stops_the_run_and_both_reports_are_written(
    tmp_path: Path,
) -> None:
    verifier = Verifier(
        PROVIDER, producers={"first": lambda: {"id": 1}, "second": lambda: {"id": 1}}
    )

    @verifier.state("interrupted")
    def interrupt() -> None:
        raise KeyboardInterrupt

    json_report, junit = JsonReport(tmp_path / "r.json"), JUnitReport(tmp_path / "r.xml")
    verifier.on_event(json_report)
    verifier.on_event(junit)
    with pytest.raises(KeyboardInterrupt):
        verifier.verify(_pact("first", "second", states={"first": "interrupted"}))
    data = json.loads((tmp_path / "r.json").read_text())
    assert data["interrupted"] is True and data["ok"] is False
    assert "(interrupted)" in data["summary"]
    import xml.etree.ElementTree as ET

    assert ET.parse(tmp_path / "r.xml").getroot().tag == "testsuites"


@pytest.mark.parametrize("name", ["../escape", "/abs", "a/b", "nul\x00", "..", " "])
def test_a_name_that_would_leave_the_pact_folder_fails_at_definition(name: str) -> None:
    with pytest.raises(PacticipantNameError, match="becomes part of the pact file name"):
        Pact(name, "provider")
    with pytest.raises(PacticipantNameError):
        Pact("consumer", name)


def test_the_message_server_answers_unserializable_output_and_hostile_text_clearly() -> None:
    from accord.provider.message_server import serve_messages

    description = "an event \ud800 \x1b[2J"
    verifier = Verifier(PROVIDER, producers={description: lambda: {"owner": object()}})
    with serve_messages(verifier) as server:
        body = json.dumps({"description": description}).encode()
        request = urllib.request.Request(
            server.message_url, body, {"Content-Type": "application/json"}, method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 500
    error = json.loads(answer.value.read())["error"]
    assert error.startswith(f"producer for {description!r}: the producer's return value holds")
    assert "at $.owner" in error
