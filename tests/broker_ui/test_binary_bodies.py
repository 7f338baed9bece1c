"""Protobuf and Avro bodies on the broker's pact page: decoded with the pact's schema, the
rules beside the fields, as JSON bodies are shown. Real pacts from pact-jvm and pact-go."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord.broker.ui.pact_view import InteractionView, interactions
from accord.model.read import parse_pact
from tests.broker_ui.seed import Publisher

REAL = Path(__file__).resolve().parents[1] / "data" / "real-pacts-binary"
JVM_MIXED = REAL / "pact-jvm" / "area-calculator-consumer-area-calculator-provider.json"
GO_AVRO = REAL / "pact-go" / "AvroConsumer-AvroProvider.json"


def _views(path: Path) -> tuple[dict[str, Any], list[InteractionView]]:
    doc = json.loads(path.read_text())
    return doc, interactions(parse_pact(doc), doc)


def _line(view: InteractionView, part: int, key: str) -> Any:
    body = view.parts[part].body
    assert body is not None
    return next(line for line in body.lines if line.key == f'"{key}": ')


def test_a_grpc_call_shows_its_messages_decoded_with_rules_beside_the_fields() -> None:
    _, views = _views(JVM_MIXED)
    grpc_view = next(v for v in views if v.description == "calculate rectangle area request")
    request = grpc_view.parts[0].body
    assert request is not None and request.kind == "json"
    assert request.decoded == (
        "decoded with the pact's schema as protobuf message area_calculator.ShapeMessage"
    )
    length = _line(grpc_view, 0, "length")
    assert length.value == "3.0"
    assert [n.text for n in length.notes] == ["number"]
    reply = grpc_view.parts[1].body
    assert reply is not None and reply.decoded.endswith("area_calculator.AreaResponse")
    assert any(n.text == "number" for line in reply.lines for n in line.notes)


def test_an_http_interaction_with_protobuf_bodies_is_decoded_per_part() -> None:
    _, views = _views(JVM_MIXED)
    http_view = next(v for v in views if v.kind == "http")
    request, response = (part.body for part in http_view.parts)
    assert request is not None and request.decoded.endswith("area_calculator.ShapeMessage")
    assert response is not None and response.decoded.endswith("area_calculator.AreaResponse")


def test_an_avro_body_is_decoded_with_its_record() -> None:
    _, views = _views(GO_AVRO)
    [view] = views
    body = view.parts[1].body
    assert body is not None and body.kind == "json"
    assert body.decoded == "decoded with the pact's schema as Avro record io.pact.User"
    assert _line(view, 1, "username").value.strip('"')


def test_bytes_that_do_not_decode_fall_back_to_base64_with_the_reason() -> None:
    doc = json.loads(JVM_MIXED.read_text())
    grpc_doc = next(i for i in doc["interactions"] if i.get("transport") == "grpc")
    grpc_doc["request"]["contents"]["content"] = "/////w=="
    views = interactions(parse_pact(doc), doc)
    body = next(v for v in views if v.kind == "sync-message").parts[0].body
    assert body is not None and body.kind == "binary"
    assert body.decoded.startswith("not decoded: not a valid area_calculator.ShapeMessage")


@pytest.fixture(scope="module")
def broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from accord.broker import BackgroundServer, Settings

    path = tmp_path_factory.mktemp("broker-binary-ui") / "broker.sqlite3"
    with BackgroundServer(Settings(database_url=f"sqlite:///{path}")) as server:
        publisher = Publisher(server.url)
        try:
            publisher.publish(
                "area-calculator-consumer", "1.0.0", "main", json.loads(JVM_MIXED.read_text())
            )
        finally:
            publisher.close()
        yield server.url


def test_the_pact_page_shows_the_decoded_fields(broker: str) -> None:
    url = (
        f"{broker}/ui/pacts/provider/area-calculator-provider/"
        "consumer/area-calculator-consumer/latest"
    )
    page = httpx.get(url, headers={"Accept": "text/html"}, timeout=30)
    assert page.status_code == 200, page.text[:300]
    html = page.text
    assert (
        "decoded with the pact&#39;s schema as protobuf message area_calculator.ShapeMessage"
        in html
    )
    length = '<span class="j-key">&#34;length&#34;: </span><span class="j-number">3.0</span>'
    assert length in html
    assert 'title="{&#34;match&#34;: &#34;number&#34;} at $.rectangle.length"' in html


def test_the_transport_and_its_method_or_path_are_shown() -> None:
    _, views = _views(JVM_MIXED)
    grpc_view = next(v for v in views if v.kind == "sync-message")
    assert grpc_view.comments[0] == "Over gRPC: .area_calculator.Calculator/calculateOne"
    doc = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [
            {
                "type": "Synchronous/Messages",
                "description": "a lookup",
                "transport": "websocket",
                "comments": {"websocket": {"path": "/ws/users"}, "text": ["by socket"]},
                "request": {"contents": {"content": {"a": 1}, "contentType": "application/json"}},
                "response": [],
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    [view] = interactions(parse_pact(doc), doc)
    assert view.comments == ["Over WebSocket: /ws/users", "by socket"]
