"""Protobuf schemas: compiling a .proto in process, looking names up the ways pacts write
them, and messages to and from plain values."""

from __future__ import annotations

import base64
import hashlib
from pathlib import Path

import pytest

from accord.errors import SchemaError
from accord.schemas import ProtoSchema

SCHEMAS = Path(__file__).parent / "schemas"
SHOP = SCHEMAS / "shop.proto"


@pytest.fixture(scope="module")
def shop() -> ProtoSchema:
    return ProtoSchema.from_proto_file(SHOP)


def test_a_proto_compiles_in_process_with_its_imports(shop: ProtoSchema) -> None:
    assert {"shop.Order", "shop.Order.Line", "shop.Receipt", "common.Money"} <= set(
        shop.message_names
    )
    assert shop.service_names == ["shop.Shop"]
    assert shop.proto_text == SHOP.read_text()


def test_the_plugin_configuration_is_what_the_protobuf_plugin_writes(shop: ProtoSchema) -> None:
    config = shop.plugin_configuration()
    assert base64.b64decode(config["protoDescriptors"]) == shop.descriptor_set
    assert config["protoFile"] == SHOP.read_text()
    assert shop.descriptor_key == hashlib.md5(shop.descriptor_set).hexdigest()
    again = ProtoSchema.from_descriptor_set(config["protoDescriptors"])
    assert again.message_names == shop.message_names


@pytest.mark.parametrize(
    "name", ["Order", ".shop.Order", "shop.Order", " .shop.Order ", "shop.Order"]
)
def test_messages_are_found_with_or_without_package_and_leading_dot(
    shop: ProtoSchema, name: str
) -> None:
    assert shop.message(name).full_name == "shop.Order"


def test_nested_messages_are_found_by_short_or_dotted_name(shop: ProtoSchema) -> None:
    assert shop.message("Line").full_name == "shop.Order.Line"
    assert shop.message("Order.Line").full_name == "shop.Order.Line"
    assert shop.message(".shop.Order.Line").full_name == "shop.Order.Line"


def test_an_unknown_message_names_what_is_there(shop: ProtoSchema) -> None:
    with pytest.raises(SchemaError, match=r"message 'Invoice' is not in .*shop\.Order"):
        shop.message("Invoice")


@pytest.mark.parametrize(
    "service", ["Shop/Place", ".shop.Shop/Place", "shop.Shop/Place", "Shop/Place:request"]
)
def test_services_are_found_with_or_without_package(shop: ProtoSchema, service: str) -> None:
    method = shop.method(service)
    assert method.full_name == "shop.Shop/Place"
    assert method.path == "/shop.Shop/Place"
    assert (method.input.full_name, method.output.full_name) == ("shop.Order", "shop.Receipt")
    assert not method.client_streaming and not method.server_streaming


def test_streaming_methods_say_so(shop: ProtoSchema) -> None:
    track = shop.method("Shop/Track")
    assert track.client_streaming and track.server_streaming
    assert [m.full_name for m in shop.methods()] == ["shop.Shop/Place", "shop.Shop/Track"]


@pytest.mark.parametrize(
    ("service", "problem"),
    [
        ("Shop/Cancel", r"service shop\.Shop has no method 'Cancel' \(it has Place, Track\)"),
        ("Shop", r"'Shop' is not a 'Service/Method' name"),
        ("Warehouse/Place", r"service 'Warehouse' is not in the protobuf descriptors"),
    ],
)
def test_bad_service_names_say_what_is_wrong(shop: ProtoSchema, service: str, problem: str) -> None:
    with pytest.raises(SchemaError, match=problem):
        shop.method(service)


ORDER = {
    "id": "o-1",
    "lines": [
        {"sku": "A-1", "quantity": 2, "price": {"currency": "EUR", "units": 12}},
        {"sku": "B-2", "quantity": 1},
    ],
    "status": "SHIPPED",
    "labels": {"gift": "yes"},
    "signature": base64.b64encode(b"\x00\x01\xff").decode(),
    "placed_at": 1_700_000_000_000,
    "pickup_point": "Station",
    "extra": {"notes": ["fragile", 3], "rush": True},
    "tags": ["a", "b"],
}


def test_a_message_decodes_to_plain_values_by_proto_field_name(shop: ProtoSchema) -> None:
    order = shop.message("Order")
    decoded = order.decode(order.encode(ORDER))
    assert decoded == {**ORDER, "extra": {"notes": ["fragile", 3.0], "rush": True}}
    assert isinstance(decoded["placed_at"], int)  # int64 stays a number, not a string


def test_json_field_names_are_accepted_when_encoding(shop: ProtoSchema) -> None:
    order = shop.message("Order")
    assert order.decode(order.encode({"placedAt": 5, "pickupPoint": "P"})) == {
        "placed_at": 5,
        "pickup_point": "P",
    }


def test_absent_fields_take_their_defaults_only_where_the_expected_message_has_them(
    shop: ProtoSchema,
) -> None:
    order = shop.message("Order")
    like = {"id": "x", "status": "PLACED", "lines": [{}], "labels": {"k": "v"}, "signature": "AA=="}
    assert order.decode(b"", like=like) == {
        "id": "",
        "status": "STATUS_UNKNOWN",
        "lines": [],
        "labels": {},
        "signature": "",
    }
    receipt = shop.message("Receipt")
    # a sub-message that is not there stays missing: it has no "default" to compare
    assert receipt.decode(b"", like={"total": {"units": 1}, "paid": True}) == {"paid": False}


def test_defaults_fill_inside_repeated_messages_too(shop: ProtoSchema) -> None:
    order = shop.message("Order")
    data = order.encode({"lines": [{"sku": "A"}, {"sku": "B", "quantity": 3}]})
    like = {"lines": [{"sku": "x", "quantity": 1}]}
    assert order.decode(data, like=like)["lines"] == [
        {"sku": "A", "quantity": 0},
        {"sku": "B", "quantity": 3},
    ]


def test_bytes_that_are_not_the_message_are_a_schema_error(shop: ProtoSchema) -> None:
    with pytest.raises(SchemaError, match=r"not a valid shop\.Order message"):
        shop.message("Order").decode(b"\xff\xff\xff")


def test_a_dict_that_is_not_the_message_is_a_schema_error(shop: ProtoSchema) -> None:
    with pytest.raises(SchemaError, match=r"cannot build a shop\.Order message: .*colour"):
        shop.message("Order").encode({"colour": "red"})


def test_a_proto_that_does_not_compile_says_where(tmp_path: Path) -> None:
    broken = tmp_path / "broken.proto"
    broken.write_text('syntax = "proto3";\nmessage A {\n  strin name = 1;\n}\n')
    with pytest.raises(SchemaError) as raised:
        ProtoSchema.from_proto_file(broken)
    message = str(raised.value)
    assert message.startswith("broken.proto: cannot compile: ")
    assert "broken.proto:3" in message and "\n" not in message


def test_a_missing_proto_file_is_named(tmp_path: Path) -> None:
    with pytest.raises(SchemaError, match=r"nowhere\.proto: no such \.proto file"):
        ProtoSchema.from_proto_file(tmp_path / "nowhere.proto")


def test_proto_text_compiles_as_a_pact_protofile_carries_it() -> None:
    schema = ProtoSchema.from_proto_text(
        'syntax = "proto3";\npackage p;\nmessage M { string s = 1; }\n', "m.proto"
    )
    assert schema.message("M").decode(schema.message(".p.M").encode({"s": "x"})) == {"s": "x"}


def test_descriptors_that_are_not_a_descriptor_set_are_a_schema_error() -> None:
    with pytest.raises(SchemaError, match="not valid base64"):
        ProtoSchema.from_descriptor_set("@@@")
    with pytest.raises(SchemaError, match="not a FileDescriptorSet"):
        ProtoSchema.from_descriptor_set(b"\xff\xff")


def test_two_pacts_may_define_the_same_message_differently(tmp_path: Path) -> None:
    """Each schema has its own pool: no clash with another or with the global pool."""
    first = ProtoSchema.from_proto_text('syntax = "proto3";\nmessage M { string a = 1; }\n')
    second = ProtoSchema.from_proto_text('syntax = "proto3";\nmessage M { int32 a = 1; }\n')
    assert first.message("M").decode(first.message("M").encode({"a": "x"})) == {"a": "x"}
    assert second.message("M").decode(second.message("M").encode({"a": 7})) == {"a": 7}
