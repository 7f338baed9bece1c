"""Turning what a producer returns into message contents that can be compared."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from accord.message import Message, to_body
from accord.model.body import Body, is_json_type
from accord.model.pact import MessageContents


def to_contents(value: Any, expected_type: str | None) -> MessageContents:
    """A producer's return value as message contents.

    It may return a :class:`~accord.message.Message` (content and metadata), message
    contents, ``bytes``, ``str``, a dataclass, a pydantic model or any JSON value. A ``str``
    returned where JSON is expected is read as JSON text when it parses.
    """
    if isinstance(value, MessageContents):
        return value
    if isinstance(value, Message):
        return MessageContents(to_body(value), dict(value.metadata))
    return MessageContents(_body(value, expected_type), {})


def _body(value: Any, expected_type: str | None) -> Body:
    if isinstance(value, bytes | bytearray):
        return Body(bytes(value), expected_type or "application/octet-stream")
    if isinstance(value, str):
        if is_json_type(expected_type):
            try:
                return Body(json.loads(value), expected_type)
            except ValueError:
                return Body(value, expected_type)
        return Body(value, expected_type or "text/plain")
    dump = getattr(value, "model_dump", None)
    if callable(dump):
        value = dump(mode="json")
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        value = dataclasses.asdict(value)
    return Body(value, expected_type if is_json_type(expected_type) else "application/json")
