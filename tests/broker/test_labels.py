"""Pacticipant labels on a real server, on SQLite and PostgreSQL: adding, reading and removing
them, finding pacticipants by label, and webhooks scoped by a consumer or provider label,
which fire for whichever pacticipants carry the label when the event happens.

The broker and the loopback receiver are those of :mod:`tests.broker.test_webhooks` (the
broker there allowlists the receiver's loopback address and plain http).
"""

from __future__ import annotations

import time
from typing import Any

from tests.broker import test_webhooks
from tests.broker.support import BrokerClient, Names, message_pact, q
from tests.broker.test_webhooks import Receiver, create, hook, settled

# the webhook tests' fixtures: a broker allowlisting the loopback receiver, and the receiver
broker = test_webhooks.broker
receiver = test_webhooks.receiver


def label_url(pacticipant: str, label: str) -> str:
    return f"/pacticipants/{q(pacticipant)}/labels/{q(label)}"


def pacticipant(broker: BrokerClient, name: str) -> dict[str, Any]:
    response = broker.get(f"/pacticipants/{q(name)}")
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


def add_label(broker: BrokerClient, name: str, label: str) -> None:
    response = broker.put(label_url(name, label))
    assert response.status_code in (200, 201), response.text


def with_label(broker: BrokerClient, label: str) -> list[str]:
    response = broker.get(f"/pacticipants/label/{q(label)}")
    assert response.status_code == 200, response.text
    return [p["name"] for p in response.json()["_embedded"]["pacticipants"]]


def test_put_get_delete_a_label(broker: BrokerClient, names: Names) -> None:
    foo = names("Foo")
    assert broker.post("/pacticipants", {"name": foo}).status_code == 201
    label = names("team/a b")  # a slash and a space survive as one path segment

    created = broker.put(label_url(foo, label))
    assert created.status_code == 201, created.text
    doc = created.json()
    assert doc["name"] == label and doc["createdAt"] and doc["updatedAt"]
    assert doc["_links"]["self"]["href"] == broker.url + label_url(foo, label)
    assert created.headers["Location"] == doc["_links"]["self"]["href"]
    assert doc["_links"]["pacticipant"]["name"] == foo

    again = broker.put(label_url(foo, label))
    assert again.status_code == 200 and again.json()["name"] == label
    fetched = broker.get(label_url(foo, label))
    assert fetched.status_code == 200 and fetched.json()["name"] == label

    body = pacticipant(broker, foo)
    assert [e["name"] for e in body["_embedded"]["labels"]] == [label]
    assert body["_embedded"]["labels"][0]["_links"]["self"]["href"].endswith(label_url(foo, label))
    templated = body["_links"]["pb:label"]
    assert templated["templated"] is True
    assert templated["href"] == broker.url + f"/pacticipants/{q(foo)}/labels/{{label}}"

    assert broker.http.delete(label_url(foo, label)).status_code == 204
    assert broker.get(label_url(foo, label)).status_code == 404
    assert broker.http.delete(label_url(foo, label)).status_code == 404
    assert pacticipant(broker, foo)["_embedded"]["labels"] == []


def test_a_label_needs_an_existing_pacticipant(
    broker: BrokerClient,
    names: Names,
) -> None:
    ghost = names("Ghost")
    for method in ("PUT", "GET", "DELETE"):
        response = broker.http.request(method, label_url(ghost, "ios"))
        assert response.status_code == 404, (method, response.text)
    assert broker.get(f"/pacticipants/{q(ghost)}").status_code == 404  # nothing auto-created


def test_finding_pacticipants_by_label(broker: BrokerClient, names: Names) -> None:
    foo, bar, baz = names("Foo"), names("Bar"), names("Baz")
    mobile, web = names("mobile"), names("web")
    for name in (foo, bar, baz):
        assert broker.post("/pacticipants", {"name": name}).status_code == 201
    add_label(broker, foo, mobile)
    add_label(broker, bar, mobile)
    add_label(broker, bar, web)

    assert with_label(broker, mobile) == sorted([foo, bar])
    assert with_label(broker, web) == [bar]
    assert with_label(broker, names("nobody")) == []
    embedded = broker.get(f"/pacticipants/label/{q(mobile)}").json()["_embedded"]
    by_name = {p["name"]: p for p in embedded["pacticipants"]}
    assert {e["name"] for e in by_name[bar]["_embedded"]["labels"]} == {mobile, web}

    listed = broker.get("/labels").json()["_embedded"]["labels"]
    label_names = [entry["name"] for entry in listed]
    assert label_names.count(mobile) == 1 and label_names.count(web) == 1
    assert label_names == sorted(label_names)

    everyone = broker.get("/pacticipants").json()["_embedded"]["pacticipants"]
    labels_of = {p["name"]: [e["name"] for e in p["_embedded"]["labels"]] for p in everyone}
    assert labels_of[foo] == [mobile] and labels_of[baz] == []

    # deleting a pacticipant takes its labels with it
    assert broker.http.delete(f"/pacticipants/{q(bar)}").status_code == 204
    assert with_label(broker, mobile) == [foo]
    assert web not in [
        entry["name"] for entry in broker.get("/labels").json()["_embedded"]["labels"]
    ]


# --- label-scoped webhooks -----------------------------------------------------------------

BODY = {
    "consumer": "${pactbroker.consumerName}",
    "consumerLabels": "${pactbroker.consumerLabels}",
    "providerLabels": "${pactbroker.providerLabels}",
}


def test_webhook_scoped_by_label_is_validated_and_shown(
    broker: BrokerClient,
    receiver: Receiver,
    names: Names,
) -> None:
    label = names("unused-label")  # no pacticipant needs to carry it yet
    both = broker.post(
        "/webhooks", hook(receiver.url("/v"), consumer={"name": names("Foo"), "label": label})
    )
    assert both.status_code == 400 and "consumer" in both.json()["errors"], both.text
    foo = names("Foo")
    assert broker.post("/pacticipants", {"name": foo}).status_code == 201
    in_path = broker.post(
        f"/webhooks/consumer/{q(foo)}", hook(receiver.url("/v"), consumer={"label": label})
    )
    assert in_path.status_code == 400 and "consumer.label" in in_path.json()["errors"]

    webhook = create(broker, hook(receiver.url("/v"), provider={"label": label}))
    assert webhook["provider"] == {"label": label} and "consumer" not in webhook
    link = webhook["_links"]["pb:providers"]
    assert link["name"] == label and link["href"].endswith(f"/pacticipants/label/{q(label)}")
    fetched = broker.http.get(webhook["_links"]["self"]["href"]).json()
    assert fetched["provider"] == {"label": label}

    # read, edit, PUT back: still scoped by the label
    fetched["description"] = "edited"
    updated = broker.http.put(webhook["_links"]["self"]["href"], json=fetched)
    assert updated.status_code == 200, updated.text
    assert updated.json()["provider"] == {"label": label}
    assert broker.http.delete(webhook["_links"]["self"]["href"]).status_code == 204


def test_webhook_scoped_by_consumer_label_fires_only_for_labelled_consumers(
    broker: BrokerClient,
    receiver: Receiver,
    names: Names,
) -> None:
    labelled, unlabelled, provider = names("Labelled"), names("Unlabelled"), names("Provider")
    label, provider_label = names("ios"), names("backend")
    path = f"/label-scoped/{labelled}"
    broker.publish(labelled, "0", [message_pact(labelled, provider)])
    broker.publish(unlabelled, "0", [message_pact(unlabelled, provider)])
    add_label(broker, labelled, label)
    add_label(broker, provider, provider_label)
    webhook = create(
        broker,
        {
            **hook(receiver.url(path), "contract_published", consumer={"label": label}),
            "request": {"method": "POST", "url": receiver.url(path), "body": BODY},
        },
    )
    assert webhook["consumer"] == {"label": label}

    # it applies to the labelled pair only
    def pact_webhooks(consumer: str) -> list[str]:
        response = broker.get(f"/pacts/provider/{q(provider)}/consumer/{q(consumer)}/webhooks")
        assert response.status_code == 200, response.text
        return [w["uuid"] for w in response.json()["_embedded"]["webhooks"]]

    assert webhook["uuid"] in pact_webhooks(labelled)
    assert webhook["uuid"] not in pact_webhooks(unlabelled)

    broker.publish(unlabelled, "1", [message_pact(unlabelled, provider)])
    broker.publish(labelled, "1", [message_pact(labelled, provider)])
    [sent] = receiver.wait_for(path, 1)
    assert sent.json() == {
        "consumer": labelled,
        "consumerLabels": label,
        "providerLabels": provider_label,
    }
    [done] = settled(broker, webhook, 1)
    assert (done["consumerName"], done["status"]) == (labelled, "success")
    time.sleep(0.3)  # the unlabelled consumer's publication had time to (wrongly) fire
    assert len(receiver.at(path)) == 1

    # the label counts as carried when the event fires: labelling later brings it in
    add_label(broker, unlabelled, label)
    broker.publish(unlabelled, "2", [message_pact(unlabelled, provider)])
    later = receiver.wait_for(path, 2)
    assert sorted(r.json()["consumer"] for r in later) == sorted([labelled, unlabelled])

    # and removing the label takes it out again
    assert broker.http.delete(label_url(unlabelled, label)).status_code == 204
    broker.publish(unlabelled, "3", [message_pact(unlabelled, provider)])
    broker.publish(labelled, "2", [message_pact(labelled, provider)])
    receiver.wait_for(path, 3)
    time.sleep(0.3)
    consumers = [r.json()["consumer"] for r in receiver.at(path)]
    assert consumers.count(labelled) == 2 and consumers.count(unlabelled) == 1

    # testing it by hand uses the newest pact of a pacticipant carrying the label
    executed = broker.http.post(webhook["_links"]["pb:execute"]["href"])
    assert executed.status_code == 200 and executed.json()["success"] is True, executed.text
    assert receiver.wait_for(path, 4)[-1].json()["consumer"] == labelled


def test_webhook_scoped_by_provider_label(
    broker: BrokerClient,
    receiver: Receiver,
    names: Names,
) -> None:
    consumer, labelled, other = names("Consumer"), names("Api"), names("Other")
    label = names("public-api")
    path = f"/provider-label/{labelled}"
    broker.publish(consumer, "0", [message_pact(consumer, labelled), message_pact(consumer, other)])
    add_label(broker, labelled, label)
    create(
        broker,
        {
            **hook(receiver.url(path), "contract_published", provider={"label": label}),
            "request": {
                "method": "POST",
                "url": receiver.url(path),
                "body": {"provider": "${pactbroker.providerName}"},
            },
        },
    )
    broker.publish(consumer, "1", [message_pact(consumer, labelled), message_pact(consumer, other)])
    receiver.wait_for(path, 1)
    time.sleep(0.3)
    assert [r.json()["provider"] for r in receiver.at(path)] == [labelled]
