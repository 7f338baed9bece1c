"""Provider tests: the producer, with its state handler, satisfies the consumer's pact."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import Verifier
from examples.user_events import provider
from examples.user_events.consumer import on_message
from examples.user_events.contract import user_event_pact


@pytest.fixture
def pact_file(tmp_path: Path) -> Path:
    pact = user_event_pact()
    pact.verify(on_message)
    return pact.write(tmp_path)


def test_the_provider_satisfies_the_consumer(pact_file: Path) -> None:
    result = provider.verifier.verify(pact_file)
    assert result.ok, result.report()
    assert [r.description for r in result.results] == ["a user event"]
    assert provider.users.rows == {}, "the state handler's teardown ran"


def test_a_provider_without_the_state_sends_the_wrong_message(pact_file: Path) -> None:
    verifier = Verifier(
        "V3MessageProvider",
        producers={"a user event": provider.user_event},
        states={"User with id 127 exists": lambda id: None},
    )
    result = verifier.verify(pact_file)
    assert not result.ok
    paths = {m.path for m in result.results[0].mismatches}
    assert "$" in paths or "$.id" in paths, result.report()


def test_a_failing_state_handler_is_reported_with_its_reason(pact_file: Path) -> None:
    def broken(id: int) -> None:
        raise ConnectionError("database is down")

    verifier = Verifier(
        "V3MessageProvider",
        producers={"a user event": provider.user_event},
        states={"User with id 127 exists": broken},
    )
    result = verifier.verify(pact_file)
    [outcome] = result.results
    assert not result.ok
    assert outcome.error is not None
    assert outcome.error.startswith(
        "state handler for 'User with id 127 exists' raised ConnectionError: database is down"
    )
