"""Reading bodies: the V1-V3 raw value and the V4 ``{content, contentType, encoded}`` object."""

from __future__ import annotations

import base64
import binascii
import json
from typing import Any

from accord.model.at import At, describe_value
from accord.model.body import Body, decode_json_text, is_json_type, is_text_type

# ---------------------------------------------------------------------------------------
# bodies

_BODY_ATTRIBUTES = frozenset({"content", "contentType", "encoded", "contentTypeHint"})


def legacy_body(value: Any, content_type: str | None) -> Body:
    """A V1-V3 body: the raw value, interpreted by the content type."""
    if isinstance(value, str):
        if is_json_type(content_type):
            return Body(decode_json_text(value), content_type)
        if content_type and not is_text_type(content_type):
            try:
                return Body(base64.b64decode(value, validate=True), content_type)
            except (binascii.Error, ValueError):
                return Body(value, content_type)
        if content_type is None and _looks_like_xml(value):
            return Body(value, "application/xml")
        return Body(value, content_type)
    if value is None:
        return Body(None, content_type)
    return Body(value, content_type or "application/json")


def _looks_like_xml(text: str) -> bool:
    head = text.lstrip()
    return head.startswith("<?xml") or (head.startswith("<") and head.rstrip().endswith(">"))


def parse_v4_body(value: Any, at: At, fallback_type: str | None = None) -> Body | None:
    """The V4 ``{content, contentType, encoded, contentTypeHint}`` object."""
    if value is None:
        return Body(None, fallback_type)
    if not isinstance(value, dict) or not set(value) <= _BODY_ATTRIBUTES:
        # pact-python issue 1103: an object with foreign keys is itself the body.
        return Body(value, fallback_type or "application/json")
    if "content" not in value:
        return None
    content_type = value.get("contentType") or fallback_type
    if content_type is not None:
        content_type = (at / "contentType").string(content_type)
    hint = value.get("contentTypeHint")
    encoded = value.get("encoded", False)
    content = value["content"]
    if (isinstance(encoded, str) and encoded.lower() == "base64") or encoded is True:
        text = (at / "content").string(content, "base64 text")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise (at / "content").fail(f"not valid base64: {exc}") from exc
        if is_json_type(content_type) and hint != "BINARY":
            try:
                return Body(json.loads(raw), content_type, hint)
            except ValueError:
                pass
        if content_type and is_text_type(content_type) and hint != "BINARY":
            try:
                return Body(raw.decode("utf-8"), content_type, hint)
            except UnicodeDecodeError:
                pass
        return Body(raw, content_type, hint)
    if isinstance(encoded, str) and encoded.lower() == "json":
        text = (at / "content").string(content, "JSON text")
        return Body(decode_json_text(text), content_type or "application/json", hint)
    if encoded not in (False, None) and not isinstance(encoded, str):
        raise (at / "encoded").fail(
            f"expected false, 'base64' or 'json', found {describe_value(encoded)}"
        )
    if isinstance(content, str):
        if is_json_type(content_type):
            return Body(decode_json_text(content), content_type, hint)
        return Body(content, content_type, hint)
    if content_type is None and content is not None:
        content_type = "application/json"
    return Body(content, content_type, hint)
