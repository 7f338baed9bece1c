"""Verifying a provider in any language through the standard Pact message protocol.

The provider serves ``POST`` on a message URL taking ``{"description", "providerStates"}``
and answering with the message body, its content type, and its metadata as base64 JSON in
the ``Pact-Message-Metadata`` header. State changes are ``POST``ed to a state-change URL as
``{"state", "params", "action": "setup"|"teardown"}``.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from typing import Any

from accord.errors import RemoteProviderError
from accord.model.body import Body
from accord.model.pact import MessageContents, ProviderState
from accord.model.read import legacy_body

METADATA_HEADER = "Pact-Message-Metadata"


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


def fetch_message(
    url: str, description: str, states: list[ProviderState], timeout: float
) -> MessageContents:
    payload = {"description": description, "providerStates": [s.to_json() for s in states]}
    body, headers = _post(url, payload, timeout)
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
