"""Consumer side of HTTP, accord vs pact-python 4.2: define, serve, call, write.

Usage (from the repository root)::

    .venv/bin/python -m benchmarks.http_consumer            # 5 repeats each
    .venv/bin/python -m benchmarks.http_consumer --quick    # 2 repeats each

Both libraries do the same work, timed end to end: declare 200 HTTP interactions (a
provider state with a parameter, a query parameter, a request header, a JSON response with
four matchers; every fourth one a POST with a JSON request body), start the mock server,
call every interaction once with one keep-alive ``httpx.Client``, stop the server (which
checks that everything was called) and write the V4 pact file. accord serves with
``pact.serve()`` (h11 in a background thread); pact-python with its Rust mock server
through FFI. Each side runs in a fresh interpreter so imports and caches stay out of the
clock; the median of the repeats is reported, and every repeat checks its outcome (200
answers, a file with 200 interactions). Target: accord ≤ pact-python's time.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks import workloads as w
from benchmarks.timing import Bench, BenchError, Context, Sample, run_bench

INTERACTIONS = 200
WORKER_TIMEOUT = 1800.0
"""Seconds one side's repeats may take in all (pact-python needs ~1 minute per repeat)."""
CLIENT_TIMEOUT = 120.0
"""Seconds per request: pact-python's mock server needs far more than httpx's default 5 s
for one request on a busy 2-core machine (its time per request grows with the number of
interactions), and a timeout would abort the run instead of measuring it."""
ROOT = Path(__file__).resolve().parent.parent

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")


def path_of(index: int) -> str:
    return f"/users/{index}"


def is_post(index: int) -> bool:
    return index % 4 == 3


def request_body(index: int) -> dict[str, Any]:
    return {"name": f"user {index}", "tags": ["a", "b"]}


def response_body(m: w.Matchers, index: int) -> dict[str, Any]:
    return {
        "id": m.integer(index),
        "name": m.like(f"user {index}"),
        "email": m.regex(f"user{index}@example.com", r"[a-z0-9]+@example\.com"),
        "roles": m.each_like({"role": m.like("reader")}),
    }


def call_everything(client: Any) -> int:
    """Call each interaction once; return how many answers were as expected."""
    good = 0
    for index in range(INTERACTIONS):
        params = {"fields": "all"}
        headers = {"Accept": w.JSON}
        if is_post(index):
            reply = client.post(
                path_of(index), params=params, headers=headers, json=request_body(index)
            )
        else:
            reply = client.get(path_of(index), params=params, headers=headers)
        good += reply.status_code == 200 and reply.json()["id"] == index
    return good


def _check(outcome: tuple[int, Path]) -> str:
    good, target = outcome
    files = list(target.glob("*.json"))
    written = w.interactions_in(files[0]) if len(files) == 1 else 0
    if good != INTERACTIONS or written != INTERACTIONS:
        raise BenchError(f"{good} good answers, {written} interactions written")
    return ""


def _fresh(ctx: Context, name: str, counter: list[int]) -> Path:
    counter[0] += 1
    path = ctx.workdir / f"{name}-{counter[0]}"
    path.mkdir()
    return path


def accord_bench(ctx: Context) -> Bench:
    import httpx

    from accord import Pact

    m = w.AccordMatchers()
    counter = [0]

    def prepare() -> Callable[[], tuple[int, Path]]:
        target = _fresh(ctx, "accord", counter)

        def work() -> tuple[int, Path]:
            pact = Pact(w.CONSUMER, w.PROVIDER, pact_dir=target)
            for index in range(INTERACTIONS):
                builder = pact.upon_receiving(f"request {index}").given(w.STATE, id=index)
                builder.with_request(
                    "POST" if is_post(index) else "GET",
                    path_of(index),
                    query={"fields": "all"},
                    headers={"Accept": w.JSON},
                    body=request_body(index) if is_post(index) else None,
                )
                builder.will_respond_with(200, body=response_body(m, index))
            with (
                pact.serve() as server,
                httpx.Client(base_url=server.url, timeout=CLIENT_TIMEOUT) as client,
            ):
                good = call_everything(client)
            pact.write(overwrite=True)
            return good, target

        return work

    return Bench(prepare, _check)


def pact_python_bench(ctx: Context) -> Bench:
    import httpx
    from pact import Pact

    m = w.PactPythonMatchers()
    counter = [0]

    def prepare() -> Callable[[], tuple[int, Path]]:
        target = _fresh(ctx, "pact", counter)

        def work() -> tuple[int, Path]:
            pact = Pact(w.CONSUMER, w.PROVIDER).with_specification("V4")
            for index in range(INTERACTIONS):
                interaction = (
                    pact.upon_receiving(f"request {index}")
                    .given(w.STATE, id=index)
                    .with_request("POST" if is_post(index) else "GET", path_of(index))
                    .with_query_parameter("fields", "all")
                    .with_header("Accept", w.JSON)
                )
                if is_post(index):
                    interaction.with_body(json.dumps(request_body(index)), w.JSON)
                interaction.will_respond_with(200).with_body(response_body(m, index), w.JSON)
            with (
                pact.serve(addr="127.0.0.1") as server,
                httpx.Client(base_url=str(server.url), timeout=CLIENT_TIMEOUT) as client,
            ):
                good = call_everything(client)
            pact.write_file(target, overwrite=True)
            return good, target

        return work

    return Bench(prepare, _check)


SIDES: dict[str, Callable[[Context], Bench]] = {
    "accord": accord_bench,
    "pact-python": pact_python_bench,
}


def worker(side: str, repeats: int, result: Path) -> None:
    with tempfile.TemporaryDirectory(prefix="accord-bench-http-") as scratch:
        try:
            sample = run_bench(SIDES[side](Context(Path(scratch))), repeats)
        except BenchError as exc:
            sample = Sample(error=f"wrong outcome: {exc}")
    result.write_text(json.dumps(sample.to_json()))


def measure(side: str, repeats: int) -> Sample:
    with tempfile.TemporaryDirectory(prefix="accord-bench-") as scratch:
        result = Path(scratch) / "result.json"
        command = [sys.executable, "-m", "benchmarks.http_consumer", "--worker", side]
        command += ["--repeats", str(repeats), "--result", str(result)]
        try:
            done = subprocess.run(
                command, cwd=ROOT, capture_output=True, text=True, timeout=WORKER_TIMEOUT
            )
        except subprocess.TimeoutExpired:
            return Sample(error=f"no result within {WORKER_TIMEOUT:g} s; stopped")
        if not result.exists():
            tail = " | ".join(done.stderr.strip().splitlines()[-3:])
            return Sample(error=f"worker exited with {done.returncode}: {tail}")
        return Sample.from_json(json.loads(result.read_text()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--quick", action="store_true", help="2 repeats instead of 5")
    parser.add_argument("--worker", choices=sorted(SIDES), help=argparse.SUPPRESS)
    parser.add_argument("--repeats", type=int, default=5, help=argparse.SUPPRESS)
    parser.add_argument("--result", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker, args.repeats, args.result)
        return 0
    repeats = 2 if args.quick else 5
    samples = {side: measure(side, repeats) for side in SIDES}
    print(f"HTTP consumer, {INTERACTIONS} interactions: define, serve, call with httpx, write")
    print("| side | median | min | max | n |")
    print("| --- | --- | --- | --- | --- |")
    for side, sample in samples.items():
        if sample.error or not sample.times:
            print(f"| {side} | no result: {sample.error} | | | |")
            continue
        print(
            f"| {side} | {sample.median:.3f} s | {min(sample.times):.3f} s | "
            f"{max(sample.times):.3f} s | {len(sample.times)} |"
        )
    mine, peer = samples["accord"].median, samples["pact-python"].median
    if mine is None or peer is None:
        return 1
    verdict = "met" if mine <= peer else "NOT met"
    print(f"\naccord / pact-python = {mine / peer:.2f} (target ≤ 1.0: {verdict})")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
