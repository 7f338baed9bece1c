"""The provider: produces user events. Its producer and state handler are verified."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from accord import Verifier


@dataclass
class User:
    id: int
    name: str
    lastName: str
    datetime: str


class Users:
    """A stand-in for the provider's database."""

    def __init__(self) -> None:
        self.rows: dict[int, User] = {}


users = Users()
verifier = Verifier("V3MessageProvider")


@verifier.message("a user event")
def user_event() -> Any:
    """What the provider really puts on the queue for a user."""
    if not users.rows:
        return {"message": "not found"}
    return next(iter(users.rows.values()))


@verifier.state("User with id 127 exists")
def user_exists(id: int) -> Any:
    users.rows[id] = User(id=id, name="Billy", lastName="Sampson", datetime="2020-01-01")
    yield {"id": id}
    users.rows.pop(id, None)
