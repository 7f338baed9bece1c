"""Many clients publishing at once lose nothing: 20 threads × 50 publishes against one
server (each backend), and against two server processes sharing one PostgreSQL database."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.broker.processes import start_process, stop, wait_ready
from tests.broker.support import BrokerClient, Names, b64, message_pact

CLIENTS = 20
PUBLISHES = 50


def publish_body(consumer: str, provider: str, version: str, description: str) -> dict[str, object]:
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "tags": ["dev", f"build-{version}"],
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "content": b64(message_pact(consumer, provider, description)),
            }
        ],
    }


def hammer(urls: list[str], names: Names) -> tuple[list[str], str]:
    """20 clients × 50 publishes, spread over ``urls``; 5 consumers share one provider, and
    every client also publishes one shared version with identical content."""
    provider = names("Provider")

    def client(index: int) -> list[str]:
        consumer = names(f"Consumer{index % 5}")
        failures = []
        with httpx.Client(base_url=urls[index % len(urls)], timeout=60) as http:
            shared = http.post(
                "/contracts/publish", json=publish_body(consumer, provider, "shared", "same")
            )
            if shared.status_code != 200:
                failures.append(f"shared: {shared.status_code} {shared.text}")
            for n in range(PUBLISHES):
                version = f"{index}.{n}"
                response = http.post(
                    "/contracts/publish",
                    json=publish_body(consumer, provider, version, f"event {version}"),
                )
                if response.status_code != 200:
                    failures.append(f"{version}: {response.status_code} {response.text}")
        return failures

    with ThreadPoolExecutor(CLIENTS) as pool:
        failures = [f for result in pool.map(client, range(CLIENTS)) for f in result]
    return failures, provider


def check_nothing_lost(broker: BrokerClient, names: Names, provider: str) -> None:
    total = CLIENTS * PUBLISHES
    assert broker.count_rows("pact_publications", names.suffix) == total + 5
    assert broker.count_rows("pact_versions", names.suffix) == total + 5
    assert broker.count_rows("versions", names.suffix) == total + 5
    assert broker.count_rows("tags", names.suffix) == 2 * (total + 5)
    assert broker.count_rows("branches", names.suffix) == 5
    assert broker.count_rows("integrations", names.suffix) == 5
    assert (
        broker.scalar("SELECT count(*) FROM pacticipants WHERE name LIKE :p", p=f"%{names.suffix}")
        == 6
    )
    assert (
        broker.scalar(
            "SELECT count(*) FROM branch_versions bv JOIN pacticipants p "
            "ON p.id = bv.pacticipant_id WHERE p.name LIKE :p",
            p=f"%{names.suffix}",
        )
        == total + 5
    )
    selected = broker.for_verification(provider, {"consumerVersionSelectors": [{"tag": "dev"}]})
    assert len(selected["_embedded"]["pacts"]) == total + 5
    for index in (0, 7, 19):
        consumer = names(f"Consumer{index % 5}")
        pact = broker.pact(provider, consumer, f"{index}.{PUBLISHES - 1}")
        assert pact["messages"][0]["description"] == f"event {index}.{PUBLISHES - 1}"
        assert broker.get(f"/pacticipants/{consumer}").json()["mainBranch"] == "main"


def test_twenty_clients_publishing_at_once(broker: BrokerClient, names: Names) -> None:
    failures, provider = hammer([broker.url], names)
    assert failures == []
    check_nothing_lost(broker, names, provider)


# --- two processes, one PostgreSQL database ---------------------------------------------


def test_two_server_processes_on_one_postgres(fresh_postgres: str, names: Names) -> None:
    started = [start_process(fresh_postgres) for _ in range(2)]
    try:
        for process, url in started:
            wait_ready(process, url)
        failures, provider = hammer([url for _, url in started], names)
        assert failures == []
        broker = BrokerClient(started[0][1], fresh_postgres)
        try:
            check_nothing_lost(broker, names, provider)
        finally:
            broker.close()
    finally:
        for process, _ in started:
            stop(process)
