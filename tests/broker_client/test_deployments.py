"""``accord create-environment``, ``record-deployment``, ``record-undeployment`` and
``record-release`` against a real broker."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.broker_client import BrokerClient, BrokerError
from accord.broker_client import operations as ops
from tests.broker_client.support import Cli, Names, Remote, order_pact


@pytest.fixture
def app(cli: Cli, names: Names, tmp_path: Path) -> str:
    """A consumer with versions 1.0.0 and 1.1.0 on the broker."""
    consumer = names("Storefront")
    for version in ("1.0.0", "1.1.0"):
        order_pact(tmp_path / version, consumer, names("Catalog"))
        assert cli("publish", str(tmp_path / version), "-a", version).code == 0
    return consumer


@pytest.fixture
def env(cli: Cli, names: Names) -> str:
    name = names("prod")
    assert cli("create-environment", "--name", name).code == 0
    return name


def test_create_environment(cli: Cli, remote: Remote, names: Names) -> None:
    name = names("production")

    run = cli("create-environment", "--name", name, "--display-name", "Production", "--production")

    assert run.code == 0, run.err
    env_uuid = remote.environment_uuid(name)
    assert run.out.strip() == f"Created environment {name} with UUID {env_uuid}"
    doc = remote.get(f"/environments/{env_uuid}")
    assert (doc["displayName"], doc["production"]) == ("Production", True)

    again = cli("create-environment", "--name", name)
    assert again.code == 2
    [line] = again.err.splitlines()
    assert line.startswith("accord: error: ") and "HTTP 400" in line
    assert f"Another environment with name '{name}' already exists" in line


def test_create_environment_validation_error_is_one_line(cli: Cli) -> None:
    run = cli("create-environment", "--name", "has spaces")
    assert run.code == 2
    [line] = run.err.splitlines()
    assert line.startswith("accord: error: ") and line.endswith(
        "HTTP 400: name: cannot contain spaces"
    )


def test_record_deployment_then_undeployment(cli: Cli, remote: Remote, app: str, env: str) -> None:
    run = cli("record-deployment", "-a", app, "-e", "1.0.0", "--environment", env)
    assert run.code == 0, run.err
    assert run.out.strip() == f"Recorded deployment of {app} version 1.0.0 to {env}"
    [deployed] = remote.deployed(env, app)
    assert deployed["_embedded"]["version"]["number"] == "1.0.0"

    # a new deployment replaces the old one
    assert cli("record-deployment", "-a", app, "-e", "1.1.0", "--environment", env).code == 0
    [deployed] = remote.deployed(env, app)
    assert deployed["_embedded"]["version"]["number"] == "1.1.0"

    run = cli("record-undeployment", "-a", app, "--environment", env)
    assert run.code == 0, run.err
    assert run.out.strip() == f"Recorded undeployment of {app} from {env} (1 deployment)"
    assert remote.deployed(env, app) == []

    again = cli("record-undeployment", "-a", app, "--environment", env)
    assert again.code == 2
    assert again.err == f"accord: error: {app} is not currently deployed to {env!r}\n"


def test_application_instances_are_undeployed_one_at_a_time(
    cli: Cli, remote: Remote, app: str, env: str
) -> None:
    for instance, version in (("blue", "1.0.0"), ("green", "1.1.0")):
        run = cli(
            "record-deployment", "-a", app, "-e", version, "--environment", env,
            "--application-instance", instance,
        )  # fmt: skip
        assert run.code == 0, run.err
    assert sorted(d["applicationInstance"] for d in remote.deployed(env, app)) == ["blue", "green"]

    # like the official client: without an instance, only an instance-less deployment goes
    run = cli("record-undeployment", "-a", app, "--environment", env)
    assert run.code == 2
    [line] = run.err.splitlines()
    assert "--application-instance" in line and "blue, green" in line
    assert len(remote.deployed(env, app)) == 2

    run = cli(
        "record-undeployment", "-a", app, "--environment", env, "--application-instance", "blue"
    )
    assert run.code == 0, run.err
    [left] = remote.deployed(env, app)
    assert left["applicationInstance"] == "green"

    run = cli(
        "record-undeployment", "-a", app, "--environment", env, "--application-instance", "red"
    )
    assert run.code == 2
    assert "red" in run.err and "green" in run.err


def test_record_release_keeps_several_versions_supported(
    cli: Cli, remote: Remote, app: str, env: str
) -> None:
    for version in ("1.0.0", "1.1.0"):
        run = cli("record-release", "-a", app, "-e", version, "--environment", env)
        assert run.code == 0, run.err
        assert run.out.strip() == f"Recorded release of {app} version {version} to {env}"
    released = remote.released(env, app)
    assert sorted(r["_embedded"]["version"]["number"] for r in released) == ["1.0.0", "1.1.0"]
    assert remote.deployed(env, app) == []


def test_python_api(broker_url: str, remote: Remote, app: str, names: Names) -> None:
    client = BrokerClient(broker_url)
    name = names("staging")
    created = ops.create_environment(client, name, display_name="Staging")
    assert created["uuid"] == remote.environment_uuid(name)
    ops.record_deployment(client, app, "1.0.0", name, application_instance="eu")
    ops.record_release(client, app, "1.1.0", name)
    [undone] = ops.record_undeployment(client, app, name, application_instance="eu")
    assert undone["currentlyDeployed"] is False
    assert [r["_embedded"]["version"]["number"] for r in remote.released(name, app)] == ["1.1.0"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["record-deployment", "-e", "1.0.0", "--environment", "{missing_env}"],
         "no environment named '{missing_env}' on the broker (create it first)"),
        (["record-release", "-e", "1.0.0", "--environment", "{missing_env}"],
         "no environment named '{missing_env}' on the broker (create it first)"),
        (["record-undeployment", "--environment", "{missing_env}"],
         "no environment named '{missing_env}' on the broker (create it first)"),
        (["record-deployment", "-e", "9.9.9", "--environment", "{env}"],
         "{app} version 9.9.9 does not exist on the broker"),
    ],
)  # fmt: skip
def test_unknown_environments_and_versions_are_one_line_errors(
    cli: Cli, app: str, env: str, names: Names, args: list[str], message: str
) -> None:
    values = {"missing_env": names("nowhere"), "env": env, "app": app}
    run = cli(args[0], "-a", app, *(a.format(**values) for a in args[1:]))
    assert (run.code, run.out) == (2, "")
    assert run.err == f"accord: error: {message.format(**values)}\n"


@pytest.mark.parametrize("command", ["record-deployment", "record-release", "record-undeployment"])
def test_an_unknown_pacticipant_is_named_as_such(
    cli: Cli, env: str, names: Names, command: str
) -> None:
    ghost = names("Ghost")
    version = [] if command == "record-undeployment" else ["-e", "1.0.0"]
    run = cli(command, "-a", ghost, *version, "--environment", env)
    assert (run.code, run.out) == (2, "")
    assert run.err == f"accord: error: no pacticipant named {ghost!r} on the broker\n"


def test_errors_are_broker_errors_in_the_python_api(broker_url: str, names: Names) -> None:
    with pytest.raises(BrokerError, match="no environment named"):
        ops.environment_uuid(BrokerClient(broker_url), names("nowhere"))
