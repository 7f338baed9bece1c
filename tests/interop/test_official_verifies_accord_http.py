"""HTTP pacts written by accord's consumer DSL pass the official tools.

The consumer side runs for real: each interaction is declared, called with httpx through
``pact.serve()`` and written (V3 and V4). Then the official ``pact verifier`` replays the
file against a real provider (a Starlette app under uvicorn on loopback) with its own
state-change protocol, and pact-python 4.2's ``Verifier`` (the Rust core through FFI) does
the same. A provider that breaks the contract must fail both, naming the field.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import httpx
import pytest
import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from accord import Pact, generate, match
from tests.interop.support import run_official

CONSUMER = "OrdersWeb"
PROVIDER = "OrdersHttp"
ORDER_EXISTS = "an order exists"
INVOICE = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"
XML = '<?xml version="1.0" encoding="UTF-8"?><order id="42"><status>open</status></order>'


# -- the consumer: accord's DSL, exercised for real ---------------------------------------


def write_consumer_pact(directory: Path, spec: str) -> Path:
    pact = Pact(CONSUMER, PROVIDER, spec=spec, pact_dir=directory)
    (
        pact.upon_receiving("a request for order 42")
        .given(ORDER_EXISTS, id=42)
        .with_request("GET", "/orders/42", headers={"Accept": "application/json"})
        .will_respond_with(
            200,
            body={
                "id": match.integer(42),
                "total": match.decimal(9.99),
                "status": match.regex("open", r"open|closed"),
                "lines": match.each_like({"sku": match.like("A-1"), "qty": match.integer(1)}),
            },
        )
    )
    (
        pact.upon_receiving("a new order")
        .with_request("POST", "/orders", body={"sku": match.like("A-1"), "qty": match.integer(2)})
        .will_respond_with(
            201,
            headers={
                "Location": generate.mock_server_url(
                    r".*(/orders/\d+)$", "http://localhost:8080/orders/1001"
                )
            },
            body={"id": match.integer(1001)},
        )
    )
    (
        pact.upon_receiving("a search for open orders")
        .with_request("GET", "/orders", query={"status": "open", "page": match.integer(1)})
        .will_respond_with(200, body=match.each_like({"id": match.integer(42)}))
    )
    (
        pact.upon_receiving("an order as XML")
        .given(ORDER_EXISTS, id=42)
        .with_request("GET", "/orders/42.xml")
        .will_respond_with(200, body=XML, content_type="application/xml")
    )
    (
        pact.upon_receiving("the invoice of order 42")
        .given(ORDER_EXISTS, id=42)
        .with_request("GET", "/orders/42/invoice")
        .will_respond_with(200, body=INVOICE, content_type="application/pdf")
    )
    (
        pact.upon_receiving("a health check")
        .with_request("GET", "/health")
        .will_respond_with(200, body="ok", content_type="text/plain")
    )
    (
        pact.upon_receiving("a login")
        .with_request(
            "POST",
            "/login",
            body={"user": match.regex("ada", r"[a-z]+"), "password": "secret"},
            content_type="application/x-www-form-urlencoded",
        )
        .will_respond_with(200, body={"token": match.like("t0k3n")})
    )
    with pact.serve() as server, httpx.Client(base_url=server.url) as client:
        order = client.get("/orders/42", headers={"Accept": "application/json"}).json()
        assert order["lines"][0]["sku"] == "A-1"
        created = client.post("/orders", json={"sku": "B-7", "qty": 3})
        assert created.headers["location"] == f"{server.url}/orders/1001"
        assert client.get("/orders", params={"status": "open", "page": 3}).json() == [{"id": 42}]
        assert client.get("/orders/42.xml").text == XML
        assert client.get("/orders/42/invoice").content == INVOICE
        assert client.get("/health").text == "ok"
        login = client.post("/login", data={"user": "grace", "password": "secret"})
        assert login.status_code == 200
    return pact.write()


# -- the provider: a real Starlette app on loopback -------------------------------------------


@dataclass
class OrdersApp:
    """The provider; ``broken`` makes order ids strings, which the contract forbids."""

    broken: bool = False
    orders: dict[int, dict[str, Any]] = field(default_factory=dict)
    states: list[dict[str, Any]] = field(default_factory=list)

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                Route("/_pact/state", self.state, methods=["POST"]),
                Route("/orders/{id:int}.xml", self.order_xml),
                Route("/orders/{id:int}/invoice", self.invoice),
                Route("/orders/{id:int}", self.order),
                Route("/orders", self.search, methods=["GET"]),
                Route("/orders", self.create, methods=["POST"]),
                Route("/health", self.health),
                Route("/login", self.login, methods=["POST"]),
            ]
        )

    async def state(self, request: Request) -> Response:
        change = await request.json()
        self.states.append(change)
        if change.get("state") == ORDER_EXISTS and change.get("action", "setup") == "setup":
            order_id = int(change["params"]["id"])
            self.orders[order_id] = {
                "id": str(order_id) if self.broken else order_id,
                "total": 25.5,
                "status": "closed",
                "lines": [{"sku": "Z-9", "qty": 4}, {"sku": "Y-1", "qty": 1}],
            }
        return JSONResponse({})

    async def order(self, request: Request) -> Response:
        found = self.orders.get(request.path_params["id"])
        return JSONResponse(found) if found else JSONResponse({}, status_code=404)

    async def order_xml(self, request: Request) -> Response:
        if request.path_params["id"] not in self.orders:
            return Response(status_code=404)
        return Response(XML, media_type="application/xml")

    async def invoice(self, request: Request) -> Response:
        return Response(INVOICE, media_type="application/pdf")

    async def search(self, request: Request) -> Response:
        return JSONResponse([{"id": 7}, {"id": 8}])

    async def create(self, request: Request) -> Response:
        body = await request.json()
        assert isinstance(body["qty"], int)
        location = f"{request.base_url}orders/555".replace("///", "//")
        return JSONResponse({"id": 555}, status_code=201, headers={"Location": location})

    async def health(self, request: Request) -> Response:
        return PlainTextResponse("ok")

    async def login(self, request: Request) -> Response:
        form = parse_qs((await request.body()).decode())
        ok = form.get("user") == ["ada"] and form.get("password") == ["secret"]
        return JSONResponse({"token": "abc"}, status_code=200 if ok else 401)


@contextmanager
def serving(app: Starlette) -> Iterator[str]:
    """Run ``app`` with uvicorn on a free loopback port in a thread; yield its base URL."""
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        assert thread.is_alive() and time.monotonic() < deadline, "uvicorn did not start"
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()


def official_args(pact_file: Path, base_url: str) -> list[str]:
    port = base_url.rsplit(":", 1)[1]
    return [
        "--no-colour",
        "--file",
        str(pact_file),
        "--hostname",
        "127.0.0.1",
        "--port",
        port,
        "--state-change-url",
        f"{base_url}/_pact/state",
    ]


# -- the tests ---------------------------------------------------------------------------------


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_the_official_verifier_passes_accord_http_pacts(tmp_path: Path, spec: str) -> None:
    pact_file = write_consumer_pact(tmp_path, spec)
    version = json.loads(pact_file.read_text())["metadata"]["pactSpecification"]["version"]
    assert version == ("3.0.0" if spec == "V3" else "4.0")
    provider = OrdersApp()
    with serving(provider.app()) as base_url:
        done = run_official(official_args(pact_file, base_url))
    assert done.code == 0, done
    assert "There were" not in done.output, done
    assert done.output.count("has status code 200 (OK)") == 6, done
    assert "has status code 201 (OK)" in done.output, done
    assert "has a matching body (OK)" in done.output, done
    # Interactions without a state get a call with an empty state name from the official tool.
    named = [s for s in provider.states if s["state"]]
    assert len(named) == 3 and {s["state"] for s in named} == {ORDER_EXISTS}, provider.states
    assert all(s["params"] == {"id": 42} for s in named)


def test_the_official_verifier_fails_a_provider_that_breaks_the_contract(
    tmp_path: Path,
) -> None:
    pact_file = write_consumer_pact(tmp_path, "V4")
    with serving(OrdersApp(broken=True).app()) as base_url:
        done = run_official(official_args(pact_file, base_url))
    assert done.code != 0, done
    mismatch = next(line for line in done.output.splitlines() if "$.id" in line)
    assert "'42'" in mismatch and "integer" in mismatch.lower(), done


@pytest.mark.parametrize("spec", ["V3", "V4"])
def test_pact_python_verifies_accord_http_pacts(tmp_path: Path, spec: str) -> None:
    from pact import Verifier as PactPythonVerifier

    pact_file = write_consumer_pact(tmp_path, spec)
    provider = OrdersApp()
    with serving(provider.app()) as base_url:
        verifier = (
            PactPythonVerifier(PROVIDER, host="127.0.0.1")
            .add_transport(url=base_url)
            .add_source(pact_file)
            .state_handler(f"{base_url}/_pact/state", body=True)
        )
        with suppress(RuntimeError):
            verifier.verify()
    results = verifier.results
    outcomes = {r["description"]: r["result"] for r in results["interactionResults"]}
    assert len(outcomes) == 7, results
    assert set(outcomes.values()) == {"OK"}, verifier.output(strip_ansi=True)
    assert results["result"] is True
