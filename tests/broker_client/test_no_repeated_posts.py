"""A POST to the broker is sent once, whatever goes wrong: repeating it could record a
deployment or a verification result twice. A proxy in front of the real broker fails the
first POST (a 503, or a connection dropped without an answer) and counts what arrives."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.broker_client import BrokerError
from tests.broker_client.support import Cli, Names, Recorder, Remote, order_pact, order_verifier


def posts(proxy: Recorder, fragment: str = "") -> int:
    return sum(1 for method, path, _ in proxy.seen if method == "POST" and fragment in path)


@pytest.mark.parametrize("failure", [503, "drop"])
def test_record_deployment_is_posted_once_and_fails_clearly(
    broker_url: str, cli: Cli, remote: Remote, names: Names, tmp_path: Path, failure: int | str
) -> None:
    consumer, env = names("Once"), names("prod")
    order_pact(tmp_path, consumer, names("OnceProvider"))
    assert cli("publish", str(tmp_path), "-a", "1.0.0").code == 0
    assert cli("create-environment", "--name", env).code == 0

    with Recorder(broker_url, fail=1, status=failure, only="POST") as proxy:
        run = cli(
            "record-deployment", "-a", consumer, "-e", "1.0.0", "--environment", env,
            "-b", proxy.url, broker=False,
        )  # fmt: skip

    assert posts(proxy) == 1, "the failed POST must not be sent again"
    assert run.code == 2
    [line] = run.err.splitlines()
    deployments = f"{proxy.url}/pacticipants/"
    assert line.startswith(f"accord: error: POST {deployments}")
    if failure == "drop":
        assert line.endswith("failed: the server closed the connection without answering")
    else:
        assert line.endswith("answered HTTP 503: try again")
    assert remote.deployed(env, consumer) == []
    # the GETs around it were answered, and would have been retried had they failed
    assert any(method == "GET" for method, _, _ in proxy.seen)


def test_verification_results_are_posted_once(
    broker_url: str, cli: Cli, remote: Remote, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("ResultsOnce"), names("ResultsOnceProvider")
    order_pact(tmp_path, consumer, provider)
    assert cli("publish", str(tmp_path), "-a", "1.0.0", "--branch", "main").code == 0

    with (
        Recorder(
            broker_url, fail=1, status="drop", only="POST", path_contains="verification-results"
        ) as proxy,
        pytest.raises(BrokerError) as caught,
    ):
        order_verifier(provider).verify(
            broker=proxy.url,
            selectors=[{"mainBranch": True}],
            provider_version="2.0.0",
            publish=True,
        )

    assert posts(proxy, "verification-results") == 1
    assert str(caught.value).startswith(f"POST {proxy.url}/")
    assert str(caught.value).endswith("failed: the server closed the connection without answering")
    assert remote.verifications(provider, consumer) == []


def test_a_get_that_fails_once_is_retried_and_the_command_succeeds(
    broker_url: str, cli: Cli, names: Names
) -> None:
    with Recorder(broker_url, fail=1, status="drop", only="GET") as proxy:
        run = cli("create-environment", "--name", names("retry"), "-b", proxy.url, broker=False)
    assert run.code == 0, run.err
    index = [path for method, path, _ in proxy.seen if method == "GET" and path == "/"]
    assert len(index) == 2, "the index: dropped, then answered"
    assert posts(proxy) == 1
