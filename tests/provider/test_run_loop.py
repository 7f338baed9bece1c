"""The run loop's guarantees: one interaction's failure never ends the run, Ctrl-C still
finishes the reports, misuse is caught early with both sides named, kinds are reported."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from accord import Message, Verifier
from accord.errors import AccordError
from accord.model.read import parse_pact
from accord.provider.events import (
    Event,
    InteractionStarted,
    VerificationFinished,
)
from accord.provider.results import Outcome
from tests.provider.pacts import (
    PROVIDER,
    USER_EXISTS,
    create_user,
    document,
    mixed_pact,
    user_event,
    user_lookup,
)


def message(description: str, content: Any, rules: dict[str, Any] | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "type": "Asynchronous/Messages",
        "description": description,
        "contents": {"contentType": "application/json", "content": content},
    }
    if rules:
        out["matchingRules"] = {"body": rules}
    return out


def two_messages(first_rules: dict[str, Any] | None = None) -> Any:
    return parse_pact(
        document(message("first", {"n": 1}, first_rules), message("second", {"n": 2})),
        source="<two>",
    )


def test_an_exception_inside_matching_is_that_interactions_error_and_the_run_goes_on() -> None:
    broken_rule = {"$.n": {"combine": "AND", "matchers": [{"match": "regex", "regex": "(open"}]}}
    verifier = Verifier(PROVIDER, producers={"first": lambda: {"n": 1}, "second": lambda: {"n": 2}})
    result = verifier.verify(two_messages(broken_rule))
    first, second = result.results
    assert second.outcome is Outcome.PASSED
    if first.outcome is Outcome.ERROR:  # matching raised: a one-line reason, not a traceback
        assert first.error is not None and "\n" not in first.error
        assert first.error.startswith("could not verify: ")
    else:  # or the matcher reports the bad regex as a mismatch: also fine
        assert first.outcome is Outcome.FAILED


def test_an_exception_anywhere_in_one_interaction_is_caught(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    import accord.provider.kinds.async_message as kind

    calls = {"n": 0}
    real = kind.compare_message

    def flaky(expected: Any, actual: Any, **options: Any) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise ZeroDivisionError("division by zero in a matcher")
        return real(expected, actual, **options)

    monkeypatch.setattr(kind, "compare_message", flaky)
    verifier = Verifier(PROVIDER, producers={"first": lambda: {"n": 1}, "second": lambda: {"n": 2}})
    first, second = verifier.verify(two_messages()).results
    assert first.outcome is Outcome.ERROR
    assert first.error is not None
    assert first.error.startswith(
        "could not verify: ZeroDivisionError: division by zero in a matcher (at"
    )
    assert second.outcome is Outcome.PASSED


def test_system_exit_from_user_code_is_that_interactions_error() -> None:
    def leave() -> None:
        raise SystemExit(3)

    verifier = Verifier(PROVIDER, producers={"first": leave, "second": lambda: {"n": 2}})
    first, second = verifier.verify(two_messages()).results
    assert first.outcome is Outcome.ERROR
    assert first.error is not None and first.error.startswith(
        "producer for 'first' raised UserExit: called sys.exit(3) (at test_run_loop.py:"
    )
    assert second.outcome is Outcome.PASSED


def test_ctrl_c_stops_the_run_but_the_finish_event_still_comes() -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    events: list[Event] = []
    verifier = Verifier(PROVIDER, producers={"first": interrupt, "second": lambda: {"n": 2}})
    verifier.on_event(events.append)
    with pytest.raises(KeyboardInterrupt):
        verifier.verify(two_messages())
    finished = events[-1]
    assert isinstance(finished, VerificationFinished)
    assert finished.result.interrupted and not finished.result.ok
    assert finished.result.results == []
    assert "(interrupted)" in finished.result.summary()


def test_registering_a_name_twice_is_an_error_naming_both() -> None:
    verifier = Verifier(PROVIDER)

    @verifier.message("an event")
    def one() -> None: ...

    with pytest.raises(AccordError, match=r"message 'an event' is registered twice: .*one .*two"):

        @verifier.message("an event")
        def two() -> None: ...

    @verifier.state("a state")
    def first_state() -> None: ...

    with pytest.raises(AccordError, match=r"state 'a state' is registered twice"):
        verifier.state("a state")(lambda: None)


def test_a_state_handler_that_does_not_fit_the_params_names_both_sides() -> None:
    verifier = Verifier(PROVIDER, producers={"a user created event": lambda: {"id": 7}})

    @verifier.state(USER_EXISTS)
    def user_exists(user_id: int) -> None: ...

    pact = parse_pact(document(user_event()), source="<x>")
    [failed] = verifier.verify(pact).failures
    assert failed.error is not None
    assert failed.error.startswith(
        "state handler user_exists(user_id) for 'a user exists' does not fit "
        "the params the pact supplies (id, name): missing a required argument: 'user_id'"
    ), failed.error


def test_no_pact_for_the_provider_is_an_error() -> None:
    with pytest.raises(
        AccordError, match=r"no pact is for provider 'Other': the pacts given are for 'Users'"
    ):
        Verifier("Other").verify(mixed_pact())


def test_every_result_event_and_report_carries_the_kind() -> None:
    verifier = Verifier(PROVIDER, missing_state="warn")
    verifier.message("a user created event")(
        lambda: {"id": 7, "event": "created", "eventId": "fixed"}
    )
    verifier.message("a user lookup")(lambda request: {"userId": 7, "name": "Ada"})
    started: list[str] = []
    verifier.on_event(
        lambda e: started.append(e.kind) if isinstance(e, InteractionStarted) else None
    )
    result = verifier.verify(mixed_pact())  # no base_url: the HTTP ones are errors
    kinds = ["HTTP", "HTTP", "HTTP", "async message", "sync message"]
    assert [r.kind for r in result.results] == kinds
    assert started == kinds
    assert [r.outcome for r in result.results] == [Outcome.ERROR] * 3 + [Outcome.PASSED] * 2
    assert [i["kind"] for i in json.loads(result.dumps())["interactions"]] == kinds
    names = [c.get("name") for c in ET.fromstring(result.to_junit()).iter("testcase")]
    assert names[3:] == ["async message: a user created event", "sync message: a user lookup"]
    assert "'a user lookup' given 'a user exists' (sync message)" in result.report()


def test_the_expected_message_gets_no_random_generators() -> None:
    """issue 9: a Uuid generator without a matcher made a correct provider fail at random."""
    verifier = Verifier(PROVIDER, missing_state="warn")
    verifier.message("a user created event")(
        lambda: Message({"id": 7, "event": "created", "eventId": "fixed"})
    )
    pact = parse_pact(document(user_event()), source="<x>")
    for _ in range(5):
        result = verifier.verify(pact)
        assert result.ok, result.report()


def test_interactions_of_unknown_types_are_errors_not_crashes() -> None:
    doc = document(
        {"type": "Synchronous/Carrier-Pigeon", "description": "coo", "key": "k"},
        create_user(),
        user_lookup(),
    )
    pact = parse_pact(doc, source="<x>")
    result = Verifier(PROVIDER, missing_state="warn").verify(pact)
    assert result.results[0].outcome is Outcome.ERROR
    assert result.results[0].error is not None
    assert "Synchronous/Carrier-Pigeon interactions cannot be verified" in result.results[0].error


def test_serve_messages_uses_the_same_state_path_and_words() -> None:
    """One state code path: a handler that does not fit its params fails the same way
    in-process and behind ``accord serve-messages`` (there as the HTTP 422 body)."""
    import urllib.error
    import urllib.request

    from accord.provider.message_server import serve_messages

    verifier = Verifier(PROVIDER, producers={"a user created event": lambda: {"id": 7}})

    @verifier.state(USER_EXISTS)
    def user_exists(user_id: int) -> None: ...

    pact = parse_pact(document(user_event()), source="<x>")
    [failed] = verifier.verify(pact).failures
    with serve_messages(verifier) as server:
        body = json.dumps(
            {"state": USER_EXISTS, "params": {"id": 7, "name": "Ada"}, "action": "setup"}
        ).encode()
        request = urllib.request.Request(
            server.state_change_url, body, {"Content-Type": "application/json"}, method="POST"
        )
        with pytest.raises(urllib.error.HTTPError) as answer:
            urllib.request.urlopen(request, timeout=10)
    assert answer.value.code == 422
    assert json.loads(answer.value.read())["error"] == failed.error


def test_publishing_needs_a_version_and_a_broker() -> None:
    verifier = Verifier(PROVIDER)
    with pytest.raises(AccordError, match="publishing results needs provider_version"):
        verifier.verify(mixed_pact(), publish=True)
    with pytest.raises(AccordError, match="publishing results needs a broker"):
        verifier.verify(mixed_pact(), publish=True, provider_version="1.0.0")


def test_the_collector_skips_the_loaded_pacts_during_the_run_and_only_then(
    tmp_path: Any,
) -> None:
    import gc

    path = tmp_path / "two.json"
    path.write_text(json.dumps(document(message("first", {"n": 1}), message("second", {"n": 2}))))
    frozen: list[int] = []

    def produce(n: int) -> dict[str, int]:
        frozen.append(gc.get_freeze_count())
        return {"n": n}

    enabled = gc.isenabled()
    verifier = Verifier(
        PROVIDER, producers={"first": lambda: produce(1), "second": lambda: produce(2)}
    )
    assert verifier.verify(path).ok
    assert frozen and all(count > 0 for count in frozen)  # the pact's objects were set aside
    assert gc.get_freeze_count() == 0  # and handed back afterwards
    assert gc.isenabled() == enabled
