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
import http.client
import json
from typing import Any
from urllib.parse import urlsplit

from accord.errors import RemoteProviderError
from accord.model.body import Body
from accord.model.pact import MessageContents, ProviderState
from accord.model.read import legacy_body
from accord.model.write import v4_body
from accord.provider.errors import InteractionError
from accord.provider.transports import MessageCall, TransportOptions

METADATA_HEADER = "Pact-Message-Metadata"


class MessageProtocol:
    """A :class:`~accord.provider.transports.MessageTransport` over the message protocol."""

    max_responses: int | None = 1

    def __init__(self, url: str, timeout: float | None = 30.0, *, blocking: bool = False) -> None:
        self.url = url
        self.timeout = timeout or 30.0
        self.client = ProtocolClient(
            self.timeout, tls=url.startswith("https://"), blocking=blocking
        )

    async def produce(self, call: MessageCall) -> list[MessageContents]:
        payload = message_request(call.description, call.states, call.request)
        try:
            body, headers = await self.client.post(self.url, payload)
            return [read_message(body, headers)]
        except RemoteProviderError as exc:
            raise InteractionError(str(exc)) from exc

    async def aclose(self) -> None:
        await self.client.aclose()


def from_target(target: Any, options: TransportOptions) -> MessageProtocol:
    return MessageProtocol(str(target), options.timeout, blocking=options.blocking)


class ProtocolClient:
    """Posts to a provider's message and state-change endpoints over kept-alive connections:
    a state change then costs a round trip, not a new TCP connection.

    These are fixed-shape JSON POSTs the verifier makes itself (no user hook sees them).
    Blocking (``verify``, see :attr:`~accord.provider.transports.TransportOptions.blocking`)
    they go through the standard library's ``http.client``, several times cheaper per call
    than httpx; otherwise through async httpx, so a provider may share the caller's loop.
    """

    def __init__(self, timeout: float = 30.0, *, tls: bool = True, blocking: bool = False) -> None:
        self.timeout = timeout
        self.tls = tls
        self.blocking = blocking
        self._connections: dict[tuple[str, str], http.client.HTTPConnection] = {}
        self._async: Any = None

    async def post(self, url: str, payload: dict[str, Any]) -> tuple[bytes, dict[str, str]]:
        if self.blocking:
            status, body, headers = self._post_blocking(url, payload)
        else:
            status, body, headers = await self._post_async(url, payload)
        if status >= 400:
            detail = body[:200].decode("utf-8", "replace")
            raise RemoteProviderError(f"POST {url} answered HTTP {status}: {detail}")
        return body, headers

    def _post_blocking(
        self, url: str, payload: dict[str, Any]
    ) -> tuple[int, bytes, dict[str, str]]:
        parts = urlsplit(url)
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        data = json.dumps(payload).encode()
        headers = {"Content-Type": "application/json", "Accept": "application/json"}
        key = (parts.scheme, parts.netloc)
        for attempt in (1, 2):
            connection = self._connections.get(key)
            if connection is None:
                kind = (
                    http.client.HTTPSConnection
                    if parts.scheme == "https"
                    else http.client.HTTPConnection
                )
                connection = kind(parts.netloc, timeout=self.timeout)
                self._connections[key] = connection
            try:
                connection.request("POST", target, data, headers)
                response = connection.getresponse()
                body = response.read()
            except TimeoutError as exc:
                self._drop(key)
                raise RemoteProviderError(
                    f"POST {url} did not answer within {self.timeout:g} s"
                ) from exc
            except (OSError, http.client.HTTPException) as exc:
                self._drop(key)
                if attempt == 1 and isinstance(
                    exc, http.client.RemoteDisconnected | BrokenPipeError
                ):
                    continue  # the server closed an idle kept-alive connection: reconnect
                raise RemoteProviderError(f"POST {url} failed: {exc}") from exc
            if response.will_close:
                self._drop(key)
            return response.status, body, {k.lower(): v for k, v in response.getheaders()}
        raise RemoteProviderError(f"POST {url} failed: the connection kept closing")

    async def _post_async(
        self, url: str, payload: dict[str, Any]
    ) -> tuple[int, bytes, dict[str, str]]:
        import httpx

        if self._async is None:
            # verify=False only for plain http URLs: there is no TLS context to build then.
            self._async = httpx.AsyncClient(timeout=self.timeout, verify=self.tls)
        try:
            response = await self._async.post(url, json=payload)
        except httpx.TimeoutException as exc:
            raise RemoteProviderError(
                f"POST {url} did not answer within {self.timeout:g} s"
            ) from exc
        except httpx.HTTPError as exc:
            raise RemoteProviderError(f"POST {url} failed: {exc}") from exc
        headers = {k.lower(): v for k, v in response.headers.items()}
        return response.status_code, response.content, headers

    def _drop(self, key: tuple[str, str]) -> None:
        connection = self._connections.pop(key, None)
        if connection is not None:
            connection.close()

    async def aclose(self) -> None:
        for key in list(self._connections):
            self._drop(key)
        if self._async is not None:
            await self._async.aclose()
            self._async = None


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
    client: ProtocolClient, url: str, state: ProviderState, action: str
) -> dict[str, Any]:
    """POST one state change (the official verifier's body); a JSON object answer is values."""
    payload = {"state": state.name, "params": state.params, "action": action}
    body, _ = await client.post(url, payload)
    try:
        values = json.loads(body) if body.strip() else {}
    except ValueError:
        return {}
    return values if isinstance(values, dict) else {}
