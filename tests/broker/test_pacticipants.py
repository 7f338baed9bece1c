"""Pacticipants, versions, branches and tags."""

from __future__ import annotations

from tests.broker.support import BrokerClient, Names, message_pact, q


def test_create_read_update_delete_pacticipant(broker: BrokerClient, names: Names) -> None:
    foo = names("Foo")
    assert broker.get(f"/pacticipants/{foo}").status_code == 404
    created = broker.post(
        "/pacticipants", {"name": foo, "mainBranch": "trunk", "repositoryUrl": "https://git/foo"}
    )
    assert created.status_code == 201
    doc = created.json()
    assert doc["mainBranch"] == "trunk" and doc["repositoryUrl"] == "https://git/foo"
    for rel in ("pb:version-tag", "pb:branch-version", "pb:versions", "pb:branches"):
        assert rel in doc["_links"]
    assert broker.post("/pacticipants", {"name": foo}).status_code == 409
    patched = broker.http.patch(
        f"/pacticipants/{foo}",
        json={"displayName": "The Foo"},
        headers={"Content-Type": "application/merge-patch+json"},
    )
    assert patched.json()["displayName"] == "The Foo" and patched.json()["mainBranch"] == "trunk"
    listing = broker.get("/pacticipants").json()
    assert foo in {p["name"] for p in listing["_embedded"]["pacticipants"]}
    assert foo in {p["name"] for p in listing["pacticipants"]}
    new = names("Created-By-Patch")
    assert broker.http.patch(f"/pacticipants/{new}", json={}).status_code == 201
    assert broker.http.delete(f"/pacticipants/{foo}").status_code == 204
    assert broker.get(f"/pacticipants/{foo}").status_code == 404


def test_versions_tags_and_latest(broker: BrokerClient, names: Names) -> None:
    foo = names("Foo")
    created = broker.put(
        f"/pacticipants/{foo}/versions/1",
        {"buildUrl": "http://ci/1", "branch": "main", "tags": ["dev"]},
    )
    assert created.status_code == 201
    assert broker.put(f"/pacticipants/{foo}/versions/1", {}).status_code == 200
    tag = broker.put(f"/pacticipants/{foo}/versions/2/tags/prod", {"name": "prod"})
    assert tag.status_code == 201 and tag.json()["name"] == "prod"
    assert broker.put(f"/pacticipants/{foo}/versions/2/tags/prod", {}).status_code == 200
    assert broker.get(f"/pacticipants/{foo}/versions/2/tags/prod").status_code == 200
    assert broker.get(f"/pacticipants/{foo}/latest-version").json()["number"] == "2"
    assert broker.get(f"/pacticipants/{foo}/latest-version/dev").json()["number"] == "1"
    assert broker.get(f"/pacticipants/{foo}/latest-version/nope").status_code == 404
    versions = broker.get(f"/pacticipants/{foo}/versions").json()
    assert [v["number"] for v in versions["_embedded"]["versions"]] == ["2", "1"]
    v1 = broker.get(f"/pacticipants/{foo}/versions/1").json()
    assert v1["buildUrl"] == "http://ci/1" and v1["branch"] == "main"
    assert broker.http.delete(f"/pacticipants/{foo}/versions/2/tags/prod").status_code == 204
    assert broker.get(f"/pacticipants/{foo}/versions/2/tags/prod").status_code == 404
    assert broker.http.delete(f"/pacticipants/{foo}/versions/2").status_code == 204
    assert broker.get(f"/pacticipants/{foo}/versions/2").status_code == 404


def test_tagging_creates_the_pacticipant_and_version(broker: BrokerClient, names: Names) -> None:
    condor = names("Condor")
    assert broker.put(f"/pacticipants/{condor}/versions/1.2.3/tags/prod", {}).status_code == 201
    assert broker.get(f"/pacticipants/{condor}/versions/1.2.3").status_code == 200


def test_branches_and_deleting_one_keeps_the_versions(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar)], branch="main")
    broker.publish(foo, "2", [message_pact(foo, bar, "b")], branch="feat/x")
    added = broker.put(
        f"/pacticipants/{q(foo)}/branches/{q('feat/x')}/versions/3", {"name": "feat/x"}
    )
    assert added.status_code == 201
    assert (
        broker.put(f"/pacticipants/{q(foo)}/branches/{q('feat/x')}/versions/3", {}).status_code
        == 200
    )
    branches = broker.get(f"/pacticipants/{foo}/branches").json()
    assert {b["name"] for b in branches["_embedded"]["branches"]} == {"main", "feat/x"}
    on_branch = broker.get(f"/pacticipants/{q(foo)}/branches/{q('feat/x')}/versions").json()
    assert [v["number"] for v in on_branch["_embedded"]["versions"]] == ["3", "2"]
    assert (
        broker.get(f"/pacticipants/{q(foo)}/branches/{q('feat/x')}/latest-version").json()["number"]
        == "3"
    )
    assert (
        broker.get(f"/pacticipants/{q(foo)}/branches/{q('feat/x')}/versions/2").status_code == 200
    )

    deleted = broker.http.delete(f"/pacticipants/{q(foo)}/branches/{q('feat/x')}")
    assert deleted.status_code == 204 and "content-type" not in deleted.headers
    assert broker.get(f"/pacticipants/{q(foo)}/branches/{q('feat/x')}").status_code == 404
    assert broker.get(f"/pacticipants/{foo}/versions/2").status_code == 200
    assert broker.get(f"/pacts/provider/{bar}/consumer/{foo}/version/2").status_code == 200
    assert broker.http.delete(f"/pacticipants/{q(foo)}/branches/nope").status_code == 404
    selected = broker.for_verification(bar, {"consumerVersionSelectors": [{"branch": "feat/x"}]})
    assert selected["_embedded"]["pacts"] == []


def test_main_branch_is_detected_from_the_first_candidate(
    broker: BrokerClient, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar)], branch="feature")
    assert broker.get(f"/pacticipants/{foo}").json()["mainBranch"] is None
    broker.publish(foo, "2", [message_pact(foo, bar, "b")], branch="master")
    broker.publish(foo, "3", [message_pact(foo, bar, "c")], branch="develop")
    assert broker.get(f"/pacticipants/{foo}").json()["mainBranch"] == "master"


def test_integrations_list_and_delete(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar)])
    listed = broker.get("/integrations").json()["_embedded"]["integrations"]
    assert any(i["consumer"]["name"] == foo and i["provider"]["name"] == bar for i in listed)
    assert broker.http.delete(f"/integrations/provider/{bar}/consumer/{foo}").status_code == 204
    listed = broker.get("/integrations").json()["_embedded"]["integrations"]
    assert not any(i["consumer"]["name"] == foo for i in listed)
    assert broker.get(f"/pacts/provider/{bar}/consumer/{foo}/latest").status_code == 404
