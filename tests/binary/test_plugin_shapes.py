"""Pacts accord writes for protobuf, gRPC and Avro carry the plugins' shapes, and read back."""

from __future__ import annotations

import json
from pathlib import Path

from accord.matching import compare_message, compare_response
from accord.model.body import Body
from accord.model.pact import (
    AsyncMessage,
    HttpInteraction,
    HttpResponse,
    MessageContents,
    Pact,
    SyncMessage,
)
from accord.model.read import parse_pact
from accord.model.write import pact_to_json
from accord.schemas import AvroSchema, ProtoSchema, schemas_for
from accord.schemas.plugin_shapes import (
    add_plugin_entry,
    avro_content_type,
    avro_plugin_config,
    avro_plugin_entry,
    grpc_plugin_config,
    http_plugin_config,
    message_plugin_config,
    protobuf_content_type,
    protobuf_markup,
    protobuf_plugin_entry,
)

SCHEMAS = Path(__file__).parent / "schemas"


def _written_and_read_back(pact: Pact) -> Pact:
    return parse_pact(json.loads(json.dumps(pact_to_json(pact))))


def test_a_grpc_interaction_in_the_plugin_shape_reads_back_and_verifies() -> None:
    shop = ProtoSchema.from_proto_file(SCHEMAS / "shop.proto")
    method = shop.method("Shop/Place")
    request_value = {"id": "o-1", "lines": [{"sku": "A", "quantity": 1}]}
    response_value = {"order_id": "o-1", "paid": True}
    pact = Pact("shop-client", "shop", metadata={"pactSpecification": {"version": "4.0"}})
    add_plugin_entry(pact.metadata, protobuf_plugin_entry(shop))
    add_plugin_entry(pact.metadata, protobuf_plugin_entry(shop))  # merged, not repeated
    pact.interactions.append(
        SyncMessage(
            description="place an order",
            transport="grpc",
            plugin_config=grpc_plugin_config(shop, method),
            markup=protobuf_markup((method.input, request_value), (method.output, response_value)),
            request=MessageContents(
                contents=Body(
                    method.input.encode(request_value),
                    protobuf_content_type(method.input),
                    "BINARY",
                ),
                metadata={"contentType": protobuf_content_type(method.input)},
            ),
            response=[
                MessageContents(
                    contents=Body(
                        method.output.encode(response_value),
                        protobuf_content_type(method.output),
                        "BINARY",
                    )
                )
            ],
        )
    )
    document = pact_to_json(pact)
    [entry] = document["metadata"]["plugins"]
    assert entry["name"] == "protobuf" and set(entry["configuration"]) == {shop.descriptor_key}
    interaction = document["interactions"][0]
    assert interaction["pluginConfiguration"] == {
        "protobuf": {"descriptorKey": shop.descriptor_key, "service": ".shop.Shop/Place"}
    }
    assert interaction["request"]["contents"]["contentType"] == (
        "application/protobuf; message=.shop.Order"
    )
    assert interaction["request"]["contents"]["encoded"] == "base64"
    assert interaction["interactionMarkup"]["markup"].startswith(
        "```protobuf\nmessage Order {\n    string id = 1;\n"
        "    repeated message .shop.Order.Line lines = 2;\n}"
    )

    again = _written_and_read_back(pact)
    [read] = again.interactions
    assert isinstance(read, SyncMessage)
    schemas = schemas_for(again, read)
    assert schemas.proto_method().full_name == "shop.Shop/Place"
    unpaid = MessageContents(contents=Body(method.output.encode({"order_id": "o-1"})))
    mismatches = compare_message(read.response[0], unpaid, schemas=schemas, part="response")
    assert [m.path for m in mismatches] == ["$.paid"]


def test_protobuf_messages_and_http_bodies_name_their_messages() -> None:
    shop = ProtoSchema.from_proto_file(SCHEMAS / "shop.proto")
    order, receipt = shop.message("Order"), shop.message("Receipt")
    assert message_plugin_config(shop, order) == {
        "protobuf": {"descriptorKey": shop.descriptor_key, "message": ".shop.Order"}
    }
    assert http_plugin_config(shop, order, receipt)["protobuf"]["response"] == {
        "descriptorKey": shop.descriptor_key,
        "message": ".shop.Receipt",
    }
    pact = Pact("c", "p")
    add_plugin_entry(pact.metadata, protobuf_plugin_entry(shop))
    pact.interactions.append(
        AsyncMessage(
            description="order placed",
            plugin_config=message_plugin_config(shop, order),
            message=MessageContents(
                contents=Body(order.encode({"id": "o-9"}), "application/protobuf")
            ),
        )
    )
    again = _written_and_read_back(pact)
    [read] = again.interactions
    assert isinstance(read, AsyncMessage)
    produced = MessageContents(contents=Body(order.encode({"id": "o-8"}), "application/protobuf"))
    mismatches = compare_message(read.message, produced, schemas=schemas_for(again, read))
    assert [m.path for m in mismatches] == ["$.id"]


def test_an_http_interaction_with_an_avro_body_reads_back_and_verifies() -> None:
    users = AvroSchema.from_file(SCHEMAS / "user.avsc")
    user = users.record("User")
    value = {
        "id": 1,
        "name": "Ada",
        "roles": [],
        "home": {"street": "s", "city": "c"},
        "avatar": b"",
        "kind": "PERSON",
    }
    pact = Pact("c", "p")
    add_plugin_entry(pact.metadata, avro_plugin_entry(users))
    pact.interactions.append(
        HttpInteraction(
            description="get a user",
            plugin_config=avro_plugin_config(users, user),
            response=HttpResponse(
                200, body=Body(user.encode(value), avro_content_type(user), "BINARY")
            ),
        )
    )
    again = _written_and_read_back(pact)
    [read] = again.interactions
    assert isinstance(read, HttpInteraction)
    assert pact_to_json(again)["interactions"][0]["pluginConfiguration"] == {
        "avro": {"record": "User", "schemaKey": users.schema_key}
    }
    served = HttpResponse(200, body=Body(user.encode({**value, "kind": "ROBOT"}), "avro/binary"))
    mismatches = compare_response(read.response, served, schemas=schemas_for(again, read))
    assert [m.path for m in mismatches] == ["$.kind"]


def test_merging_pact_files_keeps_every_proto_the_interactions_point_at() -> None:
    from accord.model.write import merge

    shop = ProtoSchema.from_proto_file(SCHEMAS / "shop.proto")
    other = ProtoSchema.from_proto_text(
        'syntax = "proto3";\npackage o;\nmessage M { int32 a = 1; }\n'
    )
    first, second = Pact("c", "p"), Pact("c", "p")
    add_plugin_entry(first.metadata, protobuf_plugin_entry(shop))
    add_plugin_entry(second.metadata, protobuf_plugin_entry(other))
    first.interactions.append(
        AsyncMessage(
            description="one", plugin_config=message_plugin_config(shop, shop.message("Order"))
        )
    )
    second.interactions.append(
        AsyncMessage(
            description="two", plugin_config=message_plugin_config(other, other.message("M"))
        )
    )
    merged = merge(first, second)
    [entry] = merged.metadata["plugins"]
    assert set(entry["configuration"]) == {shop.descriptor_key, other.descriptor_key}
    assert merge(merged, second).metadata["plugins"] == merged.metadata["plugins"]
    for interaction in merged.interactions:
        name = interaction.plugin_config["protobuf"]["message"]
        assert schemas_for(merged, interaction).proto_message(None).full_name == name.lstrip(".")


def test_a_pact_with_only_the_proto_text_is_compiled_to_decode_its_bodies() -> None:
    text = 'syntax = "proto3";\npackage t;\nmessage Ping { string word = 1; }\n'
    schema = ProtoSchema.from_proto_text(text)
    ping = schema.message("Ping")
    pact = Pact(
        "c",
        "p",
        metadata={
            "plugins": [
                {
                    "name": "protobuf",
                    "version": "0.1.0",
                    "configuration": {"k": {"protoFile": text}},
                }
            ]
        },
    )
    interaction = AsyncMessage(
        description="ping",
        plugin_config={"protobuf": {"descriptorKey": "k", "message": "Ping"}},
        message=MessageContents(contents=Body(ping.encode({"word": "hi"}), "application/protobuf")),
    )
    produced = MessageContents(contents=Body(ping.encode({"word": "ho"}), "application/protobuf"))
    mismatches = compare_message(
        interaction.message, produced, schemas=schemas_for(pact, interaction)
    )
    assert [m.path for m in mismatches] == ["$.word"]
