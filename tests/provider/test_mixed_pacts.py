"""Mixed pacts: HTTP, asynchronous and synchronous messages from one V4 file in one run,
written by pact-python 4.2 (Rust core) as well as by hand in accord's model.

The pact-python pact is written inside the test with pact-python itself: its mock server
answers the consumer's HTTP call, its message verifier checks the consumer's handlers,
and ``write_file`` merges both into one V4 file (pact-python's mock server cannot serve a
pact that already holds messages, so the HTTP part is written first).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from accord.provider.results import Outcome
from tests.provider import mixed_provider
from tests.provider.apps import serve
from tests.provider.pacts import (
    PROVIDER,
    USER_EXISTS,
    create_user,
    document,
    get_user,
    user_event,
    user_lookup,
    write,
)

PY_CONSUMER = "PyConsumer"


def write_pact_python_pact(directory: Path) -> Path:
    from pact import Pact, match

    http = Pact(PY_CONSUMER, PROVIDER).with_specification("V4")
    (
        http.upon_receiving("a request for user 7")
        .given(USER_EXISTS, id=7, name="Ada")
        .with_request("GET", "/users/7")
        .with_header("Accept", "application/json")
        .will_respond_with(200)
        .with_body(
            {"id": match.int(7), "name": match.str("Ada"), "requestId": match.uuid()},
            "application/json",
        )
    )
    (
        http.upon_receiving("a request to create a user")
        .with_request("POST", "/users")
        .with_body({"name": "Bob"}, "application/json")
        .will_respond_with(201)
        .with_header("Location", match.regex("/users/2", regex=r"/users/\d+"))
        .with_body({"id": match.int(2), "name": "Bob"}, "application/json")
    )
    with http.serve() as server:
        got = httpx.get(f"{server.url}/users/7", headers={"Accept": "application/json"})
        assert got.json()["name"] == "Ada"
        made = httpx.post(f"{server.url}/users", json={"name": "Bob"})
        assert made.status_code == 201
    http.write_file(directory, overwrite=True)

    messages = Pact(PY_CONSUMER, PROVIDER).with_specification("V4")
    (
        messages.upon_receiving("a user created event", "Async")
        .given(USER_EXISTS, id=7, name="Ada")
        .with_body({"id": match.int(7), "event": "created"}, "application/json")
    )
    (
        messages.upon_receiving("a user lookup", "Sync")
        .given(USER_EXISTS, id=7, name="Ada")
        .with_body({"userId": 7}, "application/json")
        .will_respond_with()
        .with_body({"userId": match.int(7), "name": match.str("Ada")}, "application/json")
    )
    received: list[Any] = []
    messages.verify(lambda *args, **kwargs: received.append(args), "Async")
    messages.verify(lambda *args, **kwargs: received.append(args), "Sync")
    assert received, "pact-python handed the consumer its messages"
    messages.write_file(directory, overwrite=False)
    path = directory / f"{PY_CONSUMER}-{PROVIDER}.json"
    kinds = [i["type"] for i in json.loads(path.read_text())["interactions"]]
    assert sorted(kinds) == sorted(
        ["Synchronous/HTTP", "Synchronous/HTTP", "Asynchronous/Messages", "Synchronous/Messages"]
    ), kinds
    return path


@pytest.fixture(scope="module")
def pact_python_pact(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_pact_python_pact(tmp_path_factory.mktemp("pact-python"))


@pytest.fixture
def fresh_service() -> Iterator[None]:
    mixed_provider.service.users.clear()
    mixed_provider.service.seen.clear()
    yield
    mixed_provider.service.users.clear()


KINDS = {
    "a request for user 7": "HTTP",
    "a request to create a user": "HTTP",
    "a user created event": "async message",
    "a user lookup": "sync message",
}


@pytest.mark.usefixtures("fresh_service")
@pytest.mark.parametrize("how", ["base_url", "app"])
def test_a_pact_python_mixed_pact_verifies_in_one_run(pact_python_pact: Path, how: str) -> None:
    app = mixed_provider.service.app()
    with serve(app) as url:
        target: dict[str, Any] = {"base_url": url} if how == "base_url" else {"app": app}
        result = mixed_provider.verifier.verify(pact_python_pact, **target)
    assert result.ok, result.report()
    assert {r.description: r.kind for r in result.results} == KINDS
    paths = [s["path"] for s in mixed_provider.service.seen]
    assert paths == ["/users/7", "/users"]


@pytest.mark.usefixtures("fresh_service")
def test_a_broken_provider_fails_the_right_kinds(pact_python_pact: Path) -> None:
    verifier = mixed_provider.verifier
    original = verifier.producers["a user lookup"]
    verifier.producers["a user lookup"] = lambda request: {"userId": "7", "name": "Ada"}
    try:
        result = verifier.verify(pact_python_pact, app=mixed_provider.service.app())
    finally:
        verifier.producers["a user lookup"] = original
    outcomes = {r.description: r.outcome for r in result.results}
    assert outcomes["a user lookup"] is Outcome.FAILED
    assert [d for d, o in outcomes.items() if o is Outcome.PASSED] == [
        "a request for user 7",
        "a request to create a user",
        "a user created event",
    ]


@pytest.mark.usefixtures("fresh_service")
def test_an_accord_model_mixed_pact_and_a_pact_python_pact_in_one_run(
    tmp_path: Path, pact_python_pact: Path
) -> None:
    ours = write(tmp_path, document(get_user(), create_user(), user_event(), user_lookup()))
    result = mixed_provider.verifier.verify(
        ours, pact_python_pact, app=mixed_provider.service.app()
    )
    assert result.ok, result.report()
    assert len(result.results) == 8
    assert {r.consumer for r in result.results} == {"UsersUI", PY_CONSUMER}
