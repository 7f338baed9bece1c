"""Protobuf and Avro bodies matched by field: rules at ``$.field`` paths, mismatches that
name the field, in messages, sync messages and HTTP bodies."""

from __future__ import annotations

import base64
from pathlib import Path
from typing import Any

import pytest

from accord.matching import compare_message, compare_request, compare_response
from accord.matching.bodies import compare_bodies
from accord.model.body import Body
from accord.model.pact import (
    AsyncMessage,
    HttpRequest,
    HttpResponse,
    MessageContents,
    Pact,
    SyncMessage,
)
from accord.model.rules import MatchingRules
from accord.schemas import AvroSchema, GivenSchemas, PactSchemas, ProtoSchema, schemas_for

SCHEMAS = Path(__file__).parent / "schemas"


@pytest.fixture(scope="module")
def shop() -> ProtoSchema:
    return ProtoSchema.from_proto_file(SCHEMAS / "shop.proto")


@pytest.fixture(scope="module")
def users() -> AvroSchema:
    return AvroSchema.from_file(SCHEMAS / "user.avsc")


def _rules(**paths: list[dict[str, Any]]) -> MatchingRules:
    rules = MatchingRules()
    for path, matchers in paths.items():
        rules.add("body", path.replace("__", "."), matchers)
    return rules


def _order(shop: ProtoSchema, value: dict[str, Any], content_type: str) -> Body:
    return Body(shop.message("Order").encode(value), content_type, "BINARY")


EXPECTED_ORDER = {
    "id": "o-1",
    "status": "PLACED",
    "lines": [{"sku": "A-1", "quantity": 2, "price": {"currency": "EUR", "units": 12}}],
}
ORDER_RULES = {
    "$.id": [{"match": "regex", "regex": "^o-[0-9]+$"}],
    "$.lines": [{"match": "type", "min": 1}],
    "$.lines[*].sku": [{"match": "type"}],
    "$.lines[*].quantity": [{"match": "integer"}],
    "$.lines[*].price.units": [{"match": "number"}],
}


def _order_rules() -> MatchingRules:
    rules = MatchingRules()
    for path, matchers in ORDER_RULES.items():
        rules.add("body", path, matchers)
    return rules


@pytest.mark.parametrize(
    "content_type",
    [
        "application/protobuf; message=.shop.Order",
        "application/protobuf;message=Order",
        "application/protobuf;message=shop.Order",
        'application/x-protobuf; message="shop.Order"',
        "application/grpc; message=Order",
    ],
)
def test_rules_apply_at_field_paths_whatever_way_the_type_is_written(
    shop: ProtoSchema, content_type: str
) -> None:
    expected = _order(shop, EXPECTED_ORDER, content_type)
    actual = _order(
        shop,
        {
            "id": "o-977",
            "status": "PLACED",
            "lines": [
                {"sku": "Z-9", "quantity": 5, "price": {"currency": "EUR", "units": 3}},
                {"sku": "Y-1", "quantity": 1, "price": {"currency": "EUR", "units": 4}},
            ],
            "tags": ["unexpected fields are fine in a response"],
        },
        "application/protobuf",
    )
    schemas = GivenSchemas(proto=shop)
    assert (
        compare_bodies(
            expected, actual, _order_rules(), allow_unexpected_keys=True, schemas=schemas
        )
        == []
    )


def test_a_mismatch_names_the_field_path_never_a_byte_offset(shop: ProtoSchema) -> None:
    content_type = "application/protobuf; message=shop.Order"
    expected = _order(shop, EXPECTED_ORDER, content_type)
    actual = _order(
        shop,
        {
            "id": "order-1",
            "status": "SHIPPED",
            "lines": [{"sku": "A-1", "quantity": 2, "price": {"currency": "USD", "units": 12}}],
        },
        content_type,
    )
    only_id = _rules(**{"$__id": [{"match": "regex", "regex": "^o-[0-9]+$"}]})
    mismatches = compare_bodies(
        expected, actual, only_id, allow_unexpected_keys=True, schemas=GivenSchemas(shop)
    )
    assert sorted(m.path for m in mismatches) == ["$.id", "$.lines[0].price.currency", "$.status"]
    assert all("offset" not in m.message and "bytes" not in m.message for m in mismatches)
    status = next(m for m in mismatches if m.path == "$.status")
    assert status.message == "Expected 'SHIPPED' (String) to be equal to 'PLACED' (String)"


def test_a_default_value_absent_from_the_wire_is_compared_as_the_default(
    shop: ProtoSchema,
) -> None:
    """proto3 sends no zero: quantity 0 on the wire is no field at all."""
    content_type = "application/protobuf; message=shop.Order"
    expected = _order(shop, {"lines": [{"sku": "A", "quantity": 2}]}, content_type)
    actual = _order(shop, {"lines": [{"sku": "A"}]}, content_type)
    integer = _rules(**{"$__lines[*]__quantity": [{"match": "integer"}]})
    assert (
        compare_bodies(
            expected, actual, integer, allow_unexpected_keys=True, schemas=GivenSchemas(shop)
        )
        == []
    )
    equality = MatchingRules()
    mismatches = compare_bodies(
        expected, actual, equality, allow_unexpected_keys=True, schemas=GivenSchemas(shop)
    )
    assert [(m.path, m.actual) for m in mismatches] == [("$.lines[0].quantity", 0)]


def test_requests_refuse_fields_the_consumer_did_not_send(shop: ProtoSchema) -> None:
    content_type = "application/protobuf; message=shop.Order"
    expected = _order(shop, {"id": "o-1"}, content_type)
    actual = _order(shop, {"id": "o-1", "address": "Main St"}, content_type)
    schemas = GivenSchemas(shop)
    assert (
        compare_bodies(
            expected, actual, MatchingRules(), allow_unexpected_keys=True, schemas=schemas
        )
        == []
    )
    refused = compare_bodies(
        expected, actual, MatchingRules(), allow_unexpected_keys=False, schemas=schemas
    )
    assert [m.path for m in refused] == ["$"] and "address" in refused[0].message


def test_an_all_default_expected_message_is_still_a_message(shop: ProtoSchema) -> None:
    """Zero bytes expected is not "expected an empty body" for protobuf."""
    content_type = "application/protobuf; message=shop.Receipt"
    expected = Body(b"", content_type)
    actual = Body(shop.message("Receipt").encode({"order_id": "o-1", "paid": True}), content_type)
    assert (
        compare_bodies(
            expected,
            actual,
            MatchingRules(),
            allow_unexpected_keys=True,
            schemas=GivenSchemas(shop),
        )
        == []
    )


def test_undecodable_actual_bytes_are_one_mismatch_naming_the_message(shop: ProtoSchema) -> None:
    content_type = "application/protobuf; message=shop.Order"
    expected = _order(shop, {"id": "o-1"}, content_type)
    mismatches = compare_bodies(
        expected,
        Body(b"\xff\xff\xff\xff", content_type),
        MatchingRules(),
        allow_unexpected_keys=True,
        schemas=GivenSchemas(shop),
    )
    assert [m.path for m in mismatches] == ["$"]
    assert mismatches[0].message.startswith(
        "Failed to decode the actual body as protobuf message shop.Order: "
    )


def test_without_a_schema_bodies_compare_byte_for_byte_and_say_why(shop: ProtoSchema) -> None:
    content_type = "application/protobuf; message=shop.Order"
    expected = _order(shop, {"id": "o-1"}, content_type)
    assert compare_bodies(expected, expected, MatchingRules(), allow_unexpected_keys=True) == []
    other = _order(shop, {"id": "o-2"}, content_type)
    mismatches = compare_bodies(expected, other, MatchingRules(), allow_unexpected_keys=True)
    assert "no protobuf message schema was given" in mismatches[0].message


def test_a_pact_without_the_schema_gives_a_mismatch_naming_what_is_missing(
    shop: ProtoSchema,
) -> None:
    content_type = "application/protobuf; message=shop.Order"
    expected = _order(shop, {"id": "o-1"}, content_type)
    mismatches = compare_bodies(
        expected,
        expected,
        MatchingRules(),
        allow_unexpected_keys=True,
        schemas=PactSchemas(),
    )
    assert [m.message for m in mismatches] == [
        "Cannot decode the protobuf message body: the pact carries no protobuf schema "
        "(metadata.plugins)"
    ]


def test_a_grpc_body_and_a_protobuf_body_are_the_same_kind(shop: ProtoSchema) -> None:
    expected = _order(shop, {"id": "o-1"}, "application/protobuf; message=shop.Order")
    as_grpc = _order(shop, {"id": "o-1"}, "application/grpc")
    as_json = Body({"id": "o-1"}, "application/json")
    schemas = GivenSchemas(shop)
    assert (
        compare_bodies(
            expected, as_grpc, MatchingRules(), allow_unexpected_keys=True, schemas=schemas
        )
        == []
    )
    mismatch = compare_bodies(
        expected, as_json, MatchingRules(), allow_unexpected_keys=True, schemas=schemas
    )
    assert [m.kind for m in mismatch] == ["body-type"]


def _shop_pact(shop: ProtoSchema) -> Pact:
    return Pact(
        "shop-client",
        "shop",
        metadata={
            "pactSpecification": {"version": "4.0"},
            "plugins": [
                {
                    "name": "protobuf",
                    "version": "0.5.4",
                    "configuration": {shop.descriptor_key: shop.plugin_configuration()},
                }
            ],
        },
    )


def test_a_sync_message_takes_its_message_types_from_the_service(shop: ProtoSchema) -> None:
    """With no ``message=`` in the content type, the service's input and output decide."""
    pact = _shop_pact(shop)
    interaction = SyncMessage(
        description="place an order",
        plugin_config={
            "protobuf": {"descriptorKey": shop.descriptor_key, "service": ".shop.Shop/Place"}
        },
        transport="grpc",
        request=MessageContents(
            contents=Body(shop.message("Order").encode({"id": "o-1"}), "application/protobuf")
        ),
        response=[
            MessageContents(
                contents=Body(
                    shop.message("Receipt").encode({"order_id": "o-1", "paid": True}),
                    "application/protobuf",
                )
            )
        ],
    )
    pact.interactions.append(interaction)
    schemas = schemas_for(pact, interaction)
    receipt = shop.message("Receipt")
    unpaid = MessageContents(contents=Body(receipt.encode({"order_id": "o-1"}), "application/grpc"))
    mismatches = compare_message(interaction.response[0], unpaid, schemas=schemas, part="response")
    assert [(m.path, m.expected, m.actual) for m in mismatches] == [("$.paid", True, False)]
    request = MessageContents(contents=Body(shop.message("Order").encode({"id": "o-1"})))
    assert compare_message(interaction.request, request, schemas=schemas, part="request") == []


def test_an_async_message_names_its_message_in_the_plugin_configuration(
    shop: ProtoSchema,
) -> None:
    pact = _shop_pact(shop)
    interaction = AsyncMessage(
        description="an order was placed",
        plugin_config={"protobuf": {"descriptorKey": shop.descriptor_key, "message": "Order"}},
        message=MessageContents(
            contents=Body(shop.message("Order").encode(EXPECTED_ORDER), "application/protobuf"),
            matching_rules=_order_rules(),
        ),
    )
    schemas = schemas_for(pact, interaction)
    produced = MessageContents(
        contents=Body(
            shop.message("Order").encode({**EXPECTED_ORDER, "lines": []}), "application/protobuf"
        )
    )
    mismatches = compare_message(interaction.message, produced, schemas=schemas)
    assert [m.path for m in mismatches] == ["$.lines"]


def test_http_bodies_use_the_part_they_belong_to(shop: ProtoSchema) -> None:
    order_type = "application/protobuf; message=.shop.Order"
    receipt_type = "application/protobuf; message=.shop.Receipt"
    receipt = shop.message("Receipt")
    schemas = GivenSchemas(shop)
    expected_request = HttpRequest("POST", "/orders", body=_order(shop, {"id": "o-1"}, order_type))
    sent = HttpRequest("POST", "/orders", body=_order(shop, {"id": "o-2"}, order_type))
    assert [m.path for m in compare_request(expected_request, sent, schemas=schemas)] == ["$.id"]
    expected_response = HttpResponse(
        200, body=Body(receipt.encode({"order_id": "o-1", "total": {"units": 3}}), receipt_type)
    )
    got = HttpResponse(
        200, body=Body(receipt.encode({"order_id": "o-1", "total": {"units": 4}}), receipt_type)
    )
    mismatches = compare_response(expected_response, got, schemas=schemas)
    assert [m.path for m in mismatches] == ["$.total.units"]


# ---------------------------------------------------------------------------------------
# Avro

USER = {
    "id": 7,
    "name": "Ada",
    "email": "ada@example.com",
    "roles": ["admin"],
    "home": {"street": "1 Loop Rd", "city": "Lisbon"},
    "avatar": b"\x00\x01",
    "kind": "PERSON",
}


def _user(users: AvroSchema, value: dict[str, Any], content_type: str) -> Body:
    return Body(users.record("User").encode(value), content_type, "BINARY")


def test_avro_records_match_by_field(users: AvroSchema) -> None:
    content_type = "avro/binary;record=User"
    expected = _user(users, USER, content_type)
    rules = _rules(
        **{
            "$__id": [{"match": "integer"}],
            "$__name": [{"match": "type"}],
            "$__email": [{"match": "regex", "regex": "^.+@.+$"}],
            "$__roles": [{"match": "type", "min": 1}],
            "$__home__city": [{"match": "type"}],
            "$__avatar": [{"match": "type"}],
        }
    )
    fine = _user(
        users,
        {**USER, "id": 99, "name": "Bo", "email": "bo@x", "roles": ["a", "b"], "avatar": b"\x07"},
        "avro/binary; record=accounts.User",
    )
    schemas = GivenSchemas(avro=users)
    assert compare_bodies(expected, fine, rules, allow_unexpected_keys=True, schemas=schemas) == []
    wrong = _user(users, {**USER, "email": "nobody", "kind": "ROBOT"}, content_type)
    mismatches = compare_bodies(expected, wrong, rules, allow_unexpected_keys=True, schemas=schemas)
    assert sorted(m.path for m in mismatches) == ["$.email", "$.kind"]


def test_avro_values_become_json_like(users: AvroSchema) -> None:
    decoded = users.record("accounts.User").decode(users.record("User").encode(USER))
    assert decoded == {**USER, "avatar": base64.b64encode(b"\x00\x01").decode()}


def test_an_avro_record_in_a_schema_registry_frame_is_unwrapped(users: AvroSchema) -> None:
    content_type = "avro/binary;record=User"
    expected = _user(users, USER, content_type)
    framed = b"\x00\x00\x00\x00\x07" + users.record("User").encode(USER)
    assert (
        compare_bodies(
            expected,
            Body(framed, content_type),
            MatchingRules(),
            allow_unexpected_keys=True,
            schemas=GivenSchemas(avro=users),
        )
        == []
    )


def test_bytes_that_are_not_the_record_are_one_mismatch(users: AvroSchema) -> None:
    content_type = "avro/binary;record=User"
    expected = _user(users, USER, content_type)
    mismatches = compare_bodies(
        expected,
        Body(b"\x02", content_type),
        MatchingRules(),
        allow_unexpected_keys=True,
        schemas=GivenSchemas(avro=users),
    )
    assert [m.path for m in mismatches] == ["$"]
    assert "Failed to decode the actual body as Avro record accounts.User" in mismatches[0].message


def test_a_schema_with_several_records_needs_the_record_named(users: AvroSchema) -> None:
    expected = _user(users, USER, "avro/binary")
    mismatches = compare_bodies(
        expected,
        expected,
        MatchingRules(),
        allow_unexpected_keys=True,
        schemas=GivenSchemas(avro=users),
    )
    assert "the content type must name one" in mismatches[0].message
    named = GivenSchemas(avro=users, record="User")
    assert (
        compare_bodies(
            expected, expected, MatchingRules(), allow_unexpected_keys=True, schemas=named
        )
        == []
    )


def test_avro_from_a_pact_uses_the_schema_key(users: AvroSchema) -> None:
    pact = Pact(
        "c",
        "p",
        metadata={
            "plugins": [
                {
                    "name": "avro",
                    "configuration": {users.schema_key: users.plugin_configuration()},
                }
            ]
        },
    )
    interaction = AsyncMessage(
        description="user created",
        plugin_config={"avro": {"record": "User", "schemaKey": users.schema_key}},
        message=MessageContents(contents=_user(users, USER, "avro/binary")),
    )
    schemas = schemas_for(pact, interaction)
    produced = MessageContents(contents=_user(users, {**USER, "name": "Eve"}, "avro/binary"))
    mismatches = compare_message(interaction.message, produced, schemas=schemas)
    assert [m.path for m in mismatches] == ["$.name"]


def test_an_all_default_expected_message_is_satisfied_by_no_body(shop: ProtoSchema) -> None:
    expected = Body(b"", "application/protobuf; message=shop.Receipt")
    schemas = GivenSchemas(shop)
    assert (
        compare_bodies(expected, None, MatchingRules(), allow_unexpected_keys=True, schemas=schemas)
        == []
    )
    some = Body(shop.message("Receipt").encode({"paid": True}), "application/protobuf")
    missing = compare_bodies(
        some, None, MatchingRules(), allow_unexpected_keys=True, schemas=schemas
    )
    assert [m.message for m in missing] == ["Expected a body but it was missing"]
