"""HTTP interactions written as V4 and as V3 pact files, read back by accord's reader."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import pytest

from accord import Pact, generate, match
from accord.errors import PactWriteError
from accord.model.pact import HttpInteraction
from accord.model.read import load_pact

PNG = b"\x89PNG\r\n\x1a\n\x00\x01\x02"


def declare(pact: Pact) -> None:
    (
        pact.upon_receiving("create an order")
        .given("a customer exists", id=7)
        .with_request(
            "POST",
            match.regex("/customers/7/orders", r"/customers/\d+/orders"),
            query={"notify": "email"},
            headers={"Authorization": match.regex("Bearer t", r"Bearer .+"), "X-Tag": ["a", "b"]},
            body={"sku": match.like("A-1"), "qty": match.integer(2)},
        )
        .will_respond_with(
            201,
            headers={
                "Location": generate.mock_server_url(r".*(/orders/\d+)$", "http://x/orders/1")
            },
            body={"id": match.integer(1), "lines": match.each_like({"sku": "A-1"})},
        )
    )
    (
        pact.upon_receiving("download an invoice")
        .with_request("GET", "/invoices/1.png")
        .will_respond_with(200, body=PNG, content_type="image/png")
    )
    (
        pact.upon_receiving("a text status")
        .with_request("GET", "/status")
        .will_respond_with(200, body="up", content_type="text/plain")
    )


def exercise(pact: Pact) -> None:
    with pact.serve() as server, httpx.Client(base_url=server.url) as client:
        created = client.post(
            "/customers/99/orders?notify=email",
            json={"sku": "Z-9", "qty": 5},
            headers={"Authorization": "Bearer secret", "X-Tag": "a, b"},
        )
        assert created.status_code == 201
        assert created.headers["location"] == f"{server.url}/orders/1"
        assert client.get("/invoices/1.png").content == PNG
        assert client.get("/status").text == "up"


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_written_pacts_read_back_the_same(tmp_path: Path, spec: str) -> None:
    pact = Pact("shop-ui", "orders-api", spec=spec, pact_dir=tmp_path)
    declare(pact)
    exercise(pact)
    path = pact.write()
    doc = json.loads(path.read_text())
    expected_version = "3.0.0" if spec == "V3" else "4.0"
    assert doc["metadata"]["pactSpecification"]["version"] == expected_version
    read = load_pact(path)
    assert read.spec_version == expected_version
    by_name = {i.description: i for i in read.interactions}
    assert set(by_name) == {"create an order", "download an invoice", "a text status"}
    order = by_name["create an order"]
    assert isinstance(order, HttpInteraction)
    assert order.provider_states[0].params == {"id": 7}
    assert order.request.method == "POST"
    assert order.request.path == "/customers/7/orders"
    assert order.request.query == {"notify": ["email"]}
    assert order.request.body is not None
    assert order.request.body.content == {"sku": "A-1", "qty": 2}
    assert order.request.matching_rules.single("path") is not None
    assert order.request.matching_rules.category("body")["$.qty"].rules == [{"match": "integer"}]
    assert order.response.status == 201
    assert order.response.generators.category("header")["Location"]["type"] == "MockServerURL"
    assert order.response.matching_rules.category("body")["$.lines"].rules[0]["min"] == 1
    invoice = by_name["download an invoice"]
    assert isinstance(invoice, HttpInteraction) and invoice.response.body is not None
    assert invoice.response.body.content == PNG
    status = by_name["a text status"]
    assert isinstance(status, HttpInteraction) and status.response.body is not None
    assert status.response.body.content == "up"


def test_v3_files_use_the_v3_shapes(tmp_path: Path) -> None:
    pact = Pact("shop-ui", "orders-api", spec="V3", pact_dir=tmp_path)
    declare(pact)
    exercise(pact)
    doc = json.loads(pact.write().read_text())
    assert "messages" not in doc
    order = next(i for i in doc["interactions"] if i["description"] == "create an order")
    assert "type" not in order  # V4 only
    assert order["request"]["headers"]["X-Tag"] == "a, b"  # V3 headers are strings
    assert order["request"]["body"] == {"sku": "A-1", "qty": 2}  # V3 bodies are raw values
    assert order["request"]["matchingRules"]["header"]["Authorization"]["matchers"][0] == {
        "match": "regex",
        "regex": "Bearer .+",
    }
    invoice = next(i for i in doc["interactions"] if i["description"] == "download an invoice")
    assert invoice["response"]["headers"]["Content-Type"] == "image/png"
    assert isinstance(invoice["response"]["body"], str)  # base64


def test_v3_cannot_mix_http_and_messages(tmp_path: Path) -> None:
    pact = Pact("shop-ui", "orders-api", spec="V3", pact_dir=tmp_path)
    declare(pact)
    exercise(pact)
    pact.expects_to_receive("an order event").with_content({"id": 1})
    pact.verify(lambda message: None)
    with pytest.raises(PactWriteError, match="either HTTP interactions or messages"):
        pact.write()


def test_with_pact_writes_on_a_clean_exit(tmp_path: Path) -> None:
    with Pact("shop-ui", "orders-api", pact_dir=tmp_path) as pact:
        declare(pact)
        exercise(pact)
    assert len(load_pact(tmp_path / "shop-ui-orders-api.json").interactions) == 3
