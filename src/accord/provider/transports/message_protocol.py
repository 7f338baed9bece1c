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
import functools
import json
import urllib.error
import urllib.request
from typing import Any

from accord.errors import RemoteProviderError
from accord.model.body import Body
from accord.model.pact import MessageContents, ProviderState
from accord.model.read import legacy_body
from accord.model.write import v4_body
from accord.provider.calls import CallTimeout, UserCode
from accord.provider.errors import InteractionError
from accord.provider.transports import MessageCall, TransportOptions

METADATA_HEADER = "Pact-Message-Metadata"


class MessageProtocol:
    """A :class:`~accord.provider.transports.MessageTransport` over the message protocol."""

    max_responses: int | None = 1

    def __init__(self, url: str, runner: UserCode, timeout: float | None = 30.0) -> None:
        self.url = url
        self.runner = runner
        self.timeout = timeout or 30.0

    async def produce(self, call: MessageCall) -> list[MessageContents]:
        fetch = functools.partial(
            fetch_message, self.url, call.description, call.states, self.timeout, call.request
        )
        try:
            return [await self.runner.call(fetch)]
        except CallTimeout as exc:
            raise InteractionError(f"message endpoint for {call.description!r} {exc}") from exc
        except RemoteProviderError as exc:
            raise InteractionError(str(exc)) from exc

    async def aclose(self) -> None:
        return None


def from_target(target: Any, options: TransportOptions) -> MessageProtocol:
    return MessageProtocol(str(target), UserCode(options.timeout), options.timeout)


def _post(url: str, payload: dict[str, Any], timeout: float) -> tuple[bytes, dict[str, str]]:
    data = json.dumps(payload).encode()
    request = urllib.request.Request(
        url, data=data, method="POST", headers={"Content-Type": "application/json"}
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return response.read(), {k.lower(): v for k, v in response.headers.items()}
    except urllib.error.HTTPError as exc:
        detail = exc.read()[:200].decode("utf-8", "replace")
        raise RemoteProviderError(f"POST {url} answered HTTP {exc.code}: {detail}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise RemoteProviderError(f"POST {url} failed: {getattr(exc, 'reason', exc)}") from exc


def message_to_json(message: MessageContents) -> dict[str, Any]:
    """One message in V4 JSON, as the official verifier puts a sync request on the wire."""
    out: dict[str, Any] = {}
    if message.contents is not None:
        out["contents"] = v4_body(message.contents, message.content_type)
    if message.metadata:
        out["metadata"] = message.metadata
    if message.matching_rules:
        out["matchingRules"] = message.matching_rules.to_json()
    if message.generators:
        out["generators"] = message.generators.to_json()
    return out


def message_request(
    description: str, states: list[ProviderState], request: MessageContents | None = None
) -> dict[str, Any]:
    """The JSON body the official verifier posts for one message (sync when ``request``)."""
    payload: dict[str, Any] = {"description": description}
    if request is not None:
        payload["request"] = message_to_json(request)
    if states:
        payload["providerStates"] = [s.to_json() for s in states]
    return payload


def fetch_message(
    url: str,
    description: str,
    states: list[ProviderState],
    timeout: float,
    request: MessageContents | None = None,
) -> MessageContents:
    body, headers = _post(url, message_request(description, states, request), timeout)
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


def change_state(url: str, state: ProviderState, action: str, timeout: float) -> dict[str, Any]:
    payload = {"state": state.name, "params": state.params, "action": action}
    body, _ = _post(url, payload, timeout)
    try:
        values = json.loads(body) if body.strip() else {}
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}
