"""Helpers: pacts written by accord's consumer DSL, the CLI in-process, the broker's state."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from accord import Pact, Verifier, match
from accord.cli import main


def q(value: str) -> str:
    return quote(value, safe="")


class Names:
    """Unique names per test: ``names("Consumer")`` is ``Consumer-<8 hex digits>``."""

    def __init__(self) -> None:
        self.suffix = uuid.uuid4().hex[:8]

    def __call__(self, base: str) -> str:
        return f"{base}-{self.suffix}"


def order_pact(
    directory: Path,
    consumer: str,
    provider: str,
    *descriptions: str,
    content: dict[str, Any] | None = None,
    spec: str = "V4",
) -> Path:
    """Write a message pact with accord's consumer DSL; returns the file."""
    pact = Pact(consumer, provider, spec=spec)
    for description in descriptions or ("an order created event",):
        (
            pact.expects_to_receive(description)
            .given("an order exists", id=42)
            .with_metadata({"contentType": "application/json"})
            .with_content(
                content
                if content is not None
                else {"id": match.integer(42), "status": match.regex("NEW", "NEW|PAID")}
            )
        )
    pact.verify(lambda _message: None)
    return pact.write(directory)


def order_verifier(
    provider: str, *, status: str = "NEW", descriptions: tuple[str, ...] = ()
) -> Verifier:
    """A provider that produces ``{"id": 42, "status": status}`` for every description."""
    verifier = Verifier(provider)
    for description in descriptions or ("an order created event",):
        verifier.message(description)(lambda: {"id": 42, "status": status})

    @verifier.state("an order exists")
    def order_exists(id: int) -> None:
        assert id == 42

    return verifier


@dataclass
class Run:
    code: int
    out: str
    err: str


class Cli:
    """``accord ...`` in-process through ``accord.cli.main``, with ``--broker-url`` added."""

    def __init__(self, broker_url: str, capsys: pytest.CaptureFixture[str]) -> None:
        self.broker_url = broker_url
        self.capsys = capsys

    def __call__(self, *args: str, broker: bool = True) -> Run:
        argv = [*args, "--broker-url", self.broker_url] if broker else list(args)
        self.capsys.readouterr()
        code = main(argv)
        captured = self.capsys.readouterr()
        return Run(code, captured.out, captured.err)


class Remote:
    """Reads the broker's state over plain HTTP (httpx), not through the client under test."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)

    def __enter__(self) -> Remote:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.http.close()

    def get(self, path: str, **params: Any) -> Any:
        response = self.http.get(path, params=params or None)
        assert response.status_code == 200, f"GET {path}: {response.status_code} {response.text}"
        return response.json()

    def status(self, path: str) -> int:
        return self.http.get(path).status_code

    def version(self, pacticipant: str, number: str) -> dict[str, Any]:
        doc: dict[str, Any] = self.get(f"/pacticipants/{q(pacticipant)}/versions/{q(number)}")
        return doc

    def pact(self, provider: str, consumer: str, number: str) -> dict[str, Any]:
        doc: dict[str, Any] = self.get(
            f"/pacts/provider/{q(provider)}/consumer/{q(consumer)}/version/{q(number)}"
        )
        return doc

    def tags(self, pacticipant: str, number: str) -> list[str]:
        embedded = self.version(pacticipant, number).get("_embedded", {})
        return sorted(t["name"] for t in embedded.get("tags", []))

    def branches(self, pacticipant: str, number: str) -> list[str]:
        embedded = self.version(pacticipant, number).get("_embedded", {})
        return sorted(b["name"] for b in embedded.get("branchVersions", []))

    def environment_uuid(self, name: str) -> str:
        for env in self.get("/environments")["_embedded"]["environments"]:
            if env["name"] == name:
                return str(env["uuid"])
        raise AssertionError(f"no environment {name!r}")

    def deployed(self, environment: str, pacticipant: str) -> list[dict[str, Any]]:
        env = self.environment_uuid(environment)
        doc = self.get(
            f"/environments/{env}/deployed-versions/currently-deployed", pacticipant=pacticipant
        )
        return list(doc["_embedded"]["deployedVersions"])

    def released(self, environment: str, pacticipant: str) -> list[dict[str, Any]]:
        env = self.environment_uuid(environment)
        doc = self.get(
            f"/environments/{env}/released-versions/currently-supported", pacticipant=pacticipant
        )
        return list(doc["_embedded"]["releasedVersions"])

    def verifications(self, provider: str, consumer: str) -> list[dict[str, Any]]:
        """Every matrix row with a verification result for the pair."""
        doc = self.get(
            "/matrix",
            **{"q[][pacticipant]": consumer},
        )
        return [
            row
            for row in doc["matrix"]
            if row["provider"]["name"] == provider and row.get("verificationResult")
        ]


class Recorder:
    """A reverse proxy in front of the broker that records each request's method, path and
    ``Authorization`` header, and can answer the first ``fail`` requests (of method ``only``
    and to a path containing ``path_contains``, when given) with ``status``, or drop their
    connection unanswered when ``status`` is ``"drop"`` (or answer everything with a fixed
    non-JSON page when ``upstream`` is None). ``reply`` is the body of those answers."""

    def __init__(
        self,
        upstream: str | None,
        *,
        fail: int = 0,
        status: int | str = 503,
        only: str | None = None,
        path_contains: str = "",
        reply: bytes = b'{"error": "try again"}',
    ) -> None:
        import http.server
        import threading
        import urllib.error
        import urllib.request

        self.seen: list[tuple[str, str, str | None]] = []
        self.fail = fail
        recorder = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _any(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else None
                recorder.seen.append((self.command, self.path, self.headers.get("Authorization")))
                if upstream is None:
                    self._reply(200, b"<html>not a broker</html>", "text/html")
                    return
                chosen = only in (None, self.command) and path_contains in self.path
                if recorder.fail > 0 and chosen:
                    recorder.fail -= 1
                    if status == "drop":
                        self.close_connection = True
                        return
                    assert isinstance(status, int)
                    self._reply(status, reply, "application/json")
                    return
                headers = {k: v for k, v in self.headers.items() if k.lower() != "content-length"}
                request = urllib.request.Request(
                    upstream + self.path, data=body, method=self.command, headers=headers
                )
                try:
                    with urllib.request.urlopen(request, timeout=30) as response:
                        code, payload = response.status, response.read()
                        kind = response.headers.get("Content-Type", "application/json")
                except urllib.error.HTTPError as exc:
                    code, payload = exc.code, exc.read()
                    kind = exc.headers.get("Content-Type", "application/json")
                self._reply(code, payload, kind)

            def _reply(self, code: int, payload: bytes, kind: str) -> None:
                self.send_response(code)
                self.send_header("Content-Type", kind)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = _any

        self._server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> Recorder:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def authorizations(self) -> set[str | None]:
        return {auth for _, _, auth in self.seen}
