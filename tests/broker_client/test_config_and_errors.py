"""Configuration like the official CLIs (``PACT_BROKER_*``), credentials on every request,
and clear one-line errors: broker down, not a broker, 4xx and 5xx answers."""

from __future__ import annotations

import base64
import socket
from pathlib import Path

import pytest

from accord.broker_client import BrokerClient, BrokerError, client_from_env
from accord.broker_client import operations as ops
from tests.broker_client.support import Cli, Names, Recorder, Remote, order_pact, order_verifier


def basic(user: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{user}:{password}".encode()).decode()


@pytest.fixture
def down_url() -> str:
    """A loopback port nothing listens on: connections are refused at once."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"


def test_the_broker_url_comes_from_pact_broker_base_url(
    cli: Cli, remote: Remote, names: Names, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PACT_BROKER_BASE_URL", cli.broker_url + "/")  # a trailing slash is fine
    consumer, provider, env = names("EnvConsumer"), names("EnvProvider"), names("env")
    order_pact(tmp_path, consumer, provider)

    assert cli("publish", str(tmp_path), "-a", "1.0.0", broker=False).code == 0
    assert cli("create-environment", "--name", env, broker=False).code == 0
    run = cli(
        "record-deployment", "-a", consumer, "-e", "1.0.0", "--environment", env, broker=False
    )
    assert run.code == 0, run.err
    run = cli("can-i-deploy", "-a", consumer, "-e", "1.0.0", broker=False)
    assert run.code == 1 and "Computer says no" in run.out
    assert remote.pact(provider, consumer, "1.0.0")["consumer"]["name"] == consumer

    result = order_verifier(provider).verify(
        broker=client_from_env(), selectors=[{"mainBranch": True}, {"latest": True}]
    )
    assert result.ok and len(result.results) == 1


def test_no_broker_url_anywhere_is_a_one_line_error(cli: Cli) -> None:
    run = cli("can-i-deploy", "-a", "x", "-e", "1", broker=False)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        "accord: error: no broker URL: pass --broker-url or set PACT_BROKER_BASE_URL\n"
    )


def test_the_token_from_pact_broker_token_goes_on_every_request(
    broker_url: str, cli: Cli, names: Names, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    consumer, provider = names("TokenConsumer"), names("TokenProvider")
    order_pact(tmp_path, consumer, provider)
    with Recorder(broker_url) as proxy:
        monkeypatch.setenv("PACT_BROKER_BASE_URL", proxy.url)
        monkeypatch.setenv("PACT_BROKER_TOKEN", "s3cret")
        monkeypatch.setenv("PACT_BROKER_USERNAME", "ignored-when-a-token-is-set")

        assert (
            cli("publish", str(tmp_path), "-a", "1.0.0", "--branch", "main", broker=False).code == 0
        )
        result = order_verifier(provider).verify(
            broker=proxy.url,  # a URL: the token still comes from the environment
            selectors=[{"mainBranch": True}],
            provider_version="2.0.0",
            provider_branch="main",
            publish=True,
        )
        assert result.ok
        run = cli("can-i-deploy", "-a", consumer, "-e", "1.0.0", broker=False)
        assert run.code == 0, run.out

    methods = {method for method, _, _ in proxy.seen}
    assert {"GET", "POST", "PUT"} <= methods
    assert proxy.authorizations == {"Bearer s3cret"}
    assert any("/for-verification" in path for _, path, _ in proxy.seen), "went via the proxy"


def test_username_and_password_from_the_environment_and_flags_over_environment(
    broker_url: str, cli: Cli, names: Names, monkeypatch: pytest.MonkeyPatch
) -> None:
    with Recorder(broker_url) as proxy:
        monkeypatch.setenv("PACT_BROKER_USERNAME", "ci")
        monkeypatch.setenv("PACT_BROKER_PASSWORD", "pw")
        env_run = cli("create-environment", "--name", names("basic"), "-b", proxy.url, broker=False)
        assert env_run.code == 0, env_run.err
        assert proxy.authorizations == {basic("ci", "pw")}

        proxy.seen.clear()
        flags = cli(
            "create-environment", "--name", names("flags"), "--broker-base-url", proxy.url,
            "--broker-username", "admin", "--broker-password", "other", broker=False,
        )  # fmt: skip
        assert flags.code == 0, flags.err
        assert proxy.authorizations == {basic("admin", "other")}

        proxy.seen.clear()
        token = cli(
            "create-environment", "--name", names("token"), "-b", proxy.url, "-k", "t0k",
            broker=False,
        )  # fmt: skip
        assert token.code == 0, token.err
        assert proxy.authorizations == {"Bearer t0k"}


@pytest.mark.parametrize(
    "args",
    [
        ["can-i-deploy", "-a", "App", "-e", "1.0.0"],
        ["record-deployment", "-a", "App", "-e", "1.0.0", "--environment", "prod"],
        ["record-release", "-a", "App", "-e", "1.0.0", "--environment", "prod"],
        ["record-undeployment", "-a", "App", "--environment", "prod"],
        ["create-environment", "--name", "prod"],
        ["verify", "--provider", "App", "--message-url", "http://127.0.0.1:9/"],
    ],
    ids=lambda args: args[0],
)
def test_a_broker_that_is_down_is_a_one_line_error(
    cli: Cli, down_url: str, args: list[str]
) -> None:
    run = cli(*args, "--broker-url", down_url, broker=False)
    assert (run.code, run.out) == (2, "")
    assert run.err == (
        f"accord: error: cannot reach the broker at {down_url}: "
        "[Errno 111] Connection refused (is it running?)\n"
    )


def test_publishing_to_a_broker_that_is_down(cli: Cli, down_url: str, tmp_path: Path) -> None:
    order_pact(tmp_path, "a", "b")
    run = cli("publish", str(tmp_path), "-a", "1", "--broker-url", down_url, broker=False)
    assert run.code == 2
    assert run.err.count("\n") == 1 and "Connection refused (is it running?)" in run.err


def test_the_python_api_raises_broker_error_when_the_broker_is_down(down_url: str) -> None:
    with pytest.raises(BrokerError, match="Connection refused") as caught:
        order_verifier("Anyone").verify(broker=down_url, selectors=[{"mainBranch": True}])
    assert caught.value.status is None


def test_a_url_that_is_not_a_broker(cli: Cli) -> None:
    with Recorder(None) as page:
        run = cli("create-environment", "--name", "x", "-b", page.url, broker=False)
    assert run.code == 2
    [line] = run.err.splitlines()
    assert line.startswith(f"accord: error: GET {page.url}/ did not answer JSON")


def test_validation_errors_carry_status_and_body(broker_url: str) -> None:
    with pytest.raises(BrokerError) as caught:
        ops.create_environment(BrokerClient(broker_url), "no spaces allowed")
    assert caught.value.status == 400
    assert "name" in caught.value.body["errors"]
    assert str(caught.value).endswith("answered HTTP 400: name: cannot contain spaces")


def test_a_missing_resource_is_a_one_line_404(broker_url: str) -> None:
    with pytest.raises(BrokerError) as caught:
        BrokerClient(broker_url).get("/no/such/thing")
    assert caught.value.status == 404
    assert "\n" not in str(caught.value) and "HTTP 404" in str(caught.value)


def test_a_server_error_is_retried(broker_url: str, names: Names) -> None:
    with Recorder(broker_url, fail=1, status=503) as flaky:
        client = BrokerClient(flaky.url, retries=3)
        created = ops.create_environment(client, names("retried"))
    assert created["name"] == names("retried")
    assert [m for m, _, _ in flaky.seen].count("GET") == 2, "the index: 503, then 200"


def test_a_server_error_that_persists_is_a_one_line_error(broker_url: str) -> None:
    with Recorder(broker_url, fail=10, status=502) as broken, pytest.raises(BrokerError) as caught:
        BrokerClient(broken.url, retries=2).index()
    assert caught.value.status == 502
    assert str(caught.value) == f"GET {broken.url}/ answered HTTP 502: try again"
    assert len(broken.seen) == 2
