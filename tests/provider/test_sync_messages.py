"""V4 synchronous messages on the provider side: in-process producers that take ``request``,
and the Pact message protocol both ways (accord <-> accord, the official verifier -> accord).

The official ``pact verifier`` does carry synchronous messages over its message protocol: it
posts ``{"description", "providerStates", "request"}`` and reads the answer as the one
response (pact-reference, ``pact_verifier/src/messages.rs``). A pact with several responses
can therefore only have its first response checked over that protocol.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord import Message, Verifier
from accord.model.read import parse_pact
from accord.provider.message_server import serve_messages
from accord.provider.results import Outcome
from tests.interop.support import run_official
from tests.provider.pacts import PROVIDER, USER_EXISTS, document, user_lookup, write


def lookup_pact(*responses: dict[str, Any], request: dict[str, Any] | None = None) -> Any:
    interaction = user_lookup()
    if responses:
        interaction["response"] = list(responses)
    if request is not None:
        interaction["request"] = request
    return parse_pact(document(interaction), source="<sync>")


def response(content: Any, **rules: str) -> dict[str, Any]:
    matchers = {path: {"combine": "AND", "matchers": [{"match": m}]} for path, m in rules.items()}
    out: dict[str, Any] = {"contents": {"contentType": "application/json", "content": content}}
    if matchers:
        out["matchingRules"] = {"body": matchers}
    return out


def provider(users: dict[int, str], seen: list[Message] | None = None) -> Verifier:
    verifier = Verifier(PROVIDER)

    @verifier.state(USER_EXISTS)
    def user_exists(id: int, name: str) -> Iterator[dict[str, int]]:
        users[id] = name
        yield {"id": id}
        users.pop(id, None)

    @verifier.message("a user lookup")
    def lookup(request: Message) -> dict[str, Any]:
        if seen is not None:
            seen.append(request)
        user_id = request.content["userId"]
        return {"userId": user_id, "name": users[user_id]}

    return verifier


def test_a_sync_producer_gets_the_request_message_and_its_response_is_matched() -> None:
    seen: list[Message] = []
    result = provider({}, seen).verify(lookup_pact())
    assert result.ok, result.report()
    [outcome] = result.results
    assert outcome.kind == "sync message"
    [request] = seen
    assert request.content == {"userId": 7}
    assert request.content_type == "application/json"
    assert request.description == "a user lookup"


def test_a_wrong_response_fails_with_the_mismatch() -> None:
    verifier = Verifier(PROVIDER, missing_state="warn")
    verifier.message("a user lookup")(lambda request: {"userId": "7", "name": "Ada"})
    [failed] = verifier.verify(lookup_pact()).failures
    assert failed.outcome is Outcome.FAILED
    assert failed.reason.startswith("body $.userId: Expected '7' (String) to be equal to 7")


def test_several_responses_come_back_as_a_list_and_are_compared_in_order() -> None:
    pact = lookup_pact(
        response({"userId": 7}, **{"$.userId": "integer"}),
        response({"status": "cached"}),
    )
    verifier = Verifier(PROVIDER, missing_state="warn")
    verifier.message("a user lookup")(
        lambda request: [Message({"userId": 9}), {"status": "cached"}]
    )
    assert verifier.verify(pact).ok
    verifier.producers["a user lookup"] = lambda request: [{"userId": 9}, {"status": "stale"}]
    [failed] = verifier.verify(pact).failures
    assert failed.reason == (
        "body $.status: response 2: Expected 'stale' (String) to be equal to 'cached' (String)"
    )
    verifier.producers["a user lookup"] = lambda request: {"userId": 9}
    [failed] = verifier.verify(pact).failures
    assert failed.reason == "response: Expected 2 response message(s) but received 1"


def test_a_response_message_with_metadata_is_checked() -> None:
    interaction = response({"ok": True})
    interaction["metadata"] = {"contentType": "application/json", "region": "eu"}
    verifier = Verifier(PROVIDER, missing_state="warn")
    verifier.message("a user lookup")(
        lambda request: Message({"ok": True}, metadata={"region": "us"})
    )
    [failed] = verifier.verify(lookup_pact(interaction)).failures
    assert failed.mismatches[0].kind == "metadata"
    assert failed.mismatches[0].path == "region"


def test_request_generators_and_state_values_reach_the_producer() -> None:
    request = {
        "contents": {"contentType": "application/json", "content": {"userId": 1, "nonce": 5}},
        "generators": {
            "body": {
                "$.userId": {"type": "ProviderState", "expression": "${id}", "dataType": "INTEGER"},
                "$.nonce": {"type": "RandomInt", "min": 100, "max": 200},
            }
        },
    }
    seen: list[Message] = []
    result = provider({}, seen).verify(lookup_pact(request=request))
    assert result.ok, result.report()
    assert seen[0].content["userId"] == 7
    assert 100 <= seen[0].content["nonce"] <= 200


def test_a_sync_producer_exception_is_the_interactions_error() -> None:
    verifier = Verifier(PROVIDER, missing_state="warn")

    @verifier.message("a user lookup")
    def lookup(request: Message) -> None:
        raise LookupError(f"no user {request.content['userId']}")

    [failed] = verifier.verify(lookup_pact()).failures
    assert failed.error is not None
    assert failed.error.startswith("producer for 'a user lookup' raised LookupError: no user 7 (at")


def test_accord_verifies_a_sync_provider_over_the_message_protocol() -> None:
    users: dict[int, str] = {}
    seen: list[Message] = []
    with serve_messages(provider(users, seen)) as server:
        remote = Verifier(
            PROVIDER, message_url=server.message_url, state_change_url=server.state_change_url
        )
        result = remote.verify(lookup_pact())
    assert result.ok, result.report()
    assert [m.content for m in seen] == [{"userId": 7}]
    assert users == {}, "the state was torn down"


def test_over_the_message_protocol_only_the_first_of_several_responses_is_compared() -> None:
    pact = lookup_pact(response({"userId": 7, "name": "Ada"}), response({"status": "cached"}))
    with serve_messages(provider({})) as server:
        remote = Verifier(
            PROVIDER, message_url=server.message_url, state_change_url=server.state_change_url
        )
        [outcome] = remote.verify(pact).results
    assert outcome.outcome is Outcome.PASSED
    assert outcome.warnings == [
        "the transport carries 1 response(s) per request; only the first 1 of the 2 "
        "expected were compared"
    ]


@pytest.mark.parametrize("wrong", [False, True], ids=["passing", "failing"])
def test_the_official_verifier_verifies_accords_sync_provider(tmp_path: Path, wrong: bool) -> None:
    users: dict[int, str] = {}
    seen: list[Message] = []
    verifier = provider(users, seen)
    if wrong:
        verifier.producers["a user lookup"] = lambda request: {"userId": "seven", "name": "Ada"}
    path = write(tmp_path, document(copy.deepcopy(user_lookup())))
    with serve_messages(verifier) as server:
        done = run_official(["--no-colour", *server.pact_verifier_args(str(path))])
    if wrong:
        assert done.code != 0, done
        assert "$.userId" in done.output, done
    else:
        assert done.code == 0, done
        assert "a user lookup" in done.output and "has a matching body (OK)" in done.output, done
        assert [m.content for m in seen] == [{"userId": 7}]


def test_the_message_transport_by_name() -> None:
    """``transports={"message": URL}`` is ``message_url``: the server sets states up itself
    from the ``providerStates`` it receives when no state-change URL is given."""
    users: dict[int, str] = {}
    seen: list[Message] = []
    with serve_messages(provider(users, seen)) as server:
        remote = Verifier(PROVIDER, missing_state="warn")
        result = remote.verify(lookup_pact(), transports={"message": server.message_url})
    assert result.ok, result.report()
    assert [m.content for m in seen] == [{"userId": 7}]
    assert result.results[0].warnings == ["no state handler for 'a user exists' (registered: none)"]
