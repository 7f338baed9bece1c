"""Pact files survive a trip through accord unchanged.

(a) and (b): pact-python 4.2 (the Rust core) writes real V4 and V3 message pacts; accord loads
them and writes them again; the JSON must be what Rust wrote, apart from accord's own
``metadata.accord`` entry. (c): files accord writes load back into accord identically
(hypothesis over generated interactions), and the Rust core can read them.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.model import (
    AsyncMessage,
    Body,
    Generators,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Interaction,
    MatchingRules,
    MessageContents,
    Pact,
    ProviderState,
    RuleList,
    SyncMessage,
    dumps_pact,
    load_pact,
    loads_pact,
    pact_to_json,
    write_pact,
)

try:
    from pact import Pact as RustPact
    from pact import generate, match
except ImportError as exc:  # a missing prerequisite fails, saying what is missing
    raise ImportError(
        "these round-trip tests need pact-python 4.2 (the dev extra): pip install -e '.[dev]'"
    ) from exc

# ---------------------------------------------------------------------------------------
# comparing JSON documents


def differences(before: Any, after: Any, path: str = "$") -> list[str]:
    """Every place where two JSON documents differ, as readable one-liners."""
    if type(before) is not type(after):
        return [f"{path}: {before!r} became {after!r}"]
    if isinstance(before, dict):
        found = []
        for key in sorted(set(before) | set(after)):
            where = f"{path}.{key}"
            if key not in after:
                found.append(f"{where}: lost (was {before[key]!r})")
            elif key not in before:
                found.append(f"{where}: added {after[key]!r}")
            else:
                found += differences(before[key], after[key], where)
        return found
    if isinstance(before, list):
        found = []
        if len(before) != len(after):
            found.append(f"{path}: {len(before)} items became {len(after)}")
        for index, (old, new) in enumerate(zip(before, after, strict=False)):
            found += differences(old, new, f"{path}[{index}]")
        return found
    return [] if before == after else [f"{path}: {before!r} became {after!r}"]


ACCORD_METADATA = re.compile(r"^\$\.metadata\.accord: added ")
ADDED_KEY = re.compile(r"^\$\.(interactions|messages)\[\d+\]\.key: added '[0-9a-f]{16}'$")


def roundtrip(path: Path, spec: str, *, allow: tuple[re.Pattern[str], ...] = ()) -> list[str]:
    """Load ``path`` with accord, write it as ``spec``; the differences not allowed."""
    original = json.loads(path.read_text(encoding="utf-8"))
    rewritten = pact_to_json(load_pact(path), spec)
    # what accord writes is plain JSON
    assert json.loads(json.dumps(rewritten)) == rewritten
    found = differences(original, rewritten)
    return [d for d in found if not any(p.search(d) for p in (ACCORD_METADATA, *allow))]


# ---------------------------------------------------------------------------------------
# pact files written by pact-python / the Rust core


def rust_v4_pact(directory: Path) -> Path:
    pact = RustPact("rt-consumer", "rt-provider").with_specification("V4")
    (
        pact.upon_receiving("a request for user 123")
        .given("user exists", id=123, name="Alice")
        .given("no admins")
        .with_request(
            "POST",
            match.type("/users/123", generator=generate.provider_state("/users/${id}")),
        )
        .with_query_parameter("limit", match.int(10))
        .with_query_parameter("tag", "a")
        .with_query_parameter("tag", "b")
        .with_header("Accept", "application/json")
        .with_header("X-Request-Id", match.uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"))
        .with_body(
            {"name": match.str("Alice"), "when": match.date(format="%Y-%m-%d")},
            content_type="application/json",
        )
        .add_text_comment("a comment")
        .set_comment("ticket", {"id": 7})
        .test_name("test_user")
        .will_respond_with(200)
        .with_header("Content-Type", "application/json")
        .with_header("X-Count", match.int(min=1, max=4))
        .with_body(
            {
                "id": match.int(123),
                "generated": match.int(min=1, max=9),
                "name": match.str("Alice"),
                "tags": match.each_like(match.str("a"), min=2, max=5),
                "created": match.datetime("2020-01-01T00:00:00", format="%Y-%m-%dT%H:%M:%S"),
                "ratio": match.decimal(1.5),
                "maybe": match.null(),
                "flag": match.bool(True),
                "greeting": match.includes("hello"),
                "keys": match.each_key_matches({"ab": 1}, rules=match.regex("ab", regex="[a-z]+")),
                "values": match.each_value_matches({"x": "y"}, rules=match.str("y")),
                "contains": match.array_containing([match.int(1), {"k": match.str("v")}]),
            },
            content_type="application/json",
        )
    )
    (
        pact.upon_receiving("an order created event", "Async")
        .given("an order exists", {"order-id": 10})
        .set_key("order-created-key")
        .with_body(
            {
                "id": match.int(10),
                "status": match.regex("CREATED", regex="CREATED|SHIPPED"),
                "items": match.each_like({"sku": match.str("x")}),
            },
            content_type="application/json",
        )
        .with_metadata(
            {
                "topic": match.regex("orders.created", regex=r"orders\.\w+"),
                "region": "eu",
                "nested": {"a": [1, 2]},
            }
        )
    )
    (
        pact.upon_receiving("a binary event", "Async")
        .with_binary_body(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")
        .set_pending(pending=True)
    )
    pact.upon_receiving("a text event", "Async").with_body("hello world", "text/plain")
    (
        pact.upon_receiving("a sync request", "Sync")
        .given("ready")
        .with_body({"q": match.str("hello")}, content_type="application/json")
        .with_metadata({"routing": "r1"})
        .will_respond_with()
        .with_body({"answer": match.int(42)}, content_type="application/json")
        .with_metadata({"status": "ok"})
    )
    (
        pact.upon_receiving("a plain http request")
        .with_request("DELETE", "/things/1")
        .will_respond_with(204)
    )
    (
        pact.upon_receiving("a text http request")
        .with_request("PUT", "/t")
        .with_body("hi there", "text/plain")
        .will_respond_with(201)
        .with_body("<a>x</a>", "application/xml")
    )
    pact.write_file(directory)
    return directory / "rt-consumer-rt-provider.json"


def rust_v4_empty_messages(directory: Path) -> Path:
    pact = RustPact("rt-empty-consumer", "rt-empty-provider").with_specification("V4")
    pact.upon_receiving("an empty async message", "Async")
    pact.upon_receiving("an empty sync message", "Sync")
    pact.write_file(directory)
    return directory / "rt-empty-consumer-rt-empty-provider.json"


def rust_v3_message_pact(directory: Path) -> Path:
    pact = RustPact("rt-msg-consumer", "rt-msg-provider").with_specification("V3")
    (
        pact.upon_receiving("a user event", "Async")
        .given("User with id 127 exists", id=127)
        .given("another state")
        .with_body(
            {
                "id": match.int(127),
                "generated": match.int(min=1, max=5),
                "name": match.like("Billy"),
                "datetime": match.regex("2020-01-01", regex=r"[0-9\-]+"),
                "list": match.each_like({"a": match.str("x")}, min=2),
            },
            content_type="application/json",
        )
        .with_metadata(
            {
                "Content-Type": "application/json",
                "topic": match.regex("users.created", regex=r"users\.\w+"),
                "id": match.uuid(),
            }
        )
    )
    (
        pact.upon_receiving("a binary event", "Async").with_binary_body(
            b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg"
        )
    )
    pact.upon_receiving("a text event", "Async").with_body("plain text", "text/plain")
    pact.upon_receiving("an empty event", "Async")
    pact.write_file(directory)
    return directory / "rt-msg-consumer-rt-msg-provider.json"


@pytest.fixture(scope="module")
def v4_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rust_v4_pact(tmp_path_factory.mktemp("rust-v4"))


@pytest.fixture(scope="module")
def v3_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return rust_v3_message_pact(tmp_path_factory.mktemp("rust-v3"))


def test_pact_python_wrote_what_this_test_expects(v4_file: Path, v3_file: Path) -> None:
    """Guards the fixtures: if pact-python changes, the round trips below test less."""
    v4 = json.loads(v4_file.read_text(encoding="utf-8"))
    assert v4["metadata"]["pactSpecification"] == {"version": "4.0"}
    assert {i["type"] for i in v4["interactions"]} == {
        "Synchronous/HTTP",
        "Asynchronous/Messages",
        "Synchronous/Messages",
    }
    http = next(i for i in v4["interactions"] if i["description"] == "a request for user 123")
    assert http["request"]["generators"]["path"]["type"] == "ProviderState"
    assert http["response"]["generators"]["body"]["$.generated"]["type"] == "RandomInt"
    assert http["request"]["query"] == {"limit": ["10"], "tag": ["a", "b"]}
    v3 = json.loads(v3_file.read_text(encoding="utf-8"))
    assert v3["metadata"]["pactSpecification"] == {"version": "3.0.0"}
    assert len(v3["messages"]) == 4


def test_accord_reads_the_v4_pact_python_file(v4_file: Path) -> None:
    pact = load_pact(v4_file)
    assert (pact.consumer, pact.provider, pact.spec_major) == ("rt-consumer", "rt-provider", 4)
    by_name = {i.description: i for i in pact.interactions}

    http = by_name["a request for user 123"]
    assert isinstance(http, HttpInteraction)
    assert http.provider_states == [
        ProviderState("user exists", {"id": 123, "name": "Alice"}),
        ProviderState("no admins"),
    ]
    assert http.request.method == "POST"
    assert http.request.query == {"limit": ["10"], "tag": ["a", "b"]}
    assert http.request.generators.category("path")[""]["expression"] == "/users/${id}"
    assert http.comments["text"] == ["a comment"]
    assert http.comments["testname"] == "test_user"
    tags = http.response.matching_rules.category("body")["$.tags"]
    assert tags.rules == [{"match": "type", "min": 2, "max": 5}]
    assert http.response.body is not None
    assert http.response.body.content["id"] == 123

    order = by_name["an order created event"]
    assert isinstance(order, AsyncMessage)
    assert order.key == "order-created-key"
    assert order.message.metadata["nested"] == {"a": [1, 2]}
    assert order.message.matching_rules.keyed("metadata", "topic") is not None

    binary = by_name["a binary event"]
    assert isinstance(binary, AsyncMessage)
    assert binary.pending is True
    assert binary.message.contents == Body(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png")

    sync = by_name["a sync request"]
    assert isinstance(sync, SyncMessage)
    assert len(sync.response) == 1
    assert sync.response[0].metadata["status"] == "ok"


def test_v4_round_trip_keeps_everything_but_adds_keys(v4_file: Path) -> None:
    """Everything Rust wrote comes back; the only addition is a ``key`` where none was."""
    assert roundtrip(v4_file, "V4", allow=(ADDED_KEY,)) == []
    original = json.loads(v4_file.read_text(encoding="utf-8"))
    rewritten = pact_to_json(load_pact(v4_file), "V4")
    assert rewritten["metadata"]["pactRust"] == original["metadata"]["pactRust"]
    assert rewritten["metadata"]["pactSpecification"] == {"version": "4.0"}
    assert "version" in rewritten["metadata"]["accord"]


def test_v4_round_trip_is_exact(v4_file: Path) -> None:
    assert roundtrip(v4_file, "V4") == []


def test_v4_round_trip_of_empty_messages(tmp_path: Path) -> None:
    assert roundtrip(rust_v4_empty_messages(tmp_path), "V4", allow=(ADDED_KEY,)) == []


def test_v3_message_pact_round_trip_is_exact(v3_file: Path) -> None:
    assert roundtrip(v3_file, "V3") == []


def test_v3_message_pact_read_by_accord(v3_file: Path) -> None:
    pact = load_pact(v3_file)
    assert pact.spec_version == "3.0.0"
    assert pact.is_message_pact
    first = pact.interactions[0]
    assert isinstance(first, AsyncMessage)
    assert first.provider_states == [
        ProviderState("User with id 127 exists", {"id": 127}),
        ProviderState("another state"),
    ]
    assert first.message.generators.category("metadata")["id"] == {"type": "Uuid"}
    binary = pact.interactions[1]
    assert isinstance(binary, AsyncMessage)
    assert binary.message.contents == Body(b"\xff\xd8\xff\xe0\x00\x10JFIF", "image/jpeg")
    empty = pact.interactions[3]
    assert isinstance(empty, AsyncMessage)
    assert empty.message.contents is None


def test_v3_message_pact_upgraded_to_v4_keeps_the_messages(v3_file: Path) -> None:
    original = json.loads(v3_file.read_text(encoding="utf-8"))
    upgraded = pact_to_json(load_pact(v3_file), "V4")
    assert [i["type"] for i in upgraded["interactions"]] == ["Asynchronous/Messages"] * 4
    for old, new in zip(original["messages"], upgraded["interactions"], strict=True):
        assert new["description"] == old["description"]
        assert new.get("providerStates") == old.get("providerStates")
        assert new.get("matchingRules") == old.get("matchingRules")
        assert new.get("generators") == old.get("generators")
    assert upgraded["interactions"][0]["contents"]["content"] == original["messages"][0]["contents"]
    assert upgraded["interactions"][1]["contents"] == {
        "content": original["messages"][1]["contents"],
        "contentType": "image/jpeg",
        "encoded": "base64",
    }


def test_rust_can_merge_into_a_file_accord_wrote(v4_file: Path, tmp_path: Path) -> None:
    """The Rust core reads accord's output and keeps every interaction exactly as written."""
    written = write_pact(load_pact(v4_file), tmp_path)
    ours = json.loads(written.read_text(encoding="utf-8"))
    rust = RustPact("rt-consumer", "rt-provider").with_specification("V4")
    rust.upon_receiving("added by rust", "Async").with_body({"a": 1}, "application/json")
    rust.write_file(tmp_path)
    merged = json.loads(written.read_text(encoding="utf-8"))
    by_description = {i["description"]: i for i in merged["interactions"]}
    assert set(by_description) == {i["description"] for i in ours["interactions"]} | {
        "added by rust"
    }
    for interaction in ours["interactions"]:
        assert differences(interaction, by_description[interaction["description"]]) == []


# ---------------------------------------------------------------------------------------
# (c) accord-written files load back identically

NAMES = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=12)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53), 2**53)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=10)
)
JSON = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(NAMES, inner, max_size=3),
    max_leaves=8,
)
JSON_OBJECTS = st.dictionaries(NAMES, JSON, max_size=4)
BODY_PATHS = st.sampled_from(["$", "$.a", "$.a[*].b", "$['two words']", "$.*", "$[0]"])
RULES = st.sampled_from(
    [
        {"match": "type"},
        {"match": "type", "min": 1},
        {"match": "type", "min": 0, "max": 4},
        {"match": "regex", "regex": "\\d+"},
        {"match": "integer"},
        {"match": "include", "value": "x"},
        {"match": "datetime", "format": "yyyy-MM-dd'T'HH:mm:ss"},
        {"match": "eachKey", "rules": [{"match": "regex", "regex": "[a-z]+"}], "value": "a"},
        {"match": "statusCode", "status": "success"},
        {"match": "contentType", "value": "image/jpeg"},
    ]
)
GENERATORS = st.sampled_from(
    [
        {"type": "RandomInt", "min": 0, "max": 10},
        {"type": "Uuid", "format": "simple"},
        {"type": "ProviderState", "expression": "${id}", "dataType": "INTEGER"},
        {"type": "DateTime", "format": "yyyy-MM-dd", "expression": "+ 1 day"},
        {"type": "SomePluginGenerator", "anything": [1, 2]},
    ]
)


def rule_lists() -> st.SearchStrategy[RuleList]:
    return st.builds(
        RuleList, st.lists(RULES, min_size=1, max_size=3), st.sampled_from(["AND", "OR"])
    )


@st.composite
def matching_rules(draw: st.DrawFn, keyed: tuple[str, ...], single: tuple[str, ...] = ()) -> Any:
    rules = MatchingRules()
    for category in keyed:
        keys = BODY_PATHS if category == "body" else NAMES
        for key in draw(st.lists(keys, max_size=2, unique=True)):
            found = draw(rule_lists())
            rules.add(category, key, found.rules, found.combine)
    for category in single:
        if draw(st.booleans()):
            found = draw(rule_lists())
            rules.add(category, "", found.rules, found.combine)
    return rules


@st.composite
def generators(draw: st.DrawFn, keyed: tuple[str, ...], single: tuple[str, ...] = ()) -> Any:
    made = Generators()
    for category in keyed:
        keys = BODY_PATHS if category == "body" else NAMES
        for key in draw(st.lists(keys, max_size=2, unique=True)):
            made.add(category, key, draw(GENERATORS))
    for category in single:
        if draw(st.booleans()):
            made.add(category, "", draw(GENERATORS))
    return made


# JSON bodies are objects or lists here: a top-level JSON *string* that itself parses as
# JSON does not survive (see test_json_string_body_that_looks_like_json below).
BODIES = st.one_of(
    st.builds(
        Body,
        st.one_of(JSON_OBJECTS, st.lists(JSON, max_size=3)),
        st.sampled_from(["application/json", "application/vnd.api+json"]),
    ),
    st.builds(Body, st.text(max_size=20), st.sampled_from(["text/plain", "application/xml"])),
    st.builds(Body, st.binary(max_size=20), st.sampled_from(["image/png", "application/pdf"])),
    st.builds(Body, st.just(None), st.just("application/json")),
)


def messages(*, for_v3: bool = False) -> st.SearchStrategy[MessageContents]:
    return st.builds(
        MessageContents,
        st.none() | BODIES,
        JSON_OBJECTS,
        matching_rules(("body", "metadata")),
        generators(("body", "metadata")),
        st.just({}) if for_v3 else st.dictionaries(st.sampled_from(["x-extra", "other"]), JSON),
    )


def states() -> st.SearchStrategy[list[ProviderState]]:
    return st.lists(st.builds(ProviderState, NAMES, JSON_OBJECTS), max_size=2)


def common() -> dict[str, st.SearchStrategy[Any]]:
    return {
        "description": NAMES,
        "provider_states": states(),
        "key": st.none() | NAMES,
        "pending": st.booleans(),
        "comments": st.just({}) | st.fixed_dictionaries({"text": st.lists(NAMES, max_size=2)}),
        "transport": st.none() | st.sampled_from(["http", "grpc"]),
        "id": st.none() | NAMES,
    }


HEADERS = st.none() | st.dictionaries(NAMES, st.lists(st.text(max_size=8), min_size=1), max_size=3)
QUERY = st.none() | st.dictionaries(
    NAMES, st.lists(st.none() | st.text(max_size=8), min_size=1, max_size=3), max_size=3
)
HTTP_INTERACTIONS = st.builds(
    HttpInteraction,
    request=st.builds(
        HttpRequest,
        st.sampled_from(["GET", "POST", "DELETE"]),
        st.text(min_size=1, max_size=10).map(lambda s: "/" + s),
        QUERY,
        HEADERS,
        st.none() | BODIES,
        matching_rules(("body", "header", "query"), ("path", "method")),
        generators(("body", "header", "query"), ("path",)),
    ),
    response=st.builds(
        HttpResponse,
        st.integers(100, 599),
        HEADERS,
        st.none() | BODIES,
        matching_rules(("body", "header"), ("status",)),
        generators(("body", "header"), ("status",)),
    ),
    **common(),
)
ASYNC_MESSAGES = st.builds(AsyncMessage, message=messages(), **common())
SYNC_MESSAGES = st.builds(
    SyncMessage, request=messages(), response=st.lists(messages(), max_size=2), **common()
)
V3_MESSAGES = st.builds(
    AsyncMessage,
    description=NAMES,
    provider_states=states(),
    message=messages(for_v3=True),
)


def pacts(interactions: st.SearchStrategy[Interaction]) -> st.SearchStrategy[Pact]:
    pacticipant = NAMES.filter(str.strip)  # the reader rejects blank names
    return st.builds(
        Pact,
        pacticipant,
        pacticipant,
        st.lists(interactions, max_size=4, unique_by=lambda i: i.description),
        st.just({}) | st.just({"pactRust": {"models": "1.2.7"}, "plugins": []}),
    )


ROUND_TRIP = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@ROUND_TRIP
@given(pacts(HTTP_INTERACTIONS | ASYNC_MESSAGES | SYNC_MESSAGES))
def test_accord_v4_files_load_back_identically(pact: Pact) -> None:
    first = pact_to_json(pact, "V4")
    loaded = loads_pact(json.dumps(first), source="accord.json")
    second = pact_to_json(loaded, "V4")
    assert differences(first, second) == []
    # and from then on the model itself is stable
    again = loads_pact(dumps_pact(loaded, "V4"))
    assert again == loaded


@ROUND_TRIP
@given(pacts(V3_MESSAGES))
def test_accord_v3_files_load_back_identically(pact: Pact) -> None:
    first = pact_to_json(pact, "V3")
    loaded = loads_pact(json.dumps(first), source="accord.json")
    second = pact_to_json(loaded, "V3")
    assert differences(first, second) == []
    again = loads_pact(dumps_pact(loaded, "V3"))
    assert again == loaded


def test_a_written_file_loads_back_into_the_same_model(tmp_path: Path) -> None:
    rules = MatchingRules()
    rules.add("body", "$.id", [{"match": "integer"}])
    gens = Generators()
    gens.add("body", "$.id", {"type": "RandomInt", "min": 1, "max": 9})
    original = Pact(
        "file-consumer",
        "file-provider",
        [
            AsyncMessage(
                description="an event",
                provider_states=[ProviderState("s", {"id": 1})],
                key="k1",
                message=MessageContents(
                    Body({"id": 1}, "application/json"), {"topic": "t"}, rules, gens
                ),
            ),
            HttpInteraction(
                description="a request",
                key="k2",
                request=HttpRequest("GET", "/x", {"a": ["1"]}, {"Accept": ["text/plain"]}),
                response=HttpResponse(
                    200, {"Content-Type": ["text/plain"]}, Body("ok", "text/plain")
                ),
            ),
        ],
    )
    loaded = load_pact(write_pact(original, tmp_path))
    assert loaded.interactions == original.interactions
    assert (loaded.consumer, loaded.provider, loaded.spec_version) == (
        "file-consumer",
        "file-provider",
        "4.0",
    )


@pytest.mark.parametrize("spec", ["V3", "V4"])
@pytest.mark.parametrize("value", ["123", "true", "[1]"])
def test_json_string_body_that_looks_like_json(spec: str, value: str) -> None:
    original = Pact(
        "c",
        "p",
        [AsyncMessage(description="m", message=MessageContents(Body(value, "application/json")))],
    )
    loaded = loads_pact(dumps_pact(original, spec))
    message = loaded.interactions[0]
    assert isinstance(message, AsyncMessage)
    assert message.message.contents is not None
    assert message.message.contents.content == value
