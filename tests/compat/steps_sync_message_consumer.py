"""Steps for V4 ``synchronous_message_consumer``: ``pact.sync_message(...)`` end to end.

The scenario's request and responses are collected step by step, declared on accord's
builder (generators become ``Term`` generators, as a user would write them), proven with
``pact.verify(handler)`` inside ``with pact:`` (so the pact is written only when the test
passes), and then the exchange the handler received and the pact file (raw JSON) are checked.

Import with ``from tests.compat.steps_sync_message_consumer import *``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from accord import HandlerFailed, Pact
from accord._dsl.term import Term
from accord.consumer.sync_builder import SyncExchange, SyncMessageBuilder
from accord.message import Message
from accord.model import Body, Generators
from tests.compat.steps_generators import _check_kind
from tests.compat.support import (
    World,
    body_from_cell,
    generators_from_cell,
    metadata_from_any_cell,
    metadata_from_table,
    metadata_value,
    quoted,
    replace_at,
    rows,
    unescape,
    value_at,
)

CONSUMER = "compat-sync-consumer"
PROVIDER = "compat-sync-provider"
DESCRIPTION = "a compatibility-suite synchronous message"


@dataclass
class Part:
    """One message of the exchange as the scenario describes it, before it is declared."""

    body: Body | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    generators: Generators = field(default_factory=Generators)

    def declare(self) -> tuple[Any, dict[str, Any], str | None]:
        """Content, metadata and content type for the builder, generators as terms."""
        content = self.body.content if self.body is not None else None
        for path, generator in self.generators.category("body").items():
            content = replace_at(content, path, lambda v, g=generator: Term(v, generator=dict(g)))
        metadata: dict[str, Any] = dict(self.metadata)
        for key, generator in self.generators.category("metadata").items():
            if key not in metadata:
                pytest.fail(f"a metadata generator for {key!r}, which the message lacks")
            metadata[key] = Term(metadata[key], generator=dict(generator))
        return content, metadata, self.body.content_type if self.body else None


@dataclass
class SyncConsumerTest:
    pact: Pact
    builder: SyncMessageBuilder
    pact_dir: Path
    request: Part = field(default_factory=Part)
    responses: list[Part] = field(default_factory=list)
    received: list[SyncExchange] = field(default_factory=list)
    error: HandlerFailed | None = None
    ran: bool = False

    def exchange(self) -> SyncExchange:
        assert self.ran, "the message was never processed"
        assert self.received, "the handler never received the exchange"
        return self.received[-1]

    def pact_files(self) -> list[Path]:
        return sorted(self.pact_dir.glob("*.json")) if self.pact_dir.is_dir() else []

    def interactions(self) -> list[dict[str, Any]]:
        files = self.pact_files()
        assert len(files) == 1, f"expected one pact file in {self.pact_dir}, found {files}"
        document = json.loads(files[0].read_text(encoding="utf-8"))
        return list(document.get("interactions", []))

    def first(self) -> dict[str, Any]:
        interactions = self.interactions()
        assert interactions, "the pact file holds no interactions"
        return interactions[0]


def _test(world: World) -> SyncConsumerTest:
    test = world.data.get("sync consumer")
    assert isinstance(test, SyncConsumerTest), "no synchronous message test was started"
    return test


def _body(cell: str) -> Body:
    body = body_from_cell(unescape(cell))
    if body is None:
        pytest.fail(f"the cell {cell!r} describes no body")
    return body


# ------------------------------------------------------------------------------------------
# defining the exchange


@given("a synchronous message interaction is being defined for a consumer test")
def sync_defined(world: World, tmp_path: Path) -> None:
    pact_dir = tmp_path / "pacts"
    pact = Pact(CONSUMER, PROVIDER, spec="V4", pact_dir=pact_dir)
    world.data["sync consumer"] = SyncConsumerTest(pact, pact.sync_message(DESCRIPTION), pact_dir)


@given(
    parsers.re(
        r"a key of " + quoted("key") + r" is specified for the synchronous message interaction"
    )
)
def sync_key(world: World, key: str) -> None:
    _test(world).builder.with_key(unescape(key))


@given("the synchronous message interaction is marked as pending")
def sync_pending(world: World) -> None:
    _test(world).builder.pending()


@given(
    parsers.re(r"a comment " + quoted("text") + r" is added to the synchronous message interaction")
)
def sync_comment(world: World, text: str) -> None:
    _test(world).builder.comment(unescape(text))


@given(
    parsers.re(r"the message request payload contains the " + quoted("name") + r" JSON document")
)
def request_document(world: World, name: str) -> None:
    _test(world).request.body = _body(f"file: {unescape(name)}.json")


@given(parsers.re(r"the message response payload contains the " + quoted("cell") + r" document"))
def response_document(world: World, cell: str) -> None:
    _test(world).responses.append(Part(_body(cell)))


@given("the message request contains the following metadata:")
def request_metadata(world: World, datatable: list[list[str]]) -> None:
    _test(world).request.metadata.update(metadata_from_table(datatable))


@given(
    parsers.re(
        r"a provider state " + quoted("state") + r" for the synchronous message is specified$"
    )
)
def sync_state(world: World, state: str) -> None:
    _test(world).builder.given(unescape(state))


@given(
    parsers.re(
        r"a provider state "
        + quoted("state")
        + r" for the synchronous message is specified with the following data:"
    )
)
def sync_state_with_data(world: World, state: str, datatable: list[list[str]]) -> None:
    (row,) = rows(datatable)
    _test(world).builder.given(unescape(state), {k: json.loads(v) for k, v in row.items()})


def _configured(datatable: list[list[str]]) -> Part:
    (row,) = rows(datatable)
    generators = generators_from_cell(row.get("generators"))
    unknown = set(generators.categories) - {"body", "metadata"}
    if unknown:
        pytest.fail(f"the harness only places body and metadata generators, not {unknown}")
    return Part(
        body_from_cell(row.get("body")), metadata_from_any_cell(row.get("metadata")), generators
    )


@given("the message request is configured with the following:")
def request_configured(world: World, datatable: list[list[str]]) -> None:
    _test(world).request = _configured(datatable)


@given("the message response is configured with the following:")
def response_configured(world: World, datatable: list[list[str]]) -> None:
    _test(world).responses.append(_configured(datatable))


# ------------------------------------------------------------------------------------------
# running the consumer test


@when("the message is successfully processed")
@when("the Pact file for the test is generated")
def processed(world: World) -> None:
    test = _test(world)
    content, metadata, content_type = test.request.declare()
    test.builder.with_request(content, metadata=metadata, content_type=content_type)
    for part in test.responses:
        content, metadata, content_type = part.declare()
        test.builder.will_respond_with(content, metadata=metadata, content_type=content_type)
    test.ran = True
    try:
        with test.pact:
            test.pact.verify(test.received.append)
    except HandlerFailed as exc:
        test.error = exc


# ------------------------------------------------------------------------------------------
# what the handler received


def _same_content(actual: Any, body: Body) -> bool:
    return actual == body.content


@then(parsers.re(r"the received message payload will contain the " + quoted("cell") + r" document"))
def received_payload(world: World, cell: str) -> None:
    response = _test(world).exchange().response
    assert _same_content(response.content, _body(cell)), f"received {response.content!r}"


@then(parsers.re(r"the received message content type will be " + quoted("content_type")))
def received_content_type(world: World, content_type: str) -> None:
    response = _test(world).exchange().response
    assert response.content_type == unescape(content_type), response.content_type


def _received(world: World, which: str) -> Message:
    exchange = _test(world).exchange()
    return exchange.request if which == "request" else exchange.response


@then(
    parsers.re(
        r"the received message (?P<which>request|response) metadata will contain "
        + quoted("key")
        + " == "
        + quoted("value")
    )
)
def received_metadata(world: World, which: str, key: str, value: str) -> None:
    metadata = _received(world, which).metadata
    expected = metadata_value(unescape(value))
    assert metadata.get(unescape(key)) == expected, f"the metadata is {metadata}"


@then(
    parsers.re(
        r"the received message (?P<which>request|response) metadata will contain "
        + quoted("key")
        + r" replaced with an? "
        + quoted("kind")
    )
)
def received_metadata_generated(world: World, which: str, key: str, kind: str) -> None:
    test = _test(world)
    part = test.request if which == "request" else test.responses[0]
    name = unescape(key)
    value = _received(world, which).metadata.get(name)
    assert value != part.metadata.get(name), f"{name!r} was not replaced ({value!r})"
    generator = part.generators.category("metadata").get(name, {})
    problem = _check_kind(unescape(kind), value, generator)
    assert problem is None, f"{name!r} is {value!r}: {problem}"


@then(
    parsers.re(
        r"the message (?P<which>request|response) contents for "
        + quoted("path")
        + r" will have been replaced with an? "
        + quoted("kind")
    )
)
def contents_generated(world: World, which: str, path: str, kind: str) -> None:
    test = _test(world)
    part = test.request if which == "request" else test.responses[0]
    assert part.body is not None
    path = unescape(path)
    before = value_at(part.body.content, path)
    after = value_at(_received(world, which).content, path)
    assert after != before, f"the value at {path!r} was not replaced (still {after!r})"
    problem = _check_kind(unescape(kind), after, part.generators.category("body").get(path, {}))
    assert problem is None, f"the value at {path!r} is {after!r}: {problem}"


@then("the consumer test will have passed")
def consumer_passed(world: World) -> None:
    test = _test(world)
    assert test.ran and test.error is None, f"the consumer test failed: {test.error}"


# ------------------------------------------------------------------------------------------
# the pact file


@then("a Pact file for the message interaction will have been written")
def pact_written(world: World) -> None:
    test = _test(world)
    assert len(test.pact_files()) == 1, f"no pact file in {test.pact_dir}"


@then(parsers.re(r"the pact file will contain (?P<count>\d+) interactions?"))
def interaction_count(world: World, count: str) -> None:
    assert len(_test(world).interactions()) == int(count)


@then(parsers.re(r"the first interaction in the Pact file will have a type of " + quoted("kind")))
def first_type(world: World, kind: str) -> None:
    assert _test(world).first().get("type") == unescape(kind)


@then(
    parsers.re(
        r"the first interaction in the Pact file will have "
        + quoted("name")
        + r" = '(?P<value>.*)'$"
    )
)
def first_field(world: World, name: str, value: str) -> None:
    first = _test(world).first()
    assert first.get(unescape(name)) == json.loads(value), f"the interaction is {first}"


def _written_content(part: dict[str, Any]) -> tuple[Any, str | None]:
    contents = part.get("contents")
    if isinstance(contents, dict) and "content" in contents:
        return contents["content"], contents.get("contentType")
    return contents, None


def _responses(world: World) -> list[dict[str, Any]]:
    return list(_test(world).first().get("response") or [])


_ORDINAL = {"first": 0, "second": 1}


def _check_written(part: dict[str, Any], cell: str) -> None:
    expected = _body(cell)
    content, content_type = _written_content(part)
    assert content_type == expected.content_type, f"written as {content_type!r}"
    assert content == expected.content, f"the pact file holds {content!r}"


@then(
    parsers.re(
        r"the first interaction in the pact file will contain the "
        + quoted("cell")
        + r" document as the request"
    )
)
def written_request(world: World, cell: str) -> None:
    _check_written(_test(world).first()["request"], cell)


@then(
    parsers.re(
        r"the first interaction in the pact file will contain the "
        + quoted("cell")
        + r" document as (a|the (?P<ordinal>first|second)) response( message)?"
    )
)
def written_response(world: World, cell: str, ordinal: str | None) -> None:
    responses = _responses(world)
    index = _ORDINAL[ordinal] if ordinal else 0
    assert len(responses) > index, f"the pact file has {len(responses)} responses"
    _check_written(responses[index], cell)


@then(
    parsers.re(
        r"the first interaction in the pact file (?P<which>request|response) content type "
        r"will be " + quoted("content_type")
    )
)
def written_content_type(world: World, which: str, content_type: str) -> None:
    first = _test(world).first()
    part = first["request"] if which == "request" else _responses(world)[0]
    assert _written_content(part)[1] == unescape(content_type)


@then(
    parsers.re(
        r"the first interaction in the pact file will contain (?P<count>\d+) response messages"
    )
)
def written_response_count(world: World, count: str) -> None:
    assert len(_responses(world)) == int(count)


@then(
    parsers.re(
        r"the first message in the pact file will contain the request message metadata "
        + quoted("key")
        + " == "
        + quoted("value")
    )
)
def written_request_metadata(world: World, key: str, value: str) -> None:
    metadata = _test(world).first()["request"].get("metadata") or {}
    assert metadata.get(unescape(key)) == metadata_value(unescape(value)), metadata


def _states(world: World) -> list[dict[str, Any]]:
    return list(_test(world).first().get("providerStates") or [])


@then(
    parsers.re(r"the first message in the pact file will contain (?P<count>\d+) provider states?")
)
def written_state_count(world: World, count: str) -> None:
    assert len(_states(world)) == int(count), _states(world)


@then(
    parsers.re(r"the first message in the Pact file will contain provider state " + quoted("state"))
)
def written_state(world: World, state: str) -> None:
    names = [s.get("name") for s in _states(world)]
    assert unescape(state) in names, names


@then(
    parsers.re(
        r"the provider state "
        + quoted("state")
        + r" for the message will contain the following parameters:"
    )
)
def written_state_params(world: World, state: str, datatable: list[list[str]]) -> None:
    (row,) = rows(datatable)
    found = [s for s in _states(world) if s.get("name") == unescape(state)]
    assert found, _states(world)
    assert found[0].get("params") == json.loads(row["parameters"])
