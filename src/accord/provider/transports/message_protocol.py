"""Verifying a provider in any language through the standard Pact message protocol.

The provider serves ``POST`` on a message URL taking ``{"description", "providerStates"}``
and answering with the message body, its content type, and its metadata as base64 JSON in
the ``Pact-Message-Metadata`` header. For a V4 synchronous message the official verifier
adds ``"request"`` (the request message as V4 JSON: ``contents``, ``metadata``, ...) and
reads the answer as the *one* response message: the protocol carries a single response.
State changes are ``POST``ed to a state-change URL as ``{"state", "params", "action":
"setup"|"teardown"}``.
"""

from __future__ import annotations

import base64
import json
from typing import TYPE_CHECKING, Any

from accord.errors import HttpError, RemoteProviderError
from accord.model.body import Body
from accord.model.pact import MessageContents, ProviderState
from accord.model.read import legacy_body
from accord.model.write import message_to_json
from accord.provider.errors import InteractionError
from accord.provider.transports import MessageCall, TransportOptions

if TYPE_CHECKING:
    from accord.http_client.client import HttpClient, Response

METADATA_HEADER = "Pact-Message-Metadata"


class MessageProtocol:
    """A :class:`~accord.provider.transports.MessageTransport` over the message protocol."""

    max_responses: int | None = 1

    def __init__(self, url: str, timeout: float | None = 30.0, *, blocking: bool = False) -> None:
        self.url = url
        self.timeout = timeout or 30.0
        self.blocking = blocking
        from accord.http_client.client import HttpClient

        self.client = HttpClient(timeout=self.timeout, headers=_ACCEPT)

    async def produce(self, call: MessageCall) -> list[MessageContents]:
        payload = message_request(call.description, call.states, call.request)
        try:
            response = await post(self.client, self.url, payload, blocking=self.blocking)
            return [read_message(response.content, response.headers)]
        except RemoteProviderError as exc:
            raise InteractionError(str(exc)) from exc

    async def aclose(self) -> None:
        self.client.close()


def from_target(target: Any, options: TransportOptions) -> MessageProtocol:
    return MessageProtocol(str(target), options.timeout, blocking=options.blocking)


_ACCEPT = {"Accept": "application/json"}


async def post(
    client: HttpClient, url: str, payload: dict[str, Any], *, blocking: bool
) -> Response:
    """POST ``payload`` as JSON (once: a POST is never retried) and check the status.

    Blocking (``verify``, see :attr:`~accord.provider.transports.TransportOptions.blocking`)
    the call runs right here, on a kept-alive connection, which is the cheapest way; from
    ``verify_async`` it runs on a worker thread, so a provider may share the caller's loop.
    """
    try:
        if blocking:
            response = client.request("POST", url, json=payload)
        else:
            response = await client.arequest("POST", url, json=payload)
        return response.raise_for_status()
    except HttpError as exc:
        raise RemoteProviderError(str(exc)) from exc


def message_request(
    description: str, states: list[ProviderState], request: MessageContents | None = None
) -> dict[str, Any]:
    """The JSON body the official verifier posts for one message (sync when ``request``)."""
    payload: dict[str, Any] = {"description": description}
    if request is not None:
        payload["request"] = message_to_json(request, keep_unknown=False)
    if states:
        payload["providerStates"] = [s.to_json() for s in states]
    return payload


def read_message(body: bytes, headers: dict[str, str]) -> MessageContents:
    """The message in a message-endpoint answer: body by content type, metadata header."""
    content_type = headers.get("content-type")
    metadata: dict[str, Any] = {}
    encoded = headers.get(METADATA_HEADER.lower())
    if encoded:
        try:
            metadata = json.loads(base64.b64decode(encoded))
        except ValueError as exc:
            raise RemoteProviderError(
                f"the {METADATA_HEADER} header is not base64 JSON: {exc}"
            ) from exc
    contents: Body | None = None
    if body:
        contents = legacy_body(body.decode("utf-8", "replace"), content_type)
        if content_type and not contents.is_json and not content_type.startswith("text/"):
            contents = Body(body, content_type)
    return MessageContents(contents, metadata)


async def change_state(
    client: HttpClient, url: str, state: ProviderState, action: str, *, blocking: bool = False
) -> dict[str, Any]:
    """POST one state change (the official verifier's body); a JSON object answer is values."""
    payload = {"state": state.name, "params": state.params, "action": action}
    response = await post(client, url, payload, blocking=blocking)
    try:
        values = json.loads(response.content) if response.content.strip() else {}
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}
