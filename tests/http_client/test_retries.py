"""The retry policy on a real loopback server: an idempotent request is tried again after a
dropped connection or a 502/503/504; a POST is sent exactly once, whatever happens, and the
caller gets one clear line naming the method, the URL and the cause."""

from __future__ import annotations

import pytest

from accord.errors import HttpError
from accord.http_client import MAX_RETRY_WAIT, HttpClient
from tests.http_client.scripted_server import ScriptedServer


class Sleeps(list[float]):
    """Records the pauses between tries instead of taking them."""

    def __call__(self, seconds: float) -> None:
        self.append(seconds)


@pytest.mark.parametrize("failure", ["drop", 503, 502, 504])
def test_a_post_is_sent_exactly_once(failure: int | str) -> None:
    sleeps = Sleeps()
    with ScriptedServer({"POST": [failure]}) as server:
        client = HttpClient(attempts=5, sleep=sleeps)
        url = f"{server.url}/results"
        with pytest.raises(HttpError) as caught:
            client.request("POST", url, json={"success": True}).raise_for_status()
        client.close()
    assert server.calls["POST"] == 1, "a POST must never be repeated"
    assert sleeps == []
    message = str(caught.value)
    assert "\n" not in message
    if failure == "drop":
        assert message == (f"POST {url} failed: the server closed the connection without answering")
        assert caught.value.status is None
    else:
        assert message == f"POST {url} answered HTTP {failure}: scripted {failure}"
        assert caught.value.status == failure


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
@pytest.mark.parametrize("failure", ["drop", 503])
def test_an_idempotent_request_is_retried_and_succeeds(method: str, failure: int | str) -> None:
    sleeps = Sleeps()
    with ScriptedServer({method: [failure]}) as server, HttpClient(sleep=sleeps) as client:
        response = client.request(method, f"{server.url}/thing")
    assert response.status == 200
    assert server.calls[method] == 2
    assert len(sleeps) == 1


def test_retry_after_is_honoured_and_bounded() -> None:
    sleeps = Sleeps()
    with ScriptedServer({"GET": [503, 503]}, headers={"Retry-After": "2"}) as server:
        HttpClient(sleep=sleeps).request("GET", server.url).raise_for_status()
    assert sleeps == [2.0, 2.0]

    sleeps.clear()
    with ScriptedServer({"GET": [503]}, headers={"Retry-After": "86400"}) as server:
        HttpClient(sleep=sleeps, timeout=60).request("GET", server.url).raise_for_status()
    assert sleeps == [MAX_RETRY_WAIT]


def test_no_retry_that_would_pass_the_deadline() -> None:
    sleeps = Sleeps()
    with ScriptedServer({"GET": [503, 503]}, headers={"Retry-After": "5"}) as server:
        response = HttpClient(sleep=sleeps, timeout=3).request("GET", server.url)
    assert (response.status, server.calls["GET"], sleeps) == (503, 1, [])


def test_a_failure_that_persists_ends_after_the_attempts() -> None:
    sleeps = Sleeps()
    with ScriptedServer({"GET": [502] * 10}) as server:
        client = HttpClient(attempts=3, sleep=sleeps)
        with pytest.raises(HttpError) as caught:
            client.request("GET", f"{server.url}/x").raise_for_status()
    assert server.calls["GET"] == 3
    assert sleeps == [0.25, 0.5]
    assert str(caught.value) == f"GET {server.url}/x answered HTTP 502: scripted 502"


@pytest.mark.parametrize("status", [400, 409, 500])
def test_other_statuses_are_not_retried(status: int) -> None:
    with ScriptedServer({"GET": [status]}) as server:
        response = HttpClient(sleep=Sleeps()).request("GET", server.url)
    assert (response.status, server.calls["GET"]) == (status, 1)


def test_a_refused_connection_fails_at_once() -> None:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        url = f"http://127.0.0.1:{sock.getsockname()[1]}/x"
    sleeps = Sleeps()
    with pytest.raises(HttpError) as caught:
        HttpClient(sleep=sleeps).request("GET", url)
    assert sleeps == [], "nothing listens: another try would not change that"
    assert caught.value.connect_failed
    assert str(caught.value) == f"GET {url} failed: [Errno 111] Connection refused"
