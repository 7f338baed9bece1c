"""The consumer side of WebSockets: ``pact.websocket`` and a real WebSocket mock server,
driven by the ``websockets`` client over loopback."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Any

import pytest
from websockets.exceptions import ConnectionClosedError, InvalidStatus
from websockets.sync.client import connect

from accord import Pact, match
from accord.errors import AccordError, MatcherError, MockServerMismatch
from accord.model.pact import SyncMessage
from accord.model.read import load_pact


def _pact(tmp_path: Path) -> Pact:
    return Pact("socket-client", "socket-service", pact_dir=tmp_path)


def _declare_lookup(pact: Pact) -> None:
    (
        pact.websocket("a user lookup over a socket", path="/ws/users")
        .given("user 127 exists", id=127)
        .with_request({"userId": match.integer(127)})
        .will_respond_with({"userId": match.integer(127), "name": match.like("Ada")})
        .will_respond_with({"done": True})
    )


def test_an_exchange_is_answered_and_written_as_a_v4_sync_message(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    _declare_lookup(pact)
    with pact.serve(transport="websocket") as server:
        assert server.url.startswith("ws://127.0.0.1:")
        with connect(server.url + "/ws/users") as socket:
            socket.send(json.dumps({"userId": 5}))
            replies = [json.loads(socket.recv(timeout=5)) for _ in range(2)]
    assert replies == [{"userId": 127, "name": "Ada"}, {"done": True}]
    doc = json.loads(pact.write().read_text())
    [interaction] = doc["interactions"]
    assert interaction["type"] == "Synchronous/Messages"
    assert interaction["transport"] == "websocket"
    assert interaction["comments"] == {"websocket": {"path": "/ws/users"}}
    assert interaction["request"]["contents"]["content"] == {"userId": 127}
    assert interaction["request"]["matchingRules"]["body"]["$.userId"]["matchers"] == [
        {"match": "integer"}
    ]
    assert [r["contents"]["content"] for r in interaction["response"]] == [
        {"userId": 127, "name": "Ada"},
        {"done": True},
    ]
    [model] = load_pact(pact.write()).interactions
    assert isinstance(model, SyncMessage) and model.transport == "websocket"


def test_several_exchanges_on_one_socket_each_find_their_interaction(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    pact.websocket("ping", path="/ws/chat").with_request(
        "ping", content_type="text/plain"
    ).will_respond_with("pong", content_type="text/plain")
    (
        pact.websocket("join a room", path="/ws/chat")
        .with_request({"join": match.like("general")})
        .will_respond_with({"joined": match.like("general"), "members": match.each_like("ada")})
    )
    with pact.serve(transport="websocket") as server, connect(server.url + "/ws/chat") as socket:
        socket.send(json.dumps({"join": "random"}))
        assert json.loads(socket.recv(timeout=5)) == {"joined": "general", "members": ["ada"]}
        socket.send("ping")
        assert socket.recv(timeout=5) == "pong"
    assert sorted(i.description for i in pact.interactions) == ["join a room", "ping"]


def test_binary_messages_stay_binary(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    (
        pact.websocket("reverse bytes", path="/ws/reverse")
        .with_request(b"\x01\x02\x03")
        .will_respond_with(b"\x03\x02\x01")
    )
    with pact.serve(transport="websocket") as server, connect(server.url + "/ws/reverse") as socket:
        socket.send(b"\x01\x02\x03")
        assert socket.recv(timeout=5) == b"\x03\x02\x01"
    contents = json.loads(pact.write().read_text())["interactions"][0]["request"]["contents"]
    assert contents == {
        "content": "AQID",
        "contentType": "application/octet-stream",
        "encoded": "base64",
    }


def test_a_message_that_does_not_match_closes_the_socket_and_fails_the_test(
    tmp_path: Path,
) -> None:
    pact = _pact(tmp_path)
    _declare_lookup(pact)
    with (
        pytest.raises(MockServerMismatch) as failure,
        pact.serve(transport="websocket") as server,
        connect(server.url + "/ws/users") as socket,
    ):
        socket.send(json.dumps({"userId": "127"}))
        with pytest.raises(ConnectionClosedError) as closed:
            socket.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1008
    text = str(failure.value)
    assert "message on /ws/users did not match 'a user lookup over a socket'" in text
    assert "$.userId" in text
    assert "missing message: on /ws/users" in text
    assert pact.interactions == []


def test_an_unexpected_path_is_refused_and_named(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    _declare_lookup(pact)
    with (
        pytest.raises(MockServerMismatch, match=r"unexpected connection: /ws/orders"),
        pact.serve(transport="websocket") as server,
    ):
        with pytest.raises(InvalidStatus) as refused, connect(server.url + "/ws/orders"):
            pass
        assert refused.value.response.status_code == 404
        with connect(server.url + "/ws/users") as socket:
            socket.send(json.dumps({"userId": 1}))
            socket.recv(timeout=5)
            socket.recv(timeout=5)


def test_an_exchange_never_used_fails_the_test(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    _declare_lookup(pact)
    with (
        pytest.raises(MockServerMismatch, match=r"missing message: on /ws/users \('a user"),
        pact.serve(transport="websocket"),
    ):
        pass


def test_async_with_serves_an_asyncio_client(tmp_path: Path) -> None:
    from websockets.asyncio.client import connect as connect_async

    pact = _pact(tmp_path)
    _declare_lookup(pact)

    async def main() -> list[Any]:
        async with (
            pact.serve(transport="websocket") as server,
            connect_async(server.url + "/ws/users") as socket,
        ):
            await socket.send(json.dumps({"userId": 9}))
            return [json.loads(await socket.recv()) for _ in range(2)]

    assert asyncio.run(main())[1] == {"done": True}
    assert len(pact.interactions) == 1


def test_bad_declarations_are_clear_errors(tmp_path: Path) -> None:
    pact = _pact(tmp_path)
    with pytest.raises(MatcherError, match=r"path must start with '/'"):
        pact.websocket("x", path="ws/users")
    builder = pact.websocket("x", path="/ws/x")
    with pytest.raises(MatcherError, match=r"has no request"):
        builder.build()
    builder.with_request({"a": 1})
    with pytest.raises(MatcherError, match=r"has no response"):
        builder.build()
    with pytest.raises(AccordError, match=r"only in V4 pacts"):
        Pact("a", "b", spec="V3").websocket("x", path="/ws")


def test_the_official_rust_core_loads_an_accord_websocket_pact(tmp_path: Path) -> None:
    """pact-python 4.2 (the Rust core, through FFI) merges into the file: it loads it, keeps
    the transport and the path, and writes it back."""
    from pact import Pact as RustPact

    pact = _pact(tmp_path)
    _declare_lookup(pact)
    with pact.serve(transport="websocket") as server, connect(server.url + "/ws/users") as socket:
        socket.send(json.dumps({"userId": 1}))
        socket.recv(timeout=5)
        socket.recv(timeout=5)
    path = pact.write()
    rust = RustPact("socket-client", "socket-service").with_specification("V4")
    rust.upon_receiving("an event", "Async").with_body('{"a": 1}', "application/json")
    rust.write_file(tmp_path)
    doc = json.loads(path.read_text())
    [ours] = [i for i in doc["interactions"] if i["type"] == "Synchronous/Messages"]
    assert ours["transport"] == "websocket"
    assert ours["comments"]["websocket"] == {"path": "/ws/users"}
    assert len(load_pact(path).interactions) == 2


def test_a_bug_while_answering_fails_the_test_with_its_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import accord.consumer.websocket_server as websocket_server

    def broken(*args: Any, **kwargs: Any) -> Any:
        raise ZeroDivisionError("a bug in matching")

    monkeypatch.setattr(websocket_server, "compare_message", broken)
    pact = _pact(tmp_path)
    _declare_lookup(pact)
    with (
        pytest.raises(MockServerMismatch, match=r"accord could not answer a message on /ws/users"),
        pact.serve(transport="websocket") as server,
        connect(server.url + "/ws/users") as socket,
    ):
        socket.send(json.dumps({"userId": 1}))
        with pytest.raises(ConnectionClosedError) as closed:
            socket.recv(timeout=5)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1011
