"""Slow clients are cut off, and a SQLite lock held by another process makes writers wait a
bounded time and get 503 + Retry-After, while reads keep being served.

The deadlines are set to a second here so the tests are quick; nothing asserts how long
anything took, only what the server answered and in which order.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from accord.broker import BackgroundServer, Settings
from tests.broker.support import Names, b64, message_pact

CUT_OFF = 60.0  # a client-side limit far beyond the server's, so a hang fails the test


@pytest.fixture(scope="module")
def quick_server(database_url: str) -> Iterator[BackgroundServer]:
    settings = Settings(database_url=database_url, header_timeout=1.0, body_timeout=1.0)
    with BackgroundServer(settings) as server:
        yield server


def connect(server: BackgroundServer) -> socket.socket:
    sock = socket.create_connection((server.host, server.port))
    sock.settimeout(CUT_OFF)
    return sock


def read_all(sock: socket.socket) -> bytes:
    """Everything until the server closes the connection."""
    chunks = []
    while chunk := sock.recv(65536):
        chunks.append(chunk)
    return b"".join(chunks)


def test_a_client_that_sends_nothing_is_disconnected(quick_server: BackgroundServer) -> None:
    with connect(quick_server) as sock:
        answer = read_all(sock)
    assert answer.startswith(b"HTTP/1.1 408 ")


def test_headers_trickled_a_byte_at_a_time_are_cut_off(quick_server: BackgroundServer) -> None:
    with connect(quick_server) as sock:
        sock.sendall(b"GET /diagnostic/status/heartbeat HTTP/1.1\r\nHost: x\r\nX-Slow: ")
        sock.settimeout(0.2)
        answer = b""
        stop = time.monotonic() + CUT_OFF
        while time.monotonic() < stop:
            try:
                chunk = sock.recv(65536)
            except TimeoutError:
                try:
                    sock.sendall(b"a")  # one more byte of an endless header value
                except OSError:
                    break
                continue
            if not chunk:
                break  # closed by the server
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 408 "), answer


def test_a_body_that_stalls_is_cut_off_with_408(quick_server: BackgroundServer) -> None:
    with connect(quick_server) as sock:
        sock.sendall(
            b"POST /contracts/publish HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
            b'Content-Length: 1000\r\n\r\n{"pacticipantName": '
        )
        answer = read_all(sock)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 408 "), answer
    assert b"not received within 1 seconds" in body


def test_a_keep_alive_connection_serves_requests_then_times_out_idle(
    quick_server: BackgroundServer,
) -> None:
    """The head deadline does not cut off a normal client between its requests."""
    with httpx.Client(base_url=quick_server.url, timeout=CUT_OFF) as client:
        for _ in range(3):
            assert client.get("/diagnostic/status/heartbeat").status_code == 200


# --- a SQLite lock held by another process ------------------------------------------------

LOCKER = """
import sqlite3, sys
conn = sqlite3.connect(sys.argv[1], isolation_level=None)
conn.execute("BEGIN EXCLUSIVE")
print("locked", flush=True)
sys.stdin.readline()
conn.execute("ROLLBACK")
"""


def publish_body(consumer: str, provider: str, version: str) -> dict[str, object]:
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "content": b64(message_pact(consumer, provider)),
            }
        ],
    }


def test_writers_get_503_while_another_process_holds_the_lock_and_reads_go_on(
    tmp_path: Path, names: Names
) -> None:
    path = tmp_path / "locked.sqlite3"
    settings = Settings(database_url=f"sqlite:///{path}", lock_timeout=3.0, queue_timeout=3.0)
    foo, bar = names("Foo"), names("Bar")
    writers = 60  # more than the server's worker threads (40)
    with BackgroundServer(settings) as server, httpx.Client(timeout=CUT_OFF) as http:
        first = http.post(f"{server.url}/contracts/publish", json=publish_body(foo, bar, "0"))
        assert first.status_code == 200, first.text
        locker = subprocess.Popen(
            [sys.executable, "-c", LOCKER, str(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        try:
            assert locker.stdout is not None and locker.stdout.readline().strip() == "locked"
            order: list[str] = []
            lock = threading.Lock()

            def write(n: int) -> httpx.Response:
                response = http.post(
                    f"{server.url}/contracts/publish", json=publish_body(foo, bar, str(n + 1))
                )
                with lock:
                    order.append("write")
                return response

            with ThreadPoolExecutor(writers) as pool:
                futures = [pool.submit(write, n) for n in range(writers)]
                time.sleep(0.5)  # let the writers reach the server (not a timing assertion)
                read = http.get(f"{server.url}/pacticipants/{foo}")
                with lock:
                    order.append("read")
                responses = [f.result() for f in futures]
        finally:
            if locker.poll() is None:
                assert locker.stdin is not None
                locker.stdin.write("\n")
                locker.stdin.flush()
            locker.wait(timeout=30)
        assert read.status_code == 200, read.text
        assert order.index("read") == 0, "the read waited for the blocked writers"
        assert {r.status_code for r in responses} == {503}
        assert all(r.headers["retry-after"] == "3" for r in responses)
        assert "locked" in responses[0].json()["error"] or "busy" in responses[0].json()["error"]
        # the lock is gone: writes succeed again
        after = http.post(f"{server.url}/contracts/publish", json=publish_body(foo, bar, "99"))
        assert after.status_code == 200, after.text


def test_the_header_timeout_flag_reaches_the_server(tmp_path: Path) -> None:
    """``accord broker serve --header-timeout`` (not only the environment variable)."""
    from tests.broker.processes import start_process, stop, wait_ready

    process, url = start_process(
        f"sqlite:///{tmp_path / 'flags.sqlite3'}", None, "--header-timeout", "0.5"
    )
    try:
        wait_ready(process, url)
        host, port = url.removeprefix("http://").split(":")
        started = time.monotonic()
        with socket.create_connection((host, int(port)), timeout=10) as sock:
            answer = read_all(sock)
        waited = time.monotonic() - started
    finally:
        stop(process)
    assert answer.startswith(b"HTTP/1.1 408 ")
    assert waited < 5, f"cut off after {waited:.1f} s: the default (10 s) was used"


@pytest.mark.parametrize("value", ["0", "-1", "soon", "inf"])
def test_a_timeout_flag_that_is_not_positive_seconds_is_a_usage_error(
    value: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from accord.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(["broker", "serve", "--lock-timeout", value])
    assert stopped.value.code == 2
    [*_, last] = capsys.readouterr().err.strip().splitlines()
    assert "--lock-timeout" in last and "seconds" in last
