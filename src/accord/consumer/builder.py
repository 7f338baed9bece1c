"""Builders for message interactions.

``Pact.expects_to_receive`` returns a :class:`MessageBuilder`; each call adds to one
asynchronous-message interaction and returns the builder, so a test reads as a sentence.
Matchers and generators may appear anywhere in the content and metadata.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Mapping
from typing import Any

from accord._dsl.native import to_json_value
from accord._dsl.term import Parts, Term, compile_parts, compile_value
from accord.consumer.interaction_builder import InteractionBuilder
from accord.errors import MatcherError
from accord.limits import MAX_JSON_DEPTH
from accord.model.body import Body, is_json_type
from accord.model.pact import AsyncMessage, MessageContents
from accord.model.rules import Generators, MatchingRules


def check_content(content: Any) -> None:
    """Refuse, when it is declared, content whose shape can never be written to a pact.

    A circular structure or one nested past the limit would otherwise surface only when the
    pact is written (or as a ``RecursionError``), far from the line that declared it. What
    each value turns into is :func:`~accord._dsl.native.to_json_like`'s business.
    """
    if isinstance(content, dict | list | tuple | Term) and not _shape_ok(content, 0, set()):
        _check_shape(content, "$", 0, set())  # finds the place and raises


_LEAVES = frozenset({str, int, float, bool, type(None)})


def _shape_ok(value: Any, depth: int, active: set[int]) -> bool:
    """The quick first pass: no paths are built unless something is wrong."""
    kind = type(value)
    if kind is str or kind is int or kind is float or kind is bool or value is None:
        return True
    if isinstance(value, Term):
        return _shape_ok(value.value, depth, active)
    if not isinstance(value, dict | list | tuple):
        return True
    if depth >= MAX_JSON_DEPTH or id(value) in active:
        return False
    active.add(id(value))
    for item in value.values() if isinstance(value, dict) else value:
        while type(item) is Term:
            item = item.value
        if type(item) not in _LEAVES and not _shape_ok(item, depth + 1, active):
            return False
    active.discard(id(value))
    return True


def _check_shape(value: Any, path: str, depth: int, active: set[int]) -> None:
    if isinstance(value, Term):
        _check_shape(value.value, path, depth, active)
        return
    if not isinstance(value, dict | list | tuple):
        return
    if depth >= MAX_JSON_DEPTH:
        raise MatcherError(f"content is nested more than {MAX_JSON_DEPTH} levels at {path}")
    if id(value) in active:
        raise MatcherError(f"content has a circular reference at {path}")
    active.add(id(value))
    items = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in items:
        _check_shape(
            item,
            f"{path}.{key}" if isinstance(value, dict) else f"{path}[{key}]",
            depth + 1,
            active,
        )
    active.discard(id(value))


def message_contents(
    content: Any,
    content_type: str | None,
    metadata: dict[str, Any],
    compiled: Parts | None = None,
) -> MessageContents:
    """Compile user content and metadata (terms allowed) into pact message contents.

    ``compiled`` is the content already compiled (a builder compiles JSON content when it
    is given, to refuse bad values there); it is not compiled twice, and ``content`` is
    then not looked at.
    """
    rules = MatchingRules()
    generators = Generators()
    body: Body | None = None
    if compiled is not None:
        # A builder compiles only JSON content (never text, bytes or None): its example is
        # the body whatever its type, as below, and the content itself is not needed.
        body = Body(compiled.example, content_type or "application/json")
        _add_compiled(compiled, rules, generators)
    elif content is not None or content_type is not None:
        if isinstance(content, bytes | bytearray):
            body = Body(bytes(content), content_type or "application/octet-stream")
        elif isinstance(content, str) and not is_json_type(content_type):
            body = Body(content, content_type or "text/plain")
        else:
            if isinstance(content, str):
                with contextlib.suppress(ValueError):
                    content = json.loads(content)
            compiled = compile_parts(content)
            body = Body(compiled.example, content_type or "application/json")
            _add_compiled(compiled, rules, generators)
    plain = compile_metadata(metadata, rules, generators)
    return MessageContents(body, plain, rules, generators)


def _add_compiled(compiled: Parts, rules: MatchingRules, generators: Generators) -> None:
    """The body rules and generators of ``compiled`` as the ``body`` category of the (still
    empty) sets: what ``add`` would make of each path, built in one go (a realistic message
    has dozens of paths). Each message gets rule lists of its own."""
    if compiled.rules:
        rules.categories["body"] = compiled.rule_lists()
    if compiled.generators:
        generators.categories["body"] = dict(compiled.generators)


def compile_metadata(
    metadata: Mapping[str, Any], rules: MatchingRules, generators: Generators
) -> dict[str, Any]:
    """Metadata values as plain JSON, their matchers and generators added under
    ``metadata`` (message metadata and gRPC metadata alike)."""
    plain: dict[str, Any] = {}
    for key, value in metadata.items():
        if isinstance(value, Term):
            compiled = compile_value(value)
            plain[key] = compiled.example
            own = compiled.rules.get("$")
            if own is not None:
                rules.add("metadata", key, own.rules, own.combine)
            if "$" in compiled.generators:
                generators.add("metadata", key, compiled.generators["$"])
        else:
            plain[key] = to_json_value(value, f"metadata {key!r}")
    return plain


class MessageBuilder(InteractionBuilder):
    """Describes one asynchronous message the consumer expects to receive."""

    kind = "a message"

    def __init__(self, description: str) -> None:
        super().__init__(description)
        self._content: Any = None
        self._content_type: str | None = None
        self._compiled: Parts | None = None
        self._metadata: dict[str, Any] = {}

    def with_content(self, content: Any, content_type: str | None = None) -> MessageBuilder:
        """The message body: JSON (with matchers), ``str`` text or ``bytes``.

        Python values (Decimal, datetime, UUID, enums, dataclasses, pydantic models) become
        the JSON they stand for; anything JSON cannot hold is refused here, not at write.
        """
        self._compiled = None
        check_content(content)
        if not isinstance(content, str | bytes | bytearray) and content is not None:
            # compiled now, so what has no JSON form is refused here, naming the place
            self._compiled = compile_parts(content)
            # Only the compiled form is used from here on: letting the terms go keeps a
            # pact of many messages small for the garbage collector to scan.
            content = None
        self._content = content
        self._content_type = content_type
        return self

    def with_metadata(
        self, metadata: dict[str, Any] | None = None, **kwargs: Any
    ) -> MessageBuilder:
        """Message metadata (topic, headers, content type...); matchers allowed.

        Values are JSON, as in every Pact implementation: ``bytes`` (a Kafka header as the
        client gives it) is refused here with the way out, as is anything else JSON lacks.
        """
        for key, value in {**(metadata or {}), **kwargs}.items():
            if isinstance(value, Term):
                compile_value(value)
                self._metadata[key] = value
            else:
                self._metadata[key] = to_json_value(value, f"metadata {key!r}")
        return self

    def build(self) -> AsyncMessage:
        contents = message_contents(
            self._content, self._content_type, self._metadata, self._compiled
        )
        return AsyncMessage(
            description=self.description,
            provider_states=list(self._states),
            key=self._key,
            pending=self._pending,
            comments=dict(self._comments),
            message=contents,
        )
