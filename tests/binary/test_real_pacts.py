"""Real protobuf, gRPC and Avro pacts written by pact-jvm, pact-go, PactNet and Rust.

Each file loads, writes back without loss, and verifies by field against providers these
tests run: correct ones pass; broken ones fail with a mismatch that names the field.
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from accord.matching import Mismatch, compare_message, compare_request, compare_response
from accord.model.body import Body
from accord.model.pact import (
    AsyncMessage,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    MessageContents,
    Pact,
    SyncMessage,
)
from accord.model.read import load_pact, parse_pact
from accord.model.write import pact_to_json
from accord.schemas import schemas_for

from .providers import grpc_provider, http_provider, verify_grpc_interaction

DATA = Path(__file__).resolve().parents[1] / "data" / "real-pacts-binary"
FILES = sorted(DATA.glob("*/*.json"))


def _pact(relative: str) -> Pact:
    return load_pact(DATA / relative)


def _only(pact: Pact, kind: type[Any], description: str | None = None) -> Any:
    found = [
        i
        for i in pact.interactions
        if isinstance(i, kind) and (description is None or i.description == description)
    ]
    assert len(found) == 1, f"expected one {kind.__name__} in {pact.consumer}"
    return found[0]


def _paths(mismatches: list[Mismatch]) -> list[str]:
    return [m.path for m in mismatches]


# ---------------------------------------------------------------------------------------
# the collection itself


def test_the_collection_has_pacts_from_at_least_three_other_implementations() -> None:
    writers = {path.parent.name for path in FILES}
    assert writers >= {"pact-jvm", "pact-go", "pact-net", "pact-rust"}
    assert len(FILES) >= 9
    readme = (DATA / "README.md").read_text()
    for path in FILES:
        assert f"`{path.parent.name}/{path.name}`" in readme, f"{path.name} has no provenance"


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_loads_and_round_trips_without_loss(path: Path) -> None:
    original = json.loads(path.read_text())
    written = pact_to_json(load_pact(path))
    stamp = written["metadata"].pop("accord")
    assert set(stamp) == {"version"}
    assert written == original
    assert pact_to_json(parse_pact(written)) == pact_to_json(parse_pact(original))


@pytest.mark.parametrize("path", FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_every_binary_body_matches_itself_when_decoded(path: Path) -> None:
    """The example in the pact satisfies its own rules, decoded with the pact's schema."""
    pact = load_pact(path)
    checked = 0
    for interaction in pact.interactions:
        schemas = schemas_for(pact, interaction)
        if isinstance(interaction, SyncMessage):
            parts = [("request", interaction.request)] + [
                ("response", r) for r in interaction.response
            ]
            for part, contents in parts:
                assert compare_message(contents, contents, schemas=schemas, part=part) == []
                checked += 1
        elif isinstance(interaction, AsyncMessage):
            message = interaction.message
            assert compare_message(message, message, schemas=schemas) == []
            checked += 1
        elif isinstance(interaction, HttpInteraction):
            assert (
                compare_response(interaction.response, interaction.response, schemas=schemas) == []
            )
            checked += 1
    assert checked


# ---------------------------------------------------------------------------------------
# gRPC calls against a real gRPC server

AreaHandler = Callable[[dict[str, Any]], dict[str, Any] | bytes]


def _area(shape: dict[str, Any]) -> float:
    if "rectangle" in shape:
        return float(shape["rectangle"]["length"] * shape["rectangle"]["width"])
    if "square" in shape:
        return float(shape["square"]["edge_length"] ** 2)
    raise ValueError(f"unknown shape {shape}")


def _verify_grpc(
    relative: str, handler: AreaHandler, description: str | None = None
) -> list[Mismatch]:
    pact = _pact(relative)
    interaction = _only(pact, SyncMessage, description)
    method = schemas_for(pact, interaction).proto_method()
    with grpc_provider({method.full_name: (method, handler)}) as target:
        return verify_grpc_interaction(pact, interaction, target)


JVM_ONE = "pact-jvm/protobuf-consumer-area-calculator-provider.json"
JVM_HTTP_PLUS_GRPC = "pact-jvm/area-calculator-consumer-area-calculator-provider.json"
GO_MULTI = [
    "pact-go/grpc-consumer-go-area-calculator-provider_fails_as_expected.json",
    "pact-go/grpc-consumer-go-area-calculator-provider_does_not_fail_as_expected.json",
]
GO_ROUTE_GUIDE = "pact-go/grpcconsumer-grpcprovider.json"
GO_MESSAGE = "pact-go/protobufmessageconsumer-protobufmessageprovider.json"
GO_AVRO = "pact-go/AvroConsumer-AvroProvider.json"
NET_GREETER = "pact-net/grpc-greeter-client-grpc-greeter.json"
RUST_METADATA = "pact-rust/grpc-consumer-rust-response_metadata.json"


@pytest.mark.parametrize(
    ("relative", "description"),
    [
        (JVM_ONE, None),  # service without the package: Calculator/calculateOne
        (JVM_HTTP_PLUS_GRPC, "calculate rectangle area request"),  # .area_calculator.Calculator
    ],
)
def test_pact_jvm_calculate_one_verifies_against_a_correct_server(
    relative: str, description: str | None
) -> None:
    def correct(request: dict[str, Any]) -> dict[str, Any]:
        return {"value": [_area(request)]}

    assert _verify_grpc(relative, correct, description) == []


def test_pact_jvm_calculate_one_fails_against_a_server_that_returns_no_area() -> None:
    mismatches = _verify_grpc(JVM_ONE, lambda request: {"value": []})
    assert _paths(mismatches) == ["$.value"]
    assert "12.0" in mismatches[0].message


@pytest.mark.parametrize("relative", GO_MULTI)
def test_pact_go_calculate_multi_verifies_against_a_correct_server(relative: str) -> None:
    def correct(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "value": [_area(shape) for shape in request["shapes"]],
            "nestedFieldLevel1": [
                {"FirstLevel": "First Level", "InnerLevels": [{"InnerLevel": "Inner Level"}]}
            ],
        }

    assert _verify_grpc(relative, correct) == []


@pytest.mark.parametrize("relative", GO_MULTI)
def test_pact_go_calculate_multi_names_the_nested_field_that_differs(relative: str) -> None:
    def broken(request: dict[str, Any]) -> dict[str, Any]:
        return {
            "value": [_area(shape) for shape in request["shapes"]],
            "nestedFieldLevel1": [
                {"FirstLevel": "Level One", "InnerLevels": [{"InnerLevel": "Inner Level"}]}
            ],
        }

    mismatches = _verify_grpc(relative, broken)
    assert _paths(mismatches) == ["$.nestedFieldLevel1[0].FirstLevel"]
    assert "'First Level'" in mismatches[0].message


def test_pact_go_route_guide_verifies_and_fails_by_field() -> None:
    def correct(point: dict[str, Any]) -> dict[str, Any]:
        return {"name": "Statue of Liberty", "location": point}

    def unnamed(point: dict[str, Any]) -> dict[str, Any]:
        return {"name": "", "location": point}

    assert _verify_grpc(GO_ROUTE_GUIDE, correct) == []
    mismatches = _verify_grpc(GO_ROUTE_GUIDE, unnamed)
    assert _paths(mismatches) == ["$.name"]


def test_pact_net_greeter_verifies_against_a_correct_server() -> None:
    assert _verify_grpc(NET_GREETER, lambda req: {"message": f"Hello {req['name']}"}) == []


def test_pact_net_greeter_fails_when_the_reply_is_not_a_hello_reply() -> None:
    # A string field holding bytes that are not UTF-8: no HelloReply decodes from this.
    mismatches = _verify_grpc(NET_GREETER, lambda req: b"\x0a\x03\xff\xfe\xfd")
    assert mismatches, "a reply of the wrong shape must fail"
    assert "greet.HelloReply" in mismatches[0].message


def test_pact_rust_reply_with_grpc_status_metadata_matches_by_field_and_key() -> None:
    pact = _pact(RUST_METADATA)
    interaction = _only(pact, SyncMessage)
    schemas = schemas_for(pact, interaction)
    method = schemas.proto_method()  # .pactissue.Test/GetTest: leading dot and package
    assert method.path == "/pactissue.Test/GetTest"
    expected = interaction.response[0]

    def reply(b: bool, status: str) -> MessageContents:
        return MessageContents(
            contents=Body(
                method.output.encode({"b": b}), "application/protobuf;message=MessageOut"
            ),
            metadata={"grpc-status": status, "grpc-message": "no test with that id"},
        )

    assert (
        compare_message(expected, reply(True, "NOT_FOUND"), schemas=schemas, part="response") == []
    )
    # false is proto3's default: it is not on the wire, and still satisfies the boolean rule
    assert (
        compare_message(expected, reply(False, "NOT_FOUND"), schemas=schemas, part="response") == []
    )
    wrong = compare_message(expected, reply(True, "OK"), schemas=schemas, part="response")
    assert [(m.kind, m.path) for m in wrong] == [("metadata", "grpc-status")]


# ---------------------------------------------------------------------------------------
# a protobuf message on a queue (pact-go), produced in process


def _feature_producer(pact: Pact, interaction: AsyncMessage) -> Callable[[dict[str, Any]], bytes]:
    message = schemas_for(pact, interaction).proto_message("application/protobuf;message=Feature")
    return message.encode


def test_pact_go_protobuf_message_verifies_and_fails_by_field() -> None:
    pact = _pact(GO_MESSAGE)
    interaction = _only(pact, AsyncMessage)
    schemas = schemas_for(pact, interaction)
    produce = _feature_producer(pact, interaction)

    def produced(data: bytes) -> MessageContents:
        return MessageContents(
            contents=Body(data, "application/protobuf;message=routeguide.Feature"),
            metadata={"contentType": "application/protobuf;message=routeguide.Feature"},
        )

    good = produce({"name": "Old Oak", "location": {"latitude": 51, "longitude": -1}})
    assert compare_message(interaction.message, produced(good), schemas=schemas) == []
    bad = produce({"name": "", "location": {"latitude": 51}})
    mismatches = compare_message(interaction.message, produced(bad), schemas=schemas)
    assert _paths(mismatches) == ["$.name"]
    assert "byte" not in mismatches[0].message and "offset" not in mismatches[0].message


def test_pact_go_protobuf_message_in_a_schema_registry_frame_is_unwrapped() -> None:
    pact = _pact(GO_MESSAGE)
    interaction = _only(pact, AsyncMessage)
    schemas = schemas_for(pact, interaction)
    payload = _feature_producer(pact, interaction)({"name": "Elm", "location": {"latitude": 1}})
    framed = b"\x00" + (42).to_bytes(4, "big") + b"\x00" + payload
    actual = MessageContents(contents=Body(framed, "application/protobuf;message=Feature"))
    assert compare_message(interaction.message, actual, schemas=schemas) == []


# ---------------------------------------------------------------------------------------
# HTTP interactions with protobuf (pact-jvm) and Avro (pact-go) bodies, real HTTP server


def _fetch(url: str, method: str, body: bytes | None, content_type: str | None) -> HttpResponse:
    request = urllib.request.Request(url, data=body, method=method)
    if content_type:
        request.add_header("Content-Type", content_type)
    with urllib.request.urlopen(request, timeout=10) as reply:
        data = reply.read()
        headers = {name.lower(): [value] for name, value in reply.headers.items()}
        return HttpResponse(
            status=reply.status, headers=headers, body=Body(data, reply.headers["Content-Type"])
        )


def _replay(pact: Pact, interaction: HttpInteraction, base_url: str) -> list[Mismatch]:
    expected = interaction.request
    body = expected.body.to_bytes() if expected.body is not None else None
    content_type = expected.body.content_type if expected.body is not None else None
    actual = _fetch(base_url + expected.path, expected.method, body, content_type)
    return compare_response(interaction.response, actual, schemas=schemas_for(pact, interaction))


def test_pact_jvm_http_with_protobuf_bodies_verifies_and_fails_by_field() -> None:
    pact = _pact(JVM_HTTP_PLUS_GRPC)
    interaction = _only(pact, HttpInteraction)
    schemas = schemas_for(pact, interaction)
    shape = schemas.proto_message(None, "request")  # from pluginConfiguration.protobuf.request
    area = schemas.proto_message(None, "response")
    assert (shape.full_name, area.full_name) == (
        "area_calculator.ShapeMessage",
        "area_calculator.AreaResponse",
    )
    reply_type = "application/protobuf; message=.area_calculator.AreaResponse"

    def correct(body: bytes) -> tuple[int, str, bytes]:
        return 200, reply_type, area.encode({"value": [_area(shape.decode(body))]})

    def wrong(body: bytes) -> tuple[int, str, bytes]:
        return 200, reply_type, area.encode({})

    with http_provider({("POST", "/Calculator/calculateOne"): correct}) as url:
        assert _replay(pact, interaction, url) == []
    with http_provider({("POST", "/Calculator/calculateOne"): wrong}) as url:
        assert _paths(_replay(pact, interaction, url)) == ["$.value"]


def test_pact_jvm_http_request_body_is_matched_by_field() -> None:
    pact = _pact(JVM_HTTP_PLUS_GRPC)
    interaction = _only(pact, HttpInteraction)
    schemas = schemas_for(pact, interaction)
    shape = schemas.proto_message(None, "request")
    content_type = "application/protobuf;message=area_calculator.ShapeMessage"

    def sent(value: dict[str, Any]) -> HttpRequest:
        return HttpRequest(
            method="POST",
            path="/Calculator/calculateOne",
            headers={"content-type": [content_type]},
            body=Body(shape.encode(value), content_type),
        )

    good = sent({"rectangle": {"length": 10, "width": 2.5}})
    assert compare_request(interaction.request, good, schemas=schemas) == []
    square = compare_request(
        interaction.request, sent({"square": {"edge_length": 3}}), schemas=schemas
    )
    assert [m.path for m in square] == ["$"] and "rectangle" in square[0].message


def test_pact_go_http_with_an_avro_body_verifies_and_fails_by_field() -> None:
    pact = _pact(GO_AVRO)
    interaction = _only(pact, HttpInteraction)
    schemas = schemas_for(pact, interaction)
    user = schemas.avro_record("avro/binary;record=User")
    assert user.full_name == "io.pact.User"

    def serving(value: dict[str, Any]) -> Callable[[bytes], tuple[int, str, bytes]]:
        return lambda body: (200, "avro/binary;record=User", user.encode(value))

    with http_provider({("GET", "/avro"): serving({"id": 42, "username": "sally"})}) as url:
        assert _replay(pact, interaction, url) == []
    with http_provider({("GET", "/avro"): serving({"id": 42, "username": ""})}) as url:
        mismatches = _replay(pact, interaction, url)
    assert _paths(mismatches) == ["$.username"]
