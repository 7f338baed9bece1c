"""``Message``: what a consumer's handler receives and what a producer may return."""

from __future__ import annotations

import dataclasses
import json
import typing
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, TypeVar

from accord.errors import MessageDecodeError
from accord.model.body import Body, is_json_type, is_text_type
from accord.model.pact import MessageContents, metadata_content_type

T = TypeVar("T")


@dataclass(frozen=True)
class Message:
    """One message: its content, decoded by content type, and its metadata.

    ``content`` is the decoded value: JSON becomes Python values, text becomes ``str``,
    anything else ``bytes``. ``contents`` is always the raw bytes, as a transport carries
    them. Producers may return a ``Message`` to set metadata alongside the content.
    """

    content: Any = None
    metadata: dict[str, Any] = field(default_factory=dict)
    content_type: str | None = None
    description: str = ""

    @cached_property
    def contents(self) -> bytes:
        return to_body(self).to_bytes() if self.content is not None else b""

    def content_as(self, cls: type[T]) -> T:
        """The content mapped onto a dataclass, a pydantic model or any ``cls(**content)``.

        This is the equivalent of Pact Go's ``AsType``: handlers can take domain objects.
        """
        return convert(self.content, cls, where="content")


def to_body(message: Message) -> Body:
    content_type = message.content_type or metadata_content_type(message.metadata)
    content = message.content
    if content_type is None:
        if isinstance(content, bytes):
            content_type = "application/octet-stream"
        elif isinstance(content, str):
            content_type = "text/plain"
        else:
            content_type = "application/json"
    return Body(content, content_type)


def from_contents(contents: MessageContents, description: str = "") -> Message:
    """The ``Message`` a handler sees for some message contents from a pact."""
    body = contents.contents
    content_type = contents.content_type
    content: Any = None
    if body is not None:
        content = decode(body.content, content_type)
    return Message(content, dict(contents.metadata), content_type, description)


def decode(content: Any, content_type: str | None) -> Any:
    """Content in its most useful form for the content type."""
    if isinstance(content, bytes):
        if is_json_type(content_type):
            try:
                return json.loads(content)
            except ValueError:
                return content
        if content_type and is_text_type(content_type):
            try:
                return content.decode("utf-8")
            except UnicodeDecodeError:
                return content
    return content


def convert(value: Any, cls: type[T], *, where: str) -> T:
    """Map JSON-like data onto ``cls``, recursing through dataclass fields."""
    validate = getattr(cls, "model_validate", None)
    try:
        if callable(validate):
            return typing.cast(T, validate(value))
        if dataclasses.is_dataclass(cls) and isinstance(value, dict):
            hints = typing.get_type_hints(cls)
            kwargs = {}
            for item in dataclasses.fields(cls):
                if item.name in value:
                    kwargs[item.name] = _convert_field(value[item.name], hints.get(item.name))
            return cls(**kwargs)
        if isinstance(value, dict):
            return cls(**value)
        return cls(value)  # type: ignore[call-arg]
    except (TypeError, ValueError) as exc:
        raise MessageDecodeError(
            f"cannot read the message {where} as {cls.__name__}: {exc}"
        ) from exc


def _convert_field(value: Any, hint: Any) -> Any:
    if isinstance(hint, type) and dataclasses.is_dataclass(hint) and isinstance(value, dict):
        return convert(value, hint, where="field")
    origin = typing.get_origin(hint)
    args = typing.get_args(hint)
    if origin is list and args and isinstance(value, list):
        return [_convert_field(v, args[0]) for v in value]
    return value
