"""The broker under sustained mixed load: publishers and can-i-deploy pollers at once.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.broker_load          # 50 + 50 clients, 60 s, PostgreSQL
    .venv/bin/python -m benchmarks.broker_load --seconds 10 --publishers 10 --pollers 10
    .venv/bin/python -m benchmarks.broker_load --backend sqlite

A throwaway database is created (PostgreSQL: ``CREATE DATABASE`` on ``--postgres-url``,
dropped at the end; SQLite: a file in a temporary directory), and ``accord broker serve``
runs on it in its own process on loopback. This process then runs every client as a thread
with its own keep-alive connection, for a fixed time:

* a **publisher** publishes a new version of its own consumer's pact (branch, tag, content
  that changes every time) again and again;
* a **poller** asks ``GET /can-i-deploy`` for a published consumer version against the
  ``production`` environment, where the provider is deployed and has verified some of them.

Any non-2xx answer or transport error counts as an error. At the end the database is read
directly: every publication the broker acknowledged (200) must be there ("nothing lost").
The report gives requests, errors and p50/p95 latency per kind. The clients share this
process's GIL on a machine shared with the server, so latencies include client overhead.
``run_load`` is also what the test suite's short version calls.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import httpx

DEFAULT_POSTGRES = os.environ.get(
    "ACCORD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
PROVIDER = "LoadProvider"
ENVIRONMENT = "production"


@dataclass
class Kind:
    """One kind of request: every latency, and every error's description."""

    latencies: list[float] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        return ordered[min(len(ordered) - 1, int(p / 100 * len(ordered)))]


@dataclass
class LoadResult:
    seconds: float
    publish: Kind
    poll: Kind
    acknowledged: dict[str, set[str]]
    """Consumer name -> version numbers the broker answered 200 for."""
    missing: dict[str, set[str]] = field(default_factory=dict)

    @property
    def errors(self) -> list[str]:
        return self.publish.errors + self.poll.errors

    def table(self) -> str:
        rows = [
            "| kind | requests | errors | p50 ms | p95 ms | per second |",
            "| --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for name, kind in (("publish", self.publish), ("can-i-deploy", self.poll)):
            rows.append(
                f"| {name} | {len(kind.latencies)} | {len(kind.errors)} "
                f"| {kind.percentile(50) * 1000:.1f} | {kind.percentile(95) * 1000:.1f} "
                f"| {len(kind.latencies) / self.seconds:.0f} |"
            )
        lost = sum(len(v) for v in self.missing.values())
        acked = sum(len(v) for v in self.acknowledged.values())
        rows.append("")
        rows.append(f"acknowledged publications: {acked}; missing after the run: {lost}")
        return "\n".join(rows)


def pact(consumer: str, provider: str, version: str) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "messages": [
            {
                "description": "an order was placed",
                "providerStates": [{"name": "an order exists", "params": {"id": 1}}],
                "contents": {"orderId": 1, "build": version, "items": [{"sku": "A-1", "n": 2}]},
                "matchingRules": {"body": {"$.orderId": {"matchers": [{"match": "integer"}]}}},
                "metadata": {"contentType": "application/json"},
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def publish_body(consumer: str, provider: str, version: str) -> dict[str, Any]:
    content = base64.b64encode(json.dumps(pact(consumer, provider, version)).encode()).decode()
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "tags": ["main"],
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": content,
            }
        ],
    }


def prepare(url: str, consumers: list[str], provider: str, environment: str) -> None:
    """Version 0 of every consumer, verified by a provider deployed to production."""
    with httpx.Client(base_url=url, timeout=60) as http:
        env = http.post("/environments", json={"name": environment, "production": True})
        env.raise_for_status()
        env_uuid = env.json()["uuid"]
        for consumer in consumers:
            body = publish_body(consumer, provider, "0")
            http.post("/contracts/publish", json=body).raise_for_status()
            doc = http.get(f"/pacts/provider/{provider}/consumer/{consumer}/version/0").json()
            href = doc["_links"]["pb:publish-verification-results"]["href"]
            http.post(
                href, json={"success": True, "providerApplicationVersion": "p1"}
            ).raise_for_status()
        http.put(f"/pacticipants/{provider}/versions/p1", json={}).raise_for_status()
        http.post(
            f"/pacticipants/{provider}/versions/p1/deployed-versions/environment/{env_uuid}",
            json={},
        ).raise_for_status()


def run_load(
    url: str, database_url: str, *, publishers: int, pollers: int, seconds: float
) -> LoadResult:
    """Run the mixed load against the broker at ``url`` and check nothing was lost."""
    run = uuid.uuid4().hex[:6]
    consumers = [f"LoadConsumer{i}-{run}" for i in range(publishers)]
    provider, environment = f"{PROVIDER}-{run}", f"{ENVIRONMENT}-{run}"
    prepare(url, consumers, provider, environment)
    publish, poll = Kind(), Kind()
    acknowledged: dict[str, set[str]] = {c: {"0"} for c in consumers}
    latest: dict[str, str] = {c: "0" for c in consumers}
    lock = threading.Lock()
    start = time.monotonic()
    stop_at = start + seconds

    def publisher(consumer: str) -> None:
        with httpx.Client(base_url=url, timeout=60) as http:
            n = 0
            while time.monotonic() < stop_at:
                n += 1
                version = f"{n}"
                began = time.perf_counter()
                try:
                    response = http.post(
                        "/contracts/publish", json=publish_body(consumer, provider, version)
                    )
                    ok = response.status_code == 200
                    problem = f"publish {consumer} {version}: {response.status_code} "
                    problem += response.text[:200]
                except httpx.HTTPError as exc:
                    ok, problem = False, f"publish {consumer} {version}: {exc!r}"
                elapsed = time.perf_counter() - began
                with lock:
                    if ok:
                        publish.latencies.append(elapsed)
                        acknowledged[consumer].add(version)
                        latest[consumer] = version
                    else:
                        publish.errors.append(problem)

    def poller(index: int) -> None:
        consumer = consumers[index % len(consumers)]
        params = {"pacticipant": consumer, "version": "0", "environment": environment}
        with httpx.Client(base_url=url, timeout=60) as http:
            flip = False
            while time.monotonic() < stop_at:
                flip = not flip  # alternate the verified version 0 and the newest one
                params["version"] = "0" if flip else latest[consumer]
                began = time.perf_counter()
                try:
                    response = http.get("/can-i-deploy", params=params)
                    body = response.json() if response.status_code == 200 else None
                    ok = body is not None and "summary" in body
                    problem = f"can-i-deploy {params}: {response.status_code} "
                    problem += response.text[:200]
                except (httpx.HTTPError, ValueError) as exc:
                    ok, problem = False, f"can-i-deploy {params}: {exc!r}"
                elapsed = time.perf_counter() - began
                with lock:
                    if ok:
                        poll.latencies.append(elapsed)
                    else:
                        poll.errors.append(problem)

    threads = [threading.Thread(target=publisher, args=(c,)) for c in consumers]
    threads += [threading.Thread(target=poller, args=(i,)) for i in range(pollers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result = LoadResult(time.monotonic() - start, publish, poll, acknowledged)
    result.missing = missing_publications(database_url, provider, acknowledged)
    return result


def missing_publications(
    database_url: str, provider: str, acknowledged: dict[str, set[str]]
) -> dict[str, set[str]]:
    """Acknowledged consumer versions with no pact publication in the database."""
    import sqlalchemy as sa

    from accord.broker.db.engine import make_engine

    engine = make_engine(database_url)
    try:
        with engine.connect() as conn:
            rows = conn.execute(
                sa.text(
                    "SELECT c.name, v.number FROM pact_publications pp "
                    "JOIN versions v ON v.id = pp.consumer_version_id "
                    "JOIN pacticipants c ON c.id = pp.consumer_id "
                    "JOIN pacticipants p ON p.id = pp.provider_id WHERE p.name = :provider"
                ),
                {"provider": provider},
            ).all()
    finally:
        engine.dispose()
    stored: dict[str, set[str]] = {}
    for name, number in rows:
        stored.setdefault(name, set()).add(number)
    missing = {c: versions - stored.get(c, set()) for c, versions in acknowledged.items()}
    return {c: v for c, v in missing.items() if v}


@contextmanager
def throwaway_database(backend: str, postgres_url: str) -> Iterator[str]:
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            yield f"sqlite:///{tmp}/load.sqlite3"
        return
    import psycopg

    name = f"accord_load_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(postgres_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        yield f"{postgres_url.rpartition('/')[0]}/{name}"
    finally:
        with psycopg.connect(postgres_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@contextmanager
def broker_process(database_url: str) -> Iterator[str]:
    import socket
    import subprocess

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    src = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "src")
    process = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; from accord.cli import main; sys.exit(main())",
            "broker",
            "serve",
            "--database",
            database_url,
            "--port",
            str(port),
            "--log-level",
            "warning",
        ],
        env={**os.environ, "PYTHONPATH": src},
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                if httpx.get(f"{url}/diagnostic/status/heartbeat", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the broker did not start on {url}")
            time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        process.wait(timeout=30)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.broker_load")
    parser.add_argument("--backend", choices=("postgresql", "sqlite"), default="postgresql")
    parser.add_argument("--postgres-url", default=DEFAULT_POSTGRES)
    parser.add_argument("--publishers", type=int, default=50)
    parser.add_argument("--pollers", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60.0)
    args = parser.parse_args(argv)
    with (
        throwaway_database(args.backend, args.postgres_url) as database_url,
        broker_process(database_url) as url,
    ):
        result = run_load(
            url,
            database_url,
            publishers=args.publishers,
            pollers=args.pollers,
            seconds=args.seconds,
        )
    print(
        f"broker load: {args.publishers} publishers + {args.pollers} can-i-deploy pollers, "
        f"{result.seconds:.0f} s, {args.backend}\n"
    )
    print(result.table())
    for problem in result.errors[:10]:
        print("error:", problem)
    for consumer, versions in list(result.missing.items())[:10]:
        print("lost:", consumer, sorted(versions)[:10])
    return 1 if result.errors or result.missing else 0


if __name__ == "__main__":
    raise SystemExit(main())
