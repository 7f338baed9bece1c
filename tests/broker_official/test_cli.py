"""The official ``pact broker`` CLI (the Rust pact-broker-cli in pact-python-cli) against
accord's broker, on SQLite and PostgreSQL: publish, environments, can-i-deploy in the
environment form and the tag form (yes and no), deployments, releases and their ends, tags,
describe-version and delete-branch. Assertions read the CLI's ``--output json`` where it has
one, and its exit code (can-i-deploy's JSON output always exits 0, by design of the CLI, so
the verdict's exit code is checked on its text output).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.broker.support import BrokerClient, Names, q
from tests.broker_official.support import pact, pact_json


def http_pact(consumer: str, provider: str, user_id: int) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": f"a request for user {user_id}",
                "providerState": "a user exists",
                "request": {"method": "GET", "path": f"/users/{user_id}"},
                "response": {"status": 200, "body": {"id": user_id}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def write_pact(directory: Path, consumer: str, provider: str, user_id: int) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{consumer}-{provider}.json"
    path.write_text(json.dumps(http_pact(consumer, provider, user_id)))
    return directory


def publish(broker: BrokerClient, pacts: Path, version: str, *extra: str) -> dict[str, Any]:
    code, out = pact_json(
        "broker", "publish", str(pacts), "--consumer-app-version", version, *extra,
        broker_url=broker.url,
    )  # fmt: skip
    assert code == 0
    assert isinstance(out, dict)
    return out


def can_i_deploy(broker: BrokerClient, *args: str) -> tuple[int, str, dict[str, Any]]:
    """The verdict twice: the text form's exit code and output, and the JSON form."""
    text = pact("broker", "can-i-deploy", *args, broker_url=broker.url, check=False)
    _, data = pact_json("broker", "can-i-deploy", *args, broker_url=broker.url)
    return text.returncode, text.stdout, data


def verify(
    broker: BrokerClient, provider: str, consumer: str, version: str, by: str, ok: bool
) -> None:
    """Publish a verification result of ``consumer``'s pact by provider version ``by``."""
    broker.verify(broker.pact(provider, consumer, version), by, success=ok)


def test_publish_with_branch_tags_and_build_url(
    broker: BrokerClient, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("Web"), names("Users")
    pacts = write_pact(tmp_path / "pacts", consumer, provider, 1)
    out = publish(
        broker, pacts, "1.0.0", "--branch", "main", "--tag", "dev", "rc",
        "--build-url", "http://ci/1",
    )  # fmt: skip
    assert out["_embedded"]["pacticipant"]["name"] == consumer
    assert out["_embedded"]["version"]["number"] == "1.0.0"
    assert [t["name"] for t in out["_links"]["pb:pacticipant-version-tags"]] == ["dev", "rc"]
    [contract] = out["_links"]["pb:contracts"]
    assert contract["name"] == f"Pact between {consumer} (1.0.0) and {provider}"
    assert (
        contract["href"]
        == f"{broker.url}/pacts/provider/{provider}/consumer/{consumer}/version/1.0.0"
    )
    assert {"type": "success", "text": (
        f"Pact successfully published for {consumer} version 1.0.0 and provider {provider}."
    )} in out["notices"]  # fmt: skip
    assert all(set(log) >= {"level", "message", "deprecationWarning"} for log in out["logs"])

    version = broker.get(f"/pacticipants/{q(consumer)}/versions/1.0.0").json()
    assert version["branch"] == "main"
    assert version["buildUrl"] == "http://ci/1"
    assert [t["name"] for t in version["_embedded"]["tags"]] == ["dev", "rc"]
    assert broker.pact(provider, consumer, "1.0.0")["interactions"][0]["request"]["path"] == (
        "/users/1"
    )

    # the same content again is accepted; new content for the same version is refused
    publish(broker, pacts, "1.0.0")
    write_pact(pacts, consumer, provider, 2)
    refused = pact(
        "broker", "publish", str(pacts), "--consumer-app-version", "1.0.0",
        broker_url=broker.url, check=False,
    )  # fmt: skip
    assert refused.returncode != 0
    assert "Pact publication failed" in refused.stdout
    assert "unique consumer version number" in refused.stdout


def test_environment_deployments_releases_and_can_i_deploy(
    broker: BrokerClient, names: Names, tmp_path: Path
) -> None:
    consumer, provider, env = names("Web"), names("Users"), names("production")
    publish(broker, write_pact(tmp_path / "v1", consumer, provider, 1), "1", "--branch", "main")
    publish(broker, write_pact(tmp_path / "v2", consumer, provider, 2), "2", "--branch", "main")

    _, created = pact_json(
        "broker", "create-environment", "--name", env, "--display-name", "Production",
        "--production", "--contact-name", "Team", "--contact-email-address", "team@example.org",
        broker_url=broker.url,
    )  # fmt: skip
    assert created["name"] == env
    assert created["displayName"] == "Production"
    assert created["production"] is True
    assert created["contacts"] == [
        {"name": "Team", "details": {"emailAddress": "team@example.org"}}
    ]
    assert broker.get(f"/environments/{created['uuid']}").json()["name"] == env

    # nothing of the provider is in the environment yet: unknown, and the CLI says no
    code, text, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "1", "--to-environment", env
    )
    assert code != 0 and "Computer says no" in text
    assert data["summary"]["deployable"] is None
    assert data["summary"]["unknown"] == 1
    [row] = data["matrix"]
    assert row["consumer"]["version"]["number"] == "1"
    assert row["provider"]["name"] == provider and row["provider"]["version"] is None

    # provider 10 verifies consumer 1 (passes) and consumer 2 (fails), then is deployed
    verify(broker, provider, consumer, "1", "10", True)
    verify(broker, provider, consumer, "2", "10", False)
    _, deployed = pact_json(
        "broker", "record-deployment", "--pacticipant", provider, "--version", "10",
        "--environment", env, "--application-instance", "blue", broker_url=broker.url,
    )  # fmt: skip
    assert deployed["currentlyDeployed"] is True
    assert deployed["applicationInstance"] == "blue"
    assert deployed["_embedded"]["version"]["number"] == "10"
    assert deployed["_embedded"]["environment"]["name"] == env

    code, text, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "1", "--to-environment", env
    )
    assert code == 0 and "Computer says yes" in text
    assert data["summary"]["deployable"] is True
    assert data["summary"]["success"] == 1
    [row] = data["matrix"]
    assert row["provider"]["version"]["number"] == "10"
    assert row["verificationResult"]["success"] is True

    code, text, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "2", "--to-environment", env
    )
    assert code != 0 and "Computer says no" in text
    assert data["summary"]["deployable"] is False
    assert data["summary"]["failed"] == 1
    assert any("failed" in n["text"] and n["type"] == "error" for n in data["notices"])

    # the provider asking about its own deployment: consumer 2 is not deployed, so only the
    # integration with nothing deployed is considered
    code, _, data = can_i_deploy(
        broker, "--pacticipant", provider, "--version", "10", "--to-environment", env
    )
    assert code == 0 and data["summary"]["deployable"] is True

    undeployed = pact(
        "broker", "record-undeployment", "--pacticipant", provider, "--environment", env,
        "--application-instance", "blue", broker_url=broker.url,
    )  # fmt: skip
    assert "Undeployed" in undeployed.stdout
    currently = broker.get(
        f"/environments/{created['uuid']}/deployed-versions/currently-deployed",
        params={"pacticipant": provider},
    ).json()
    assert currently["_embedded"]["deployedVersions"] == []
    code, _, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "1", "--to-environment", env
    )
    assert code != 0 and data["summary"]["deployable"] is None

    # a release counts like a deployment until its support ends
    _, released = pact_json(
        "broker", "record-release", "--pacticipant", provider, "--version", "10",
        "--environment", env, broker_url=broker.url,
    )  # fmt: skip
    assert released["currentlySupported"] is True
    assert released["_embedded"]["version"]["number"] == "10"
    code, _, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "1", "--to-environment", env
    )
    assert code == 0 and data["summary"]["deployable"] is True

    ended = pact(
        "broker", "record-support-ended", "--pacticipant", provider, "--version", "10",
        "--environment", env, broker_url=broker.url,
    )  # fmt: skip
    assert "support ended" in ended.stdout
    supported = broker.get(
        f"/environments/{created['uuid']}/released-versions/currently-supported",
        params={"pacticipant": provider},
    ).json()
    assert supported["_embedded"]["releasedVersions"] == []
    code, _, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "1", "--to-environment", env
    )
    assert code != 0 and data["summary"]["deployable"] is None

    # an environment that does not exist is an error, not a verdict
    missing = pact(
        "broker", "can-i-deploy", "--pacticipant", consumer, "--version", "1",
        "--to-environment", names("nowhere"), broker_url=broker.url, check=False,
    )  # fmt: skip
    assert missing.returncode != 0
    assert "Computer says yes" not in missing.stdout


def test_can_i_deploy_to_a_tag(broker: BrokerClient, names: Names, tmp_path: Path) -> None:
    consumer, provider = names("Web"), names("Users")
    publish(broker, write_pact(tmp_path / "pacts", consumer, provider, 1), "1")

    # no provider version is tagged prod yet
    code, text, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "1", "--to", "prod"
    )
    assert code != 0 and "Computer says no" in text
    assert data["summary"]["deployable"] is None

    verify(broker, provider, consumer, "1", "20", True)
    tagged = pact(
        "broker", "create-version-tag", "--pacticipant", provider, "--version", "20",
        "--tag", "prod", broker_url=broker.url,
    )  # fmt: skip
    assert "Success" in tagged.stdout
    code, text, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "1", "--to", "prod"
    )
    assert code == 0 and "Computer says yes" in text
    assert data["summary"]["deployable"] is True
    [row] = data["matrix"]
    assert row["provider"]["version"]["number"] == "20"
    assert "prod" in [t["name"] for t in row["provider"]["version"]["tags"]]

    # a newer prod provider that failed the pact: the latest prod version decides
    verify(broker, provider, consumer, "1", "21", False)
    pact(
        "broker", "create-version-tag", "--pacticipant", provider, "--version", "21",
        "--tag", "prod", broker_url=broker.url,
    )  # fmt: skip
    code, text, data = can_i_deploy(
        broker, "--pacticipant", consumer, "--version", "1", "--to", "prod"
    )
    assert code != 0 and "Computer says no" in text
    assert data["summary"]["deployable"] is False
    [row] = data["matrix"]
    assert row["provider"]["version"]["number"] == "21"
    assert row["verificationResult"]["success"] is False


def test_version_tags_describe_version_and_delete_branch(
    broker: BrokerClient, names: Names, tmp_path: Path
) -> None:
    app, provider = names("Mobile"), names("Api")
    publish(broker, write_pact(tmp_path / "pacts", app, provider, 1), "3.1.0", "--branch", "feat/x")
    pact(
        "broker", "create-version-tag", "--pacticipant", app, "--version", "3.1.0",
        "--tag", "prod", "eu", broker_url=broker.url,
    )  # fmt: skip
    # --auto-create-version makes a version that does not exist yet
    pact(
        "broker", "create-version-tag", "--pacticipant", app, "--version", "3.2.0",
        "--tag", "beta", "--auto-create-version", broker_url=broker.url,
    )  # fmt: skip

    _, described = pact_json(
        "broker", "describe-version", "--pacticipant", app, "--version", "3.1.0",
        broker_url=broker.url,
    )  # fmt: skip
    assert described["number"] == "3.1.0"
    assert [t["name"] for t in described["_embedded"]["tags"]] == ["prod", "eu"]
    assert [b["name"] for b in described["_embedded"]["branchVersions"]] == ["feat/x"]

    _, latest_prod = pact_json(
        "broker", "describe-version", "--pacticipant", app, "--latest", "prod",
        broker_url=broker.url,
    )  # fmt: skip
    assert latest_prod["number"] == "3.1.0"
    _, latest = pact_json("broker", "describe-version", "--pacticipant", app, broker_url=broker.url)
    assert latest["number"] == "3.2.0"
    assert [t["name"] for t in latest["_embedded"]["tags"]] == ["beta"]

    unknown = pact(
        "broker", "describe-version", "--pacticipant", app, "--version", "9.9.9",
        broker_url=broker.url, check=False,
    )  # fmt: skip
    assert unknown.returncode != 0 or "not found" in (unknown.stdout + unknown.stderr).lower()

    deleted = pact(
        "broker", "delete-branch", "--pacticipant", app, "--branch", "feat/x",
        broker_url=broker.url,
    )  # fmt: skip
    assert "Successfully deleted branch 'feat/x'" in deleted.stdout
    assert broker.get(f"/pacticipants/{q(app)}/branches/{q('feat/x')}").status_code == 404
    # the branch goes, the version and its pact stay
    assert broker.get(f"/pacticipants/{q(app)}/versions/3.1.0").status_code == 200
    assert broker.pact(provider, app, "3.1.0")["consumer"]["name"] == app

    again = pact(
        "broker", "delete-branch", "--pacticipant", app, "--branch", "feat/x",
        "--error-when-not-found", "true", broker_url=broker.url, check=False,
    )  # fmt: skip
    assert again.returncode != 0 and "not found" in again.stdout


@pytest.mark.parametrize("command", ["list-environments", "list-pacticipants"])
def test_list_commands_read_the_broker(broker: BrokerClient, names: Names, command: str) -> None:
    env = names("staging")
    broker.environment(env)
    broker.put(f"/pacticipants/{q(names('Listed'))}", {})
    _, data = pact_json("broker", command, broker_url=broker.url)
    key = "environments" if command == "list-environments" else "pacticipants"
    listed = [item["name"] for item in data["_embedded"][key]]
    assert (env if key == "environments" else names("Listed")) in listed
