"""HTTP interactions verified against a real uvicorn server on loopback and in-process.

Both routes share one code path (an httpx client); only the httpx transport differs, so
every behaviour is checked both ways where it matters.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord import Verifier
from accord.model.read import parse_pact
from accord.provider.results import Outcome
from tests.provider.apps import UserService, serve, wsgi_app
from tests.provider.pacts import (
    PROVIDER,
    USER_EXISTS,
    create_user,
    document,
    get_user,
    whoami,
)

AUTH = {"Authorization": "Bearer good-token"}


def http_pact(*interactions: dict[str, Any]) -> Any:
    return parse_pact(document(*(interactions or (get_user(), create_user()))), source="<t>")


def verifier_for(service: UserService, log: list[str] | None = None) -> Verifier:
    verifier = Verifier(PROVIDER)

    @verifier.state(USER_EXISTS)
    def user_exists(id: int, name: str) -> Iterator[dict[str, int]]:
        service.users[id] = {"id": id, "name": name}
        if log is not None:
            log.append(f"setup {id}")
        yield {"id": id}
        service.users.pop(id, None)
        if log is not None:
            log.append(f"teardown {id}")

    return verifier


@pytest.fixture
def service() -> UserService:
    return UserService()


@pytest.fixture
def base_url(service: UserService) -> Iterator[str]:
    with serve(service.app()) as url:
        yield url


def test_replay_against_a_running_server_passes_with_state_values_in_the_request(
    service: UserService, base_url: str
) -> None:
    log: list[str] = []
    result = verifier_for(service, log).verify(http_pact(), base_url=base_url)
    assert result.ok, result.report()
    assert [r.kind for r in result.results] == ["HTTP", "HTTP"]
    # the ProviderState generator put the state's id (7) in the path, not the example's 1
    assert [s["path"] for s in service.seen] == ["/users/7", "/users"]
    assert service.seen[1]["headers"]["content-type"] == "application/json"
    assert log == ["setup 7", "teardown 7"]


def test_in_process_asgi_app_passes_without_a_server(service: UserService) -> None:
    result = verifier_for(service).verify(http_pact(), app=service.app())
    assert result.ok, result.report()
    assert [s["path"] for s in service.seen] == ["/users/7", "/users"]


@pytest.mark.parametrize("how", ["base_url", "app"])
def test_a_wrong_response_fails_with_where_and_why(how: str) -> None:
    service = UserService(broken=True)  # sends the id as a string
    with serve(service.app()) as url:
        target: dict[str, Any] = {"base_url": url} if how == "base_url" else {"app": service.app()}
        result = verifier_for(service).verify(http_pact(get_user()), **target)
    [failed] = result.failures
    assert failed.outcome is Outcome.FAILED
    assert failed.reason.startswith("body $.id: Expected '7' (String)"), failed.reason
    assert any(m.path == "$.requestId" for m in failed.mismatches), failed.mismatches


def test_status_and_missing_state_show_in_the_mismatches(base_url: str) -> None:
    verifier = Verifier(PROVIDER, missing_state="warn")  # no handler: the user is missing
    [failed] = verifier.verify(http_pact(get_user()), base_url=base_url).failures
    assert any(m.kind == "status" and "404" in m.message for m in failed.mismatches), failed


def test_the_expected_response_gets_no_random_generators(service: UserService) -> None:
    """A Uuid generator on the response must not be compared: the regex matcher decides."""
    for _ in range(3):
        assert verifier_for(service).verify(http_pact(get_user()), app=service.app()).ok


@pytest.mark.parametrize("how", ["base_url", "app"])
def test_custom_headers_replace_the_recorded_ones(service: UserService, how: str) -> None:
    with serve(service.app()) as url:
        target: dict[str, Any] = {"base_url": url} if how == "base_url" else {"app": service.app()}
        without = verifier_for(service).verify(http_pact(whoami()), **target)
        assert not without.ok and "401" in without.failures[0].reason
        result = verifier_for(service).verify(http_pact(whoami()), custom_headers=AUTH, **target)
    assert result.ok, result.report()
    sent = service.seen[-1]["headers"]
    assert sent["authorization"] == "Bearer good-token"
    assert list(sent).count("authorization") == 1


def test_a_request_hook_changes_the_outgoing_request(service: UserService) -> None:
    def sign(request: httpx.Request) -> None:
        request.headers["Authorization"] = "Bearer good-token"
        request.headers["X-Trace"] = "t-1"

    result = verifier_for(service).verify(http_pact(whoami()), app=service.app(), request_hook=sign)
    assert result.ok, result.report()
    assert service.seen[-1]["headers"]["x-trace"] == "t-1"


def test_a_request_hook_may_return_a_new_request(service: UserService) -> None:
    def replace(request: httpx.Request) -> httpx.Request:
        headers = request.headers.copy()
        headers.update(AUTH)
        return httpx.Request(request.method, request.url, headers=headers)

    result = verifier_for(service).verify(
        http_pact(whoami()), app=service.app(), request_hook=replace
    )
    assert result.ok, result.report()


def test_a_failing_request_hook_is_that_interactions_error(service: UserService) -> None:
    def broken(request: httpx.Request) -> None:
        raise KeyError("signing key")

    result = verifier_for(service).verify(
        http_pact(whoami(), create_user()), app=service.app(), request_hook=broken
    )
    assert [r.outcome for r in result.results] == [Outcome.ERROR, Outcome.ERROR]
    assert result.results[0].error is not None
    assert result.results[0].error.startswith("the request hook raised KeyError: 'signing key'")


def test_a_wsgi_app_is_detected_and_verified_in_process() -> None:
    doc = document(
        {
            "type": "Synchronous/HTTP",
            "description": "a ping",
            "request": {"method": "GET", "path": "/ping", "query": {"a": ["1", "2"], "b": ["x y"]}},
            "response": {
                "status": 200,
                "body": {"contentType": "application/json", "content": {"pong": True}},
            },
        }
    )
    pact = parse_pact(doc, source="<wsgi>")
    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ["QUERY_STRING"])
        return wsgi_app(environ, start_response)

    result = Verifier(PROVIDER).verify(pact, app=app)
    assert result.ok, result.report()
    assert seen == ["a=1&a=2&b=x%20y"]


def test_an_app_exception_is_the_interactions_error_with_its_location(
    service: UserService,
) -> None:
    doc = document(
        {
            "type": "Synchronous/HTTP",
            "description": "a request that breaks the app",
            "request": {"method": "GET", "path": "/explode"},
            "response": {"status": 200},
        },
        create_user(),
    )
    result = verifier_for(service).verify(parse_pact(doc, source="<x>"), app=service.app())
    first, second = result.results
    assert first.outcome is Outcome.ERROR
    assert first.error is not None
    assert first.error.startswith("the ASGI app raised RuntimeError: the database is on fire (at")
    assert first.error.endswith("on GET /explode")
    assert second.outcome is Outcome.PASSED, "the run goes on"


def test_an_unreachable_server_is_a_one_line_error() -> None:
    result = Verifier(PROVIDER).verify(http_pact(create_user()), base_url="http://127.0.0.1:9")
    [failed] = result.failures
    assert failed.outcome is Outcome.ERROR
    assert failed.error is not None
    assert failed.error.startswith("POST http://127.0.0.1:9/users failed: ConnectError")


def test_http_interactions_without_a_provider_say_how_to_give_one() -> None:
    [failed] = Verifier(PROVIDER).verify(http_pact(create_user())).failures
    assert failed.error == (
        "HTTP interactions need a provider to send requests to: verify(..., base_url=URL) "
        "or app=asgi_or_wsgi_app (CLI: --provider-base-url)"
    )


def test_base_url_and_app_together_are_refused(service: UserService) -> None:
    with pytest.raises(Exception, match="give base_url or app, not both"):
        Verifier(PROVIDER).verify(http_pact(), base_url="http://x", app=service.app())


def test_transports_by_name_and_unknown_names(service: UserService, base_url: str) -> None:
    result = verifier_for(service).verify(http_pact(), transports={"http": base_url})
    assert result.ok, result.report()
    with pytest.raises(Exception, match=r"the grpc transport needs HOST:PORT"):
        verifier_for(service).verify(http_pact(), transports={"grpc": "no-port-here"})
    with pytest.raises(Exception, match=r"unknown transport 'carrier-pigeon' \(available: "):
        verifier_for(service).verify(http_pact(), transports={"carrier-pigeon": "coop"})


def test_a_v2_pact_file_with_a_raw_query_replays_it_as_written(tmp_path: Path) -> None:
    doc = {
        "consumer": {"name": "old"},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "description": "a ping with a query",
                "request": {"method": "GET", "path": "/ping", "query": "a=1&b=two"},
                "response": {"status": 200, "body": {"pong": True}},
            }
        ],
        "metadata": {"pactSpecification": {"version": "2.0.0"}},
    }
    path = tmp_path / "v2.json"
    path.write_text(json.dumps(doc))
    seen: list[str] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        seen.append(environ["QUERY_STRING"])
        return wsgi_app(environ, start_response)

    assert Verifier(PROVIDER).verify(path, app=app).ok
    assert seen == ["a=1&b=two"]


def test_verify_async_reaches_a_server_on_the_same_event_loop(service: UserService) -> None:
    """``verify_async`` keeps every call asynchronous: a provider served by uvicorn on the
    caller's own loop (as in an async test) answers instead of deadlocking."""
    import asyncio

    import uvicorn

    async def scenario() -> Any:
        config = uvicorn.Config(service.app(), host="127.0.0.1", port=0, log_level="warning")
        server = uvicorn.Server(config)
        task = asyncio.create_task(server.serve())
        while not server.started:
            await asyncio.sleep(0.01)
        url = f"http://127.0.0.1:{server.servers[0].sockets[0].getsockname()[1]}"
        try:
            verifier = Verifier(PROVIDER, state_change_url=f"{url}/_pact/state", timeout=10)
            return await verifier.verify_async(http_pact(), base_url=url)
        finally:
            server.should_exit = True
            await task

    result = asyncio.run(asyncio.wait_for(scenario(), 60))
    assert result.ok, result.report()
    calls = [(c["state"], c["action"]) for c in service.state_calls]
    assert calls == [
        ("a user exists", "setup"),
        ("a user exists", "teardown"),
        ("", "setup"),
        ("", "teardown"),
    ]
