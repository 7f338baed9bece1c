"""Steps for the ``http_consumer`` features (V1-V4) and ``v4.feature``: accord's mock server.

Each scenario declares interactions with ``pact.upon_receiving(...)`` (table matching rules
become matchers on the values they govern), serves them with ``pact.serve()`` inside
``with pact:`` (so the pact is written only when the test passes, as in a user's test),
sends real HTTP requests with httpx, and then checks the responses, what the mock server
reported (its 500 answers carry the mismatches as data; its exit raises
``MockServerMismatch`` naming every problem) and the pact file, read back as raw JSON.

Test modules define an ``http_spec`` fixture (``"V3"`` or ``"V4"``: accord writes no older
format; V1/V2 features run as V3 pacts) and import these steps with
``from tests.compat.steps_http_consumer import *``.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from accord import Message, Pact
from accord.consumer.mock_server import MockServer
from accord.errors import MockServerMismatch
from tests.compat.http_tables import Row, changed, define, defined_interactions, wire_request
from tests.compat.support import (
    World,
    error_matches,
    fixture_json,
    quoted,
    rows,
    unescape,
)

CONSUMER = "compat-http-consumer"
PROVIDER = "compat-http-provider"

ORDINALS = {"first": 0, "second": 1, "third": 2}

KINDS = {"body-content-type": "body-type"}
"""The suite's mismatch kinds that accord names differently."""


@dataclass
class HttpConsumerTest:
    pact: Pact
    pact_dir: Path
    rows: dict[int, Row] = field(default_factory=dict)
    stack: contextlib.ExitStack | None = None
    server: MockServer | None = None
    responses: list[httpx.Response] = field(default_factory=list)
    error: MockServerMismatch | None = None
    done: bool = False
    builder: Any = None
    message_builder: Any = None

    def response(self) -> httpx.Response:
        assert self.responses, "no request was made to the mock server"
        return self.responses[-1]

    def mismatches(self) -> list[dict[str, Any]]:
        """Every mismatch the mock server reported in its 500 answers, as data."""
        found = []
        for response in self.responses:
            if response.status_code == 500:
                found += response.json().get("mismatches", [])
        return found

    def problems(self) -> list[str]:
        assert self.done, "the pact test is not done yet"
        return self.error.problems if self.error else []

    def pact_files(self) -> list[Path]:
        return sorted(self.pact_dir.glob("*.json")) if self.pact_dir.is_dir() else []

    def document(self) -> dict[str, Any]:
        files = self.pact_files()
        assert len(files) == 1, f"expected one pact file in {self.pact_dir}, found {files}"
        return json.loads(files[0].read_text(encoding="utf-8"))

    def interactions(self) -> list[dict[str, Any]]:
        return list(self.document().get("interactions", []))


@pytest.fixture
def http_consumer(world: World, http_spec: str, tmp_path: Path) -> Iterator[HttpConsumerTest]:
    test = world.data.get("http consumer")
    if test is None:
        pact_dir = tmp_path / "pacts"
        pact = Pact(CONSUMER, PROVIDER, spec=http_spec, pact_dir=pact_dir)
        test = world.data["http consumer"] = HttpConsumerTest(pact, pact_dir)
    assert isinstance(test, HttpConsumerTest)
    yield test
    if test.stack is not None and not test.done:
        # A scenario that failed half-way still stops its mock server.
        with contextlib.suppress(Exception):
            test.stack.close()
        test.done = True


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.replace('"', "").split(",") if part.strip()]


def _row(test: HttpConsumerTest, number: int) -> Row:
    if number not in test.rows:
        pytest.fail(f"the scenario defines no interaction {number}")
    return test.rows[number]


# ------------------------------------------------------------------------------------------
# declaring and serving


@given("the following HTTP interactions have been defined:")
def interactions_defined(http_consumer: HttpConsumerTest, datatable: list[list[str]]) -> None:
    http_consumer.rows = defined_interactions(datatable)


def _serve(test: HttpConsumerTest, declared: list[tuple[int, Row]]) -> None:
    for number, row in declared:
        define(test.pact.upon_receiving(f"interaction {number}"), row)
    stack = contextlib.ExitStack()
    stack.enter_context(test.pact)  # writes the pact when the block ends cleanly
    test.server = stack.enter_context(test.pact.serve())
    test.stack = stack


@when(parsers.re(r"the mock server is started with interactions? \"?(?P<numbers>[\d, ]+)\"?$"))
def start_mock_server(http_consumer: HttpConsumerTest, numbers: str) -> None:
    test = http_consumer
    _serve(test, [(n, _row(test, n)) for n in _numbers(numbers)])


@when(
    parsers.re(
        r"the mock server is started with interaction (?P<number>\d+) "
        r"but with the following changes:"
    )
)
def start_changed_mock_server(
    http_consumer: HttpConsumerTest, number: str, datatable: list[list[str]]
) -> None:
    test = http_consumer
    (changes,) = rows(datatable)
    _serve(test, [(int(number), changed(_row(test, int(number)), changes))])


def _send(test: HttpConsumerTest, row: Row) -> None:
    assert test.server is not None, "the mock server was never started"
    method, target, headers, body = wire_request(row)
    with httpx.Client(timeout=30) as client:
        # A list of pairs keeps repeated header lines ("raw headers") as separate lines.
        request = client.build_request(
            method, test.server.url + target, headers=headers, content=body or None
        )
        test.responses.append(client.send(request))


@when(parsers.re(r"request (?P<number>\d+) is made to the mock server$"))
def make_request(http_consumer: HttpConsumerTest, number: str) -> None:
    _send(http_consumer, _row(http_consumer, int(number)))


@when(parsers.re(r"request (?P<number>\d+) is made to the mock server with the following changes:"))
def make_changed_request(
    http_consumer: HttpConsumerTest, number: str, datatable: list[list[str]]
) -> None:
    (changes,) = rows(datatable)
    _send(http_consumer, changed(_row(http_consumer, int(number)), changes))


@when("the pact test is done")
def pact_test_done(http_consumer: HttpConsumerTest) -> None:
    test = http_consumer
    assert test.stack is not None, "the mock server was never started"
    try:
        test.stack.close()
    except MockServerMismatch as exc:
        test.error = exc
    test.done = True


# ------------------------------------------------------------------------------------------
# responses


@then(parsers.re(r"a (?P<status>\d+) (success|error) response is returned"))
def response_status(http_consumer: HttpConsumerTest, status: str) -> None:
    response = http_consumer.response()
    assert response.status_code == int(status), (
        f"the mock server answered {response.status_code}: {response.text[:500]}"
    )


@then(parsers.re(r"the payload will contain the " + quoted("name") + r" JSON document"))
def payload_document(http_consumer: HttpConsumerTest, name: str) -> None:
    response = http_consumer.response()
    assert response.json() == fixture_json(unescape(name) + ".json")


@then(parsers.re(r"the content type will be set as " + quoted("content_type")))
def response_content_type(http_consumer: HttpConsumerTest, content_type: str) -> None:
    assert http_consumer.response().headers.get("content-type") == unescape(content_type)


# ------------------------------------------------------------------------------------------
# the mock server's verdict


@then("the mock server status will be OK")
def status_ok(http_consumer: HttpConsumerTest) -> None:
    assert http_consumer.problems() == [], str(http_consumer.error)


@then("the mock server status will NOT be OK")
def status_not_ok(http_consumer: HttpConsumerTest) -> None:
    assert http_consumer.problems(), "the mock server reported no problem"


def _problem(test: HttpConsumerTest, *fragments: str) -> None:
    problems = test.problems()
    if not any(all(f in p for f in fragments) for p in problems):
        pytest.fail(f"no problem mentioning {fragments} among:\n" + "\n".join(problems))


@then(
    parsers.re(
        r"the mock server status will be an expected but not received error "
        r"for interaction \{(?P<number>\d+)\}"
    )
)
def expected_not_received(http_consumer: HttpConsumerTest, number: str) -> None:
    test = http_consumer
    method, target, _, _ = wire_request(_row(test, int(number)))
    _problem(test, "missing request", f"{method} {target.split('?')[0]}", f"interaction {number}")


@then(
    parsers.re(
        r"the mock server status will be an unexpected "
        + quoted("method")
        + r" request received error for interaction \{(?P<number>\d+)\}"
    )
)
def unexpected_for_interaction(http_consumer: HttpConsumerTest, method: str, number: str) -> None:
    test = http_consumer
    _, target, _, _ = wire_request(_row(test, int(number)))
    _problem(test, "unexpected request", f"{unescape(method)} {target.split('?')[0]}")


@then(
    parsers.re(
        r"the mock server status will be an unexpected "
        + quoted("method")
        + r" request received error for path "
        + quoted("path")
    )
)
def unexpected_for_path(http_consumer: HttpConsumerTest, method: str, path: str) -> None:
    _problem(http_consumer, "unexpected request", f"{unescape(method)} {unescape(path)}")


@then("the mock server status will be mismatches")
def status_mismatches(http_consumer: HttpConsumerTest) -> None:
    test = http_consumer
    assert test.mismatches(), "the mock server reported no mismatches"
    _problem(test, "did not match")


def _find_mismatch(test: HttpConsumerTest, kind: str, error: str, path: str | None) -> None:
    kind = KINDS.get(kind, kind)
    found = test.mismatches()
    for mismatch in found:
        if mismatch["kind"] != kind or (path is not None and mismatch["path"] != path):
            continue
        if error_matches(mismatch["message"], error):
            return
    shown = "\n".join(f"  [{m['kind']}] {m['path']!r}: {m['message']}" for m in found)
    pytest.fail(f"no {kind!r} mismatch with error {error!r}; the mock server reported:\n{shown}")


@then(
    parsers.re(
        r"the mismatches will contain a "
        + quoted("kind")
        + r" mismatch with error "
        + quoted("error")
    )
)
def mismatch_with_error(http_consumer: HttpConsumerTest, kind: str, error: str) -> None:
    _find_mismatch(http_consumer, unescape(kind), unescape(error), None)


@then(
    parsers.re(
        r"the mismatches will contain a "
        + quoted("kind")
        + r" mismatch with path "
        + quoted("path")
        + r" with error "
        + quoted("error")
    )
)
def mismatch_with_path(http_consumer: HttpConsumerTest, kind: str, path: str, error: str) -> None:
    _find_mismatch(http_consumer, unescape(kind), unescape(error), unescape(path))


# ------------------------------------------------------------------------------------------
# the pact file


@then(parsers.re(r"the mock server will write out a Pact file for the interactions? when done"))
def pact_written(http_consumer: HttpConsumerTest) -> None:
    test = http_consumer
    assert test.done
    assert len(test.pact_files()) == 1, f"no pact file was written in {test.pact_dir}"


@then(parsers.re(r"the mock server will NOT write out a Pact file for the interactions? when done"))
def pact_not_written(http_consumer: HttpConsumerTest) -> None:
    test = http_consumer
    assert test.done
    assert test.pact_files() == [], f"a pact file was written: {test.pact_files()}"


@then(parsers.re(r"the pact file will contain \{(?P<count>\d+)\} interactions?"))
def pact_interaction_count(http_consumer: HttpConsumerTest, count: str) -> None:
    assert len(http_consumer.interactions()) == int(count)


def _nth(test: HttpConsumerTest, ordinal: str) -> dict[str, Any]:
    interactions = test.interactions()
    index = ORDINALS[ordinal]
    assert len(interactions) > index, f"the pact file has {len(interactions)} interactions"
    return interactions[index]


def _body_value(part: dict[str, Any]) -> Any:
    """A request or response body as written: V3 raw JSON, or V4 ``{content, ...}``."""
    body = part.get("body")
    if isinstance(body, dict) and "content" in body and "contentType" in body:
        return body["content"]
    return body


def _content_type(part: dict[str, Any]) -> str | None:
    body = part.get("body")
    if isinstance(body, dict) and "contentType" in body:
        return str(body["contentType"])
    for name, value in (part.get("headers") or {}).items():
        if name.lower() == "content-type":
            return value[0] if isinstance(value, list) else str(value)
    return None


@then(parsers.re(r"the \{(?P<ordinal>\w+)\} interaction request will be for a " + quoted("method")))
def pact_request_method(http_consumer: HttpConsumerTest, ordinal: str, method: str) -> None:
    assert _nth(http_consumer, ordinal)["request"]["method"].upper() == unescape(method)


@then(
    parsers.re(
        r"the \{(?P<ordinal>\w+)\} interaction (?P<part>request|response) will contain the "
        + quoted("name")
        + r" document"
    )
)
def pact_document(http_consumer: HttpConsumerTest, ordinal: str, part: str, name: str) -> None:
    written = _body_value(_nth(http_consumer, ordinal)[part])
    assert written == fixture_json(unescape(name)), f"the pact file holds {written!r}"


@then(
    parsers.re(
        r"the \{(?P<ordinal>\w+)\} interaction request query parameters will be " + quoted("query")
    )
)
def pact_query(http_consumer: HttpConsumerTest, ordinal: str, query: str) -> None:
    written = _nth(http_consumer, ordinal)["request"].get("query")
    if isinstance(written, str):
        written = parse_qs(written, keep_blank_values=True)
    assert written == parse_qs(unescape(query), keep_blank_values=True)


@then(
    parsers.re(
        r"the \{(?P<ordinal>\w+)\} interaction request will contain the header "
        + quoted("name")
        + r" with value "
        + quoted("value")
    )
)
def pact_header(http_consumer: HttpConsumerTest, ordinal: str, name: str, value: str) -> None:
    headers = _nth(http_consumer, ordinal)["request"].get("headers") or {}
    found = {k.lower(): v for k, v in headers.items()}.get(unescape(name).lower())
    values = found if isinstance(found, list) else [found]
    assert unescape(value) in values, f"the request headers are {headers}"


@then(
    parsers.re(
        r"the \{(?P<ordinal>\w+)\} interaction request content type will be "
        + quoted("content_type")
    )
)
def pact_request_content_type(
    http_consumer: HttpConsumerTest, ordinal: str, content_type: str
) -> None:
    request = _nth(http_consumer, ordinal)["request"]
    assert _content_type(request) == unescape(content_type), f"the request is {request}"


# ------------------------------------------------------------------------------------------
# V3 and V4: one interaction defined step by step, then the pact file generated


@given("an integration is being defined for a consumer test")
@given("an HTTP interaction is being defined for a consumer test")
def http_interaction_defined(http_consumer: HttpConsumerTest) -> None:
    test = http_consumer
    test.builder = test.pact.upon_receiving("a compatibility-suite request")
    test.builder.with_request("GET", "/compat").will_respond_with(200)


@given("a message interaction is being defined for a consumer test")
def message_interaction_defined(http_consumer: HttpConsumerTest) -> None:
    test = http_consumer
    test.message_builder = test.pact.expects_to_receive("a compatibility-suite message")
    test.message_builder.with_content({"compat": True})


@given(parsers.re(r"a provider state " + quoted("state") + r" is specified$"))
def provider_state(http_consumer: HttpConsumerTest, state: str) -> None:
    http_consumer.builder.given(unescape(state))


@given(
    parsers.re(r"a provider state " + quoted("state") + r" is specified with the following data:")
)
def provider_state_with_data(
    http_consumer: HttpConsumerTest, state: str, datatable: list[list[str]]
) -> None:
    (row,) = rows(datatable)
    http_consumer.builder.given(unescape(state), {k: json.loads(v) for k, v in row.items()})


@given(parsers.re(r"a key of " + quoted("key") + r" is specified for the HTTP interaction"))
def http_key(http_consumer: HttpConsumerTest, key: str) -> None:
    http_consumer.builder.with_key(unescape(key))


@given("the HTTP interaction is marked as pending")
def http_pending(http_consumer: HttpConsumerTest) -> None:
    http_consumer.builder.pending()


@given(parsers.re(r"a comment " + quoted("text") + r" is added to the HTTP interaction"))
def http_comment(http_consumer: HttpConsumerTest, text: str) -> None:
    http_consumer.builder.comment(unescape(text))


@when("the Pact file for the test is generated")
def pact_generated(http_consumer: HttpConsumerTest) -> None:
    """Run the consumer test as a user would: call the mock server, handle the messages."""
    test = http_consumer
    received: list[Message] = []
    with test.pact:
        if test.builder is not None:
            with test.pact.serve() as server:
                httpx.get(server.url + "/compat", timeout=30).raise_for_status()
        if test.message_builder is not None:
            test.pact.verify(received.append)
    test.done = True
    if test.message_builder is not None:
        assert received, "the message handler was never called"


def _only(test: HttpConsumerTest) -> dict[str, Any]:
    interactions = test.interactions()
    assert len(interactions) == 1, f"expected one interaction, found {interactions}"
    return interactions[0]


@then(parsers.re(r"the interaction in the Pact file will contain (?P<count>\d+) provider states?"))
def state_count(http_consumer: HttpConsumerTest, count: str) -> None:
    states = _only(http_consumer).get("providerStates") or []
    assert len(states) == int(count), f"the provider states are {states}"


def _state(test: HttpConsumerTest, name: str) -> dict[str, Any]:
    states = _only(test).get("providerStates") or []
    found = [s for s in states if s.get("name") == name]
    assert found, f"no provider state {name!r} in {states}"
    return found[0]


@then(parsers.re(r"the interaction in the Pact file will contain provider state " + quoted("s")))
def state_present(http_consumer: HttpConsumerTest, s: str) -> None:
    _state(http_consumer, unescape(s))


@then(
    parsers.re(
        r"the provider state "
        + quoted("state")
        + r" in the Pact file will contain the following parameters:"
    )
)
def state_parameters(
    http_consumer: HttpConsumerTest, state: str, datatable: list[list[str]]
) -> None:
    (row,) = rows(datatable)
    expected = json.loads(row["parameters"])
    assert _state(http_consumer, unescape(state)).get("params") == expected


@then(parsers.re(r"the first interaction in the Pact file will have a type of " + quoted("kind")))
def first_type(http_consumer: HttpConsumerTest, kind: str) -> None:
    assert http_consumer.interactions()[0].get("type") == unescape(kind)


@then(
    parsers.re(
        r"the first interaction in the Pact file will have "
        + quoted("name")
        + r" = '(?P<value>.*)'$"
    )
)
def first_field(http_consumer: HttpConsumerTest, name: str, value: str) -> None:
    first = http_consumer.interactions()[0]
    assert first.get(unescape(name)) == json.loads(value), f"the interaction is {first}"


@then(parsers.re(r"there will be an interaction in the Pact file with a type of " + quoted("kind")))
def some_type(http_consumer: HttpConsumerTest, kind: str) -> None:
    kinds = [i.get("type") for i in http_consumer.interactions()]
    assert unescape(kind) in kinds, f"the interaction types are {kinds}"
