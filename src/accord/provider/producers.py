"""Turning what a producer returns into message contents that can be compared.

A producer is user code and may return anything. What cannot be a message (an arbitrary
object, a circular structure, a model whose dump raises) is refused here with a
:class:`~accord.errors.ProducerOutputError` that names the type and where it sits
(``$.items[2].owner``), rather than failing later, deep inside the comparison.
"""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from accord.errors import ProducerOutputError
from accord.limits import MAX_JSON_DEPTH
from accord.message import Message, to_body
from accord.model.body import Body, is_json_type
from accord.model.pact import MessageContents

_ACCEPTED = (
    "return JSON values (dict, list, str, int, float, bool, None), bytes, a dataclass, "
    "a pydantic model or a Message"
)


def to_contents(value: Any, expected_type: str | None) -> MessageContents:
    """A producer's return value as message contents.

    It may return a :class:`~accord.message.Message` (content and metadata), message
    contents, ``bytes``, ``str``, a dataclass, a pydantic model or any JSON value. A ``str``
    returned where JSON is expected is read as JSON text when it parses.
    """
    if isinstance(value, MessageContents):
        return value
    if isinstance(value, Message):
        body = to_body(value)
        if not isinstance(body.content, bytes | str):
            body = Body(_structured(body.content, "the message content"), body.content_type)
        metadata = json_value(dict(value.metadata), "the message metadata")
        return MessageContents(body, metadata)
    return MessageContents(_body(value, expected_type), {})


def _body(value: Any, expected_type: str | None) -> Body:
    if isinstance(value, bytes | bytearray):
        return Body(bytes(value), expected_type or "application/octet-stream")
    if isinstance(value, str):
        if is_json_type(expected_type):
            try:
                return Body(json.loads(value), expected_type)
            except (ValueError, RecursionError):
                return Body(value, expected_type)
        return Body(value, expected_type or "text/plain")
    value = _structured(value, "the producer's return value")
    return Body(value, expected_type if is_json_type(expected_type) else "application/json")


def _structured(value: Any, what: str) -> Any:
    """A model or dataclass as plain data, then checked as JSON."""
    dump = getattr(value, "model_dump", None)
    if callable(dump) and not isinstance(value, type):
        try:
            value = dump(mode="json")
        except Exception as exc:
            raise ProducerOutputError(
                f"{what} is a {_type_name(value)} whose model_dump(mode='json') raised "
                f"{type(exc).__name__}: {exc}"
            ) from exc
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        try:
            value = dataclasses.asdict(value)
        except (RecursionError, TypeError, ValueError) as exc:
            raise ProducerOutputError(
                f"{what} is a dataclass {_type_name(value)} that cannot be converted: "
                f"{type(exc).__name__}: {exc}"
            ) from exc
    return json_value(value, what)


def json_value(value: Any, what: str = "the value") -> Any:
    """``value`` as plain JSON data (tuples become lists), or a :class:`ProducerOutputError`.

    Refuses objects of other types, keys that are not strings, circular references and
    nesting deeper than ``MAX_JSON_DEPTH``, naming the JSON path of the first problem.
    """
    return _clean(value, None, 0, set(), what)


_Where = tuple[Any, str | int] | None
"""Where a value sits, as (parent, key): the path text is built only for an error."""


def _path(where: _Where) -> str:
    segments: list[str] = []
    while where is not None:
        where, key = where
        segments.append(f"[{key}]" if isinstance(key, int) else f".{key}")
    return "$" + "".join(reversed(segments))


_PLAIN = frozenset({str, int, float, bool, type(None)})
"""Exact types that are JSON as they are; checked inline, without a call per value."""


def _clean(value: Any, where: _Where, depth: int, active: set[int], what: str) -> Any:
    if type(value) in _PLAIN or value is None or isinstance(value, str | bool | int | float):
        return value
    if not isinstance(value, dict | list | tuple):
        raise ProducerOutputError(
            f"{what} holds a {_type_name(value)} at {_path(where)}, which is not JSON; {_ACCEPTED}"
        )
    if depth >= MAX_JSON_DEPTH:
        raise ProducerOutputError(
            f"{what} is nested more than {MAX_JSON_DEPTH} levels at {_path(where)}"
        )
    marker = id(value)
    if marker in active:
        raise ProducerOutputError(f"{what} has a circular reference at {_path(where)}")
    active.add(marker)
    plain = _PLAIN
    try:
        # Plain JSON comes back as the very same object: only what changes is copied.
        if isinstance(value, dict):
            out: dict[str, Any] | None = None
            for key, item in value.items():
                if type(key) is not str and not isinstance(key, str):
                    raise ProducerOutputError(
                        f"{what} has a key {key!r} ({_type_name(key)}) at {_path(where)}; "
                        "JSON object keys are strings"
                    )
                if type(item) in plain:
                    continue
                cleaned = _clean(item, (where, key), depth + 1, active, what)
                if cleaned is not item:
                    if out is None:
                        out = dict(value)
                    out[key] = cleaned
            return value if out is None else out
        items: list[Any] | None = None if isinstance(value, list) else list(value)
        for index, item in enumerate(value):
            if type(item) in plain:
                continue
            cleaned = _clean(item, (where, index), depth + 1, active, what)
            if cleaned is not item:
                if items is None:
                    items = list(value)
                items[index] = cleaned
        return value if items is None else items
    finally:
        active.discard(marker)


def _type_name(value: Any) -> str:
    kind = type(value)
    module = kind.__module__
    return kind.__qualname__ if module == "builtins" else f"{module}.{kind.__qualname__}"
