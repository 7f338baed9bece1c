"""A WebSocket provider for the tests: a Starlette app served by uvicorn on loopback."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.routing import WebSocketRoute
from starlette.websockets import WebSocket


class UserSocket:
    """``/ws/users``: answers ``{"userId": n}`` with the user, then ``{"done": true}``.

    ``name_type`` and ``replies`` let a test break the contract on purpose.
    """

    def __init__(self, *, numeric_name: bool = False, replies: int = 2) -> None:
        self.users: dict[int, str] = {}
        self.numeric_name = numeric_name
        self.replies = replies

    async def users_socket(self, websocket: WebSocket) -> None:
        await websocket.accept()
        while True:
            try:
                text = await websocket.receive_text()
            except Exception:
                return
            request = json.loads(text)
            user_id = int(request["userId"])
            name: Any = self.users.get(user_id, "unknown")
            if self.numeric_name:
                name = 42
            messages = [{"userId": user_id, "name": name}, {"done": True}]
            for message in messages[: self.replies]:
                await websocket.send_text(json.dumps(message))
            if self.replies < len(messages):
                await websocket.close(code=1000, reason="that is all")
                return

    async def echo(self, websocket: WebSocket) -> None:
        await websocket.accept()
        data = await websocket.receive_bytes()
        await websocket.send_bytes(data[::-1])

    def app(self) -> Starlette:
        return Starlette(
            routes=[
                WebSocketRoute("/ws/users", self.users_socket),
                WebSocketRoute("/ws/reverse", self.echo),
            ]
        )


@contextmanager
def serve(app: Starlette) -> Iterator[str]:
    """Run ``app`` under uvicorn on 127.0.0.1; yields ``ws://127.0.0.1:PORT``."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"ws://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
