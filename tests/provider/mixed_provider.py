"""One provider with every kind: the Starlette user service plus message producers.

Used in-process by the tests and by the CLI tests through ``--app
tests.provider.mixed_provider:verifier``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from accord import Message, Verifier
from tests.provider.apps import UserService
from tests.provider.pacts import PROVIDER, USER_EXISTS

service = UserService()
verifier = Verifier(PROVIDER)


@verifier.state(USER_EXISTS)
def user_exists(id: int, name: str = "Ada") -> Iterator[dict[str, int]]:
    service.users[id] = {"id": id, "name": name}
    yield {"id": id}
    service.users.pop(id, None)


@verifier.message("a user created event")
def user_created(id: int) -> dict[str, Any]:
    assert id in service.users, "the state handler ran first"
    return {"id": id, "event": "created", "eventId": "fixed"}


@verifier.message("a user lookup")
def lookup(request: Message) -> dict[str, Any]:
    user = service.users[request.content["userId"]]
    return {"userId": user["id"], "name": user["name"]}
