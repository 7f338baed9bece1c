"""Where a WebSocket interaction keeps its path in a V4 pact file.

A WebSocket exchange is a ``Synchronous/Messages`` interaction with ``"transport":
"websocket"``: the request is the message the consumer sends on the socket, the responses
are what the provider sends back. The path to connect to is kept under
``comments.websocket.path``. ``comments`` is free-form in V4 and every Pact implementation
loads it and writes it back as it is, so the file stays valid for tools that do not know
WebSockets: they load it, and keep the path when they rewrite it.
"""

from __future__ import annotations

from typing import Any

from accord.errors import AccordError
from accord.model.pact import Interaction

TRANSPORT = "websocket"
COMMENT_KEY = "websocket"


def path_comment(path: str) -> dict[str, Any]:
    """The ``comments`` entry that records ``path``."""
    return {COMMENT_KEY: {"path": path}}


def websocket_path(interaction: Interaction) -> str:
    """The path a WebSocket interaction connects to; a clear error when it has none."""
    entry = interaction.comments.get(COMMENT_KEY)
    path = entry.get("path") if isinstance(entry, dict) else None
    if not isinstance(path, str) or not path.startswith("/"):
        raise AccordError(
            f"WebSocket interaction {interaction.description!r} records no path "
            '(comments.websocket.path, e.g. "/ws/users")'
        )
    return path
