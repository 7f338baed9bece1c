"""The official ``pact verifier`` (Rust, from pact-python-cli) fetching pacts for verification
from accord's broker and publishing results, then can-i-deploy reading them: the official CLI,
``accord can-i-deploy`` and :func:`accord.broker_client.operations.can_i_deploy`. On SQLite and
PostgreSQL.

One provider, ``Users``, is a real stdlib HTTP server. Its consumers' pacts are picked by
every kind of consumer version selector: ``mainBranch``, ``branch``, ``deployedOrReleased``,
``environment`` and ``tag`` + ``latest``; with ``--enable-pending`` a new pact that the
provider breaks is *pending* and does not fail the build, and with
``--include-wip-pacts-since`` an unselected feature-branch pact is verified as *work in
progress*. A message provider is verified through accord's message server.
"""

from __future__ import annotations

import io
import json
from contextlib import redirect_stdout
from pathlib import Path
from typing import Any

import pytest

from accord import Verifier
from accord.broker_client.http import BrokerClient as AccordBrokerClient
from accord.broker_client.operations import can_i_deploy as accord_can_i_deploy
from accord.cli import main as accord_main
from accord.provider.message_server import serve_messages
from tests.broker.support import BrokerClient, Names, q
from tests.broker_official.support import JsonProvider, pact, pact_json

USERS: dict[str, tuple[int, Any]] = {
    "/users/1": (200, {"id": 1, "name": "Billy"}),
    "/users/3": (200, {"id": 3, "name": "Mia"}),
    "/users/4": (200, {"id": 4, "name": "Ana"}),
    "/users/5": (200, {"id": 5, "name": "Joe"}),
    # /users/2 is missing: the pact that asks for it fails
}


def http_pact(consumer: str, provider: str, user_id: int) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "interactions": [
            {
                "description": f"a request for user {user_id}",
                "providerState": f"user {user_id} exists",
                "request": {"method": "GET", "path": f"/users/{user_id}"},
                "response": {
                    "status": 200,
                    "body": {"id": user_id, "name": "Billy"},
                    "matchingRules": {"$.body.name": {"match": "type"}},
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }


def verifier(
    broker: BrokerClient,
    provider: str,
    port: int,
    report: Path,
    *selectors: dict[str, Any],
    version: str,
    extra: tuple[str, ...] = (),
) -> tuple[int, str, dict[str, Any]]:
    """``pact verifier`` from the broker, publishing results; exit code, stdout, JSON report."""
    args = [
        "verifier",
        "--broker-url", broker.url,
        "--provider-name", provider,
        "--hostname", "127.0.0.1",
        "--port", str(port),
        "--enable-pending",
        "--provider-branch", "main",
        "--publish",
        "--provider-version", version,
        "--build-url", f"http://ci/{version}",
        "--json", str(report),
        "--no-colour",
        *extra,
    ]  # fmt: skip
    for selector in selectors:
        args += ["--consumer-version-selectors", json.dumps(selector)]
    result = pact(*args, check=False)
    return result.returncode, result.stdout, json.loads(report.read_text())


def matrix_rows(broker: BrokerClient, provider: str, version: str) -> dict[tuple[str, str], Any]:
    """(consumer, consumer version) -> verification success, for one provider version."""
    response = broker.matrix(
        f"q[][pacticipant]={q(provider)}&q[][version]={q(version)}&latestby=cvpv"
    )
    assert response.status_code == 200, response.text
    return {
        (row["consumer"]["name"], row["consumer"]["version"]["number"]): (
            row["verificationResult"] or {}
        ).get("success")
        for row in response.json()["matrix"]
        if row["provider"]["version"] and row["provider"]["version"]["number"] == version
    }


def verification_flags(broker: BrokerClient, consumer: str, number: str) -> dict[str, bool]:
    """How the broker stored the verification of one consumer version's pact."""
    row = {
        column: broker.scalar(
            f"SELECT v.{column} FROM verifications v "
            "JOIN pact_publications pp ON pp.pact_version_id = v.pact_version_id "
            "JOIN versions cv ON cv.id = pp.consumer_version_id "
            "JOIN pacticipants c ON c.id = cv.pacticipant_id "
            "WHERE c.name = :consumer AND cv.number = :number",
            consumer=consumer,
            number=number,
        )
        for column in ("pending", "wip")
    }
    return {column: bool(value) for column, value in row.items()}


def accord_cli_can_i_deploy(*args: str) -> tuple[int, dict[str, Any]]:
    out = io.StringIO()
    with redirect_stdout(out):
        code = accord_main(["can-i-deploy", *args, "--output", "json"])
    return code, json.loads(out.getvalue())


def test_selectors_pending_wip_publishing_and_can_i_deploy(
    broker: BrokerClient, names: Names, tmp_path: Path
) -> None:
    provider = names("Users")
    web, mobile, admin, kiosk = names("Web"), names("Mobile"), names("Admin"), names("Kiosk")
    stores, shops = names("stores"), names("shops")
    stores_uuid, shops_uuid = broker.environment(stores), broker.environment(shops)

    # Web: main (mainBranch selector), feat-x (branch selector; the provider breaks it), and
    # feat-wip (selected by nothing: a WIP pact)
    broker.publish(web, "w1", [http_pact(web, provider, 1)], branch="main")
    broker.publish(web, "w2", [http_pact(web, provider, 2)], branch="feat-x")
    broker.publish(web, "w3", [http_pact(web, provider, 5)], branch="feat-wip")
    # Mobile: deployed to stores (environment selector); Kiosk: released in shops
    # (deployedOrReleased); Admin: tagged prod (tag + latest selector, only the newest)
    broker.publish(mobile, "m1", [http_pact(mobile, provider, 3)])
    broker.deploy(mobile, "m1", stores_uuid)
    broker.publish(kiosk, "k1", [http_pact(kiosk, provider, 3)])
    broker.release(kiosk, "k1", shops_uuid)
    broker.publish(admin, "a1", [http_pact(admin, provider, 2)], tags=["prod"])
    broker.publish(admin, "a2", [http_pact(admin, provider, 4)], tags=["prod"])

    with JsonProvider(USERS) as users:
        code, out, report = verifier(
            broker,
            provider,
            users.port,
            tmp_path / "run1.json",
            {"mainBranch": True},
            {"branch": "feat-x"},
            {"deployedOrReleased": True},
            {"environment": stores},
            {"tag": "prod", "latest": True},
            version="1.0.0",
            extra=("--include-wip-pacts-since", "2020-01-01"),
        )
    # the only failure is pending: the build passes
    assert code == 0, out
    assert report["result"] is True
    assert report["errors"] == []
    [pending] = report["pendingErrors"]
    assert f"Verifying a pact between {web} and {provider}" in pending["interaction"]
    assert "a request for user 2" in pending["interaction"]
    assert "/users/1" in users.requests and "/users/5" in users.requests
    assert "/users/4" in users.requests  # a2, the latest prod Admin; not a1 (/users/2 once)
    assert users.requests.count("/users/2") == 1

    # the reasons the broker gave reached the verifier's output
    # the broker's reasons (notices) reached the verifier's output, one per selector
    assert "is being verified because the pact content belongs to the consumer version" in out
    for reason in (
        "latest version from main branch (w1)",
        "latest version from branch 'feat-x' (w2)",
        "currently deployed or released versions (k1)",
        f"currently deployed or released versions in {stores} (m1)",
        "latest version with tag prod (a2)",
    ):
        assert f"* {reason}" in out, reason
    assert (
        "is being verified because it is a 'work in progress' pact (ie. it is the pact for "
        f"the latest version of {web} from a branch or tag"
    ) in out
    assert f"This pact is in pending state for this version of {provider}" in out

    # the results are in the broker, on the provider version with its branch
    assert matrix_rows(broker, provider, "1.0.0") == {
        (web, "w1"): True,
        (web, "w2"): False,
        (web, "w3"): True,
        (mobile, "m1"): True,
        (kiosk, "k1"): True,
        (admin, "a2"): True,
    }
    version = broker.get(f"/pacticipants/{q(provider)}/versions/1.0.0").json()
    assert version["branch"] == "main"
    latest = broker.pact(provider, web, "w1")["_links"]["pb:latest-verification-results"]
    result = broker.http.get(latest["href"]).json()
    assert result["providerApplicationVersion"] == "1.0.0"
    assert result["success"] is True
    assert result["buildUrl"] == "http://ci/1.0.0"
    assert result["verifiedBy"]["implementation"] == "Pact-Rust"
    # results published on the pacts' URLs were recorded with their pending and WIP state
    assert [verification_flags(broker, web, n) for n in ("w1", "w2", "w3")] == [
        {"pending": True, "wip": False},
        {"pending": True, "wip": False},
        {"pending": True, "wip": True},
    ]

    # can-i-deploy reads those results: the official CLI ...
    broker.deploy(provider, "1.0.0", stores_uuid)
    code, data = pact_json(
        "broker", "can-i-deploy", "--pacticipant", provider, "--version", "1.0.0",
        "--to-environment", stores, broker_url=broker.url,
    )  # fmt: skip
    assert data["summary"]["deployable"] is True
    [row] = data["matrix"]
    assert (row["consumer"]["name"], row["verificationResult"]["success"]) == (mobile, True)
    for consumer_version, deployable in (("w1", True), ("w2", False)):
        text = pact(
            "broker", "can-i-deploy", "--pacticipant", web, "--version", consumer_version,
            "--to-environment", stores, broker_url=broker.url, check=False,
        )  # fmt: skip
        assert (text.returncode == 0) is deployable, text.stdout
        # ... accord's own CLI ...
        code, decided = accord_cli_can_i_deploy(
            "-a", web, "-e", consumer_version, "--to-environment", stores, "-b", broker.url
        )
        assert decided["summary"]["deployable"] is deployable
        assert (code == 0) is deployable
        # ... and accord's client library
        decision = accord_can_i_deploy(
            AccordBrokerClient(broker.url), web, version=consumer_version, to_environment=stores
        )
        assert decision.deployable is deployable
        [row] = decision.matrix
        assert row["provider"]["version"]["number"] == "1.0.0"
        assert row["verificationResult"]["success"] is deployable

    # a provider that breaks a pact it has verified before on its branch: not pending any
    # more, so the build fails; can-i-deploy says no for that provider version
    broken = dict(USERS, **{"/users/1": (200, {"id": 99, "name": "Billy"})})
    with JsonProvider(broken) as users:
        code, out, report = verifier(
            broker,
            provider,
            users.port,
            tmp_path / "run2.json",
            {"mainBranch": True},
            {"deployedOrReleased": True},
            version="1.0.1",
        )
    assert code != 0, out
    assert report["result"] is False
    assert report["pendingErrors"] == []
    [error] = report["errors"]
    assert "a request for user 1" in error["interaction"]
    assert any(m.get("path") == "$.id" for m in error["mismatch"]["mismatches"]), error
    assert "This pact is in pending state" not in out
    assert matrix_rows(broker, provider, "1.0.1") == {
        (web, "w1"): False,
        (mobile, "m1"): True,
        (kiosk, "k1"): True,
    }

    broker.deploy(web, "w1", stores_uuid)
    for provider_version, deployable in (("1.0.0", True), ("1.0.1", False)):
        code, data = pact_json(
            "broker", "can-i-deploy", "--pacticipant", provider, "--version", provider_version,
            "--to-environment", stores, broker_url=broker.url,
        )  # fmt: skip
        assert data["summary"]["deployable"] is deployable, data["summary"]
        decision = accord_can_i_deploy(
            AccordBrokerClient(broker.url), provider, version=provider_version,
            to_environment=stores,
        )  # fmt: skip
        assert decision.deployable is deployable


def test_tag_selectors_without_latest_take_every_tagged_version(
    broker: BrokerClient, names: Names, tmp_path: Path
) -> None:
    provider, app = names("Users"), names("App")
    broker.publish(app, "1", [http_pact(app, provider, 1)], tags=["beta"])
    broker.publish(app, "2", [http_pact(app, provider, 3)], tags=["beta"])
    broker.publish(app, "3", [http_pact(app, provider, 4)], tags=["alpha"])
    with JsonProvider(USERS) as users:
        code, out, _ = verifier(
            broker, provider, users.port, tmp_path / "r.json", {"tag": "beta"}, version="7"
        )
    assert code == 0, out
    assert sorted(users.requests) == ["/users/1", "/users/3"]
    assert matrix_rows(broker, provider, "7") == {(app, "1"): True, (app, "2"): True}


def message_pact(consumer: str, provider: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "messages": [
            {
                "description": "a user created event",
                "providerStates": [{"name": "a user exists", "params": {"id": 127}}],
                "contents": {"id": 127, "name": "Billy"},
                "matchingRules": {
                    "body": {"$.name": {"combine": "AND", "matchers": [{"match": "type"}]}}
                },
                "metadata": {"contentType": "application/json"},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


@pytest.mark.parametrize("produces_id", [127, "127"], ids=["compatible", "broken"])
def test_message_pacts_through_accords_message_server(
    broker: BrokerClient, names: Names, tmp_path: Path, produces_id: Any
) -> None:
    provider, consumer = names("UserEvents"), names("Notifier")
    env = names("live")
    broker.publish(consumer, "n1", [message_pact(consumer, provider)], branch="main")
    broker.deploy(consumer, "n1", broker.environment(env))

    events = Verifier(provider)
    seen: list[int] = []

    @events.state("a user exists")
    def user_exists(id: int) -> None:
        seen.append(id)

    @events.message("a user created event")
    def user_created() -> dict[str, Any]:
        return {"id": produces_id, "name": "Sally"}

    with serve_messages(events) as server:
        code, out, report = verifier(
            broker,
            provider,
            server.port,
            tmp_path / "r.json",
            {"deployedOrReleased": True},
            version="e1",
            extra=("--state-change-url", f"http://127.0.0.1:{server.port}/_pact/state"),
        )
    assert seen == [127]
    compatible = produces_id == 127
    # a brand-new pact is pending: even the broken provider's build passes
    assert code == 0, out
    assert report["result"] is True
    assert (report["pendingErrors"] == []) is compatible
    assert matrix_rows(broker, provider, "e1") == {(consumer, "n1"): compatible}
    decision = accord_can_i_deploy(
        AccordBrokerClient(broker.url), provider, version="e1", to_environment=env
    )
    assert decision.deployable is compatible
