"""Bodies and message contents, held once whatever version wrote them.

A body keeps its content in the most useful decoded form: the parsed JSON value for JSON
content types, ``str`` for text and ``bytes`` for everything else. Readers and writers
convert to and from the V3 raw value and the V4 ``{content, contentType, encoded}`` object.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

_JSON_SUFFIXES = ("+json", "/json")
_TEXT_PREFIXES = ("text/",)
_TEXT_TYPES = frozenset(
    {
        "application/xml",
        "application/javascript",
        "application/x-www-form-urlencoded",
        "application/yaml",
        "application/x-yaml",
        "application/graphql",
    }
)


def media_type(content_type: str | None) -> str:
    """The bare, lower-case media type of a Content-Type value (parameters dropped)."""
    if not content_type:
        return ""
    return content_type.split(";", 1)[0].strip().lower()


def is_json_type(content_type: str | None) -> bool:
    base = media_type(content_type)
    return base.endswith(_JSON_SUFFIXES) or base == "application/json"


def is_xml_type(content_type: str | None) -> bool:
    base = media_type(content_type)
    return base.endswith(("/xml", "+xml"))


def is_text_type(content_type: str | None) -> bool:
    base = media_type(content_type)
    return (
        base.startswith(_TEXT_PREFIXES)
        or base in _TEXT_TYPES
        or is_json_type(base)
        or is_xml_type(base)
    )


@dataclass(slots=True)
class Body:
    """A present body. A missing body is represented by ``None`` on its owner.

    ``content`` is a JSON value when the content type is JSON, ``str`` for text, ``bytes``
    for binary data. ``hint`` keeps V4's ``contentTypeHint`` (``BINARY``/``TEXT``).
    """

    content: Any
    content_type: str | None = None
    hint: str | None = None

    @property
    def is_json(self) -> bool:
        return is_json_type(self.content_type) and not isinstance(self.content, bytes)

    @property
    def is_empty(self) -> bool:
        return self.content in ("", b"")

    def to_bytes(self) -> bytes:
        """The body as it would go over the wire."""
        content = self.content
        if isinstance(content, bytes):
            return content
        # "replace": a lone surrogate (legal in JSON text, not in UTF-8) becomes "?" rather
        # than an exception in the middle of a comparison or a replay.
        if isinstance(content, str) and not self.is_json:
            return content.encode("utf-8", "replace")
        if content is None and not is_json_type(self.content_type):
            return b""
        text = json.dumps(content, separators=(",", ":"), ensure_ascii=False)
        return text.encode("utf-8", "replace")

    def to_text(self) -> str:
        content = self.content
        if isinstance(content, str) and not self.is_json:
            return content
        return self.to_bytes().decode("utf-8", errors="replace")


def decode_json_text(text: str) -> Any:
    """Parse JSON text; text that is not JSON stays a JSON string, as Pact reads it."""
    try:
        return json.loads(text)
    except ValueError:
        return text
