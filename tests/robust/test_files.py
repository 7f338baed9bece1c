"""Files: what is read (regular, bounded, on time) and what is written (inside the folder)."""

from __future__ import annotations

import json
import os
import socket
import stat
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from accord.consumer.builder import MessageBuilder
from accord.errors import (
    MatcherError,
    PactFileError,
    PacticipantNameError,
    PactWriteError,
    SourceError,
)
from accord.limits import MAX_PACT_BYTES_ENV
from accord.model import Pact, load_pact, write_pact
from accord.model.read import parse_pact
from accord.model.write import check_pacticipant_name
from accord.provider.sources import fetch_pact

from .support import message_doc


def _pact(consumer: str = "robust-consumer", provider: str = "robust-provider") -> Pact:
    pact = parse_pact(message_doc({"id": 1}))
    return Pact(consumer, provider, pact.interactions, {}, "4.0", {})


# -- reading ----------------------------------------------------------------------------


def test_a_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    fifo = tmp_path / "pact.json"
    os.mkfifo(fifo)
    with pytest.raises(PactFileError, match="not a regular file"):
        load_pact(fifo)


def test_a_device_is_refused() -> None:
    with pytest.raises(PactFileError, match="not a regular file"):
        load_pact("/dev/zero")


def test_files_over_the_size_limit_are_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps(message_doc({"id": 1})))
    assert load_pact(path).consumer == "robust-consumer"
    monkeypatch.setenv(MAX_PACT_BYTES_ENV, "100")
    with pytest.raises(PactFileError) as info:
        load_pact(path)
    assert f"over the 100-byte limit for a pact (set {MAX_PACT_BYTES_ENV}" in str(info.value)


@pytest.fixture(params=["headers", "body"])
def trickle_server(request: pytest.FixtureRequest) -> Iterator[str]:
    """A real HTTP server that sends one byte every 50 ms, forever, in its headers or body."""
    listener = socket.create_server(("127.0.0.1", 0))
    stop = threading.Event()

    def serve() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            if request.param == "headers":
                connection.sendall(b"HTTP/1.1 200 OK\r\nX-Slow: ")
            else:
                connection.sendall(
                    b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                    b"Content-Length: 100000000\r\n\r\n"
                )
            while not stop.wait(0.05):
                try:
                    connection.sendall(b"a" if request.param == "headers" else b" ")
                except OSError:
                    return

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{listener.getsockname()[1]}/pact.json"
    stop.set()
    listener.close()
    thread.join(5)


def test_a_pact_url_that_trickles_is_cut_off_by_the_overall_timeout(trickle_server: str) -> None:
    with pytest.raises(SourceError, match=r"did not arrive within 0.5 s"):
        fetch_pact(trickle_server, timeout=0.5)


def test_a_pact_url_still_downloads_normally(tmp_path: Path) -> None:
    import http.server

    body = json.dumps(message_doc({"id": 1})).encode()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        pact = fetch_pact(f"http://127.0.0.1:{server.server_port}/p.json", timeout=10)
    finally:
        server.shutdown()
        server.server_close()
    assert pact.consumer == "robust-consumer"


# -- writing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "problem"),
    [
        ("../escape", "contains a path separator"),
        ("/etc/passwd", "contains a path separator"),
        ("a\\b", "contains a path separator"),
        ("nul\x00byte", "contains a NUL or control character"),
        ("line\nbreak", "contains a NUL or control character"),
        ("..", "is a relative directory name"),
        ("   ", "is blank"),
        ("x" * 101, "is longer than 100 characters"),
    ],
)
def test_names_that_could_leave_the_pact_directory_are_refused(
    tmp_path: Path, name: str, problem: str
) -> None:
    with pytest.raises(PacticipantNameError, match=problem):
        write_pact(_pact(consumer=name), tmp_path / "pacts")
    with pytest.raises(PacticipantNameError, match=problem):
        write_pact(_pact(provider=name), tmp_path / "pacts")
    assert not (tmp_path / "pacts").exists() or not any((tmp_path / "pacts").iterdir())
    assert sorted(p.name for p in tmp_path.iterdir()) in ([], ["pacts"])
    with pytest.raises(ValueError, match="consumer name"):
        check_pacticipant_name(name, "consumer")


def test_ordinary_names_with_spaces_and_unicode_are_fine(tmp_path: Path) -> None:
    path = write_pact(_pact("Order Service", "Zahlungs-Dienst ü"), tmp_path)
    assert path.name == "Order Service-Zahlungs-Dienst ü.json"


@pytest.mark.parametrize(("umask", "mode"), [(0o022, 0o644), (0o002, 0o664), (0o077, 0o600)])
def test_pact_files_follow_the_umask(tmp_path: Path, umask: int, mode: int) -> None:
    previous = os.umask(umask)
    try:
        path = write_pact(_pact(), tmp_path)
    finally:
        os.umask(previous)
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_an_existing_pact_keeps_its_mode(tmp_path: Path) -> None:
    path = write_pact(_pact(), tmp_path)
    path.chmod(0o640)
    write_pact(_pact(), tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_a_failed_write_leaves_no_temporary_file(tmp_path: Path) -> None:
    (tmp_path / "robust-consumer-robust-provider.json").mkdir()  # os.replace must fail
    with pytest.raises(PactWriteError, match="cannot write"):
        write_pact(_pact(), tmp_path, overwrite=True)
    assert [p.name for p in tmp_path.iterdir()] == ["robust-consumer-robust-provider.json"]


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        (object(), r"^\$: cannot turn a value of type object into JSON"),
        ({"when": object()}, r"^\$\.when: cannot turn a value of type object into JSON"),
        ({"tags": {"a", "b"}}, r"^\$\.tags: a set has no order"),
    ],
)
def test_with_content_refuses_what_cannot_be_written(content: Any, problem: str) -> None:
    with pytest.raises(MatcherError, match=problem):
        MessageBuilder("an event").with_content(content)


def test_with_content_refuses_a_circular_structure() -> None:
    value: list[Any] = []
    value.append(value)
    with pytest.raises(MatcherError, match=r"circular reference at \$\[0\]"):
        MessageBuilder("an event").with_content(value)
