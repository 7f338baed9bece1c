"""The provider side of gRPC: ``verify(..., transports={"grpc": target})`` and the CLI.

Real gRPC pacts written by pact-jvm, pact-go, PactNet and Rust are verified through the
Verifier against Python grpcio servers built from the pact's own descriptors: a correct
server passes, a wrong one fails with a mismatch that names the field (or the status).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import grpc
import pytest

from accord import Pact, Verifier, match
from accord.cli import main
from accord.model.read import load_pact
from accord.provider.results import Outcome, VerificationResult
from accord.schemas import ProtoMethod, schemas_for

from ..binary.providers import http_provider
from .servers import USERS_PROTO, Handler, call, grpc_server, users_schema

REAL = Path(__file__).resolve().parents[1] / "data" / "real-pacts-binary"
JVM_ONE = REAL / "pact-jvm" / "protobuf-consumer-area-calculator-provider.json"
JVM_MIXED = REAL / "pact-jvm" / "area-calculator-consumer-area-calculator-provider.json"
GO_MULTI = [
    REAL / "pact-go" / "grpc-consumer-go-area-calculator-provider_fails_as_expected.json",
    REAL / "pact-go" / "grpc-consumer-go-area-calculator-provider_does_not_fail_as_expected.json",
]
GO_ROUTE_GUIDE = REAL / "pact-go" / "grpcconsumer-grpcprovider.json"
NET_GREETER = REAL / "pact-net" / "grpc-greeter-client-grpc-greeter.json"
RUST_METADATA = REAL / "pact-rust" / "grpc-consumer-rust-response_metadata.json"


def _method(path: Path, description: str | None = None) -> ProtoMethod:
    pact = load_pact(path)
    for interaction in pact.interactions:
        if interaction.transport == "grpc" and description in (None, interaction.description):
            return schemas_for(pact, interaction).proto_method()
    raise AssertionError(f"no gRPC interaction in {path.name}")


def _verify(
    path: Path,
    handler: Handler,
    *,
    verifier: Verifier | None = None,
    description: str | None = None,
) -> VerificationResult:
    pact = load_pact(path)
    verifier = verifier or Verifier(pact.provider)
    with grpc_server({_method(path, description): handler}) as target:
        return verifier.verify(path, transports={"grpc": target}, filter_description=description)


def _fields(result: VerificationResult) -> list[str]:
    return [m.path for outcome in result.results for m in outcome.mismatches]


def _area(shape: dict[str, Any]) -> float:
    if "rectangle" in shape:
        return float(shape["rectangle"]["length"] * shape["rectangle"]["width"])
    return float(shape["square"]["edge_length"] ** 2)


# -- real pacts from other implementations -----------------------------------------------


def test_pact_jvm_calculate_one() -> None:
    good = _verify(JVM_ONE, lambda r, c: {"value": [_area(r)]})
    assert good.ok, good.report()
    assert [o.kind for o in good.results] == ["gRPC"]
    bad = _verify(JVM_ONE, lambda r, c: {"value": []})
    assert not bad.ok
    assert _fields(bad) == ["$.value"]


def test_pact_jvm_http_and_grpc_interactions_verify_in_one_run() -> None:
    """One pact, one run: the gRPC call over the grpc transport, the HTTP interaction with
    protobuf bodies replayed against an HTTP server, both decoded with the pact's schema."""
    method = _method(JVM_MIXED)

    def http_area(value: list[float]) -> Any:
        def route(body: bytes) -> tuple[int, str, bytes]:
            reply = method.output.encode({"value": value})
            return 200, "application/protobuf; message=.area_calculator.AreaResponse", reply

        return route

    def run(grpc_reply: Handler, http_value: list[float]) -> VerificationResult:
        routes = {("POST", "/Calculator/calculateOne"): http_area(http_value)}
        with grpc_server({method: grpc_reply}) as target, http_provider(routes) as url:
            return Verifier("area-calculator-provider").verify(
                JVM_MIXED, base_url=url, transports={"grpc": target}
            )

    good = run(lambda r, c: {"value": [_area(r)]}, [3.5])
    assert good.ok, good.report()
    assert sorted(o.kind for o in good.results) == ["HTTP", "gRPC"]
    bad = run(lambda r, c: {"value": []}, [])
    assert sorted(_fields(bad)) == ["$", "$.value"], bad.report()
    assert "Expected a body but it was missing" in bad.report()


@pytest.mark.parametrize("path", GO_MULTI, ids=lambda p: p.stem[-22:])
def test_pact_go_calculate_multi(path: Path) -> None:
    def reply(first_level: str) -> Handler:
        return lambda r, c: {
            "value": [_area(s) for s in r["shapes"]],
            "nestedFieldLevel1": [
                {"FirstLevel": first_level, "InnerLevels": [{"InnerLevel": "Inner Level"}]}
            ],
        }

    assert _verify(path, reply("First Level")).ok
    bad = _verify(path, reply("Level One"))
    assert _fields(bad) == ["$.nestedFieldLevel1[0].FirstLevel"]
    assert "Level One" in bad.report()


def test_pact_go_route_guide_runs_its_state_handler() -> None:
    verifier = Verifier("grpcprovider")
    features: dict[str, str] = {}
    calls: list[str] = []

    @verifier.state("feature 'Big Tree' exists")
    def big_tree() -> Any:
        calls.append("setup")
        features["name"] = "Big Tree"
        yield
        calls.append("teardown")
        features.clear()

    def get_feature(point: dict[str, Any], context: Any) -> dict[str, Any]:
        return {"name": features.get("name", ""), "location": point}

    result = _verify(GO_ROUTE_GUIDE, get_feature, verifier=verifier)
    assert result.ok, result.report()
    assert calls == ["setup", "teardown"]
    lazy = Verifier("grpcprovider")
    lazy.state("feature 'Big Tree' exists")(lambda: None)
    unnamed = _verify(GO_ROUTE_GUIDE, lambda p, c: {"name": "", "location": p}, verifier=lazy)
    assert not unnamed.ok
    assert _fields(unnamed) == ["$.name"]


def test_pact_net_greeter() -> None:
    assert _verify(NET_GREETER, lambda r, c: {"message": f"Hello {r['name']}"}).ok
    # Any string satisfies the pact's type rule, and proto3 sends no empty string, so the
    # way to break this contract is not to answer with a HelloReply at all.

    def unimplemented(request: dict[str, Any], context: grpc.ServicerContext) -> dict[str, Any]:
        context.abort(grpc.StatusCode.UNIMPLEMENTED, "SayHello is not implemented")
        raise AssertionError("unreachable")

    wrong = _verify(NET_GREETER, unimplemented)
    assert _fields(wrong) == ["grpc-status"]
    assert "failed with status UNIMPLEMENTED: SayHello is not implemented" in wrong.report()


def test_pact_rust_error_status_and_request_metadata() -> None:
    seen: list[dict[str, str]] = []

    def not_found(request: dict[str, Any], context: grpc.ServicerContext) -> dict[str, Any]:
        seen.append(dict(context.invocation_metadata()))
        context.abort(grpc.StatusCode.NOT_FOUND, "no test with that id")
        raise AssertionError("abort returns only by raising")

    result = _verify(RUST_METADATA, not_found)
    assert result.ok, result.report()
    assert seen[0]["key"] == "value"

    succeeds = _verify(RUST_METADATA, lambda r, c: {"b": True})
    assert not succeeds.ok
    assert _fields(succeeds) == ["grpc-status"]
    assert "Expected gRPC status NOT_FOUND but the call succeeded" in succeeds.report()

    def wrong_status(request: dict[str, Any], context: grpc.ServicerContext) -> dict[str, Any]:
        context.abort(grpc.StatusCode.INTERNAL, "boom")
        raise AssertionError("unreachable")

    internal = _verify(RUST_METADATA, wrong_status)
    assert _fields(internal) == ["grpc-status"]
    assert "INTERNAL" in internal.report()


# -- accord's own gRPC pacts, consumer to provider ---------------------------------------


def _users_pact(tmp_path: Path) -> Path:
    pact = Pact("user-client", "user-service", pact_dir=tmp_path)
    (
        pact.grpc("a request for user 7", proto=USERS_PROTO, service="users.v1.Users/GetUser")
        .given("user 7 exists", id=7)
        .with_request({"id": match.integer(7)})
        .will_respond_with(
            {"id": match.integer(7), "name": match.like("Ada"), "role": "ADMIN"},
            metadata={"x-region": match.regex("eu-1", r"[a-z]+-\d")},
        )
    )
    (
        pact.grpc("a request for a missing user", proto=USERS_PROTO, service="Users/GetUser")
        .given("no user 404")
        .with_request({"id": 404})
        .will_respond_with_status("NOT_FOUND", message=match.like("no user 404"))
    )
    method = users_schema().method("Users/GetUser")
    with pact.serve(transport="grpc") as server:
        call(server.target, method, {"id": 7})
        with pytest.raises(grpc.RpcError):
            call(server.target, method, {"id": 404})
    return pact.write()


class UserService:
    """A provider with an in-memory store, set up by state handlers."""

    def __init__(self, role: str = "ADMIN", region: str = "us-2") -> None:
        self.users: dict[int, dict[str, Any]] = {}
        self.role = role
        self.region = region
        self.verifier = Verifier("user-service")
        self.verifier.state("user 7 exists")(self.add)
        self.verifier.state("no user 404")(lambda: None)

    def add(self, id: int) -> None:
        self.users[id] = {"id": id, "name": "Grace", "role": self.role}

    def get_user(self, request: dict[str, Any], context: grpc.ServicerContext) -> dict[str, Any]:
        user = self.users.get(int(request.get("id", 0)))
        if user is None:
            context.abort(grpc.StatusCode.NOT_FOUND, f"no user {request.get('id')}")
        context.send_initial_metadata((("x-region", self.region),))
        return dict(user or {})

    def verify(self, path: Path) -> VerificationResult:
        method = users_schema().method("Users/GetUser")
        with grpc_server({method: self.get_user}) as target:
            return self.verifier.verify(path, transports={"grpc": target})


def test_an_accord_grpc_pact_verifies_against_a_correct_provider(tmp_path: Path) -> None:
    result = UserService().verify(_users_pact(tmp_path))
    assert result.ok, result.report()
    assert [o.outcome for o in result.results] == [Outcome.PASSED, Outcome.PASSED]


def test_a_wrong_field_or_metadata_value_fails_naming_it(tmp_path: Path) -> None:
    path = _users_pact(tmp_path)
    role = UserService(role="MEMBER").verify(path)
    assert _fields(role) == ["$.role"]
    region = UserService(region="EU").verify(path)
    assert _fields(region) == ["x-region"]


def test_a_failed_call_where_a_reply_is_expected_names_the_status(tmp_path: Path) -> None:
    path = _users_pact(tmp_path)
    service = UserService()
    service.verifier.states["user 7 exists"] = lambda id: None  # the user is never created
    result = service.verify(path)
    [failed] = [o for o in result.results if o.outcome is not Outcome.PASSED]
    assert failed.description == "a request for user 7"
    assert [m.path for m in failed.mismatches] == ["grpc-status"]
    assert "failed with status NOT_FOUND: no user 7" in failed.mismatches[0].message


def test_without_a_grpc_target_the_interaction_says_how_to_give_one(tmp_path: Path) -> None:
    result = UserService().verifier.verify(_users_pact(tmp_path))
    assert not result.ok
    assert all(o.outcome is Outcome.ERROR for o in result.results)
    assert "transports={'grpc': 'HOST:PORT'}" in (result.results[0].error or "")
    assert "--transport grpc=HOST:PORT" in (result.results[0].error or "")


def test_the_cli_takes_transport_grpc(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = _users_pact(tmp_path)
    method = users_schema().method("Users/GetUser")
    service = UserService()
    service.add(7)

    with grpc_server({method: service.get_user}) as target:
        args = ["verify", "--color", "never", str(path), "--provider", "user-service"]
        assert main([*args, "--transport", f"grpc={target}", "--missing-state", "warn"]) == 0
        assert "(gRPC)" in capsys.readouterr().out
    wrong = UserService(role="MEMBER")
    wrong.add(7)
    with grpc_server({method: wrong.get_user}) as target:
        assert main([*args, "--transport", f"grpc={target}", "--missing-state", "warn"]) == 1
        assert "$.role" in capsys.readouterr().out
    assert main([*args, "--transport", "grpc"]) == 2
    assert "must look like NAME=TARGET" in capsys.readouterr().err


def test_the_official_rust_core_loads_an_accord_grpc_pact(tmp_path: Path) -> None:
    """pact-python 4.2 (the Rust core) merges into an accord gRPC pact and keeps its shape."""
    from pact import Pact as RustPact

    path = _users_pact(tmp_path)
    before = json.loads(path.read_text())
    rust = RustPact("user-client", "user-service").with_specification("V4")
    rust.upon_receiving("an event", "Async").with_body('{"a": 1}', "application/json")
    rust.write_file(tmp_path)
    after = json.loads(path.read_text())
    grpc_after = [i for i in after["interactions"] if i.get("transport") == "grpc"]
    assert len(grpc_after) == 2
    for ours in before["interactions"]:
        theirs = next(i for i in grpc_after if i["description"] == ours["description"])
        assert theirs["pluginConfiguration"] == ours["pluginConfiguration"]
        assert theirs["request"]["contents"]["content"] == ours["request"]["contents"]["content"]
        assert theirs["response"][0].get("metadata") == ours["response"][0].get("metadata")
    plugins = {p["name"]: p for p in after["metadata"]["plugins"]}
    assert plugins["protobuf"]["configuration"] == before["metadata"]["plugins"][0]["configuration"]
    assert len(load_pact(path).interactions) == 3
