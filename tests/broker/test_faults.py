"""Faults from outside: the broker process killed with SIGKILL mid-storm, PostgreSQL
terminating every backend mid-run, and a short mixed load (the full one is
``benchmarks/broker_load.py``).

What is proven is durability and recovery, not speed: every publish the broker acknowledged
(200) is there afterwards, and the broker gets going again with no operator action.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import psycopg
import pytest

from accord.broker import BackgroundServer, Settings
from benchmarks.broker_load import run_load
from tests.broker.processes import free_port, start_process, stop, wait_ready
from tests.broker.support import Names, b64, message_pact, q

STORM_THREADS = 6


def publish_body(consumer: str, provider: str, version: str) -> dict[str, object]:
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "tags": [f"t{version}"],
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "content": b64(message_pact(consumer, provider, f"event {version}")),
            }
        ],
    }


class Storm:
    """Threads publishing new versions as fast as they can until stopped or refused.

    ``acknowledged`` holds what the broker answered 200 for; ``failures`` every other
    outcome (a transport error is expected once the broker is killed).
    """

    def __init__(self, url: str, names: Names, provider: str) -> None:
        self.url, self.names, self.provider = url, names, provider
        self.acknowledged: dict[str, list[str]] = {}
        self.failures: list[str] = []
        self.stopped = threading.Event()
        self.stop_on_failure = True
        self._lock = threading.Lock()
        self._threads = [
            threading.Thread(target=self._publish, args=(names(f"Storm{i}"),))
            for i in range(STORM_THREADS)
        ]

    def _publish(self, consumer: str) -> None:
        with httpx.Client(base_url=self.url, timeout=60) as http:
            n = 0
            while not self.stopped.is_set():
                n += 1
                try:
                    response = http.post(
                        "/contracts/publish", json=publish_body(consumer, self.provider, str(n))
                    )
                except httpx.HTTPError as exc:
                    problem = f"{consumer} {n}: {exc!r}"
                else:
                    if response.status_code == 200:
                        with self._lock:
                            self.acknowledged.setdefault(consumer, []).append(str(n))
                        continue
                    problem = f"{consumer} {n}: {response.status_code} {response.text[:300]}"
                with self._lock:
                    self.failures.append(problem)
                if self.stop_on_failure:
                    return

    def start(self) -> Storm:
        for thread in self._threads:
            thread.start()
        return self

    def running(self) -> int:
        return sum(thread.is_alive() for thread in self._threads)

    def stop(self) -> None:
        self.stopped.set()
        for thread in self._threads:
            thread.join(timeout=120)

    def total(self) -> int:
        return sum(len(v) for v in self.acknowledged.values())

    def missing(self, url: str) -> list[str]:
        """Acknowledged publications the broker at ``url`` does not serve."""
        lost = []
        with httpx.Client(base_url=url, timeout=60) as http:
            for consumer, numbers in self.acknowledged.items():
                for n in numbers:
                    path = f"/pacts/provider/{q(self.provider)}/consumer/{q(consumer)}/version/{n}"
                    response = http.get(path)
                    if response.status_code != 200:
                        lost.append(f"{consumer} {n}: {response.status_code}")
                    elif response.json()["messages"][0]["description"] != f"event {n}":
                        lost.append(f"{consumer} {n}: wrong content")
        return lost


def wait_for(condition: Callable[[], bool], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


@pytest.fixture(params=["sqlite", "postgresql"])
def storm_database(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'storm.sqlite3'}"
    return str(request.getfixturevalue("fresh_postgres"))


def test_kill_9_mid_storm_loses_no_acknowledged_publish(storm_database: str, names: Names) -> None:
    port = free_port()
    process, url = start_process(storm_database, port)
    try:
        wait_ready(process, url)
        storm = Storm(url, names, names("Provider")).start()
        wait_for(lambda: storm.total() >= 30, "30 acknowledged publishes")
        assert storm.running() == STORM_THREADS, storm.failures  # still storming
        process.kill()  # SIGKILL: no shutdown, no flush, requests cut off mid-flight
        process.wait(timeout=30)
        storm.stop()
    finally:
        stop(process)
    assert storm.failures, "every publisher should have seen the broker die"
    process, url = start_process(storm_database, port)
    try:
        wait_ready(process, url)
        assert storm.missing(url) == []
        # and the restarted broker takes new publishes
        consumer = next(iter(storm.acknowledged))
        response = httpx.post(
            f"{url}/contracts/publish",
            json=publish_body(consumer, storm.provider, "after-restart"),
            timeout=60,
        )
        assert response.status_code == 200, response.text
    finally:
        stop(process)


def terminate_backends(admin_url: str, database: str) -> int:
    with psycopg.connect(admin_url, autocommit=True) as admin:
        rows = admin.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = %s AND pid <> pg_backend_pid()",
            (database,),
        ).fetchall()
    return len(rows)


def test_postgres_backends_terminated_mid_run_the_broker_recovers_by_itself(
    fresh_postgres: str, postgres_url: str, names: Names
) -> None:
    database = fresh_postgres.rpartition("/")[2]
    with BackgroundServer(Settings(database_url=fresh_postgres)) as server:
        storm = Storm(server.url, names, names("Provider"))
        storm.stop_on_failure = False
        reads: list[int] = []

        def read() -> None:
            with httpx.Client(base_url=server.url, timeout=60) as http:
                while not storm.stopped.is_set():
                    reads.append(http.get("/pacticipants").status_code)

        reader = threading.Thread(target=read)
        storm.start()
        reader.start()
        terminated = 0
        try:
            for round_ in range(3):
                wait_for(lambda r=round_: storm.total() >= 20 * (r + 1), "publishes")
                terminated += terminate_backends(postgres_url, database)
        finally:
            storm.stop()
            reader.join(timeout=120)
        assert terminated > 0, "no broker connection was terminated"
        assert storm.failures == []
        assert set(reads) == {200}
        # after one more round, with nothing in flight, the next requests succeed too
        assert terminate_backends(postgres_url, database) > 0
        assert httpx.get(f"{server.url}/pacticipants", timeout=60).status_code == 200
        assert storm.missing(server.url) == []


def test_short_mixed_load_has_no_errors_and_loses_nothing(database_url: str) -> None:
    """10 publishers and 10 can-i-deploy pollers for 5 s (the benchmark runs 50 + 50 for 60 s)."""
    with BackgroundServer(Settings(database_url=database_url)) as server:
        result = run_load(server.url, database_url, publishers=10, pollers=10, seconds=5)
    assert result.errors == []
    assert result.missing == {}
    assert len(result.publish.latencies) > 10
    assert len(result.poll.latencies) > 10
