"""WebSocket interactions: a message the consumer sends on a socket, and the replies.

``pact.websocket(description, path="/ws/users")`` returns a
:class:`WebSocketInteractionBuilder`. Request and responses take content exactly as a
synchronous message does (JSON with matchers, ``str`` text or ``bytes``). The interaction
is a V4 ``Synchronous/Messages`` with ``"transport": "websocket"``, its path kept under
``comments.websocket.path`` (:mod:`accord.wire.websocket`), so any V4 tool loads the file.
"""

from __future__ import annotations

from typing import Any

from accord.consumer.builder import message_contents
from accord.consumer.interaction_builder import InteractionBuilder
from accord.errors import MatcherError
from accord.model.pact import MessageContents, SyncMessage
from accord.wire.websocket import TRANSPORT, path_comment


class WebSocketInteractionBuilder(InteractionBuilder):
    """Describes one exchange on a WebSocket: a request message and the response message(s)."""

    kind = "a WebSocket interaction"

    def __init__(self, description: str, path: str) -> None:
        if not isinstance(path, str) or not path.startswith("/"):
            raise MatcherError(
                f"WebSocket interaction {description!r}: path must start with '/', not {path!r}"
            )
        super().__init__(description)
        self.path = path
        self._request: MessageContents | None = None
        self._responses: list[MessageContents] = []

    def with_request(
        self, content: Any, *, content_type: str | None = None
    ) -> WebSocketInteractionBuilder:
        """The message the consumer sends: JSON (matchers allowed), ``str`` or ``bytes``.

        A WebSocket message carries no metadata, so none is declared; ``content_type``
        says how a received text message is read (JSON by default for dicts and lists)."""
        self._request = message_contents(content, content_type, {})
        return self

    def will_respond_with(
        self, content: Any, *, content_type: str | None = None
    ) -> WebSocketInteractionBuilder:
        """One message the provider sends back; call again for several, in order."""
        self._responses.append(message_contents(content, content_type, {}))
        return self

    def build(self) -> SyncMessage:
        if self._request is None:
            raise MatcherError(
                f"WebSocket interaction {self.description!r} has no request: "
                "call .with_request(...)"
            )
        if not self._responses:
            raise MatcherError(
                f"WebSocket interaction {self.description!r} has no response: "
                "call .will_respond_with(...)"
            )
        return SyncMessage(
            description=self.description,
            provider_states=list(self._states),
            key=self._key,
            pending=self._pending,
            comments={**self._comments, **path_comment(self.path)},
            transport=TRANSPORT,
            request=self._request,
            response=list(self._responses),
        )
