"""Environments, deployments (and undeployment), releases (and support ending)."""

from __future__ import annotations

from tests.broker.support import BrokerClient, Names, message_pact, q


def test_environment_crud_and_both_list_forms(broker: BrokerClient, names: Names) -> None:
    name = names("test")
    created = broker.post(
        "/environments",
        {
            "name": name,
            "displayName": "Test",
            "production": False,
            "contacts": [{"name": "team", "details": {"slack": "#x"}}],
        },
    )
    assert created.status_code == 201
    env = created.json()
    assert env["production"] is False and env["contacts"][0]["name"] == "team"
    for rel in (
        "self",
        "pb:currently-deployed-deployed-versions",
        "pb:currently-supported-released-versions",
    ):
        assert env["_links"][rel]["href"].startswith(broker.url)
    listing = broker.get("/environments").json()
    assert any(e["name"] == name for e in listing["_embedded"]["environments"])
    assert any(link["name"] == name for link in listing["_links"]["pb:environments"])
    duplicate = broker.post("/environments", {"name": name, "production": True})
    assert (
        duplicate.status_code == 400 and "already exists" in duplicate.json()["errors"]["name"][0]
    )
    assert broker.post("/environments", {"name": "has space"}).status_code == 400
    updated = broker.put(f"/environments/{env['uuid']}", {"name": name, "production": True})
    assert updated.status_code == 200 and updated.json()["production"] is True
    assert broker.http.delete(f"/environments/{env['uuid']}").status_code == 204
    assert broker.get(f"/environments/{env['uuid']}").status_code == 404


def test_record_deployment_and_undeployment(broker: BrokerClient, names: Names) -> None:
    foo, env_name = names("Foo"), names("prod")
    env = broker.environment(env_name, production=True)
    broker.publish(foo, "1", [message_pact(foo, names("Bar"))])
    broker.publish(foo, "2", [message_pact(foo, names("Bar"))])
    version = broker.get(f"/pacticipants/{foo}/versions/1").json()
    [record] = [
        link for link in version["_links"]["pb:record-deployment"] if link["name"] == env_name
    ]
    first = broker.http.post(record["href"], json={})
    assert first.status_code == 201
    deployed = first.json()
    assert (
        deployed["currentlyDeployed"] is True
        and deployed["_embedded"]["pacticipant"]["name"] == foo
    )
    again = broker.http.post(record["href"], json={})
    assert again.json()["uuid"] == deployed["uuid"]  # idempotent

    current = broker.get(
        f"/environments/{env}/deployed-versions/currently-deployed", params={"pacticipant": foo}
    ).json()
    assert [
        d["_embedded"]["version"]["number"] for d in current["_embedded"]["deployedVersions"]
    ] == ["1"]
    broker.deploy(foo, "2", env)  # replaces version 1
    broker.deploy(foo, "1", env, instance="canary")  # a second instance coexists
    current = broker.get(
        f"/environments/{env}/deployed-versions/currently-deployed", params={"pacticipant": foo}
    ).json()
    assert sorted(
        (d["_embedded"]["version"]["number"], d["applicationInstance"])
        for d in current["_embedded"]["deployedVersions"]
    ) == [("1", "canary"), ("2", None)]
    assert broker.get(f"/deployed-versions/{deployed['uuid']}").json()["currentlyDeployed"] is False

    [canary] = [
        d for d in current["_embedded"]["deployedVersions"] if d["applicationInstance"] == "canary"
    ]
    undeployed = broker.http.patch(
        canary["_links"]["self"]["href"],
        json={"currentlyDeployed": False},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert undeployed.status_code == 200
    assert undeployed.json()["currentlyDeployed"] is False and undeployed.json()["undeployedAt"]
    current = broker.get(
        f"/environments/{env}/deployed-versions/currently-deployed", params={"pacticipant": foo}
    ).json()
    assert [
        d["_embedded"]["version"]["number"] for d in current["_embedded"]["deployedVersions"]
    ] == ["2"]


def test_record_release_and_support_ended(broker: BrokerClient, names: Names) -> None:
    app, env_name = names("MobileApp"), names("app-store")
    env = broker.environment(env_name)
    for number in ("1", "2"):
        broker.put(f"/pacticipants/{app}/versions/{number}", {})
        released = broker.release(app, number, env)
        assert released["currentlySupported"] is True
    supported = broker.get(
        f"/environments/{env}/released-versions/currently-supported", params={"pacticipant": app}
    ).json()
    releases = supported["_embedded"]["releasedVersions"]
    assert sorted(r["_embedded"]["version"]["number"] for r in releases) == ["1", "2"]
    one = next(r for r in releases if r["_embedded"]["version"]["number"] == "1")
    ended = broker.http.patch(one["_links"]["self"]["href"], json={"currentlySupported": False})
    assert ended.status_code == 200 and ended.json()["currentlySupported"] is False
    supported = broker.get(
        f"/environments/{env}/released-versions/currently-supported", params={"pacticipant": app}
    ).json()
    assert [
        r["_embedded"]["version"]["number"] for r in supported["_embedded"]["releasedVersions"]
    ] == ["2"]


def test_deploying_to_an_unknown_environment_or_version_is_404(
    broker: BrokerClient, names: Names
) -> None:
    foo = names("Foo")
    env = broker.environment(names("env"))
    assert (
        broker.post(
            f"/pacticipants/{foo}/versions/1/deployed-versions/environment/{env}", {}
        ).status_code
        == 404
    )
    broker.put(f"/pacticipants/{q(foo)}/versions/1", {})
    assert (
        broker.post(
            f"/pacticipants/{foo}/versions/1/deployed-versions/environment/nope", {}
        ).status_code
        == 404
    )
