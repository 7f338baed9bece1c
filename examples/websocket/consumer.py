"""The consumer: looks users up over a WebSocket, as a dashboard's backend might."""

from __future__ import annotations

import json
from dataclasses import dataclass

from websockets.sync.client import connect


@dataclass(frozen=True)
class User:
    id: int
    name: str


class UserNotFound(Exception):
    """The provider has no user with that id."""


class UserLookup:
    """Sends ``{"userId": n}`` on ``/ws/users`` and reads the reply."""

    def __init__(self, base_url: str) -> None:
        self.url = base_url.rstrip("/") + "/ws/users"

    def find(self, user_id: int) -> User:
        with connect(self.url, open_timeout=10) as socket:
            socket.send(json.dumps({"userId": user_id}))
            reply = json.loads(socket.recv(timeout=10))
        if "error" in reply:
            raise UserNotFound(reply["error"])
        return User(id=int(reply["userId"]), name=str(reply["name"]))
