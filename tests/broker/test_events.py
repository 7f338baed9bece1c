"""Listeners (where webhooks will plug in) hear about publications and verifications only
after the transaction that made them has committed, and never about failed requests."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

import pytest

from accord.broker import BackgroundServer, Settings
from accord.broker.events import BrokerEvent, ContractPublished, VerificationPublished
from tests.broker.support import BrokerClient, Names, message_pact


@pytest.fixture(scope="module")
def heard() -> list[BrokerEvent]:
    return []


@pytest.fixture(scope="module")
def listening_broker(database_url: str, heard: list[BrokerEvent]) -> Iterator[BrokerClient]:
    def listener(event: BrokerEvent) -> None:
        heard.append(event)

    def broken(event: BrokerEvent) -> None:
        raise RuntimeError("a listener bug must not break the broker")

    settings = Settings(database_url=database_url, listeners=(broken, listener))
    with BackgroundServer(settings) as server:
        client = BrokerClient(server.url, database_url)
        yield client
        client.close()


def _heard_within(
    heard: list[BrokerEvent], wanted: Callable[[BrokerEvent], bool], count: int
) -> list[BrokerEvent]:
    """The events ``wanted`` picks once ``count`` have arrived (or what came within 10 s).

    Events are delivered after the response is sent, so a client can get its answer a
    moment before the listener hears of it.
    """
    deadline = time.monotonic() + 10
    while True:
        found = [e for e in heard if wanted(e)]
        if len(found) >= count or time.monotonic() > deadline:
            return found
        time.sleep(0.01)


def test_publication_and_verification_events(
    listening_broker: BrokerClient, heard: list[BrokerEvent], names: Names
) -> None:
    broker = listening_broker
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar, "a")], branch="main", tags=["dev"])
    broker.publish(foo, "2", [message_pact(foo, bar, "a")])
    published = _heard_within(
        heard, lambda e: isinstance(e, ContractPublished) and e.consumer == foo, 2
    )
    assert [(e.consumer_version, e.content_changed) for e in published] == [
        ("1", True),
        ("2", False),
    ]
    assert published[0].branch == "main" and published[0].tags == ("dev",)
    assert published[0].pact_url.endswith(f"/pacts/provider/{bar}/consumer/{foo}/version/1")
    # the listener saw committed data: the pact it names can be fetched
    assert broker.http.get(published[0].pact_url).status_code == 200

    broker.verify(broker.pact(bar, foo, "1"), "7", success=False)
    [verified] = _heard_within(
        heard, lambda e: isinstance(e, VerificationPublished) and e.consumer == foo, 1
    )
    assert (verified.provider, verified.provider_version, verified.success) == (bar, "7", False)


def test_no_event_for_a_refused_write(
    listening_broker: BrokerClient, heard: list[BrokerEvent], names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    listening_broker.publish(foo, "1", [message_pact(foo, bar, "a")])
    _heard_within(heard, lambda e: getattr(e, "consumer", None) == foo, 1)
    before = len(heard)
    listening_broker.publish(foo, "1", [message_pact(foo, bar, "changed")], expect=409)
    time.sleep(0.2)  # long enough for an event that should not exist to arrive
    assert len(heard) == before
