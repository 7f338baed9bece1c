"""V4 synchronous messages: a request and the response(s) the consumer expects.

``pact.sync_message(description)`` returns a :class:`SyncMessageBuilder`. Request and
responses take content and metadata exactly as an asynchronous message does (they share
:func:`accord.consumer.builder.message_contents`); each ``will_respond_with`` call adds one
response. ``pact.verify(handler)`` then hands the consumer's code a :class:`SyncExchange`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from accord.consumer.builder import message_contents
from accord.consumer.interaction_builder import InteractionBuilder
from accord.errors import MatcherError
from accord.message import Message
from accord.model.pact import MessageContents, SyncMessage


@dataclass(frozen=True)
class SyncExchange:
    """What a handler receives for a synchronous message: the request and its responses.

    The consumer is the side that sends ``request`` and must cope with what comes back, so
    a handler typically feeds ``response`` (or each of ``responses``) to the code that
    reads replies, and may check that its own request looks like ``request``.
    """

    description: str
    request: Message
    responses: list[Message] = field(default_factory=list)

    @property
    def response(self) -> Message:
        """The one response (the first, when the interaction declares several)."""
        if not self.responses:
            raise MatcherError(f"sync message {self.description!r} declares no response")
        return self.responses[0]


class SyncMessageBuilder(InteractionBuilder):
    """Describes one request/response exchange of messages (V4 ``Synchronous/Messages``)."""

    kind = "a sync message"

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self._request: MessageContents | None = None
        self._responses: list[MessageContents] = []

    def with_request(
        self,
        content: Any,
        *,
        metadata: dict[str, Any] | None = None,
        content_type: str | None = None,
    ) -> SyncMessageBuilder:
        """The request message: JSON (matchers allowed), ``str`` text or ``bytes``."""
        self._request = message_contents(content, content_type, dict(metadata or {}))
        return self

    def will_respond_with(
        self,
        content: Any,
        *,
        metadata: dict[str, Any] | None = None,
        content_type: str | None = None,
    ) -> SyncMessageBuilder:
        """One response; call again for an exchange with several responses."""
        self._responses.append(message_contents(content, content_type, dict(metadata or {})))
        return self

    def build(self) -> SyncMessage:
        if self._request is None:
            raise MatcherError(
                f"sync message {self.description!r} has no request: call .with_request(...)"
            )
        return SyncMessage(
            description=self.description,
            provider_states=list(self._states),
            key=self._key,
            pending=self._pending,
            comments=dict(self._comments),
            request=self._request,
            response=list(self._responses),
        )
