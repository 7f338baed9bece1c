"""``/pacts/provider/{p}/for-verification``: selectors, de-duplication, pending and WIP."""

from __future__ import annotations

from typing import Any

import pytest

from tests.broker.support import BrokerClient, Names, message_pact


def picked(body: dict[str, Any]) -> list[str]:
    """The pact names ("Pact between C (v) and P") selected, in response order."""
    return [p["_links"]["self"]["name"] for p in body["_embedded"]["pacts"]]


def title(consumer: str, version: str, provider: str) -> str:
    return f"Pact between {consumer} ({version}) and {provider}"


@pytest.fixture
def world(broker: BrokerClient, names: Names) -> dict[str, str]:
    """C1: 1 (main, tag prod), 2 (main), 3 (feat/x, tag dev); C2: 1 (master). One env."""
    p, c1, c2 = names("Provider"), names("Consumer1"), names("Consumer2")
    broker.publish(c1, "1", [message_pact(c1, p, "one")], branch="main", tags=["prod"])
    broker.publish(c1, "2", [message_pact(c1, p, "two")], branch="main")
    broker.publish(c1, "3", [message_pact(c1, p, "three")], branch="feat/x", tags=["dev"])
    broker.publish(c2, "1", [message_pact(c2, p, "c2")], branch="master")
    env = names("staging")
    return {"p": p, "c1": c1, "c2": c2, "env": env, "env_uuid": broker.environment(env)}


def test_get_gives_the_self_link_verifiers_post_to(
    broker: BrokerClient, world: dict[str, str]
) -> None:
    response = broker.get(f"/pacts/provider/{world['p']}/for-verification")
    assert response.status_code == 200
    assert response.json()["_links"]["self"]["href"].endswith(
        f"/pacts/provider/{world['p']}/for-verification"
    )


def test_branch_selectors(broker: BrokerClient, world: dict[str, str]) -> None:
    p, c1, c2 = world["p"], world["c1"], world["c2"]
    assert picked(
        broker.for_verification(p, {"consumerVersionSelectors": [{"mainBranch": True}]})
    ) == [
        title(c1, "2", p),
        title(c2, "1", p),
    ]
    body = broker.for_verification(p, {"consumerVersionSelectors": [{"branch": "feat/x"}]})
    assert picked(body) == [title(c1, "3", p)]
    assert (
        body["_embedded"]["pacts"][0]["shortDescription"] == "latest version from branch 'feat/x'"
    )
    fallback = {
        "consumerVersionSelectors": [{"branch": "nope", "fallbackBranch": "main", "consumer": c1}]
    }
    assert picked(broker.for_verification(p, fallback)) == [title(c1, "2", p)]
    every_branch = {"consumerVersionSelectors": [{"branch": True, "latest": True}]}
    assert set(picked(broker.for_verification(p, every_branch))) == {
        title(c1, "2", p),
        title(c1, "3", p),
        title(c2, "1", p),
    }
    matching = {
        "providerVersionBranch": "feat/x",
        "consumerVersionSelectors": [{"matchingBranch": True}],
    }
    assert picked(broker.for_verification(p, matching)) == [title(c1, "3", p)]


def test_tag_and_latest_selectors(broker: BrokerClient, world: dict[str, str]) -> None:
    p, c1, c2 = world["p"], world["c1"], world["c2"]
    broker.tag(c1, "2", "prod")
    latest_prod = broker.for_verification(
        p, {"consumerVersionSelectors": [{"tag": "prod", "latest": True}]}
    )
    assert picked(latest_prod) == [title(c1, "2", p)]
    all_prod = broker.for_verification(p, {"consumerVersionSelectors": [{"tag": "prod"}]})
    assert picked(all_prod) == [title(c1, "1", p), title(c1, "2", p)]
    fallback = {
        "consumerVersionSelectors": [{"tag": "missing", "latest": True, "fallbackTag": "dev"}]
    }
    assert picked(broker.for_verification(p, fallback)) == [title(c1, "3", p)]
    overall = broker.for_verification(p, {"consumerVersionSelectors": [{"latest": True}]})
    assert picked(overall) == [title(c1, "3", p), title(c2, "1", p)]
    one_consumer = {"consumerVersionSelectors": [{"latest": True, "consumer": c2}]}
    assert picked(broker.for_verification(p, one_consumer)) == [title(c2, "1", p)]


def test_environment_selectors(broker: BrokerClient, world: dict[str, str]) -> None:
    p, c1, env, env_uuid = world["p"], world["c1"], world["env"], world["env_uuid"]
    broker.deploy(c1, "1", env_uuid)
    broker.release(c1, "2", env_uuid)

    def sel(s: dict[str, Any]) -> list[str]:
        return picked(broker.for_verification(p, {"consumerVersionSelectors": [s]}))

    assert sel({"deployed": True, "environment": env}) == [title(c1, "1", p)]
    assert sel({"released": True, "environment": env}) == [title(c1, "2", p)]
    assert sel({"deployedOrReleased": True}) == [title(c1, "1", p), title(c1, "2", p)]
    assert sel({"environment": env}) == [title(c1, "1", p), title(c1, "2", p)]
    broker.deploy(c1, "3", env_uuid)  # replaces 1 in the same (default) instance
    assert sel({"deployed": True, "environment": env}) == [title(c1, "3", p)]


def test_the_same_content_is_verified_once_with_every_reason(
    broker: BrokerClient, names: Names
) -> None:
    p, c = names("Provider"), names("Consumer")
    env_name = names("prod")
    env = broker.environment(env_name)
    broker.publish(c, "1", [message_pact(c, p, "same")], branch="main")
    broker.deploy(c, "1", env)
    broker.publish(c, "2", [message_pact(c, p, "same")], branch="main")
    body = broker.for_verification(
        p, {"consumerVersionSelectors": [{"mainBranch": True}, {"deployedOrReleased": True}]}
    )
    [entry] = body["_embedded"]["pacts"]
    assert entry["_links"]["self"]["name"] == title(c, "2", p)
    assert (
        entry["shortDescription"]
        == "latest version from main branch, currently deployed or released versions"
    )
    text = entry["verificationProperties"]["notices"][0]["text"]
    assert "(2)" in text and "(1)" in text
    assert "pending" not in entry["verificationProperties"]


def test_default_selection(broker: BrokerClient, world: dict[str, str]) -> None:
    p, c1, c2 = world["p"], world["c1"], world["c2"]
    broker.deploy(c1, "1", world["env_uuid"])
    assert picked(broker.for_verification(p, {})) == [
        title(c1, "1", p),
        title(c1, "2", p),
        title(c2, "1", p),
    ]


def entry_for(body: dict[str, Any], name: str) -> dict[str, Any]:
    return next(p for p in body["_embedded"]["pacts"] if p["_links"]["self"]["name"] == name)


def test_pending_follows_successful_verifications_from_the_provider_branch(
    broker: BrokerClient, names: Names
) -> None:
    p, c = names("Provider"), names("Consumer")
    broker.publish(c, "1", [message_pact(c, p, "a")], branch="main")
    query = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "includePendingStatus": True,
        "providerVersionBranch": "main",
    }
    [entry] = broker.for_verification(p, query)["_embedded"]["pacts"]
    properties = entry["verificationProperties"]
    assert properties["pending"] is True
    whens = [n["when"] for n in properties["notices"]]
    assert whens.count("before_verification") == 2 and len(whens) == 6
    assert all(isinstance(n["text"], str) for n in properties["notices"])

    pact = broker.http.get(entry["_links"]["self"]["href"]).json()
    broker.branch(p, "100", "main")
    broker.verify(pact, "100", success=False)
    assert (
        broker.for_verification(p, query)["_embedded"]["pacts"][0]["verificationProperties"][
            "pending"
        ]
        is True
    )
    broker.branch(p, "101", "other")  # a success on another, existing branch does not count
    broker.verify(pact, "101", success=True)
    assert (
        broker.for_verification(p, query)["_embedded"]["pacts"][0]["verificationProperties"][
            "pending"
        ]
        is True
    )
    broker.branch(p, "102", "main")
    broker.verify(pact, "102", success=True)
    assert (
        broker.for_verification(p, query)["_embedded"]["pacts"][0]["verificationProperties"][
            "pending"
        ]
        is False
    )
    # a provider branch created later inherits the earlier success
    new_branch = dict(query, providerVersionBranch="feature-later")
    assert (
        broker.for_verification(p, new_branch)["_embedded"]["pacts"][0]["verificationProperties"][
            "pending"
        ]
        is False
    )
    # the stored verification remembers that it was made while the pact was pending
    results = broker.http.get(pact["_links"]["pb:latest-verification-results"]["href"]).json()
    assert results["providerApplicationVersion"] == "102"


def test_pending_by_provider_tags(broker: BrokerClient, names: Names) -> None:
    p, c = names("Provider"), names("Consumer")
    broker.publish(c, "1", [message_pact(c, p, "a")], branch="main")
    query = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "includePendingStatus": True,
        "providerVersionTags": ["dev"],
    }
    assert (
        broker.for_verification(p, query)["_embedded"]["pacts"][0]["verificationProperties"][
            "pending"
        ]
        is True
    )
    broker.tag(p, "7", "dev")
    broker.verify(broker.pact(p, c, "1"), "7")
    assert (
        broker.for_verification(p, query)["_embedded"]["pacts"][0]["verificationProperties"][
            "pending"
        ]
        is False
    )


def test_wip_pacts(broker: BrokerClient, names: Names) -> None:
    p, c = names("Provider"), names("Consumer")
    broker.publish(c, "1", [message_pact(c, p, "main")], branch="main")
    broker.publish(c, "2", [message_pact(c, p, "feature")], branch="feat")
    query = {
        "consumerVersionSelectors": [{"mainBranch": True}],
        "includePendingStatus": True,
        "includeWipPactsSince": "2000-01-01",
        "providerVersionBranch": "main",
    }
    body = broker.for_verification(p, query)
    assert picked(body) == [title(c, "1", p), title(c, "2", p)]
    wip = entry_for(body, title(c, "2", p))["verificationProperties"]
    assert wip["wip"] is True and wip["pending"] is True
    assert "wip" not in entry_for(body, title(c, "1", p))["verificationProperties"]

    # no WIP without a provider branch or tags, or for pacts older than the date
    assert picked(broker.for_verification(p, {**query, "providerVersionBranch": None})) == [
        title(c, "1", p)
    ]
    assert picked(broker.for_verification(p, {**query, "includeWipPactsSince": "2999-01-01"})) == [
        title(c, "1", p)
    ]

    # a successful verification in WIP mode keeps it WIP; one outside WIP mode ends it
    wip_href = entry_for(body, title(c, "2", p))["_links"]["self"]["href"]
    wip_pact = broker.http.get(wip_href).json()
    assert "/metadata/" in wip_pact["_links"]["pb:publish-verification-results"]["href"]
    broker.branch(p, "1", "main")
    broker.verify(wip_pact, "1")
    assert title(c, "2", p) in picked(broker.for_verification(p, query))
    broker.verify(broker.pact(p, c, "2"), "1")
    assert picked(broker.for_verification(p, query)) == [title(c, "1", p)]


@pytest.mark.parametrize(
    ("selector", "message"),
    [
        ({"mainBranch": True, "tag": "x"}, "mainBranch can only be combined"),
        ({"environment": "no-such-env"}, "does not exist"),
        ({"consumer": "Foo"}, "must specify a value"),
        ({"tag": "x", "branch": "y"}, "tag cannot be combined with branch"),
        ({"deployed": True, "released": True}, "mutually exclusive"),
        ({"fallbackTag": "x", "tag": "y"}, "fallbackTag"),
        ({"matchingBranch": True}, "providerVersionBranch"),
        ({"branch": "main", "environment": "x"}, "cannot be combined with environment"),
    ],
)
def test_invalid_selectors_are_400(
    broker: BrokerClient, world: dict[str, str], selector: dict[str, Any], message: str
) -> None:
    body = broker.for_verification(world["p"], {"consumerVersionSelectors": [selector]}, expect=400)
    assert message in " ".join(body["errors"]["consumerVersionSelectors[0]"])


def test_empty_provider_branch_with_pending_is_400(
    broker: BrokerClient, world: dict[str, str]
) -> None:
    body = broker.for_verification(
        world["p"], {"includePendingStatus": True, "providerVersionBranch": ""}, expect=400
    )
    assert body["errors"]["providerVersionBranch"][0].startswith(
        "when pending or WIP pacts are enabled"
    )
