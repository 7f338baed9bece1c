"""Publishing (``POST /contracts/publish`` and the older ``PUT``) and fetching pacts back."""

from __future__ import annotations

import json

from tests.broker.support import BrokerClient, Names, message_pact, q


def test_index_has_every_relation_clients_follow(broker: BrokerClient) -> None:
    links = broker.get("/").json()["_links"]
    for rel in (
        "pb:publish-pact",
        "pb:publish-contracts",
        "pb:provider-pacts-for-verification",
        "beta:provider-pacts-for-verification",
        "pb:pacticipant",
        "pb:pacticipant-version",
        "pb:pacticipant-version-tag",
        "pb:pacticipant-branch",
        "pb:pacticipant-branch-version",
        "pb:latest-version",
        "pb:latest-tagged-version",
        "pb:environments",
        "pb:latest-pact-versions",
        "pb:integrations",
    ):
        assert links[rel]["href"].startswith(broker.url), rel
    assert links["pb:pacticipant"]["templated"] is True


def test_publish_contracts_then_fetch_every_way(broker: BrokerClient, names: Names) -> None:
    foo, bar, baz = names("Foo"), names("Bar"), names("Baz")
    body = broker.publish(
        foo,
        "1.0.0",
        [message_pact(foo, bar, "a"), message_pact(foo, baz, "b")],
        branch="main",
        tags=["dev"],
    )
    assert [n["type"] for n in body["notices"]].count("success") == 2
    assert body["_embedded"]["version"]["number"] == "1.0.0"
    contracts = body["_links"]["pb:contracts"]
    assert {c["name"] for c in contracts} == {
        f"Pact between {foo} (1.0.0) and {bar}",
        f"Pact between {foo} (1.0.0) and {baz}",
    }
    for link in contracts:
        assert link["title"] == "Pact" and link["href"].startswith(broker.url)
    for log in body["logs"]:
        assert {"level", "message", "deprecationWarning"} <= set(log)

    pact = broker.pact(bar, foo, "1.0.0")
    assert pact["consumer"]["name"] == foo and pact["messages"][0]["description"] == "a"
    links = pact["_links"]
    for rel in (
        "pb:publish-verification-results",
        "pb:provider",
        "pb:consumer-version",
        "pb:pact-version",
    ):
        assert rel in links
    sha_href = links["pb:pact-version"]["href"]
    assert broker.http.get(sha_href).json()["messages"] == pact["messages"]
    for path in ("latest", "latest/dev", "branch/main/latest"):
        fetched = broker.get(f"/pacts/provider/{bar}/consumer/{foo}/{path}")
        assert fetched.status_code == 200, path
        assert fetched.json()["_links"]["pb:consumer-version"]["name"] == "1.0.0"
    assert broker.get(f"/pacts/provider/{bar}/consumer/{foo}/latest/prod").status_code == 404

    version = broker.get(f"/pacticipants/{foo}/versions/1.0.0").json()
    assert version["branch"] == "main"
    assert [t["name"] for t in version["_embedded"]["tags"]] == ["dev"]
    assert broker.get(f"/pacticipants/{foo}").json()["mainBranch"] == "main"


def test_latest_follows_creation_order_not_semver(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "2.0.0", [message_pact(foo, bar, "two")])
    broker.publish(foo, "1.9.0", [message_pact(foo, bar, "one-nine")])
    latest = broker.get(f"/pacts/provider/{bar}/consumer/{foo}/latest").json()
    assert latest["_links"]["pb:consumer-version"]["name"] == "1.9.0"


def test_old_put_creates_then_updates_and_patch_merges(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    url = f"/pacts/provider/{bar}/consumer/{foo}/version/1"
    first = broker.put(url, message_pact(foo, bar, "a"))
    assert first.status_code == 201, first.text
    assert broker.put(url, message_pact(foo, bar, "a")).status_code == 200
    merged = broker.http.patch(url, json=message_pact(foo, bar, "b"))
    assert merged.status_code == 200, merged.text
    assert [m["description"] for m in merged.json()["messages"]] == ["a", "b"]
    assert [m["description"] for m in broker.pact(bar, foo, "1")["messages"]] == ["a", "b"]


def test_identical_content_is_stored_once(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    pact = message_pact(foo, bar, "a", "b")
    broker.publish(foo, "1", [pact])
    reordered = dict(
        pact,
        messages=list(reversed(pact["messages"])),
        metadata={"pactSpecification": {"version": "3.0.0"}, "client": "x"},
    )
    broker.publish(foo, "2", [reordered])
    broker.publish(foo, "3", [message_pact(foo, bar, "c")])
    one, two = broker.pact(bar, foo, "1"), broker.pact(bar, foo, "2")
    assert one["_links"]["pb:pact-version"]["name"] == two["_links"]["pb:pact-version"]["name"]
    assert broker.count_rows("pact_versions", foo) == 2
    assert broker.count_rows("pact_publications", foo) == 3


def test_changing_published_content_is_refused_and_changes_nothing(
    broker: BrokerClient, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar, "a")])
    conflict = broker.publish(
        foo, "1", [message_pact(foo, bar, "changed")], tags=["new-tag"], expect=409
    )
    assert conflict["errors"]["contracts"]
    assert conflict["notices"][0]["type"] == "error"
    assert broker.pact(bar, foo, "1")["messages"][0]["description"] == "a"
    assert broker.count_rows("tags", foo) == 0
    # the same content again is fine
    broker.publish(foo, "1", [message_pact(foo, bar, "a")])


def test_merge_adds_interactions_and_refuses_conflicts(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar, "a")])
    broker.publish(foo, "1", [message_pact(foo, bar, "b")], merge=True)
    assert [m["description"] for m in broker.pact(bar, foo, "1")["messages"]] == ["a", "b"]
    broker.publish(
        foo, "1", [message_pact(foo, bar, "a", content={"other": True})], merge=True, expect=409
    )


def test_pact_lists_previous_distinct_and_diffs(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar, "a")])
    broker.publish(foo, "2", [message_pact(foo, bar, "a")])
    broker.publish(foo, "3", [message_pact(foo, bar, "a", "b")])
    pair = f"/pacts/provider/{bar}/consumer/{foo}"
    versions = broker.get(f"{pair}/versions").json()
    assert [
        p["_embedded"]["consumerVersion"]["number"] for p in versions["_embedded"]["pacts"]
    ] == ["3", "2", "1"]
    previous = broker.get(f"{pair}/version/3/previous-distinct").json()
    assert previous["_links"]["pb:consumer-version"]["name"] == "2"
    diff = broker.get(f"{pair}/version/3/diff/previous-distinct")
    assert diff.status_code == 200 and diff.headers["content-type"].startswith("text/plain")
    assert '+      "description": "b"' in diff.text
    latest = broker.get("/pacts/latest").json()
    mine = [p for p in latest["pacts"] if p["_embedded"]["consumer"]["name"] == foo]
    assert [p["_embedded"]["consumer"]["_embedded"]["version"]["number"] for p in mine] == ["3"]
    provider_latest = broker.get(f"/pacts/provider/{bar}/latest").json()
    assert [link["name"] for link in provider_latest["_links"]["pb:pacts"]] == [foo]


def test_stored_content_is_the_published_pact(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    pact = message_pact(foo, bar, "ünïcode ✓")
    broker.publish(foo, "1", [pact])
    fetched = broker.pact(bar, foo, "1")
    for key in ("consumer", "provider", "messages", "metadata"):
        assert fetched[key] == pact[key]
    assert json.loads(broker.get(f"/pacts/provider/{bar}/consumer/{foo}/version/1").content)[
        "createdAt"
    ]


def test_names_with_spaces_and_slashes_round_trip(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo Service"), names("Bar API")
    broker.publish(foo, "1/2 build", [message_pact(foo, bar, "a")], branch="feat/x", tags=["a b"])
    links = broker.pact(bar, foo, "1/2 build")["_links"]
    assert "%20" in links["self"]["href"] and "1%2F2%20build" in links["self"]["href"]
    assert broker.http.get(links["pb:consumer-version"]["href"]).json()["branch"] == "feat/x"
    branch = broker.get(f"/pacticipants/{q(foo)}/branches/feat%2Fx")
    assert branch.status_code == 200 and branch.json()["name"] == "feat/x"


def test_provider_states_of_the_latest_pacts(broker: BrokerClient, names: Names) -> None:
    foo, baz, bar = names("Foo"), names("Baz"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar, "a")], branch="main")
    broker.publish(baz, "1", [message_pact(baz, bar, "b")])
    body = broker.get(f"/pacts/provider/{bar}/provider-states").json()
    assert body["providerStates"] == [
        {"name": "a user exists", "params": {"id": 1}, "consumers": [foo, baz]}
    ]
