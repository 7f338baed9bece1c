"""The client side of ``benchmarks/broker.py``: what CI jobs do to a broker, timed.

Everything here talks to the broker through accord's own client
(:mod:`accord.broker_client`), the code ``accord can-i-deploy``, ``accord publish`` and
``Verifier.verify(broker=...)`` run, over real HTTP to a broker in another process. The
client opens a new connection per request, as the CLI does.
"""

from __future__ import annotations

import multiprocessing as mp
import random
import statistics
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from accord import Pact, match
from accord.broker_client import BrokerClient
from accord.broker_client import operations as ops
from accord.broker_client.verification import pacts_for_verification
from benchmarks.broker_seed import PACTICIPANTS, VERSIONS_EACH, name

# The seeded data: every pacticipant has versions 1.0.0 … 1.0.99 on main; 1.0.90 is deployed
# to production and 1.0.99 to staging. Asking whether one of the ten newest versions can go
# to production makes the broker resolve every integration partner's production version and
# its verifications; the answers are a mix of yes, no (a failed verification) and unknown
# (newer contract content that production has not verified).
CANDIDATES = [f"1.0.{n}" for n in range(VERSIONS_EACH - 10, VERSIONS_EACH)]

FOR_VERIFICATION_QUERY: dict[str, Any] = {
    "consumerVersionSelectors": [
        {"mainBranch": True},
        {"deployedOrReleased": True},
        {"tag": "prod", "latest": True},
    ],
    "includePendingStatus": True,
    "includeWipPactsSince": "2020-01-01",
    "providerVersionBranch": "main",
}


class BenchFailure(Exception):
    """A measurement did not do the work it claims to time."""


@dataclass(frozen=True)
class Latency:
    samples_ms: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples_ms)

    @property
    def p95(self) -> float:
        return percentile(self.samples_ms, 95)

    @property
    def max(self) -> float:
        return max(self.samples_ms)


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile: the smallest sample with ``pct`` % of samples at or below."""
    ordered = sorted(samples)
    rank = max(1, -(-len(ordered) * pct // 100))  # ceil
    return ordered[int(rank) - 1]


def _timed(call: Callable[[int], None], samples: int, warmup: int) -> Latency:
    for i in range(warmup):  # connections, caches, the planner's statistics
        call(-1 - i)
    timings = []
    for i in range(samples):
        start = time.perf_counter()
        call(i)
        timings.append((time.perf_counter() - start) * 1000)
    return Latency(timings)


def can_i_deploy(base_url: str, samples: int, warmup: int) -> tuple[Latency, Counter[str]]:
    """``accord can-i-deploy -a ServiceNNN -e 1.0.9x --to-environment production``; also
    counts the answers (yes, no, unknown) so the report shows the broker judged real rows."""
    client = BrokerClient(base_url, retries=1)
    rng = random.Random(7)
    answers: Counter[str] = Counter()

    def call(_: int) -> None:
        decision = ops.can_i_deploy(
            client,
            name(rng.randrange(PACTICIPANTS)),
            version=rng.choice(CANDIDATES),
            to_environment="production",
        )
        if not decision.matrix:
            raise BenchFailure(f"can-i-deploy judged no matrix rows: {decision.reason}")
        answers[{True: "yes", False: "no", None: "unknown"}[decision.deployable]] += 1

    latency = _timed(call, samples, warmup)
    return latency, answers


def for_verification(base_url: str, samples: int, warmup: int) -> Latency:
    """The verifier's ``POST /pacts/provider/{p}/for-verification`` with three selectors,
    pending status and WIP pacts: the broker's side of "which pacts do I verify?"."""
    client = BrokerClient(base_url, retries=1)
    rng = random.Random(11)
    hrefs = [
        client.link("pb:provider-pacts-for-verification", provider=name(i))
        for i in range(PACTICIPANTS)
    ]

    def call(_: int) -> None:
        answer = client.post(hrefs[rng.randrange(PACTICIPANTS)], FOR_VERIFICATION_QUERY)
        if not answer.get("_embedded", {}).get("pacts"):
            raise BenchFailure("for-verification selected no pacts")

    return _timed(call, samples, warmup)


def verifier_fetch(base_url: str, samples: int, warmup: int) -> Latency:
    """Everything ``Verifier.verify(broker=...)`` does before verifying: navigate, POST the
    selectors, then GET and parse each selected pact (several requests)."""
    client = BrokerClient(base_url, retries=1)
    rng = random.Random(13)

    def call(_: int) -> None:
        found = pacts_for_verification(
            client,
            name(rng.randrange(PACTICIPANTS)),
            selectors=FOR_VERIFICATION_QUERY["consumerVersionSelectors"],
            provider_branch="main",
            enable_pending=True,
            include_wip_since="2020-01-01",
        )
        if not found:
            raise BenchFailure("the verifier found no pacts to verify")

    return _timed(call, samples, warmup)


# --- publishing throughput: several client processes at once -----------------------------


@dataclass(frozen=True)
class Throughput:
    clients: int
    publications: int
    seconds: float

    @property
    def per_second(self) -> float:
        return self.publications / self.seconds


def _write_pacts(directory: Path, consumer: str, provider: str, count: int) -> list[Path]:
    """``count`` pact files from accord's consumer DSL, each with different content."""
    dirs = []
    for n in range(count):
        pact = Pact(consumer, provider)
        (
            pact.expects_to_receive(f"order {n} created")
            .given("an order exists", id=n)
            .with_metadata({"contentType": "application/json"})
            .with_content(
                {
                    "id": match.integer(n),
                    "status": match.regex("CREATED", "CREATED|PAID"),
                    "lines": match.each_like({"sku": match.like("A-1"), "qty": match.integer(1)}),
                }
            )
        )
        pact.verify(lambda _message: None)
        target = directory / str(n)
        pact.write(target)
        dirs.append(target)
    return dirs


class _Capture:
    """Stands in for the client so ``ops.publish`` builds its request body untimed."""

    def __init__(self) -> None:
        self.bodies: list[Any] = []

    def link(self, rel: str, *_: Any, **__: Any) -> str:
        return rel

    def post(self, path: str, body: Any) -> dict[str, Any]:
        self.bodies.append(body)
        return {}


def _publisher(
    base_url: str,
    consumer: str,
    provider: str,
    count: int,
    end_to_end: bool,
    barrier: Any,
    results: Any,
) -> None:
    try:
        with tempfile.TemporaryDirectory(prefix="accord-bench-pub-") as tmp:
            dirs = _write_pacts(Path(tmp), consumer, provider, count)
            versions = [f"2.0.{n}" for n in range(count)]
            options = [
                {"branch": "main", "tags": ["dev"], "build_url": f"https://ci.example/{n}"}
                for n in range(count)
            ]
            client = BrokerClient(base_url, retries=1)
            href = client.link("pb:publish-contracts")  # a real CLI run fetches it once too
            capture = _Capture()
            if not end_to_end:
                for directory, version, extra in zip(dirs, versions, options, strict=True):
                    ops.publish(capture, [directory], consumer_version=version, **extra)  # type: ignore[arg-type]
            barrier.wait(timeout=120)
            start = time.monotonic()
            if end_to_end:
                for directory, version, extra in zip(dirs, versions, options, strict=True):
                    ops.publish(client, [directory], consumer_version=version, **extra)  # type: ignore[arg-type]
            else:
                for body in capture.bodies:
                    client.post(href, body)
            results.put(("ok", start, time.monotonic(), len(dirs)))
    except BaseException as exc:  # reported to the parent, which fails the measurement
        results.put(("error", repr(exc), 0.0, 0))


def publishing(
    base_url: str, clients: int, each: int, run: str, *, end_to_end: bool = False
) -> Throughput:
    """``clients`` processes each publish ``each`` new consumer versions with new content,
    against seeded providers, all at once. By default the request bodies are built by
    ``operations.publish`` before the clock starts, and the clock times the POSTs to
    ``/contracts/publish`` (the broker's throughput, with the clients' CPU kept off this
    small machine); ``end_to_end=True`` times the whole ``operations.publish`` call (read
    the file, merge, encode, POST), as ``accord publish`` runs it."""
    context = mp.get_context("spawn")  # clean client processes, no state from the parent
    barrier = context.Barrier(clients)
    results = context.Queue()
    processes = [
        context.Process(
            target=_publisher,
            args=(
                base_url,
                f"Publisher{i}-{run}",
                name((i * 37) % PACTICIPANTS),
                each,
                end_to_end,
                barrier,
                results,
            ),
        )
        for i in range(clients)
    ]
    for process in processes:
        process.start()
    outcomes = [results.get(timeout=600) for _ in processes]
    for process in processes:
        process.join(timeout=60)
    errors = [str(o[1]) for o in outcomes if o[0] != "ok"]
    if errors:
        raise BenchFailure("publishing failed: " + "; ".join(errors))
    start = min(float(o[1]) for o in outcomes)
    end = max(float(o[2]) for o in outcomes)
    total = sum(int(o[3]) for o in outcomes)
    if total != clients * each:
        raise BenchFailure(f"published {total} of {clients * each}")
    return Throughput(clients, total, end - start)
