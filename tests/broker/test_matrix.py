"""Verification results feed the matrix, and the matrix answers can-i-deploy with reasons."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

import pytest

from tests.broker.support import BrokerClient, Names, message_pact


@pytest.fixture
def pair(broker: BrokerClient, names: Names) -> dict[str, str]:
    foo, bar, env = names("Foo"), names("Bar"), names("prod")
    broker.publish(foo, "1", [message_pact(foo, bar, "a")], branch="main")
    return {
        "foo": foo,
        "bar": bar,
        "env": env,
        "env_uuid": broker.environment(env, production=True),
    }


def summary(body: dict[str, Any]) -> tuple[Any, str]:
    return body["summary"]["deployable"], body["summary"]["reason"]


def test_consumer_can_deploy_only_against_verified_provider_versions(
    broker: BrokerClient, pair: dict[str, str]
) -> None:
    foo, bar, env, env_uuid = pair["foo"], pair["bar"], pair["env"], pair["env_uuid"]
    deployable, reason = summary(broker.can_i_deploy(foo, "1", env))
    assert deployable is None
    assert (
        reason == f"There is no verified pact between version 1 of {foo} and the version of {bar} "
        f"currently deployed to {env} (no such version exists)"
    )

    pact = broker.pact(bar, foo, "1")
    broker.verify(pact, "10", success=True)
    broker.deploy(bar, "10", env_uuid)
    body = broker.can_i_deploy(foo, "1", env)
    assert summary(body) == (True, "All required verification results are published and successful")
    assert (
        body["summary"]["success"] == 1
        and body["summary"]["failed"] == 0
        and body["summary"]["unknown"] == 0
    )
    assert body["notices"] == [
        {
            "type": "success",
            "text": "All required verification results are published and successful",
        }
    ]
    [row] = body["matrix"]
    assert (
        row["consumer"]["version"]["number"] == "1" and row["provider"]["version"]["number"] == "10"
    )
    assert row["verificationResult"]["success"] is True
    assert row["provider"]["version"]["environments"][0]["name"] == env

    broker.deploy(bar, "11", env_uuid)  # replaces 10; not verified
    deployable, reason = summary(broker.can_i_deploy(foo, "1", env))
    assert deployable is None
    assert (
        reason == f"There is no verified pact between version 1 of {foo} and the version of {bar} "
        f"currently deployed to {env} (11)"
    )

    broker.verify(pact, "11", success=False)
    body = broker.can_i_deploy(foo, "1", env)
    assert summary(body) == (
        False,
        f"The verification for the pact between version 1 of {foo} and the version of {bar} "
        f"currently deployed to {env} (11) failed",
    )
    assert body["summary"]["failed"] == 1
    assert body["notices"][0]["type"] == "error"


def test_provider_must_have_verified_the_consumers_in_the_environment(
    broker: BrokerClient, pair: dict[str, str]
) -> None:
    foo, bar, env, env_uuid = pair["foo"], pair["bar"], pair["env"], pair["env_uuid"]
    broker.put(f"/pacticipants/{bar}/versions/20", {})
    assert summary(broker.can_i_deploy(bar, "20", env)) == (
        True,
        "There are no missing dependencies",
    )
    broker.deploy(foo, "1", env_uuid)
    deployable, reason = summary(broker.can_i_deploy(bar, "20", env))
    assert deployable is None
    assert (
        reason == f"There is no verified pact between the version of {foo} currently deployed to "
        f"{env} (1) and version 20 of {bar}"
    )
    broker.verify(broker.pact(bar, foo, "1"), "20")
    assert summary(broker.can_i_deploy(bar, "20", env))[0] is True


def test_republished_identical_content_is_already_verified(
    broker: BrokerClient, pair: dict[str, str]
) -> None:
    foo, bar, env, env_uuid = pair["foo"], pair["bar"], pair["env"], pair["env_uuid"]
    broker.verify(broker.pact(bar, foo, "1"), "10")
    broker.deploy(bar, "10", env_uuid)
    broker.publish(foo, "2", [message_pact(foo, bar, "a")])
    assert summary(broker.can_i_deploy(foo, "2", env))[0] is True
    broker.publish(foo, "3", [message_pact(foo, bar, "a", "new")])
    assert summary(broker.can_i_deploy(foo, "3", env))[0] is None


def test_every_co_resident_provider_version_is_judged(
    broker: BrokerClient, pair: dict[str, str]
) -> None:
    foo, bar, env, env_uuid = pair["foo"], pair["bar"], pair["env"], pair["env_uuid"]
    pact = broker.pact(bar, foo, "1")
    broker.verify(pact, "10", success=True)
    broker.verify(pact, "11", success=False)
    broker.deploy(bar, "10", env_uuid, instance="blue")
    broker.deploy(bar, "11", env_uuid, instance="green")
    body = broker.can_i_deploy(foo, "1", env)
    assert body["summary"]["deployable"] is False
    assert body["summary"]["success"] == 1 and body["summary"]["failed"] == 1
    assert (
        f"one of the versions of {bar} currently deployed to {env} (11)"
        in body["summary"]["reason"]
    )


def test_a_version_that_does_not_exist_is_a_no(broker: BrokerClient, pair: dict[str, str]) -> None:
    body = broker.can_i_deploy(pair["foo"], "999", pair["env"])
    assert summary(body) == (
        False,
        f"No pacts or verifications have been published for version 999 of {pair['foo']}",
    )


def test_unknown_pacticipant_or_environment_is_400(
    broker: BrokerClient, pair: dict[str, str], names: Names
) -> None:
    ghost = names("Ghost")
    response = broker.matrix(
        urlencode([("q[][pacticipant]", ghost), ("q[][version]", "1"), ("latestby", "cvpv")])
    )
    assert response.status_code == 400
    assert f"Pacticipant {ghost} not found" in str(response.json()["errors"])
    response = broker.get(
        "/can-i-deploy",
        params={"pacticipant": pair["foo"], "version": "1", "environment": "no-such-env"},
    )
    assert response.status_code == 400
    assert broker.get("/can-i-deploy", params={"pacticipant": pair["foo"]}).status_code == 400


def test_latestby_cvp_keeps_the_latest_provider_version_and_cvpv_keeps_each(
    broker: BrokerClient, pair: dict[str, str]
) -> None:
    foo, bar = pair["foo"], pair["bar"]
    pact = broker.pact(bar, foo, "1")
    broker.verify(pact, "1", success=False)
    broker.verify(pact, "2", success=False)
    broker.verify(pact, "2", success=True)  # a re-verification replaces the earlier result
    base = [("q[][pacticipant]", foo), ("q[][version]", "1")]
    cvp = broker.matrix(urlencode([*base, ("latestby", "cvp")])).json()
    assert [
        (r["provider"]["version"]["number"], r["verificationResult"]["success"])
        for r in cvp["matrix"]
    ] == [("2", True)]
    cvpv = broker.matrix(urlencode([*base, ("latestby", "cvpv")])).json()
    assert sorted(
        (r["provider"]["version"]["number"], r["verificationResult"]["success"])
        for r in cvpv["matrix"]
    ) == [("1", False), ("2", True)]
    assert cvpv["summary"]["deployable"] is False
    every = broker.matrix(urlencode(base)).json()
    assert len(every["matrix"]) == 3


def test_matrix_between_two_named_versions_and_the_client_query_forms(
    broker: BrokerClient, pair: dict[str, str]
) -> None:
    foo, bar = pair["foo"], pair["bar"]
    broker.tag(bar, "5", "prod")
    broker.branch(bar, "6", "main")
    pact = broker.pact(bar, foo, "1")
    broker.verify(pact, "5")
    broker.verify(pact, "6")
    # pact-broker can-i-deploy --pacticipant Foo --version 1 --pacticipant Bar --latest
    query = (
        f"q[][pacticipant]={foo}&q[][version]=1&q[][pacticipant]={bar}&q[][latest]=true"
        "&latestby=cvpv"
    )
    body = broker.matrix(query).json()
    assert body["summary"]["deployable"] is True
    assert [r["provider"]["version"]["number"] for r in body["matrix"]] == ["6"]
    # ... --to prod (tag), and percent-encoded brackets
    body = broker.matrix(
        f"q%5B%5D%5Bpacticipant%5D={foo}&q%5B%5D%5Bversion%5D=1&tag=prod&latestby=cvp&latest=true"
    ).json()
    assert body["summary"]["deployable"] is True
    assert [r["provider"]["version"]["number"] for r in body["matrix"]] == ["5"]
    # can-i-merge: against the main branch heads
    body = broker.matrix(
        f"q[][pacticipant]={foo}&q[][version]=1&latestby=cvp&latest=true&mainBranch=true"
    ).json()
    assert [r["provider"]["version"]["number"] for r in body["matrix"]] == ["6"]
    # no target: a warning recommends one
    body = broker.matrix(f"q[][pacticipant]={foo}&q[][version]=1&latestby=cvp&latest=true").json()
    assert any(n["type"] == "warning" and "environment" in n["text"] for n in body["notices"])


def test_ignored_pacticipants_are_listed_but_not_counted(
    broker: BrokerClient, pair: dict[str, str]
) -> None:
    foo, bar, env, env_uuid = pair["foo"], pair["bar"], pair["env"], pair["env_uuid"]
    broker.deploy(bar, "10", env_uuid)
    broker.verify(broker.pact(bar, foo, "1"), "10", success=False)
    response = broker.get(
        "/can-i-deploy",
        params=[("pacticipant", foo), ("version", "1"), ("environment", env), ("ignore[]", bar)],
    )
    body = response.json()
    assert body["summary"]["deployable"] is True
    assert body["summary"]["ignored"] == 1 and body["summary"]["failed"] == 0
    assert body["matrix"][0]["ignored"] is True
    assert any(n["text"].startswith("Ignoring: The verification") for n in body["notices"])
    query = urlencode(
        [
            ("q[][pacticipant]", foo),
            ("q[][version]", "1"),
            ("latestby", "cvpv"),
            ("environment", env),
            ("ignore[][pacticipant]", "Nobody-here"),
        ]
    )
    assert any("Cannot ignore" in n["text"] for n in broker.matrix(query).json()["notices"])


def test_results_are_attached_to_pact_content(broker: BrokerClient, pair: dict[str, str]) -> None:
    foo, bar = pair["foo"], pair["bar"]
    pact = broker.pact(bar, foo, "1")
    result = broker.verify(pact, "3")
    assert result["_links"]["self"]["href"].endswith(
        "/verification-results/" + result["_links"]["self"]["href"].rsplit("/", 1)[1]
    )
    assert (
        broker.http.get(result["_links"]["self"]["href"]).json()["providerApplicationVersion"]
        == "3"
    )
    latest = broker.http.get(pact["_links"]["pb:latest-verification-results"]["href"]).json()
    assert latest["success"] is True
    bad = broker.http.post(
        pact["_links"]["pb:publish-verification-results"]["href"], json={"success": "yes"}
    )
    assert bad.status_code == 400
    assert set(bad.json()["errors"]) == {"success", "providerApplicationVersion"}
    missing = broker.post(
        f"/pacts/provider/{bar}/consumer/{foo}/pact-version/0000/verification-results",
        {"success": True, "providerApplicationVersion": "1"},
    )
    assert missing.status_code == 404


def test_latest_results_for_a_consumer_version(broker: BrokerClient, pair: dict[str, str]) -> None:
    foo, bar = pair["foo"], pair["bar"]
    path = f"/verification-results/consumer/{foo}/version/1/latest"
    assert broker.get(path).json()["success"] is None
    broker.verify(broker.pact(bar, foo, "1"), "4", success=True)
    body = broker.get(path).json()
    assert body["success"] is True
    assert [r["providerApplicationVersion"] for r in body["_embedded"]["verificationResults"]] == [
        "4"
    ]
