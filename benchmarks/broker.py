"""The broker under load: can-i-deploy and for-verification latency, publishing throughput.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.broker              # PostgreSQL and SQLite (~2 minutes)
    .venv/bin/python -m benchmarks.broker --quick      # fewer samples and publications
    .venv/bin/python -m benchmarks.broker --backend postgresql

For each backend a throwaway database is seeded with bulk inserts (100 pacticipants, 10,000
versions, 30,000 pact publications, 100,000 verification results; ``broker_seed.py``), a
broker is started in its own process (``python -m accord.broker``), and this process, as the
client, times what CI jobs do through accord's own broker client. The PostgreSQL database
(``CREATE DATABASE`` on the server at ``--postgres-url``) is dropped at the end, the SQLite
file lives in a temporary directory. Targets are in ``TARGETS``; a missed target shows in
the table, and the exit status is 1 only when a measurement could not be made.
"""

from __future__ import annotations

import argparse
import os
import platform
import socket
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from benchmarks import broker_clients as bc
from benchmarks.broker_seed import seed

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_POSTGRES = os.environ.get(
    "ACCORD_BENCH_POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/postgres"
)
BACKENDS = ("postgresql", "sqlite")


@dataclass(frozen=True)
class Plan:
    samples: int
    warmup: int
    fetch_samples: int
    clients: int
    each: int


FULL = Plan(samples=400, warmup=20, fetch_samples=100, clients=8, each=50)
QUICK = Plan(samples=100, warmup=10, fetch_samples=30, clients=8, each=15)


@dataclass(frozen=True)
class Row:
    key: str
    label: str
    target: str
    check: Callable[[float], bool] | None
    unit: str


ROWS = [
    Row("cid.p50", "can-i-deploy p50", "≤ 50 ms", lambda v: v <= 50, "ms"),
    Row("cid.p95", "can-i-deploy p95", "≤ 50 ms", lambda v: v <= 50, "ms"),
    Row("pfv.p50", "pacts-for-verification p50", "—", None, "ms"),
    Row("pfv.p95", "pacts-for-verification p95", "≤ 100 ms", lambda v: v <= 100, "ms"),
    Row("fetch.p95", "verifier fetch (navigate + POST + GET each pact) p95", "—", None, "ms"),
    Row("pub.rate", "publishing throughput", "≥ 100 /s", lambda v: v >= 100, "/s"),
    Row("pub.e2e", "publishing, `accord publish` end to end", "—", None, "/s"),
]


@dataclass
class BackendResult:
    backend: str
    values: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    error: str | None = None


# --- the databases and the broker process ------------------------------------------------


@contextmanager
def postgres_database(admin_url: str) -> Iterator[str]:
    import psycopg

    db = f"accord_bench_broker_{uuid.uuid4().hex[:10]}"
    head, _, _ = admin_url.rpartition("/")
    with psycopg.connect(admin_url, autocommit=True, connect_timeout=5) as admin:
        admin.execute(f'CREATE DATABASE "{db}"')
    try:
        yield f"{head}/{db}"
    finally:
        with psycopg.connect(admin_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')


@contextmanager
def sqlite_database() -> Iterator[str]:
    with tempfile.TemporaryDirectory(prefix="accord-bench-broker-") as tmp:
        yield f"sqlite:///{tmp}/broker.sqlite3"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def broker_process(database_url: str) -> Iterator[str]:
    """``python -m accord.broker`` on a free port, until the block ends."""
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "accord.broker",
                "--database-url",
                database_url,
                "--port",
                str(port),
                "--log-level",
                "warning",
            ],
            stdout=log,
            stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
        try:
            _wait_ready(process, url, log)
            yield url
        finally:
            process.terminate()
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def _wait_ready(process: subprocess.Popen[bytes], url: str, log: IO[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(
                f"the broker exited with {process.returncode}:\n{log.read().decode()}"
            )
        try:
            with urllib.request.urlopen(f"{url}/diagnostic/status/heartbeat", timeout=1):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError(f"the broker at {url} did not start within 60 s")


# --- one backend ------------------------------------------------------------------------


def run_backend(backend: str, plan: Plan, postgres_url: str) -> BackendResult:
    result = BackendResult(backend)
    database = postgres_database(postgres_url) if backend == "postgresql" else sqlite_database()
    try:
        with database as url:
            started = time.perf_counter()
            counts = seed(url)
            result.notes.append(
                f"seeded in {time.perf_counter() - started:.1f} s: "
                + ", ".join(f"{v:,} {k.replace('_', ' ')}" for k, v in counts.items())
            )
            with broker_process(url) as base:
                step(f"{backend}: can-i-deploy ×{plan.samples}")
                cid, answers = bc.can_i_deploy(base, plan.samples, plan.warmup)
                step(f"{backend}: for-verification ×{plan.samples}")
                pfv = bc.for_verification(base, plan.samples, plan.warmup)
                step(f"{backend}: verifier fetch ×{plan.fetch_samples}")
                fetch = bc.verifier_fetch(base, plan.fetch_samples, plan.warmup // 2)
                step(f"{backend}: publishing, {plan.clients} clients × {plan.each}")
                pub = bc.publishing(base, plan.clients, plan.each, uuid.uuid4().hex[:6])
                step(f"{backend}: accord publish end to end, {plan.clients} clients × {plan.each}")
                e2e = bc.publishing(
                    base, plan.clients, plan.each, uuid.uuid4().hex[:6], end_to_end=True
                )
    except Exception as exc:  # one backend failing must not hide the other's numbers
        result.error = f"{type(exc).__name__}: {exc}"
        return result
    result.values = {
        "cid.p50": cid.p50,
        "cid.p95": cid.p95,
        "pfv.p50": pfv.p50,
        "pfv.p95": pfv.p95,
        "fetch.p95": fetch.p95,
        "pub.rate": pub.per_second,
        "pub.e2e": e2e.per_second,
    }
    result.notes += [
        f"can-i-deploy: n={len(cid.samples_ms)}, max {cid.max:.1f} ms; answers (with warm-up) "
        + ", ".join(f"{k} {v}" for k, v in sorted(answers.items())),
        f"for-verification: n={len(pfv.samples_ms)}, max {pfv.max:.1f} ms",
        f"verifier fetch: n={len(fetch.samples_ms)}, p50 {fetch.p50:.1f} ms",
        f"publishing: {pub.publications} publications by {pub.clients} client processes "
        f"in {pub.seconds:.2f} s (end to end: {e2e.seconds:.2f} s)",
    ]
    return result


def step(text: str) -> None:
    print(f"  … {text}", file=sys.stderr, flush=True)


# --- the report -------------------------------------------------------------------------


def _fmt(value: float, unit: str) -> str:
    return f"{value:.0f} {unit}" if unit == "/s" else f"{value:.1f} {unit}"


def table(results: list[BackendResult]) -> str:
    names = {"postgresql": "PostgreSQL", "sqlite": "SQLite"}
    head = ["measurement", "target"]
    for r in results:
        head += [names[r.backend], "met?"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for row in ROWS:
        cells = [row.label, row.target]
        for r in results:
            if r.error or row.key not in r.values:
                cells += ["error", "—"]
                continue
            value = r.values[row.key]
            cells.append(_fmt(value, row.unit))
            if row.check is None:
                cells.append("—")
            else:
                cells.append("yes" if row.check(value) else "**NO**")
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def machine() -> list[str]:
    def first(path: str, prefix: str) -> str:
        try:
            for line in Path(path).read_text().splitlines():
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip() if ":" in line else line
        except OSError:
            pass
        return "?"

    cpu = first("/proc/cpuinfo", "model name")
    mem_kib = first("/proc/meminfo", "MemTotal").split()[0]
    ram = f"{int(mem_kib) / 1024**2:.1f} GiB" if mem_kib.isdigit() else "?"
    os_name = first("/etc/os-release", "PRETTY_NAME=").split("=", 1)[-1].strip('"')
    try:
        head = subprocess.run(
            ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        head = "?"
    from accord._version import __version__

    return [
        f"- Date: {time.strftime('%a %b %d %H:%M:%S UTC %Y', time.gmtime())} (`date -u`)",
        f"- Machine: {len(os.sched_getaffinity(0))} CPUs (`nproc`), CPU model {cpu!r}, "
        f"{ram} RAM, {os_name}, Linux {platform.release()}, "
        f"Python {platform.python_version()}",
        f"- accord {__version__} (working tree, HEAD {head}), SQLite {sqlite3.sqlite_version}",
    ]


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"{one:.2f} / {five:.2f} / {fifteen:.2f}"


def postgres_version(url: str) -> str:
    try:
        import psycopg

        with psycopg.connect(url, connect_timeout=5) as conn:
            row = conn.execute("SHOW server_version").fetchone()
        return f"PostgreSQL {row[0] if row else '?'}"
    except Exception as exc:
        return f"PostgreSQL unreachable ({exc})"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.broker", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="fewer samples and publications")
    parser.add_argument(
        "--backend", action="append", choices=BACKENDS, help="only this backend (repeatable)"
    )
    parser.add_argument(
        "--postgres-url",
        default=DEFAULT_POSTGRES,
        help="an admin connection; a throwaway database is created next to it "
        "(default %(default)s, or ACCORD_BENCH_POSTGRES_URL)",
    )
    parser.add_argument("--output", type=Path, help="also save the report here")
    args = parser.parse_args(argv)
    plan = QUICK if args.quick else FULL
    backends = [b for b in BACKENDS if b in (args.backend or BACKENDS)]

    command = " ".join([".venv/bin/python -m benchmarks.broker", *(argv or sys.argv[1:])])
    started = time.perf_counter()
    load_start = load()
    header = [
        f"- Command (repository root): `{command}`",
        *machine(),
    ]
    if "postgresql" in backends:
        header[-1] += f", {postgres_version(args.postgres_url)} on 127.0.0.1"
    results = []
    for backend in backends:
        step(f"{backend}: seeding")
        results.append(run_backend(backend, plan, args.postgres_url))
    header.append(
        f"- Took {time.perf_counter() - started:.0f} s; load average {load_start} at start, "
        f"{load()} at the end (1/5/15 min)"
    )
    lines = [*header, "", table(results), ""]
    for r in results:
        if r.error:
            lines.append(f"- {r.backend}: **failed**: {r.error}")
        for note in r.notes:
            lines.append(f"- {r.backend}: {note}")
    report = "\n".join(lines)
    print(report)
    if args.output:
        args.output.write_text(report + "\n", encoding="utf-8")
    return 1 if any(r.error for r in results) else 0


if __name__ == "__main__":
    raise SystemExit(main())
