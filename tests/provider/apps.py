"""Real providers for the HTTP tests: a Starlette app (ASGI), a WSGI app, and uvicorn.

The Starlette app is a small user service with an in-memory store, plus the official
verifier's state-change endpoint (``POST /_pact/state``), so the same app serves accord's
in-process verification, HTTP replay over loopback and pact-python's verifier.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route


class UserService:
    """The provider's state: users by id, and every request seen (for assertions)."""

    def __init__(self, *, broken: bool = False) -> None:
        self.users: dict[int, dict[str, Any]] = {}
        self.seen: list[dict[str, Any]] = []
        self.state_calls: list[dict[str, Any]] = []
        self.broken = broken

    def app(self) -> Starlette:
        async def get_user(request: Request) -> Response:
            self._see(request)
            user = self.users.get(int(request.path_params["id"]))
            if user is None:
                return JSONResponse({"error": "not found"}, status_code=404)
            if self.broken:
                return JSONResponse({**user, "id": str(user["id"]), "requestId": "r"})
            return JSONResponse({**user, "requestId": str(uuid.uuid4())})

        async def create_user(request: Request) -> Response:
            self._see(request)
            body = await request.json()
            new_id = max(self.users, default=0) + 1
            self.users[new_id] = {"id": new_id, "name": body["name"]}
            return JSONResponse(
                self.users[new_id], status_code=201, headers={"Location": f"/users/{new_id}"}
            )

        async def whoami(request: Request) -> Response:
            self._see(request)
            auth = request.headers.get("authorization", "")
            if auth != "Bearer good-token":
                return JSONResponse({"error": "unauthorised"}, status_code=401)
            return JSONResponse({"user": "ada", "trace": request.headers.get("x-trace", "")})

        async def explode(request: Request) -> Response:
            raise RuntimeError("the database is on fire")

        async def state(request: Request) -> Response:
            payload = await request.json()
            self.state_calls.append(payload)
            params = payload.get("params") or {}
            if payload.get("action", "setup") == "setup" and "id" in params:
                user_id = int(params["id"])
                self.users[user_id] = {"id": user_id, "name": params.get("name", "Ada")}
                return JSONResponse({"id": user_id})
            if payload.get("action") == "teardown" and "id" in params:
                self.users.pop(int(params["id"]), None)
            return JSONResponse({})

        return Starlette(
            routes=[
                Route("/users/{id:int}", get_user),
                Route("/users", create_user, methods=["POST"]),
                Route("/whoami", whoami),
                Route("/explode", explode),
                Route("/_pact/state", state, methods=["POST"]),
            ]
        )

    def _see(self, request: Request) -> None:
        self.seen.append(
            {
                "method": request.method,
                "path": request.url.path,
                "query": str(request.url.query),
                "headers": dict(request.headers),
            }
        )


def wsgi_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    """A plain WSGI app: ``GET /ping`` answers ``{"pong": true, "path": ...}``."""
    if environ["PATH_INFO"] != "/ping":
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no"]
    body = json.dumps({"pong": True, "query": environ.get("QUERY_STRING", "")}).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """Run ``app`` under uvicorn on a free loopback port; yields its base URL."""
    config = uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="off")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="uvicorn-under-test", daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("uvicorn did not start within 20 s")
        time.sleep(0.01)
    port = server.servers[0].sockets[0].getsockname()[1]
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
