"""The provider: a Starlette app with a ``/ws/users`` socket, and its pact verifier."""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from accord import Verifier

users: dict[int, str] = {}


async def users_socket(websocket: WebSocket) -> None:
    await websocket.accept()
    try:
        while True:
            request = await websocket.receive_json()
            user_id = int(request["userId"])
            if user_id in users:
                await websocket.send_json({"userId": user_id, "name": users[user_id]})
            else:
                await websocket.send_json({"error": f"no user {user_id}"})
    except WebSocketDisconnect:
        return


app = Starlette(routes=[WebSocketRoute("/ws/users", users_socket)])

verifier = Verifier("user-socket")


@verifier.state("user 127 exists")
def user_exists(id: int) -> object:
    users[id] = "Grace Hopper"
    yield
    users.pop(id, None)


@verifier.state("no user 404")
def no_user() -> None:
    users.pop(404, None)
