"""gRPC provider verification: 200 calls against a local grpcio server, and the JSON twin.

The work: a pact of 200 gRPC interactions (``users.v1.Users/GetUser``), each behind a
provider state with a parameter, whose reply is a ``User`` message with nested and
repeated fields under ``integer``/``type``/``each-like`` rules, written by accord's
``pact.grpc`` builder in the Pact protobuf plugin's shape. The server is a grpcio server
built from the same ``.proto`` in its *own process*, so the verifier does not share the
GIL with it. Two measurements:

* ``accord gRPC``: ``Verifier.verify(file, transports={"grpc": target})``: each request
  encoded from the pact, one unary call, the reply decoded with the pact's descriptors and
  matched by field, its metadata matched key by key;
* ``accord HTTP/JSON``: the same 200 interactions as ``Synchronous/HTTP`` with JSON bodies
  of the same shape and the same rules, replayed against a Starlette app under uvicorn
  (also its own process): accord's JSON path, the baseline.

No Python peer is measured: pact-python (and every other Pact implementation) verifies
gRPC only through the protobuf plugin, a binary downloaded at run time and driven over
gRPC; without it there is nothing to compare against, so the JSON path is the yardstick.

Run: ``.venv/bin/python -m benchmarks.grpc_provider [--repeats N] [--interactions N]``.
Each run is checked: every interaction must pass, or the time is not reported.
"""

from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from benchmarks.timing import Bench, BenchError, run_bench

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # no INFO lines from grpcio in the table

CONSUMER = "UsersUI"
PROVIDER = "Users"
STATE = "a user exists"
PROTO = """syntax = "proto3";

package users.v1;

message GetUserRequest { int64 id = 1; }

message Address {
  string street = 1;
  string city = 2;
  string postcode = 3;
}

message User {
  int64 id = 1;
  string name = 2;
  string email = 3;
  repeated string roles = 4;
  Address address = 5;
  double balance = 6;
  bool active = 7;
}

service Users {
  rpc GetUser (GetUserRequest) returns (User);
}
"""


def user_for(n: int) -> dict[str, Any]:
    """The reply for user ``n``, the same in both transports."""
    return {
        "id": n,
        "name": f"user {n}",
        "email": f"user{n}@example.com",
        "roles": ["reader", "writer"],
        "address": {"street": f"{n} Long Road", "city": "London", "postcode": "N1 9GU"},
        "balance": 10.5 + n,
        "active": True,
    }


def expectation(n: int) -> dict[str, Any]:
    """The consumer's expectation of user ``n``: matchers on every field."""
    from accord import match

    user = user_for(n)
    return {
        "id": match.integer(n),
        "name": match.like(user["name"]),
        "email": match.regex(user["email"], r"[^@]+@[^@]+"),
        "roles": match.each_like("reader"),
        "address": {
            "street": match.like(user["address"]["street"]),
            "city": match.like("London"),
            "postcode": match.like("N1 9GU"),
        },
        "balance": match.decimal(user["balance"]),
        "active": match.boolean(True),
    }


# -- the pacts -------------------------------------------------------------------------------


def write_grpc_pact(directory: Path, count: int) -> Path:
    """200 gRPC interactions, built with accord's gRPC builder (the plugin's shape)."""
    from accord.consumer.grpc_builder import GrpcInteractionBuilder
    from accord.model.pact import Pact
    from accord.model.write import write_pact
    from accord.schemas.protobuf import ProtoSchema

    schema = ProtoSchema.from_proto_text(PROTO, "users.proto")
    interactions = []
    entry: dict[str, Any] = {}
    for n in range(count):
        builder = (
            GrpcInteractionBuilder(f"a request for user {n}", schema, "Users/GetUser")
            .given(STATE, n=n)
            .with_request({"id": n})
            .will_respond_with(expectation(n))
        )
        interactions.append(builder.build())
        entry = builder.plugin_entry()
    pact = Pact(CONSUMER, PROVIDER, list(interactions), {"plugins": [entry]})
    return write_pact(pact, directory / "grpc", overwrite=True)


def write_json_pact(directory: Path, count: int) -> Path:
    """The same interactions as HTTP with JSON bodies and the same rules."""
    from accord import Pact as ConsumerPact
    from accord.model.pact import HttpInteraction
    from accord.model.write import write_pact

    pact = ConsumerPact(CONSUMER, PROVIDER)
    built: list[HttpInteraction] = []
    for n in range(count):
        builder = (
            pact.upon_receiving(f"a request for user {n}")
            .given(STATE, n=n)
            .with_request("GET", f"/users/{n}")
            .will_respond_with(200, body=expectation(n))
        )
        built.append(builder.build())
    model = pact.model()
    model.interactions = list(built)
    return write_pact(model, directory / "json", overwrite=True)


# -- the servers, each in its own process ----------------------------------------------------


def serve_grpc(port: int) -> None:
    """The gRPC provider: a grpcio server from the .proto, no generated stubs."""
    from concurrent import futures

    import grpc

    from accord.schemas.protobuf import ProtoSchema

    method = ProtoSchema.from_proto_text(PROTO, "users.proto").method("Users/GetUser")

    def get_user(request: bytes, context: Any) -> bytes:
        n = int(method.input.decode(request).get("id", 0))
        return method.output.encode(user_for(n))

    handler = grpc.method_handlers_generic_handler(
        method.service, {method.name: grpc.unary_unary_rpc_method_handler(get_user)}
    )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    server.add_generic_rpc_handlers((handler,))
    server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    server.wait_for_termination()


def json_app() -> Any:
    """uvicorn's ``--factory`` entry point: ``GET /users/{n}`` as JSON."""
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import JSONResponse, Response
    from starlette.routing import Route

    async def get_user(request: Request) -> Response:
        return JSONResponse(user_for(request.path_params["n"]))

    return Starlette(routes=[Route("/users/{n:int}", get_user)])


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_for_port(port: int, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError("the benchmark server did not start") from None
            time.sleep(0.05)


def start(command: list[str], port: int) -> subprocess.Popen[bytes]:
    process = subprocess.Popen(command, cwd=Path(__file__).parent.parent)
    _wait_for_port(port, process)
    return process


# -- the measurements ------------------------------------------------------------------------


def _verifier() -> Any:
    from accord import Verifier

    verifier = Verifier(PROVIDER)

    @verifier.state(STATE)
    def user_exists(n: int) -> None:
        """The servers answer for any id; the state handler still runs for each call."""

    return verifier


def accord_grpc(path: Path, target: str, count: int) -> Bench:
    def prepare() -> Callable[[], Any]:
        verifier = _verifier()
        return lambda: verifier.verify(path, transports={"grpc": target})

    return Bench(prepare, check=_accord_ok(count, "gRPC"))


def accord_json(path: Path, url: str, count: int) -> Bench:
    def prepare() -> Callable[[], Any]:
        verifier = _verifier()
        return lambda: verifier.verify(path, base_url=url)

    return Bench(prepare, check=_accord_ok(count, "HTTP"))


def _accord_ok(count: int, kind: str) -> Callable[[Any], str]:
    def check(result: Any) -> str:
        if not result.ok or len(result.results) != count:
            raise BenchError(f"accord: {result.summary()}\n{result.report()[:800]}")
        if {r.kind for r in result.results} != {kind}:
            raise BenchError(f"accord verified { ({r.kind for r in result.results}) }, not {kind}")
        return ""

    return check


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--interactions", type=int, default=200)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--serve-grpc", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_grpc:
        serve_grpc(args.serve_grpc)
        return 0
    os.environ.setdefault("PACT_DO_NOT_TRACK", "true")
    grpc_port, http_port = free_port(), free_port()
    servers = [
        start(
            [sys.executable, "-m", "benchmarks.grpc_provider", "--serve-grpc", str(grpc_port)],
            grpc_port,
        ),
        start(
            [
                sys.executable,
                "-m",
                "uvicorn",
                "--factory",
                "benchmarks.grpc_provider:json_app",
                "--host",
                "127.0.0.1",
                "--port",
                str(http_port),
                "--log-level",
                "warning",
                "--no-access-log",
            ],
            http_port,
        ),
    ]
    medians: dict[str, float] = {}
    spread: dict[str, tuple[float, float]] = {}
    try:
        with tempfile.TemporaryDirectory() as tmp:
            grpc_pact = write_grpc_pact(Path(tmp), args.interactions)
            json_pact = write_json_pact(Path(tmp), args.interactions)
            benches = {
                "accord HTTP/JSON (baseline)": accord_json(
                    json_pact, f"http://127.0.0.1:{http_port}", args.interactions
                ),
                "accord gRPC": accord_grpc(grpc_pact, f"127.0.0.1:{grpc_port}", args.interactions),
            }
            for name, bench in benches.items():
                sample = run_bench(bench, args.repeats)
                medians[name] = statistics.median(sample.times)
                spread[name] = (min(sample.times), max(sample.times))
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    base = medians["accord HTTP/JSON (baseline)"]
    print(
        f"{args.interactions} provider verifications of the same User shape, each with a "
        f"provider state; median of {args.repeats} runs (min-max)"
    )
    print("| work | time | per call | vs JSON path |")
    print("| --- | --- | --- | --- |")
    for name, median in medians.items():
        low, high = spread[name]
        per_call = median / args.interactions * 1000
        print(
            f"| {name} | {median:.3f} s ({low:.3f}-{high:.3f}) | {per_call:.2f} ms | "
            f"{median / base:.2f}× |"
        )
    print(
        "pact-python 4.2: not measured. It (like every Pact implementation) verifies gRPC "
        "only through the protobuf plugin binary, downloaded at run time and driven over "
        "gRPC; with pip packages alone it cannot run these contracts."
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
