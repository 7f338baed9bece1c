"""accord verifies a provider that is not accord, through the Pact message protocol.

The provider here is a hand-written stdlib HTTP server, built the way a Go or JS provider
implements the protocol: its own paths, its own state endpoint on another port, metadata as
base64 JSON in ``Pact-Message-Metadata``. Nothing of accord runs inside it.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from accord import Verifier
from accord.cli import main
from accord.provider.results import Outcome
from tests.interop.support import CANCELLED, NOTE, PLACED, PROVIDER, write_accord_pact


@dataclass
class ForeignProvider:
    """What the hand-written provider did and how it misbehaves."""

    wrong_id_type: bool = False
    state_calls: list[dict[str, Any]] = field(default_factory=list)
    message_calls: list[dict[str, Any]] = field(default_factory=list)

    def message(self, request: dict[str, Any]) -> tuple[bytes, str, dict[str, Any]]:
        self.message_calls.append(request)
        description = request["description"]
        if description == PLACED:
            params = request["providerStates"][0]["params"]
            order_id = str(params["id"]) if self.wrong_id_type else params["id"]
            content = {
                "id": order_id,
                "total": 3.25,
                "currency": params["currency"],
                "items": [{"sku": "Z-9", "qty": 2}],
            }
            return json.dumps(content).encode(), "application/json", {"topic": "orders"}
        if description == CANCELLED:
            body = json.dumps({"id": 1, "reason": "fraud"}).encode()
            return body, "application/json; charset=utf-8", {"topic": "orders"}
        if description == NOTE:
            return b"thanks for your order", "text/plain", {}
        raise LookupError(description)


def _handler(provider: ForeignProvider, kind: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
            if kind == "state":
                provider.state_calls.append(request)
                self._reply(200, b"{}", "application/json", {})
                return
            try:
                body, content_type, metadata = provider.message(request)
            except LookupError:
                self._reply(404, b'{"error": "unknown message"}', "application/json", {})
                return
            self._reply(200, body, content_type, metadata)

        def _reply(
            self, status: int, body: bytes, content_type: str, metadata: dict[str, Any]
        ) -> None:
            self.send_response(status)
            self.send_header("Content-Type", content_type)
            if metadata:
                encoded = base64.b64encode(json.dumps(metadata).encode()).decode()
                self.send_header("Pact-Message-Metadata", encoded)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def foreign_provider(provider: ForeignProvider) -> Iterator[tuple[str, str]]:
    """Serve messages and states on two ports; yields (message URL, state-change URL)."""
    servers = [
        ThreadingHTTPServer(("127.0.0.1", 0), _handler(provider, kind))
        for kind in ("message", "state")
    ]
    threads = [
        threading.Thread(target=s.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
        for s in servers
    ]
    for thread in threads:
        thread.start()
    try:
        # The sockets listen from construction on, so there is nothing to wait for.
        ports = [s.server_address[1] for s in servers]
        yield (
            f"http://127.0.0.1:{ports[0]}/pact/messages",
            f"http://127.0.0.1:{ports[1]}/pact/provider-states",
        )
    finally:
        for server in servers:
            server.shutdown()
            server.server_close()


def test_verifier_passes_a_foreign_provider(tmp_path: Path) -> None:
    pact_file = write_accord_pact(tmp_path)
    provider = ForeignProvider()
    with foreign_provider(provider) as (message_url, state_url):
        verifier = Verifier(PROVIDER, message_url=message_url, state_change_url=state_url)
        result = verifier.verify(pact_file)
    assert result.ok, result.report()
    assert len(result.results) == 3
    # Stateless interactions get an empty state, call for call as the official verifier.
    empty = [
        {"state": "", "params": {}, "action": "setup"},
        {"state": "", "params": {}, "action": "teardown"},
    ]
    assert provider.state_calls == [
        {"state": "an order exists", "params": {"id": 42, "currency": "EUR"}, "action": "setup"},
        {
            "state": "an order exists",
            "params": {"id": 42, "currency": "EUR"},
            "action": "teardown",
        },
        *empty,
        *empty,
    ]
    placed = next(c for c in provider.message_calls if c["description"] == PLACED)
    assert placed["providerStates"] == [
        {"name": "an order exists", "params": {"id": 42, "currency": "EUR"}}
    ]


def test_verifier_fails_a_foreign_provider_that_sends_a_wrong_type(tmp_path: Path) -> None:
    pact_file = write_accord_pact(tmp_path)
    with foreign_provider(ForeignProvider(wrong_id_type=True)) as (message_url, state_url):
        verifier = Verifier(PROVIDER, message_url=message_url, state_change_url=state_url)
        result = verifier.verify(pact_file)
    assert not result.ok
    failed = [r for r in result.results if r.outcome is not Outcome.PASSED]
    assert [r.description for r in failed] == [PLACED], result.report()
    assert any(m.path == "$.id" for m in failed[0].mismatches), result.report()


@pytest.mark.parametrize("wrong", [False, True], ids=["passing", "failing"])
def test_accord_verify_cli_against_a_foreign_provider(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], wrong: bool
) -> None:
    pact_file = write_accord_pact(tmp_path)
    with foreign_provider(ForeignProvider(wrong_id_type=wrong)) as (message_url, state_url):
        code = main(
            [
                "verify",
                str(pact_file),
                "--provider",
                PROVIDER,
                "--message-url",
                message_url,
                "--state-change-url",
                state_url,
                "--color",
                "never",
            ]
        )
    out = capsys.readouterr().out
    if wrong:
        assert code == 1, out
        assert f"FAIL OrdersUI: {PLACED!r}" in out
        assert "$.id" in out, out
    else:
        assert code == 0, out
        assert out.count("ok  ") == 3, out
