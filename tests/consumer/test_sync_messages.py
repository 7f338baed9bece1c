"""V4 synchronous messages on the consumer side: declared, handed to the handler, written."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import HandlerFailed, Pact, generate, match
from accord.consumer.sync_builder import SyncExchange
from accord.errors import AccordError
from accord.model.pact import AsyncMessage, SyncMessage
from accord.model.read import load_pact


def lookup_pact(tmp_path: Path) -> Pact:
    pact = Pact("web-ui", "users-service", pact_dir=tmp_path)
    (
        pact.sync_message("a user lookup")
        .given("User 127 exists", id=127)
        .with_request({"userId": match.integer(127)}, metadata={"queue": "users.lookup"})
        .will_respond_with(
            {"userId": match.integer(127), "name": match.like("Ada"), "ref": generate.uuid()},
            metadata={"status": match.regex("ok", r"ok|stale")},
        )
    )
    return pact


def test_the_handler_gets_the_request_and_the_response(tmp_path: Path) -> None:
    pact = lookup_pact(tmp_path)
    seen: list[SyncExchange] = []
    pact.verify(seen.append)
    [exchange] = seen
    assert exchange.description == "a user lookup"
    assert exchange.request.content == {"userId": 127}
    assert exchange.request.metadata == {"queue": "users.lookup"}
    assert exchange.response.content["name"] == "Ada"
    assert exchange.response.metadata == {"status": "ok"}
    assert exchange.response.content["ref"] != "6ba7b810-9dad-11d1-80b4-00c04fd430c8"
    assert exchange.responses == [exchange.response]


def test_several_responses(tmp_path: Path) -> None:
    pact = Pact("web-ui", "users-service", pact_dir=tmp_path)
    (
        pact.sync_message("a paged lookup")
        .with_request("page?", content_type="text/plain")
        .will_respond_with({"page": 1})
        .will_respond_with({"page": 2})
    )
    pages: list[int] = []

    async def handler(exchange: SyncExchange) -> None:
        assert exchange.request.content == "page?"
        pages.extend(r.content["page"] for r in exchange.responses)

    pact.verify(handler)
    assert pages == [1, 2]
    [interaction] = load_pact(pact.write()).interactions
    assert isinstance(interaction, SyncMessage)
    assert [r.contents.content for r in interaction.response] == [{"page": 1}, {"page": 2}]  # type: ignore[union-attr]


def test_sync_and_async_messages_share_one_verify(tmp_path: Path) -> None:
    pact = lookup_pact(tmp_path)
    pact.expects_to_receive("a user created event").with_content({"id": 1})
    kinds: list[str] = []
    pact.verify(lambda item: kinds.append(type(item).__name__))
    assert sorted(kinds) == ["Message", "SyncExchange"]
    written = load_pact(pact.write())
    assert {type(i) for i in written.interactions} == {SyncMessage, AsyncMessage}


def test_the_written_interaction_keeps_rules_generators_and_state(tmp_path: Path) -> None:
    pact = lookup_pact(tmp_path)
    pact.verify(lambda exchange: None)
    [interaction] = load_pact(pact.write()).interactions
    assert isinstance(interaction, SyncMessage)
    assert interaction.provider_states[0].params == {"id": 127}
    assert interaction.request.matching_rules.category("body")["$.userId"].rules == [
        {"match": "integer"}
    ]
    [response] = interaction.response
    assert response.generators.category("body")["$.ref"]["type"] == "Uuid"
    assert response.matching_rules.keyed("metadata", "status") is not None
    assert response.metadata == {"status": "ok"}


def test_a_failing_handler_keeps_the_exchange_out_of_the_pact(tmp_path: Path) -> None:
    pact = lookup_pact(tmp_path)

    def handler(exchange: SyncExchange) -> None:
        raise ValueError(f"cannot read {exchange.response.content['name']}")

    with pytest.raises(HandlerFailed, match="'a user lookup': ValueError: cannot read Ada") as info:
        pact.verify(handler)
    assert isinstance(info.value.__cause__, ValueError)
    assert pact.interactions == []


def test_sync_messages_need_a_v4_pact(tmp_path: Path) -> None:
    pact = Pact("a", "b", spec="V3", pact_dir=tmp_path)
    with pytest.raises(AccordError, match="synchronous messages exist only in V4"):
        pact.sync_message("x")


def test_a_sync_message_without_a_request_is_a_clear_error(tmp_path: Path) -> None:
    pact = Pact("a", "b", pact_dir=tmp_path)
    pact.sync_message("no request").will_respond_with({"a": 1})
    with pytest.raises(AccordError, match="'no request' has no request"):
        pact.verify(lambda exchange: None)


def test_response_of_an_exchange_without_responses_says_so() -> None:
    from accord import Message

    exchange = SyncExchange("fire and forget", Message({"a": 1}), [])
    with pytest.raises(AccordError, match="declares no response"):
        _ = exchange.response
