"""The core HTTP client on real loopback servers: kept-alive connections (and servers that
close them), one Auth for everything, size caps, redirects, proxies, the async form."""

from __future__ import annotations

import asyncio
import base64
from pathlib import Path

import pytest

from accord import Auth
from accord.errors import HttpError
from accord.http_client import HttpClient
from tests.http_client.scripted_server import ScriptedServer


def test_requests_share_one_kept_alive_connection() -> None:
    with ScriptedServer() as server, HttpClient() as client:
        for n in range(5):
            client.request("POST", f"{server.url}/state", json={"n": n}).raise_for_status()
    assert server.calls["POST"] == 5
    assert server.connections == 1
    assert server.bodies == [{"n": n} for n in range(5)]


def test_a_connection_the_server_closed_while_idle_is_replaced_before_a_post() -> None:
    """The server ends each connection after answering (as an idle timeout would), without
    saying so. The next POST must go out once, on a new connection, not fail or repeat."""
    with ScriptedServer(close_after_each=True) as server, HttpClient() as client:
        for n in range(3):
            server.closed.clear()
            client.request("POST", f"{server.url}/state", json={"n": n}).raise_for_status()
            assert server.closed.wait(5), "the server did not close the connection"
    assert server.calls["POST"] == 3
    assert server.connections == 3


@pytest.mark.asyncio
async def test_the_async_form_leaves_the_loop_free() -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    with ScriptedServer() as server, HttpClient() as client:
        ticker = asyncio.create_task(tick())
        response = await client.arequest("POST", server.url, json={"a": 1})
        ticker.cancel()
    assert response.json() == {"status": 200, "error": "scripted 200"}
    assert ticks > 0


@pytest.mark.parametrize(
    ("auth", "header"),
    [
        (Auth(token="t0k"), "Bearer t0k"),
        (Auth(username="u", password="p"), "Basic " + base64.b64encode(b"u:p").decode()),
        (Auth(token="t0k", username="u", password="p"), "Bearer t0k"),
        (None, None),
    ],
)
def test_one_auth_on_every_request(auth: Auth | None, header: str | None) -> None:
    with ScriptedServer() as server, HttpClient(auth=auth) as client:
        client.request("GET", server.url)
        client.request("POST", server.url, json={})
    assert server.authorizations == [header, header]


def test_auth_from_the_official_cli_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("PACT_BROKER_TOKEN", "PACT_BROKER_USERNAME", "PACT_BROKER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    assert Auth.from_env() is None
    monkeypatch.setenv("PACT_BROKER_USERNAME", "ci")
    monkeypatch.setenv("PACT_BROKER_PASSWORD", "pw")
    assert Auth.from_env() == Auth(None, "ci", "pw")
    assert Auth.from_env(username="admin", password="x") == Auth(None, "admin", "x")
    monkeypatch.setenv("PACT_BROKER_TOKEN", "t")
    assert Auth.from_env() == Auth("t", "ci", "pw")
    assert Auth.from_env().header() == "Bearer t"  # type: ignore[union-attr]


def test_an_answer_over_the_size_cap_is_refused() -> None:
    with (
        ScriptedServer() as server,
        HttpClient(max_bytes=10) as client,
        pytest.raises(HttpError) as caught,
    ):
        client.request("GET", f"{server.url}/big")
    assert caught.value.too_large
    assert str(caught.value) == f"GET {server.url}/big: the answer is over the 10-byte limit"


def test_a_get_follows_redirects_on_the_same_host_with_its_credentials() -> None:
    with (
        ScriptedServer({"GET": [302]}, headers={"Location": "/moved"}) as server,
        HttpClient(auth=Auth(token="t")) as client,
    ):
        response = client.request("GET", f"{server.url}/pact")
    assert response.status == 200 and response.url == f"{server.url}/moved"
    assert server.paths == ["/pact", "/moved"]
    assert server.authorizations == ["Bearer t", "Bearer t"]


def test_a_post_is_not_redirected() -> None:
    with ScriptedServer({"POST": [307]}, headers={"Location": "/elsewhere"}) as server:
        response = HttpClient().request("POST", server.url, json={})
    assert (response.status, server.calls["POST"]) == (307, 1)


def test_http_proxy_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("NO_PROXY", "no_proxy", "http_proxy"):
        monkeypatch.delenv(name, raising=False)
    with ScriptedServer() as proxy:
        monkeypatch.setenv("HTTP_PROXY", proxy.url.replace("http://", "http://me:pw@"))
        with HttpClient() as client:
            client.request("GET", "http://broker.invalid:9292/index?x=1").raise_for_status()
    assert proxy.paths == ["http://broker.invalid:9292/index?x=1"]


def test_not_an_http_url_is_a_clear_error() -> None:
    with pytest.raises(HttpError, match=r"^GET ftp://x/y failed: not an http\(s\) URL$"):
        HttpClient().request("GET", "ftp://x/y")


def test_credentials_in_the_url_are_basic_auth_and_never_shown() -> None:
    with ScriptedServer({"GET": [500]}) as server:
        url = server.url.replace("http://", "http://ci:s%40cret@") + "/pact"
        response = HttpClient().request("GET", url)
        with pytest.raises(HttpError) as caught:
            response.raise_for_status()
    assert server.authorizations == ["Basic " + base64.b64encode(b"ci:s@cret").decode()]
    assert "s%40cret" not in str(caught.value) and "ci:" not in str(caught.value)
    assert str(caught.value).startswith(f"GET {server.url}/pact answered HTTP 500")


def test_https_with_kept_alive_connections(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ssl

    import trustme

    authority = trustme.CA()
    ca_file = tmp_path / "ca.pem"
    authority.cert_pem.write_to_path(str(ca_file))
    monkeypatch.setenv("SSL_CERT_FILE", str(ca_file))  # the default context trusts it
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    with ScriptedServer(tls=context) as server, HttpClient() as client:
        assert server.url.startswith("https://")
        for n in range(3):
            client.request("POST", server.url, json={"n": n}).raise_for_status()
    assert (server.calls["POST"], server.connections) == (3, 1)
