"""Steps for the V3/V4 ``message_consumer`` features: accord's consumer DSL end to end.

Each scenario builds one message with :class:`accord.Pact`, proves it with a handler through
``Pact.verify`` (inside ``with pact:``, so the pact is written only when the test passes, as a
user's test would), and then checks what the handler received and what the file holds. The
pact file is read back as raw JSON so the assertions check the written format itself.

Import with ``from tests.compat.steps_message_consumer import *`` so pytest-bdd finds the
step fixtures in the test module's namespace.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from accord import HandlerFailed, Message, Pact
from accord._dsl.term import Term
from accord.consumer.builder import MessageBuilder
from accord.model import AsyncMessage, Generators, load_pact
from tests.compat.steps_generators import _check_kind
from tests.compat.support import (
    World,
    body_from_cell,
    fixture_json,
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

CONSUMER = "compat-message-consumer"
PROVIDER = "compat-message-provider"
DESCRIPTION = "a compatibility-suite message"


@dataclass
class ConsumerTest:
    pact: Pact
    builder: MessageBuilder
    pact_dir: Path
    received: list[Message] = field(default_factory=list)
    error: HandlerFailed | None = None
    original_content: Any = None
    original_metadata: dict[str, Any] = field(default_factory=dict)
    generators: Generators = field(default_factory=Generators)
    ran: bool = False

    def pact_files(self) -> list[Path]:
        return sorted(self.pact_dir.glob("*.json")) if self.pact_dir.is_dir() else []

    def document(self) -> dict[str, Any]:
        files = self.pact_files()
        assert len(files) == 1, f"expected one pact file in {self.pact_dir}, found {files}"
        return json.loads(files[0].read_text(encoding="utf-8"))

    def first_message(self) -> dict[str, Any]:
        doc = self.document()
        messages = doc.get("messages") if "messages" in doc else doc.get("interactions")
        assert messages, f"the pact file holds no messages: {json.dumps(doc, indent=2)}"
        return messages[0]

    def last_received(self) -> Message:
        assert self.ran, "the message was never processed"
        assert self.received, "the handler never received a message"
        return self.received[-1]


def _test(world: World) -> ConsumerTest:
    test = world.data.get("consumer")
    assert isinstance(test, ConsumerTest), "no message consumer test was started"
    return test


def _start(world: World, tmp_path: Path, spec: str) -> None:
    pact_dir = tmp_path / "pacts"
    pact = Pact(CONSUMER, PROVIDER, spec=spec, pact_dir=pact_dir)
    builder = pact.expects_to_receive(DESCRIPTION)
    world.data["consumer"] = ConsumerTest(pact, builder, pact_dir)


def _process(test: ConsumerTest, handler: Any) -> None:
    test.ran = True
    try:
        with test.pact:
            test.pact.verify(handler)
    except HandlerFailed as exc:
        test.error = exc


def _receiving(test: ConsumerTest) -> Any:
    def handler(message: Message) -> None:
        test.received.append(message)

    return handler


def _state(test: ConsumerTest, name: str) -> dict[str, Any]:
    states = test.first_message().get("providerStates") or []
    found = [state for state in states if state.get("name") == name]
    assert found, f"no provider state {name!r} in the pact file: {states}"
    return found[0]


# ------------------------------------------------------------------------------------------
# defining the message


@given("a message integration is being defined for a consumer test")
def v3_message_integration(world: World, tmp_path: Path) -> None:
    _start(world, tmp_path, "V3")


@given("a message interaction is being defined for a consumer test")
def v4_message_interaction(world: World, tmp_path: Path) -> None:
    _start(world, tmp_path, "V4")


@given(parsers.re(r"the message payload contains the " + quoted("name") + r" JSON document"))
def payload_document(world: World, name: str) -> None:
    test = _test(world)
    body = body_from_cell(f"file: {unescape(name)}.json")
    assert body is not None
    test.original_content = body.content
    test.builder.with_content(body.content, body.content_type)


@given("the message contains the following metadata:")
def message_metadata(world: World, datatable: list[list[str]]) -> None:
    test = _test(world)
    metadata = metadata_from_table(datatable)
    test.original_metadata.update(metadata)
    test.builder.with_metadata(metadata)


@given(parsers.re(r"a provider state " + quoted("state") + r" for the message is specified"))
def provider_state(world: World, state: str) -> None:
    _test(world).builder.given(unescape(state))


@given(
    parsers.re(
        r"a provider state "
        + quoted("state")
        + r" for the message is specified with the following data:"
    )
)
def provider_state_with_data(world: World, state: str, datatable: list[list[str]]) -> None:
    (row,) = rows(datatable)
    params = {key: json.loads(value) for key, value in row.items()}
    _test(world).builder.given(unescape(state), params)


@given("a message is defined")
def message_defined(world: World) -> None:
    # The builder already holds the message (description only): nothing more is needed.
    _test(world)


@given("the message is configured with the following:")
def message_configured(world: World, datatable: list[list[str]]) -> None:
    """Body, metadata and generators; each generator becomes an accord ``Term``."""
    test = _test(world)
    (row,) = rows(datatable)
    generators = generators_from_cell(row.get("generators"))
    unknown = set(generators.categories) - {"body", "metadata"}
    if unknown:
        pytest.fail(f"the harness only places body and metadata generators, not {unknown}")
    test.generators = generators
    body = body_from_cell(row.get("body"))
    if body is not None:
        test.original_content = body.content
        content = body.content
        for path, generator in generators.category("body").items():
            content = replace_at(content, path, lambda v, g=generator: Term(v, generator=dict(g)))
        test.builder.with_content(content, body.content_type)
    elif generators.category("body"):
        pytest.fail("body generators were configured for a message without a body")
    metadata: dict[str, Any] = metadata_from_any_cell(row.get("metadata"))
    test.original_metadata.update(metadata)
    for key, generator in generators.category("metadata").items():
        if key not in metadata:
            pytest.fail(f"a metadata generator for {key!r}, which the message does not have")
        metadata[key] = Term(metadata[key], generator=dict(generator))
    if metadata:
        test.builder.with_metadata(metadata)


@given(parsers.re(r"a key of " + quoted("key") + r" is specified for the message interaction"))
def interaction_key(world: World, key: str) -> None:
    _test(world).builder.with_key(unescape(key))


@given("the message interaction is marked as pending")
def interaction_pending(world: World) -> None:
    _test(world).builder.pending()


@given(parsers.re(r"a comment " + quoted("text") + r" is added to the message interaction"))
def interaction_comment(world: World, text: str) -> None:
    _test(world).builder.comment(unescape(text))


# ------------------------------------------------------------------------------------------
# running the consumer test


@when("the message is successfully processed")
@when("the Pact file for the test is generated")
def processed(world: World) -> None:
    test = _test(world)
    _process(test, _receiving(test))


@when(
    parsers.re(
        r"the message is NOT successfully processed with a " + quoted("error") + " exception"
    )
)
def not_processed(world: World, error: str) -> None:
    test = _test(world)
    text = unescape(error)

    def handler(message: Message) -> None:
        test.received.append(message)
        raise RuntimeError(text)

    _process(test, handler)


# ------------------------------------------------------------------------------------------
# outcome of the test


@then("the consumer test will have passed")
def consumer_test_passed(world: World) -> None:
    test = _test(world)
    assert test.ran
    assert test.error is None, f"the consumer test failed: {test.error}"


@then("the consumer test will have failed")
def consumer_test_failed(world: World) -> None:
    test = _test(world)
    assert test.ran
    assert isinstance(test.error, HandlerFailed), "the consumer test did not fail"


@then(parsers.re(r"the consumer test error will be " + quoted("error")))
def consumer_test_error(world: World, error: str) -> None:
    test = _test(world)
    assert test.error is not None, "the consumer test did not fail"
    cause = test.error.__cause__
    assert cause is not None, "HandlerFailed does not chain the handler's exception"
    assert str(cause) == unescape(error), f"the handler's error was {cause!r}"
    assert unescape(error) in str(test.error), f"HandlerFailed says {test.error}"


@then("a Pact file for the message interaction will have been written")
def pact_written(world: World) -> None:
    test = _test(world)
    files = test.pact_files()
    assert len(files) == 1, f"expected one pact file in {test.pact_dir}, found {files}"
    assert files[0].name == f"{CONSUMER}-{PROVIDER}.json"


@then("a Pact file for the message interaction will NOT have been written")
def pact_not_written(world: World) -> None:
    test = _test(world)
    assert test.ran
    assert not test.pact_files(), f"a pact file was written: {test.pact_files()}"


# ------------------------------------------------------------------------------------------
# what the handler received


@then(
    parsers.re(
        r"the received message payload will contain the " + quoted("name") + " JSON document"
    )
)
def received_document(world: World, name: str) -> None:
    message = _test(world).last_received()
    expected = fixture_json(f"{unescape(name)}.json")
    assert message.content == expected, f"the handler received {message.content!r}"
    assert json.loads(message.contents) == expected, f"the raw contents are {message.contents!r}"


@then(parsers.re(r"the received message content type will be " + quoted("content_type")))
def received_content_type(world: World, content_type: str) -> None:
    message = _test(world).last_received()
    assert message.content_type == unescape(content_type), f"it was {message.content_type!r}"


@then(
    parsers.re(
        r"the received message metadata will contain " + quoted("key") + " == " + quoted("value")
    )
)
def received_metadata(world: World, key: str, value: str) -> None:
    message = _test(world).last_received()
    key = unescape(key)
    assert key in message.metadata, f"no {key!r} in the metadata {message.metadata!r}"
    expected = metadata_value(unescape(value))
    assert message.metadata[key] == expected, f"{key!r} is {message.metadata[key]!r}"


@then(
    parsers.re(
        r"the received message metadata will contain "
        + quoted("key")
        + r" replaced with an? "
        + quoted("kind")
    )
)
def received_metadata_generated(world: World, key: str, kind: str) -> None:
    test = _test(world)
    message = test.last_received()
    key, kind = unescape(key), unescape(kind)
    generator = test.generators.category("metadata").get(key)
    assert generator is not None, f"the scenario configured no metadata generator for {key!r}"
    assert key in message.metadata, f"no {key!r} in the metadata {message.metadata!r}"
    value = message.metadata[key]
    assert value != test.original_metadata.get(key), f"{key!r} was not replaced ({value!r})"
    problem = _check_kind(kind, value, generator)
    assert problem is None, f"metadata {key!r} is {value!r}: {problem}, not a {kind}"


@then(
    parsers.re(
        r"the message contents for "
        + quoted("path")
        + r" will have been replaced with an? "
        + quoted("kind")
    )
)
def received_content_generated(world: World, path: str, kind: str) -> None:
    test = _test(world)
    message = test.last_received()
    path, kind = unescape(path), unescape(kind)
    generator = test.generators.category("body").get(path)
    assert generator is not None, f"the scenario configured no body generator at {path!r}"
    before = value_at(test.original_content, path)
    after = value_at(message.content, path)
    assert after != before, f"the value at {path!r} was not replaced (still {after!r})"
    problem = _check_kind(kind, after, generator)
    assert problem is None, f"the value at {path!r} is {after!r}: {problem}, not a {kind}"


# ------------------------------------------------------------------------------------------
# what the pact file holds


@then(parsers.re(r"the pact file will contain (?P<count>\d+) message interactions?"))
def message_count(world: World, count: str) -> None:
    doc = _test(world).document()
    assert "interactions" not in doc, "a V3 message pact must not have 'interactions'"
    messages = doc.get("messages", [])
    assert len(messages) == int(count), f"the pact file holds {len(messages)} messages"
    assert doc["metadata"]["pactSpecification"]["version"] == "3.0.0"


@then(
    parsers.re(
        r"the first message in the pact file will contain the " + quoted("name") + " document"
    )
)
def first_message_document(world: World, name: str) -> None:
    contents = _test(world).first_message().get("contents")
    expected = fixture_json(unescape(name))
    assert contents == expected, f"the first message's contents are {contents!r}"


@then(parsers.re(r"the first message in the pact file content type will be " + quoted("ct")))
def first_message_content_type(world: World, ct: str) -> None:
    # As the reference's step does (``message_content_type()``): the metadata's content
    # type, else the one the contents show (a JSON document needs no label).
    files = _test(world).pact_files()
    assert len(files) == 1, f"expected one pact file, found {files}"
    message = load_pact(files[0]).interactions[0]
    assert isinstance(message, AsyncMessage)
    found = message.message.content_type
    assert found == unescape(ct), f"the first message's content type is {found!r}"


@then(
    parsers.re(
        r"the first message in the pact file will contain the message metadata "
        + quoted("key")
        + " == "
        + quoted("value")
    )
)
def first_message_metadata(world: World, key: str, value: str) -> None:
    metadata = _test(world).first_message().get("metadata") or {}
    key = unescape(key)
    assert key in metadata, f"no {key!r} in the first message's metadata {metadata!r}"
    assert metadata[key] == metadata_value(unescape(value)), f"{key!r} is {metadata[key]!r}"


@then(
    parsers.re(r"the first message in the pact file will contain (?P<count>\d+) provider states?")
)
def first_message_state_count(world: World, count: str) -> None:
    states = _test(world).first_message().get("providerStates") or []
    assert len(states) == int(count), f"the first message has the provider states {states}"


@then(
    parsers.re(r"the first message in the [Pp]act file will contain provider state " + quoted("s"))
)
def first_message_state(world: World, s: str) -> None:
    _state(_test(world), unescape(s))


@then(
    parsers.re(
        r"the provider state "
        + quoted("state")
        + r" for the message will contain the following parameters:"
    )
)
def state_parameters(world: World, state: str, datatable: list[list[str]]) -> None:
    (row,) = rows(datatable)
    expected = json.loads(row["parameters"])
    params = _state(_test(world), unescape(state)).get("params")
    assert params == expected, f"the state's parameters are {params!r}"


def _first_interaction(world: World) -> dict[str, Any]:
    doc = _test(world).document()
    assert doc["metadata"]["pactSpecification"]["version"] == "4.0"
    interactions = doc.get("interactions") or []
    assert interactions, f"the pact file holds no interactions: {json.dumps(doc, indent=2)}"
    return interactions[0]


@then(parsers.re(r"the first interaction in the Pact file will have a type of " + quoted("t")))
def first_interaction_type(world: World, t: str) -> None:
    interaction = _first_interaction(world)
    assert interaction.get("type") == unescape(t), f"the interaction is {interaction!r}"


@then(
    parsers.re(
        r"the first interaction in the Pact file will have "
        + quoted("name")
        + r" = '(?P<value>.*)'"
    )
)
def first_interaction_field(world: World, name: str, value: str) -> None:
    interaction = _first_interaction(world)
    name = unescape(name)
    assert name in interaction, f"no {name!r} in the interaction {interaction!r}"
    expected = json.loads(value)
    assert interaction[name] == expected, f"{name!r} is {interaction[name]!r}"
