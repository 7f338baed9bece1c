"""The provider side of WebSockets: ``verify(..., transports={"websocket": url})`` against
a Starlette app under uvicorn, from pacts an accord consumer test wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from websockets.sync.client import connect

from accord import Pact, Verifier, generate, match
from accord.cli import main
from accord.provider.results import Outcome, VerificationResult

from .apps import UserSocket, serve


def _lookup_pact(tmp_path: Path) -> Path:
    pact = Pact("socket-client", "socket-service", pact_dir=tmp_path)
    (
        pact.websocket("a user lookup over a socket", path="/ws/users")
        .given("user 127 exists", id=127)
        .with_request({"userId": match.integer(127)})
        .will_respond_with({"userId": match.integer(127), "name": match.like("Ada")})
        .will_respond_with({"done": True})
    )
    (
        pact.websocket("reverse bytes", path="/ws/reverse")
        .with_request(b"\x01\x02")
        .will_respond_with(b"\x02\x01")
    )
    with pact.serve(transport="websocket") as server:
        with connect(server.url + "/ws/users") as socket:
            socket.send(json.dumps({"userId": 127}))
            socket.recv(timeout=5)
            socket.recv(timeout=5)
        with connect(server.url + "/ws/reverse") as socket:
            socket.send(b"\x01\x02")
            socket.recv(timeout=5)
    return pact.write()


def _verifier(service: UserSocket) -> Verifier:
    verifier = Verifier("socket-service")

    @verifier.state("user 127 exists")
    def user_exists(id: int) -> None:
        service.users[id] = "Grace"

    return verifier


def _verify(service: UserSocket, path: Path) -> VerificationResult:
    with serve(service.app()) as url:
        return _verifier(service).verify(path, transports={"websocket": url})


def test_a_correct_provider_passes(tmp_path: Path) -> None:
    service = UserSocket()
    result = _verify(service, _lookup_pact(tmp_path))
    assert result.ok, result.report()
    assert [o.kind for o in result.results] == ["WebSocket", "WebSocket"]
    assert service.users == {127: "Grace"}


def test_a_wrong_field_fails_naming_it(tmp_path: Path) -> None:
    result = _verify(UserSocket(numeric_name=True), _lookup_pact(tmp_path))
    [failed] = [o for o in result.results if o.outcome is Outcome.FAILED]
    assert [m.path for m in failed.mismatches] == ["$.name"]
    assert failed.mismatches[0].message.startswith("message 1: ")


def test_fewer_messages_than_expected_fail_with_the_reason(tmp_path: Path) -> None:
    result = _verify(UserSocket(replies=1), _lookup_pact(tmp_path))
    [failed] = [o for o in result.results if o.outcome is Outcome.FAILED]
    [mismatch] = failed.mismatches
    assert "Expected 2 message(s) on /ws/users but received 1" in mismatch.message
    assert "closed the socket (code 1000: that is all)" in mismatch.message


def test_a_path_the_provider_does_not_serve_is_an_error(tmp_path: Path) -> None:
    pact = Pact("socket-client", "socket-service", pact_dir=tmp_path)
    pact.websocket("orders", path="/ws/orders").with_request("hi").will_respond_with("hello")
    with pact.serve(transport="websocket") as server, connect(server.url + "/ws/orders") as socket:
        socket.send("hi")
        socket.recv(timeout=5)
    with serve(UserSocket().app()) as url:
        result = Verifier("socket-service").verify(pact.write(), transports={"websocket": url})
    [outcome] = result.results
    assert outcome.outcome is Outcome.ERROR
    assert "/ws/orders refused the WebSocket handshake" in (outcome.error or "")


def test_provider_state_values_reach_the_request(tmp_path: Path) -> None:
    pact = Pact("socket-client", "socket-service", pact_dir=tmp_path)
    (
        pact.websocket("a user by state", path="/ws/users")
        .given("a user exists")
        .with_request({"userId": generate.provider_state("${id}", 1)})
        .will_respond_with({"userId": match.integer(1)})
        .will_respond_with({"done": True})
    )
    with pact.serve(transport="websocket") as server, connect(server.url + "/ws/users") as socket:
        socket.send(json.dumps({"userId": 1}))
        socket.recv(timeout=5)
        socket.recv(timeout=5)
    service = UserSocket()
    verifier = Verifier("socket-service")

    @verifier.state("a user exists")
    def a_user() -> dict[str, int]:
        service.users[555] = "Lin"
        return {"id": 555}

    with serve(service.app()) as url:
        result = verifier.verify(pact.write(), transports={"websocket": url})
    assert result.ok, result.report()


def test_without_a_websocket_target_the_interaction_says_how_to_give_one(tmp_path: Path) -> None:
    result = _verifier(UserSocket()).verify(_lookup_pact(tmp_path))
    assert {o.outcome for o in result.results} == {Outcome.ERROR}
    assert "transports={'websocket': 'ws://HOST:PORT'}" in (result.results[0].error or "")


def test_the_cli_takes_transport_websocket(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _lookup_pact(tmp_path)
    service = UserSocket()
    service.users[127] = "Grace"
    args = ["verify", "--color", "never", str(path), "--provider", "socket-service"]
    with serve(service.app()) as url:
        code = main([*args, "--transport", f"websocket={url}", "--missing-state", "warn"])
    assert code == 0, capsys.readouterr().out
    assert "(WebSocket)" in capsys.readouterr().out
    assert main([*args, "--transport", "websocket=tcp://x"]) == 2
    assert "needs ws://HOST:PORT" in capsys.readouterr().err
