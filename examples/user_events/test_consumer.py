"""Consumer tests: the handler must accept the example, and a rejecting handler fails."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord import HandlerFailed, Message
from examples.user_events.consumer import InvalidUser, User, on_message
from examples.user_events.contract import user_event_pact


def test_the_handler_accepts_a_user_event_and_the_pact_is_written(tmp_path: Path) -> None:
    pact = user_event_pact()
    received: list[User] = []

    def handler(message: Message) -> None:
        on_message(message)
        received.append(message.content_as(User))

    pact.verify(handler)
    path = pact.write(tmp_path)

    assert received == [User(id=12, name="Billy", lastName="Sampson", datetime="2020-01-01")]
    written = json.loads(path.read_text())
    assert written["metadata"]["pactSpecification"]["version"] == "3.0.0"
    [message] = written["messages"]
    assert message["description"] == "a user event"
    assert message["providerStates"] == [{"name": "User with id 127 exists", "params": {"id": 127}}]
    assert message["matchingRules"]["body"]["$.id"]["matchers"] == [{"match": "integer"}]


def test_a_handler_that_rejects_the_message_fails_the_test_and_writes_nothing(
    tmp_path: Path,
) -> None:
    pact = user_event_pact()

    def rejects_everyone(message: Message) -> None:
        raise InvalidUser("invalid object supplied, missing fields (id)")

    with pytest.raises(HandlerFailed, match="a user event") as failure:
        pact.verify(rejects_everyone)
    assert isinstance(failure.value.__cause__, InvalidUser)
    pact.write(tmp_path)
    written = json.loads((tmp_path / "V3MessageConsumer-V3MessageProvider.json").read_text())
    assert written["messages"] == []


def test_the_seed_handler_rejects_id_minus_one() -> None:
    with pytest.raises(InvalidUser):
        on_message(Message({"id": -1, "name": "x", "lastName": "y", "datetime": "z"}))
