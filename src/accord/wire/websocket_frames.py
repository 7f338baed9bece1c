"""Turning WebSocket messages into message contents and back, for both sides.

A WebSocket message is text or binary, with no content type of its own. Text is read as
JSON when the pact expects JSON (and parses), as text otherwise; binary stays bytes.
Outgoing JSON contents go as a text message of compact JSON, text as text, bytes as binary.
"""

from __future__ import annotations

import json

from accord.model.body import Body, is_json_type
from accord.model.pact import MessageContents


def received(data: str | bytes, expected_type: str | None) -> MessageContents:
    """One received message as contents, read the way the expected message is written."""
    if isinstance(data, bytes):
        return MessageContents(Body(data, expected_type or "application/octet-stream"))
    if is_json_type(expected_type):
        try:
            return MessageContents(Body(json.loads(data), expected_type))
        except ValueError:
            return MessageContents(Body(data, "text/plain"))
    return MessageContents(Body(data, expected_type or "text/plain"))


def outgoing(contents: MessageContents) -> str | bytes:
    """What to put on the socket for ``contents``: text for JSON and text, else bytes."""
    body = contents.contents
    if body is None:
        return ""
    if isinstance(body.content, bytes):
        return body.content
    return body.to_text()
