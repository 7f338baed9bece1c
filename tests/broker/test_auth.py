"""Auth on a real server: read-only and read-write credentials, as basic auth and as bearer
tokens; 401 without (valid) credentials, 403 for a read-only one that writes; the heartbeat
and for-verification exceptions; accord's own client and the official CLI with credentials."""

from __future__ import annotations

import json
import logging
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord.broker import BackgroundServer, Settings
from accord.broker.app import Broker
from accord.broker.auth import Access, needs
from accord.broker_client import BrokerClient as AccordClient
from accord.broker_client import BrokerError
from accord.broker_client import operations as ops
from tests.broker.support import BrokerClient, Names, message_pact, q

WRITER, WRITER_PASSWORD = "writer", "s3cret pässword"
READER, READER_PASSWORD = "reader", "r3ad"
TOKEN, READ_ONLY_TOKEN = "rw-token-0123456789", "ro-token-9876543210"

CREDENTIALS = dict(
    basic_auth_username=WRITER,
    basic_auth_password=WRITER_PASSWORD,
    basic_auth_read_only_username=READER,
    basic_auth_read_only_password=READER_PASSWORD,
    token=TOKEN,
    read_only_token=READ_ONLY_TOKEN,
)
PACT_BIN = shutil.which("pact", path=str(Path(sys.executable).parent)) or shutil.which("pact")

AS_WRITER: dict[str, Any] = {"auth": (WRITER, WRITER_PASSWORD)}
AS_READER: dict[str, Any] = {"auth": (READER, READER_PASSWORD)}
WITH_TOKEN: dict[str, Any] = {"headers": {"Authorization": f"Bearer {TOKEN}"}}
WITH_READ_ONLY_TOKEN: dict[str, Any] = {"headers": {"Authorization": f"Bearer {READ_ONLY_TOKEN}"}}


@pytest.fixture(scope="module")
def secured(database_url: str) -> Iterator[BrokerClient]:
    settings = Settings(database_url=database_url, **CREDENTIALS)
    with BackgroundServer(settings) as server:
        client = BrokerClient(server.url, database_url)
        yield client
        client.close()


def _publish_body(consumer: str, provider: str, version: str) -> dict[str, Any]:
    import base64

    content = base64.b64encode(json.dumps(message_pact(consumer, provider)).encode()).decode()
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": content,
            }
        ],
    }


def test_anonymous_requests_get_401_with_a_challenge(secured: BrokerClient) -> None:
    for method, path in (("GET", "/"), ("GET", "/no/such/path"), ("POST", "/pacticipants")):
        response = secured.http.request(method, path, json={} if method == "POST" else None)
        assert response.status_code == 401, (method, path)
        challenge = response.headers["WWW-Authenticate"]
        assert challenge.startswith("Basic realm=") and "Bearer realm=" in challenge
        assert response.headers["Content-Type"].startswith("application/hal+json")
        assert "Authentication required" in response.json()["error"]


def test_the_heartbeat_stays_public(secured: BrokerClient) -> None:
    response = secured.get("/diagnostic/status/heartbeat")
    assert response.status_code == 200 and response.json()["ok"] is True


@pytest.mark.parametrize(
    "auth",
    [
        {"auth": (WRITER, "wrong")},
        {"auth": ("nobody", WRITER_PASSWORD)},
        {"auth": (READER, WRITER_PASSWORD)},
        {"headers": {"Authorization": "Bearer wrong-token"}},
        {"headers": {"Authorization": f"Bearer {TOKEN}x"}},
        {"headers": {"Authorization": "Basic not-base64!"}},
        {"headers": {"Authorization": f"Token {TOKEN}"}},
        # a token sent as basic auth, or a basic pair sent as a bearer token, is not accepted
        {"headers": {"Authorization": f"Basic {TOKEN}"}},
        {"headers": {"Authorization": f"Bearer {WRITER}:{WRITER_PASSWORD}".encode()}},
    ],
)
def test_wrong_credentials_get_401(secured: BrokerClient, auth: dict[str, Any]) -> None:
    response = secured.http.get("/", **auth)
    assert response.status_code == 401
    assert "Invalid credentials" in response.json()["error"]


@pytest.mark.parametrize("reader", [AS_READER, WITH_READ_ONLY_TOKEN], ids=["basic", "bearer"])
def test_read_only_credentials_read_but_cannot_write(
    secured: BrokerClient, names: Names, reader: dict[str, Any]
) -> None:
    consumer, provider = names("Consumer"), names("Provider")
    published = secured.http.post(
        "/contracts/publish", json=_publish_body(consumer, provider, "1"), **AS_WRITER
    )
    assert published.status_code == 200, published.text

    assert secured.http.get("/", **reader).status_code == 200
    assert secured.http.head(f"/pacticipants/{q(consumer)}", **reader).status_code == 200
    pact = secured.http.get(
        f"/pacts/provider/{q(provider)}/consumer/{q(consumer)}/latest", **reader
    )
    assert pact.status_code == 200
    # for-verification is a POST that only reads: a read-only verifier may call it
    found = secured.http.post(
        f"/pacts/provider/{q(provider)}/for-verification",
        json={"consumerVersionSelectors": [{"latest": True}]},
        **reader,
    )
    assert found.status_code == 200, found.text
    assert len(found.json()["_embedded"]["pacts"]) == 1

    writes = [
        ("POST", "/contracts/publish", _publish_body(consumer, provider, "2")),
        ("PUT", f"/pacticipants/{q(consumer)}", {"displayName": "x"}),
        ("PATCH", f"/pacticipants/{q(consumer)}", {"displayName": "x"}),
        ("DELETE", f"/pacticipants/{q(consumer)}", None),
        ("POST", "/webhooks", {}),
        ("POST", pact.json()["_links"]["pb:publish-verification-results"]["href"], {}),
    ]
    for method, path, body in writes:
        response = secured.http.request(method, path, json=body, **reader)
        assert response.status_code == 403, (method, path, response.text)
        assert "read-only" in response.json()["error"]
    # nothing was written
    assert secured.get(f"/pacticipants/{q(consumer)}/versions/2", **AS_WRITER).status_code == 404
    assert secured.get(f"/pacticipants/{q(consumer)}", **AS_WRITER).status_code == 200


@pytest.mark.parametrize("writer", [AS_WRITER, WITH_TOKEN], ids=["basic", "bearer"])
def test_read_write_credentials_write(
    secured: BrokerClient, names: Names, writer: dict[str, Any]
) -> None:
    name = names("Writer")
    created = secured.http.post("/pacticipants", json={"name": name}, **writer)
    assert created.status_code == 201, created.text
    assert secured.http.get(f"/pacticipants/{q(name)}", **writer).status_code == 200
    assert secured.http.delete(f"/pacticipants/{q(name)}", **writer).status_code in (200, 204)


def test_accords_client_with_credentials(
    secured: BrokerClient, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("ClientConsumer"), names("ClientProvider")
    (tmp_path / "pact.json").write_text(json.dumps(message_pact(consumer, provider)))
    by_token = AccordClient(secured.url, token=TOKEN)
    ops.publish(by_token, [tmp_path], consumer_version="1")
    by_password = AccordClient(secured.url, username=WRITER, password=WRITER_PASSWORD)
    ops.publish(by_password, [tmp_path], consumer_version="2")
    reader = AccordClient(secured.url, username=READER, password=READER_PASSWORD)
    versions = reader.get(f"/pacticipants/{q(consumer)}/versions")
    assert {v["number"] for v in versions["_embedded"]["versions"]} == {"1", "2"}

    with pytest.raises(BrokerError, match="403"):
        ops.publish(
            AccordClient(secured.url, token=READ_ONLY_TOKEN), [tmp_path], consumer_version="3"
        )
    with pytest.raises(BrokerError, match="401"):
        AccordClient(secured.url).get("/")


def _pact_cli(*args: str) -> subprocess.CompletedProcess[str]:
    if PACT_BIN is None:
        pytest.fail("the official `pact` CLI is missing: pip install pact-python-cli")
    return subprocess.run(
        [PACT_BIN, *args],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PACT_DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin"},
    )


def test_the_official_cli_with_a_token_and_with_basic_auth(
    secured: BrokerClient, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("CliConsumer"), names("CliProvider")
    (tmp_path / f"{consumer}-{provider}.json").write_text(
        json.dumps(message_pact(consumer, provider))
    )
    base = ["broker", "publish", str(tmp_path), "-b", secured.url]
    ok = _pact_cli(*base, "--consumer-app-version", "1", "--broker-token", TOKEN)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    ok = _pact_cli(
        *base,
        "--consumer-app-version",
        "2",
        "--broker-username",
        WRITER,
        "--broker-password",
        WRITER_PASSWORD,
    )
    assert ok.returncode == 0, ok.stdout + ok.stderr
    refused = _pact_cli(*base, "--consumer-app-version", "3", "--broker-token", READ_ONLY_TOKEN)
    assert refused.returncode != 0
    anonymous = _pact_cli(*base, "--consumer-app-version", "4")
    assert anonymous.returncode != 0
    described = _pact_cli(
        "broker",
        "describe-version",
        "-b",
        secured.url,
        "--pacticipant",
        consumer,
        "--version",
        "2",
        "--broker-username",
        READER,
        "--broker-password",
        READER_PASSWORD,
        "--output",
        "json",
    )
    assert described.returncode == 0, described.stdout + described.stderr
    assert json.loads(described.stdout)["number"] == "2"
    versions = secured.get(f"/pacticipants/{q(consumer)}/versions", **AS_WRITER).json()
    assert {v["number"] for v in versions["_embedded"]["versions"]} == {"1", "2"}


def test_public_read(database_url: str) -> None:
    settings = Settings(database_url=database_url, token=TOKEN, allow_public_read=True)
    with BackgroundServer(settings) as server, httpx.Client(base_url=server.url) as http:
        assert http.get("/").status_code == 200
        reading = http.post("/pacts/provider/Nobody/for-verification", json={})
        assert reading.status_code not in (401, 403)
        assert http.post("/pacticipants", json={"name": "x"}).status_code == 401
        # a wrong credential is still refused, even for reading
        bad = {"Authorization": "Bearer nope"}
        assert http.get("/", headers=bad).status_code == 401


def test_what_counts_as_reading() -> None:
    assert needs("GET", "/diagnostic/status/heartbeat") is Access.NONE
    assert needs("HEAD", "/diagnostic/status/heartbeat") is Access.NONE
    assert needs("POST", "/diagnostic/status/heartbeat") is Access.WRITE
    assert needs("OPTIONS", "/pacticipants") is Access.READ
    assert needs("POST", "/pacts/provider/Foo%20Bar/for-verification") is Access.READ
    assert needs("POST", "/pacts/provider/Foo/for-verification/x") is Access.WRITE
    assert needs("POST", "/pacts/provider/Foo/consumer/Bar/version/1") is Access.WRITE
    assert needs("PUT", "/pacts/provider/Foo/for-verification") is Access.WRITE


def test_settings_from_the_environment() -> None:
    env = {
        "PACT_BROKER_BASIC_AUTH_USERNAME": "u",
        "PACT_BROKER_BASIC_AUTH_PASSWORD": "p",
        "PACT_BROKER_BASIC_AUTH_READ_ONLY_USERNAME": "ru",
        "PACT_BROKER_BASIC_AUTH_READ_ONLY_PASSWORD": "rp",
        "ACCORD_BROKER_TOKEN": "t",
        "ACCORD_BROKER_READ_ONLY_TOKEN": "rt",
        "ACCORD_BROKER_WEBHOOK_HOST_ALLOWLIST": "ci.internal, 10.0.0.0/8,*.example.com",
        "PACT_BROKER_WEBHOOK_SCHEME_WHITELIST": "https http",
        "ACCORD_BROKER_WEBHOOK_RETRY_SCHEDULE": "1 2.5",
        "PACT_BROKER_DATABASE_URL": "sqlite:///env.sqlite3",
    }
    settings = Settings.from_env(env, public_url="http://broker")
    assert (settings.basic_auth_username, settings.basic_auth_password) == ("u", "p")
    assert settings.basic_auth_read_only_username == "ru"
    assert (settings.token, settings.read_only_token) == ("t", "rt")
    assert settings.webhook_host_allowlist == ("ci.internal", "10.0.0.0/8", "*.example.com")
    assert settings.webhook_scheme_allowlist == ("https", "http")
    assert settings.webhook_retry_schedule == (1.0, 2.5)
    assert settings.database_url == "sqlite:///env.sqlite3"
    assert settings.public_url == "http://broker"
    shown = repr(Settings(**CREDENTIALS))
    assert WRITER in shown
    assert all(s not in shown for s in (WRITER_PASSWORD, READER_PASSWORD, TOKEN, READ_ONLY_TOKEN))
    # an explicit None does not hide the environment's value
    assert Settings.from_env(env, database_url=None).database_url == "sqlite:///env.sqlite3"
    assert not Settings.from_env({}).auth_enabled
    with pytest.raises(ValueError, match="set together"):
        Settings.from_env({"PACT_BROKER_BASIC_AUTH_USERNAME": "u"})
    with pytest.raises(ValueError, match="read-write"):
        Settings.from_env({"ACCORD_BROKER_READ_ONLY_TOKEN": "rt"})


def test_an_open_broker_warns_at_start(tmp_path: Path, caplog: pytest.LogCaptureFixture) -> None:
    for settings, warned in (
        (Settings(database_url=f"sqlite:///{tmp_path / 'open.sqlite3'}"), True),
        (Settings(database_url=f"sqlite:///{tmp_path / 'closed.sqlite3'}", token="t"), False),
    ):
        caplog.clear()
        broker = Broker(settings)
        with caplog.at_level(logging.WARNING, logger="accord.broker"):
            broker.start()
        broker.stop()
        assert ("NO AUTHENTICATION" in caplog.text) is warned
