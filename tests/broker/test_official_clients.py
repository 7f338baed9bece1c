"""The official Pact CLI (``pact broker ...`` and ``pact verifier``, from pact-python-cli)
works against the broker unchanged: publish, verify with selectors/pending/WIP and publish
results, can-i-deploy, record deployments and releases, tags, branches."""

from __future__ import annotations

import json
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.broker.support import BrokerClient, Names

PACT_BIN = shutil.which("pact", path=str(Path(sys.executable).parent)) or shutil.which("pact")


def http_pact(consumer: str, provider: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": "a request for a user",
                "providerState": "a user exists",
                "request": {"method": "GET", "path": "/users/1"},
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": "application/json"},
                    "body": {"id": 1, "name": "Billy"},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def pact_cli(
    broker: BrokerClient, *args: str, check: bool = True
) -> subprocess.CompletedProcess[str]:
    if PACT_BIN is None:
        pytest.fail(
            "the official `pact` CLI is missing: pip install pact-python-cli (a dev dependency)"
        )
    command = [PACT_BIN, *args]
    if args[0] == "broker":
        command += ["-b", broker.url]
    result = subprocess.run(
        command,
        capture_output=True,
        text=True,
        timeout=120,
        env={"PACT_DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin"},
    )
    if check:
        assert result.returncode == 0, f"{' '.join(args)}\n{result.stdout}\n{result.stderr}"
    return result


@pytest.fixture
def stub(tmp_path: Path, names: Names) -> Iterator[tuple[str, str, Path, int]]:
    """A pact file and a ``pact stub`` server playing the provider from it."""
    consumer, provider = names("WebApp"), names("UserService")
    pacts = tmp_path / "pacts"
    pacts.mkdir()
    (pacts / f"{consumer}-{provider}.json").write_text(json.dumps(http_pact(consumer, provider)))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    if PACT_BIN is None:
        pytest.fail(
            "the official `pact` CLI is missing: pip install pact-python-cli (a dev dependency)"
        )
    process = subprocess.Popen(
        [PACT_BIN, "stub", "-f", str(pacts / f"{consumer}-{provider}.json"), "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with socket.socket() as probe:
                if probe.connect_ex(("127.0.0.1", port)) == 0:
                    break
            time.sleep(0.05)
        yield consumer, provider, pacts, port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_publish_verify_and_deploy_with_the_official_cli(
    broker: BrokerClient, stub: tuple[str, str, Path, int], names: Names
) -> None:
    consumer, provider, pacts, port = stub
    env = names("production")
    out = pact_cli(
        broker,
        "broker",
        "publish",
        str(pacts),
        "--consumer-app-version",
        "1",
        "--branch",
        "main",
        "--tag",
        "dev",
        "--build-url",
        "http://ci/1",
    )
    assert "Failed to process response notices" not in out.stdout + out.stderr
    assert "successfully published" in out.stdout
    pact_cli(broker, "broker", "create-environment", "--name", env, "--production")

    no = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        consumer,
        "--version",
        "1",
        "--to-environment",
        env,
        check=False,
    )
    assert no.returncode != 0 and "Computer says no" in no.stdout
    assert "There is no verified pact between version 1 of" in no.stdout
    as_json = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        consumer,
        "--version",
        "1",
        "--to-environment",
        env,
        "--output",
        "json",
        check=False,
    )
    assert json.loads(as_json.stdout)["summary"]["deployable"] is None

    verified = pact_cli(
        broker,
        "verifier",
        "--broker-url",
        broker.url,
        "--provider-name",
        provider,
        "--hostname",
        "127.0.0.1",
        "--port",
        str(port),
        "--consumer-version-selectors",
        '{"mainBranch": true}',
        "--consumer-version-selectors",
        '{"deployedOrReleased": true}',
        "--enable-pending",
        "--include-wip-pacts-since",
        "2020-01-01",
        "--provider-branch",
        "main",
        "--provider-tags",
        "dev",
        "--publish",
        "--provider-version",
        "2",
    )
    assert "is being verified because" in verified.stdout
    assert "pending state" in verified.stdout
    provider_version = broker.get(f"/pacticipants/{provider}/versions/2").json()
    assert provider_version["branch"] == "main"
    assert [t["name"] for t in provider_version["_embedded"]["tags"]] == ["dev"]

    pact_cli(
        broker,
        "broker",
        "record-deployment",
        "--pacticipant",
        provider,
        "--version",
        "2",
        "--environment",
        env,
    )
    yes = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        consumer,
        "--version",
        "1",
        "--to-environment",
        env,
    )
    assert "Computer says yes" in yes.stdout
    pact_cli(broker, "broker", "can-i-merge", "--pacticipant", consumer, "--version", "1")

    pact_cli(
        broker, "broker", "record-undeployment", "--pacticipant", provider, "--environment", env
    )
    again = pact_cli(
        broker,
        "broker",
        "can-i-deploy",
        "--pacticipant",
        consumer,
        "--version",
        "1",
        "--to-environment",
        env,
        check=False,
    )
    assert again.returncode != 0
    pact_cli(
        broker,
        "broker",
        "record-release",
        "--pacticipant",
        provider,
        "--version",
        "2",
        "--environment",
        env,
    )
    pact_cli(
        broker,
        "broker",
        "record-support-ended",
        "--pacticipant",
        provider,
        "--version",
        "2",
        "--environment",
        env,
    )


def test_pacticipant_version_tag_and_branch_commands(broker: BrokerClient, names: Names) -> None:
    app = names("Mobile")
    created = pact_cli(
        broker,
        "broker",
        "create-or-update-pacticipant",
        "--name",
        app,
        "--main-branch",
        "main",
        "--repository-url",
        "https://git/app",
    )
    assert "created" in created.stdout
    pact_cli(
        broker,
        "broker",
        "create-or-update-version",
        "--pacticipant",
        app,
        "--version",
        "3",
        "--branch",
        "feat/x",
    )
    pact_cli(
        broker,
        "broker",
        "create-version-tag",
        "--pacticipant",
        app,
        "--version",
        "3",
        "--tag",
        "prod",
    )
    described = pact_cli(
        broker,
        "broker",
        "describe-version",
        "--pacticipant",
        app,
        "--latest",
        "prod",
        "--output",
        "json",
    )
    assert json.loads(described.stdout)["number"] == "3"
    listed = pact_cli(broker, "broker", "list-pacticipants", "--output", "json")
    assert app in listed.stdout
    pact_cli(broker, "broker", "delete-branch", "--pacticipant", app, "--branch", "feat/x")
    assert broker.get(f"/pacticipants/{app}/branches/feat%2Fx").status_code == 404
    environments = pact_cli(broker, "broker", "list-environments", "--output", "json")
    json.loads(environments.stdout)
