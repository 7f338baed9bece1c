"""The consumer side of gRPC: ``pact.grpc`` and a real grpcio mock server.

Every test drives the mock server with a real gRPC client over loopback and then looks at
what accord wrote, or at the failure it raised on leaving the block.
"""

from __future__ import annotations

import asyncio
import base64
import json
from pathlib import Path
from typing import Any

import grpc
import pytest

from accord import Pact, match
from accord.errors import AccordError, MatcherError, MockServerMismatch, SchemaError
from accord.matching import compare_message
from accord.model.pact import SyncMessage
from accord.model.read import load_pact
from accord.schemas import schemas_for

from .servers import USERS_PROTO, call, users_schema

REAL = Path(__file__).resolve().parents[1] / "data" / "real-pacts-binary"
GET_USER = "users.v1.Users/GetUser"


def _pact(tmp_path: Path, consumer: str = "user-client") -> Pact:
    return Pact(consumer, "user-service", pact_dir=tmp_path)


def _declare_get_user(pact: Pact) -> None:
    (
        pact.grpc("a request for user 7", proto=USERS_PROTO, service=GET_USER)
        .given("user 7 exists", id=7)
        .with_request({"id": match.integer(7)})
        .will_respond_with(
            {
                "id": match.integer(7),
                "name": match.like("Ada"),
                "role": "ADMIN",
                "tags": match.each_like("staff"),
                "address": {"city": match.like("London")},
            }
        )
    )


def _written(pact: Pact) -> dict[str, Any]:
    return json.loads(pact.write().read_text())


def test_a_matching_call_is_answered_and_written_in_the_plugin_shape(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    _declare_get_user(pact)
    method = users_schema().method(GET_USER)
    with pact.serve(transport="grpc") as server:
        assert server.target.startswith("127.0.0.1:")
        reply = call(server.target, method, {"id": 42})
    assert reply == {
        "id": 7,
        "name": "Ada",
        "role": "ADMIN",
        "tags": ["staff"],
        "address": {"city": "London"},
    }
    doc = _written(pact)
    [interaction] = doc["interactions"]
    assert interaction["type"] == "Synchronous/Messages"
    assert interaction["transport"] == "grpc"
    config = interaction["pluginConfiguration"]["protobuf"]
    assert config["service"] == ".users.v1.Users/GetUser"
    [plugin] = doc["metadata"]["plugins"]
    assert plugin["name"] == "protobuf"
    assert set(plugin["configuration"]) == {config["descriptorKey"]}
    entry = plugin["configuration"][config["descriptorKey"]]
    assert "service Users" in entry["protoFile"]
    assert base64.b64decode(entry["protoDescriptors"])
    request = interaction["request"]
    assert (
        request["contents"]["contentType"]
        == "application/protobuf; message=.users.v1.GetUserRequest"
    )
    assert request["contents"]["contentTypeHint"] == "BINARY"
    assert request["contents"]["encoded"] == "base64"
    assert request["metadata"] == {
        "contentType": "application/protobuf;message=.users.v1.GetUserRequest"
    }
    assert request["matchingRules"]["body"]["$.id"]["matchers"] == [{"match": "integer"}]
    [response] = interaction["response"]
    rules = response["matchingRules"]["body"]
    assert set(rules) >= {"$.id", "$.name", "$.tags", "$.address.city"}
    assert "message User {" in interaction["interactionMarkup"]["markup"]
    assert interaction["providerStates"] == [{"name": "user 7 exists", "params": {"id": 7}}]


def test_the_written_interaction_has_the_keys_real_plugin_pacts_have(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    _declare_get_user(pact)
    with pact.serve(transport="grpc") as server:
        call(server.target, users_schema().method(GET_USER), {"id": 7})
    ours = _written(pact)["interactions"][0]
    real = json.loads((REAL / "pact-go" / "grpcconsumer-grpcprovider.json").read_text())
    theirs = real["interactions"][0]
    assert set(theirs) <= set(ours) | {"key"}
    assert set(theirs["request"]) == set(ours["request"])
    assert set(theirs["response"][0]) == set(ours["response"][0])
    assert set(theirs["request"]["contents"]) == set(ours["request"]["contents"])


def test_accord_reads_its_grpc_pact_back_and_its_examples_satisfy_their_rules(
    tmp_path: Path,
) -> None:
    pact = _pact(tmp_path)
    _declare_get_user(pact)
    with pact.serve(transport="grpc") as server:
        call(server.target, users_schema().method(GET_USER), {"id": 7})
    model = load_pact(pact.write())
    [interaction] = model.interactions
    assert isinstance(interaction, SyncMessage)
    schemas = schemas_for(model, interaction)
    assert schemas.proto_method().full_name == GET_USER
    assert (
        compare_message(interaction.request, interaction.request, schemas=schemas, part="request")
        == []
    )
    [response] = interaction.response
    assert compare_message(response, response, schemas=schemas, part="response") == []


def test_a_call_that_does_not_match_fails_the_test_naming_the_method_and_field(
    tmp_path: Path,
) -> None:
    pact = _pact(tmp_path)
    (
        pact.grpc("a request for user 7", proto=USERS_PROTO, service=GET_USER)
        .with_request({"id": 7})
        .will_respond_with({"name": "Ada"})
    )
    method = users_schema().method(GET_USER)
    with (
        pytest.raises(MockServerMismatch) as failure,
        pact.serve(transport="grpc") as server,
        pytest.raises(grpc.RpcError) as rpc,
    ):
        call(server.target, method, {"id": 8})
        assert rpc.value.code() is grpc.StatusCode.FAILED_PRECONDITION
    text = str(failure.value)
    assert "/users.v1.Users/GetUser did not match 'a request for user 7'" in text
    assert "$.id" in text
    assert "missing call: /users.v1.Users/GetUser" in text
    assert pact.interactions == []


def test_an_unexpected_method_fails_the_test_naming_it(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    _declare_get_user(pact)
    method = users_schema().method(GET_USER)
    with pytest.raises(MockServerMismatch) as failure, pact.serve(transport="grpc") as server:
        call(server.target, method, {"id": 7})
        with grpc.insecure_channel(server.target) as channel, pytest.raises(grpc.RpcError) as rpc:
            channel.unary_unary("/users.v1.Users/DeleteUser")(b"", timeout=10)
        assert rpc.value.code() is grpc.StatusCode.UNIMPLEMENTED
    assert "unexpected call: /users.v1.Users/DeleteUser" in str(failure.value)


def test_a_call_never_made_fails_the_test_and_stays_out_of_the_pact(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    _declare_get_user(pact)
    with (
        pytest.raises(MockServerMismatch, match=r"missing call: /users.v1.Users/GetUser"),
        pact.serve(transport="grpc"),
    ):
        pass
    assert pact.interactions == []


def test_an_expected_error_status_is_returned_and_written_as_metadata(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    (
        pact.grpc("a request for a missing user", proto=USERS_PROTO, service=GET_USER)
        .given("no user 404")
        .with_request({"id": 404})
        .will_respond_with_status("NOT_FOUND", message=match.like("no user 404"))
    )
    with pact.serve(transport="grpc") as server, pytest.raises(grpc.RpcError) as rpc:
        call(server.target, users_schema().method(GET_USER), {"id": 404})
    assert rpc.value.code() is grpc.StatusCode.NOT_FOUND
    assert rpc.value.details() == "no user 404"
    [response] = _written(pact)["interactions"][0]["response"]
    assert response["metadata"]["grpc-status"] == "NOT_FOUND"
    assert response["metadata"]["grpc-message"] == "no user 404"
    assert response["matchingRules"]["metadata"]["grpc-message"]["matchers"] == [{"match": "type"}]
    assert "contents" not in response


def test_request_metadata_is_matched_and_response_metadata_sent(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    (
        pact.grpc("an authorised request", proto=USERS_PROTO, service=GET_USER)
        .with_request(
            {"id": 1}, metadata={"authorization": match.regex("Bearer t1", r"Bearer \S+")}
        )
        .will_respond_with({"name": "Ada"}, metadata={"x-served-by": "users"})
    )
    method = users_schema().method(GET_USER)
    with pact.serve(transport="grpc") as server, grpc.insecure_channel(server.target) as channel:
        stub = channel.unary_unary(method.path)
        _, done = stub.with_call(
            method.input.encode({"id": 1}), metadata=(("authorization", "Bearer xyz"),), timeout=10
        )
        assert ("x-served-by", "users") in tuple(done.initial_metadata())
    assert len(pact.interactions) == 1

    again = _pact(tmp_path, "other-client")
    (
        again.grpc("an authorised request", proto=USERS_PROTO, service=GET_USER)
        .with_request(
            {"id": 1}, metadata={"authorization": match.regex("Bearer t1", r"Bearer \S+")}
        )
        .will_respond_with({"name": "Ada"})
    )
    with (
        pytest.raises(MockServerMismatch, match=r"authorization"),
        again.serve(transport="grpc") as server,
        pytest.raises(grpc.RpcError),
    ):
        call(server.target, method, {"id": 1})


def test_response_generators_make_fresh_values(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    (
        pact.grpc("a generated id", proto=USERS_PROTO, service=GET_USER)
        .with_request({"id": 1})
        .will_respond_with({"id": match.integer(min=1000, max=9999), "name": "Ada"})
    )
    with pact.serve(transport="grpc") as server:
        reply = call(server.target, users_schema().method(GET_USER), {"id": 1})
    assert 1000 <= int(reply["id"]) <= 9999
    rules = _written(pact)["interactions"][0]["response"]
    assert "generators" in rules[0]


def test_descriptors_are_accepted_instead_of_a_proto_path(tmp_path: Path) -> None:
    from google.protobuf import descriptor_pb2

    schema = users_schema()
    descriptor_set = descriptor_pb2.FileDescriptorSet.FromString(schema.descriptor_set)
    for proto in (descriptor_set, schema.descriptor_set, schema):
        pact = _pact(tmp_path)
        (
            pact.grpc("by descriptors", proto=proto, service="Users/GetUser")
            .with_request({"id": 3})
            .will_respond_with({"name": "Ada"})
        )
        with pact.serve(transport="grpc") as server:
            assert call(server.target, schema.method(GET_USER), {"id": 3}) == {"name": "Ada"}


def test_several_protos_in_one_pact_file_keep_every_descriptor(tmp_path: Path) -> None:
    area = Path(__file__).resolve().parents[2] / "examples" / "grpc_area_calculator"
    first = _pact(tmp_path)
    _declare_get_user(first)
    with first.serve(transport="grpc") as server:
        call(server.target, users_schema().method(GET_USER), {"id": 7})
    first.write()
    second = _pact(tmp_path)
    (
        second.grpc(
            "an area", proto=area / "area_calculator.proto", service="Calculator/calculateOne"
        )
        .with_request({"square": {"edge_length": 2}})
        .will_respond_with({"value": [4.0]})
    )
    with (
        second.serve(transport="grpc") as server,
        grpc.insecure_channel(server.target) as channel,
    ):
        channel.unary_unary("/area_calculator.Calculator/calculateOne")(
            b"\x0a\x05\x0d\x00\x00\x00\x40", timeout=10
        )
    doc = _written(second)
    keys = {i["pluginConfiguration"]["protobuf"]["descriptorKey"] for i in doc["interactions"]}
    assert len(keys) == 2
    [plugin] = doc["metadata"]["plugins"]
    assert set(plugin["configuration"]) == keys


def test_async_with_serves_a_grpc_aio_client(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    _declare_get_user(pact)
    method = users_schema().method(GET_USER)

    async def main() -> bytes:
        async with (
            pact.serve(transport="grpc") as server,
            grpc.aio.insecure_channel(server.target) as channel,
        ):
            reply: bytes = await channel.unary_unary(method.path)(
                method.input.encode({"id": 7}), timeout=10
            )
            return reply

    assert method.output.decode(asyncio.run(main()))["name"] == "Ada"
    assert len(pact.interactions) == 1


def test_bad_declarations_are_clear_errors(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    with pytest.raises(SchemaError, match=r"service 'Nope' is not in the protobuf descriptors"):
        pact.grpc("x", proto=USERS_PROTO, service="Nope/GetUser")
    with pytest.raises(SchemaError, match=r"has no method 'Get' \(it has GetUser, WatchUsers\)"):
        pact.grpc("x", proto=USERS_PROTO, service="Users/Get")
    with pytest.raises(SchemaError, match=r"WatchUsers is a streaming method"):
        pact.grpc("x", proto=USERS_PROTO, service="Users/WatchUsers")
    with pytest.raises(SchemaError, match=r"no such .proto file"):
        pact.grpc("x", proto=tmp_path / "missing.proto", service=GET_USER)
    builder = pact.grpc("x", proto=USERS_PROTO, service=GET_USER)
    with pytest.raises(MatcherError, match=r"not a valid users.v1.GetUserRequest"):
        builder.with_request({"no_such_field": 1})
    with pytest.raises(MatcherError, match=r"'MAYBE' is not a gRPC error status"):
        builder.will_respond_with_status("MAYBE")
    with pytest.raises(MatcherError, match=r"has no reply"):
        builder.build()
    with pytest.raises(AccordError, match=r"only in V4 pacts"):
        Pact("a", "b", spec="V3").grpc("x", proto=USERS_PROTO, service=GET_USER)
    with pytest.raises(AccordError, match=r"serve\(transport='smoke'\): unknown transport"):
        pact.serve(transport="smoke")  # type: ignore[call-overload]


def test_a_bug_while_answering_fails_the_test_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import accord.consumer.grpc_server as grpc_server

    def broken(*args: Any) -> Any:
        raise ZeroDivisionError("a bug in matching")

    monkeypatch.setattr(grpc_server, "_compare_request", broken)
    pact = _pact(tmp_path)
    _declare_get_user(pact)
    with (
        pytest.raises(MockServerMismatch, match=r"accord could not answer /users.v1.Users/GetUser"),
        pact.serve(transport="grpc") as server,
        pytest.raises(grpc.RpcError) as rpc,
    ):
        call(server.target, users_schema().method(GET_USER), {"id": 7})
    assert rpc.value.code() is grpc.StatusCode.INTERNAL


def test_without_grpcio_serving_and_verifying_say_how_to_install_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import sys

    from accord import Verifier
    from accord.errors import MissingExtraError

    pact = _pact(tmp_path)
    _declare_get_user(pact)
    monkeypatch.setitem(sys.modules, "grpc", None)
    hint = r"needs the 'grpcio' package, which is not installed: pip install 'accord\[grpc\]'"
    with pytest.raises(MissingExtraError, match=r"the gRPC mock server " + hint):
        pact.serve(transport="grpc").start()
    with pytest.raises(MissingExtraError, match=r"verifying gRPC interactions " + hint):
        Verifier("grpcprovider").verify(
            REAL / "pact-go" / "grpcconsumer-grpcprovider.json",
            transports={"grpc": "127.0.0.1:1"},
        )
