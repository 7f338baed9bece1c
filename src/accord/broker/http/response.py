"""What a handler returns: a status, bytes and headers, built off the event loop.

Handlers run in a worker thread inside the database transaction, so they serialise their
own JSON there rather than handing Python objects back to the event loop.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

HAL_JSON = "application/hal+json;charset=utf-8"
TEXT = "text/plain;charset=utf-8"


@dataclass(slots=True)
class Reply:
    status: int
    body: bytes
    content_type: str = HAL_JSON
    headers: dict[str, str] = field(default_factory=dict)


def dumps(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def hal(data: Any, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    return Reply(status, dumps(data), HAL_JSON, headers or {})


def raw_hal(body: bytes, status: int = 200, headers: dict[str, str] | None = None) -> Reply:
    """Already serialised JSON (a stored pact with links spliced in)."""
    return Reply(status, body, HAL_JSON, headers or {})


def text(body: str, status: int = 200) -> Reply:
    return Reply(status, body.encode("utf-8"), TEXT)


def no_content() -> Reply:
    """204 without a content type: a client seeing a JSON type would try to parse nothing."""
    return Reply(204, b"", "")
