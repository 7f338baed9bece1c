"""HTTP provider verification: accord vs pact-python 4.2 on the same server, same pact.

The work: 200 HTTP interactions (``GET /items/{n}``), each behind a provider state with a
parameter, against one small Starlette app. The app runs under uvicorn in its *own
process* so neither verifier shares the GIL with the server. Three measurements:

* ``accord replay``: ``Verifier.verify(file, base_url=URL)``, states through the app's
  state-change endpoint (``state_change_url``, the official protocol), exactly as
  pact-python does it;
* ``accord in-process``: ``Verifier.verify(file, app=app)``: the same app called through
  httpx's ASGI transport, states set by in-process handlers (accord's own way);
* ``pact-python``: ``pact.Verifier(...).add_transport(url=URL).state_handler(URL,
  teardown=True, body=True)``, the Rust core replaying against the same server.

Run: ``.venv/bin/python -m benchmarks.http_provider [--repeats N] [--interactions N]``.
Each run is checked: every interaction must pass, or the time is not reported.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.timing import Bench, BenchError, run_bench

os.environ.setdefault("PACT_DO_NOT_TRACK", "true")

CONSUMER = "ItemsUI"
PROVIDER = "Items"
STATE = "an item exists"
TARGETS = {"accord replay": 0.5, "accord in-process": 0.1}


# -- the provider ----------------------------------------------------------------------------


def make_app(items: dict[int, dict[str, Any]] | None = None) -> Any:
    """The Starlette app: ``GET /items/{n}`` and the state-change endpoint."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    store: dict[int, dict[str, Any]] = {} if items is None else items

    async def get_item(request: Request) -> Response:
        item = store.get(request.path_params["n"])
        if item is None:
            return JSONResponse({"error": "no such item"}, status_code=404)
        return JSONResponse(item)

    async def change_state(request: Request) -> Response:
        payload = await request.json()
        n = int((payload.get("params") or {}).get("n", 0))
        if payload.get("action", "setup") == "setup":
            store[n] = item_for(n)
        else:
            store.pop(n, None)
        return JSONResponse({})

    return Starlette(
        routes=[
            Route("/items/{n:int}", get_item),
            Route("/_pact/state", change_state, methods=["POST"]),
        ]
    )


def item_for(n: int) -> dict[str, Any]:
    return {"id": n, "name": f"item {n}", "price": 9.5 + n, "tags": ["a", "b"]}


def app() -> Any:
    """uvicorn's ``--factory`` entry point."""
    return make_app()


# -- the pact --------------------------------------------------------------------------------


def write_pact(directory: Path, count: int) -> Path:
    interactions = []
    for n in range(count):
        rules = {
            "$.id": {"combine": "AND", "matchers": [{"match": "integer"}]},
            "$.name": {"combine": "AND", "matchers": [{"match": "type"}]},
            "$.price": {"combine": "AND", "matchers": [{"match": "decimal"}]},
            "$.tags": {"combine": "AND", "matchers": [{"match": "type", "min": 1}]},
        }
        interactions.append(
            {
                "type": "Synchronous/HTTP",
                "description": f"a request for item {n}",
                "providerStates": [{"name": STATE, "params": {"n": n}}],
                "request": {
                    "method": "GET",
                    "path": f"/items/{n}",
                    "headers": {"Accept": ["application/json"]},
                },
                "response": {
                    "status": 200,
                    "headers": {"Content-Type": ["application/json"]},
                    "body": {"contentType": "application/json", "content": item_for(n)},
                    "matchingRules": {"body": rules},
                },
            }
        )
    doc = {
        "consumer": {"name": CONSUMER},
        "provider": {"name": PROVIDER},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    path = directory / f"{CONSUMER}-{PROVIDER}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


# -- the server, in its own process ----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class Server:
    """uvicorn serving :func:`app` in a subprocess on a free loopback port."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "--factory",
            "benchmarks.http_provider:app",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
            "--no-access-log",
        ]
        self.process = subprocess.Popen(command, cwd=Path(__file__).parent.parent)
        deadline = time.monotonic() + 30
        while True:
            try:
                urllib.request.urlopen(f"{self.url}/items/0", timeout=1)
            except urllib.error.HTTPError:
                break  # 404: it answers
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("uvicorn did not start") from None
                time.sleep(0.05)
            else:
                break

    def close(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=10)


# -- the three measurements -------------------------------------------------------------------


def accord_replay(path: Path, url: str, count: int) -> Bench:
    from accord import Verifier

    def prepare() -> Callable[[], Any]:
        verifier = Verifier(PROVIDER, state_change_url=f"{url}/_pact/state")
        return lambda: verifier.verify(path, base_url=url)

    return Bench(prepare, check=_accord_ok(count))


def accord_in_process(path: Path, count: int) -> Bench:
    from accord import Verifier

    def prepare() -> Callable[[], Any]:
        items: dict[int, dict[str, Any]] = {}
        verifier = Verifier(PROVIDER)

        @verifier.state(STATE)
        def item_exists(n: int) -> Any:
            items[n] = item_for(n)
            yield
            items.pop(n, None)

        application = make_app(items)
        return lambda: verifier.verify(path, app=application)

    return Bench(prepare, check=_accord_ok(count))


def pact_python(path: Path, url: str, count: int) -> Bench:
    from pact import Verifier

    def prepare() -> Callable[[], Any]:
        verifier = (
            Verifier(PROVIDER, host="127.0.0.1")
            .add_transport(url=url)
            .state_handler(f"{url}/_pact/state", teardown=True, body=True)
            .add_source(path)
        )
        return lambda: _quiet(verifier.verify)

    def check(verifier: Any) -> str:
        results = verifier.results
        passed = sum(1 for r in results.get("interactionResults", []) if r.get("result") == "OK")
        if passed != count:
            raise BenchError(f"pact-python: {passed} of {count} passed")
        return ""

    return Bench(prepare, check=check)


def _load(values: tuple[float, float, float]) -> str:
    return " / ".join(f"{v:.2f}" for v in values)


def _quiet(call: Callable[[], Any]) -> Any:
    """Run ``call`` with the process's stdout closed: the Rust core prints every interaction
    straight to file descriptor 1, which would bury the table."""
    sys.stdout.flush()
    saved = os.dup(1)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 1)
        try:
            return call()
        finally:
            os.dup2(saved, 1)
            os.close(saved)


def _accord_ok(count: int) -> Callable[[Any], str]:
    def check(result: Any) -> str:
        if not result.ok or len(result.results) != count:
            raise BenchError(f"accord: {result.summary()}\n{result.report()[:800]}")
        return ""

    return check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        path = write_pact(Path(tmp), args.interactions)
        server = Server()
        try:
            benches = {
                "pact-python": pact_python(path, server.url, args.interactions),
                "accord replay": accord_replay(path, server.url, args.interactions),
                "accord in-process": accord_in_process(path, args.interactions),
            }
            load_before = os.getloadavg()
            times: dict[str, list[float]] = {name: [] for name in benches}
            # Interleaved rounds: a burst of load on a shared machine then hits all three
            # alike instead of one measurement's every repeat.
            for _ in range(args.repeats):
                for name, bench in benches.items():
                    times[name] += run_bench(bench, 1).times
            load_after = os.getloadavg()
        finally:
            server.close()
    medians = {name: statistics.median(found) for name, found in times.items()}
    spread = {name: (min(found), max(found)) for name, found in times.items()}
    base = medians["pact-python"]
    print(
        f"{args.interactions} HTTP interactions, each with a provider state; median of "
        f"{args.repeats} interleaved rounds (min-max). Load average (1/5/15 min) "
        f"{_load(load_before)} before, {_load(load_after)} after."
    )
    print("| work | time | vs pact-python | target | met |")
    print("| --- | --- | --- | --- | --- |")
    for name, median in medians.items():
        low, high = spread[name]
        ratio = median / base
        target = TARGETS.get(name)
        met = "" if target is None else ("yes" if ratio <= target else "no")
        goal = "" if target is None else f"≤ {target:g}×"
        print(f"| {name} | {median:.3f} s ({low:.3f}-{high:.3f}) | {ratio:.3f}× | {goal} | {met} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
