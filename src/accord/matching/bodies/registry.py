"""The body-format registry: which comparison handles a body, chosen by its media type.

Each format is a small module that registers a :class:`BodyFormat`; adding a content type
is adding a module, not another branch in :func:`accord.matching.body.compare_bodies`.
Formats are tried in order and the first whose ``accepts`` says yes compares the bodies;
the binary format accepts everything and comes last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accord.matching.mismatch import Mismatch
from accord.model.body import Body
from accord.model.rules import RuleList

if TYPE_CHECKING:
    from accord.schemas.in_pact import SchemaSource

BodyRules = dict[str, RuleList]
"""The ``body`` category of one part's matching rules, by path."""


@dataclass(frozen=True, slots=True)
class BodyContext:
    """What a comparison needs beyond the two bodies and their rules."""

    allow_unexpected_keys: bool
    """True for responses and messages (Postel's law), False for requests."""
    schemas: SchemaSource | None = None
    """Where protobuf and Avro schemas come from; ``None`` when the caller has none."""
    part: str | None = None
    """``request`` or ``response`` when the body is one of those, else ``None``."""


Compare = Callable[[Body, Body, BodyRules, BodyContext], list[Mismatch]]


@dataclass(frozen=True, slots=True)
class BodyFormat:
    """One content type family and how to compare two bodies of it.

    ``accepts`` sees the expected body (its content type and content). ``same_family`` says
    whether two media types are interchangeable for it (``application/json`` and
    ``application/hal+json``; ``application/protobuf`` and ``application/grpc``).
    ``compares_empty`` formats are given empty expected bodies too: an all-default protobuf
    message is zero bytes, yet it is still a message to compare.
    """

    name: str
    accepts: Callable[[Body], bool]
    compare: Compare
    same_family: Callable[[str, str], bool] | None = None
    compares_empty: bool = False


_FORMATS: list[BodyFormat] = []


def register(body_format: BodyFormat, *, before: str | None = None) -> None:
    """Add a format (replacing one of the same name), last or before the one named."""
    for index, existing in enumerate(_FORMATS):
        if existing.name == body_format.name:
            _FORMATS[index] = body_format
            return
    if before is not None:
        for index, existing in enumerate(_FORMATS):
            if existing.name == before:
                _FORMATS.insert(index, body_format)
                return
    _FORMATS.append(body_format)


def formats() -> tuple[BodyFormat, ...]:
    """The registered formats, in the order they are tried."""
    return tuple(_FORMATS)


def format_for(body: Body) -> BodyFormat:
    """The format that compares ``body`` (the expected one)."""
    for body_format in _FORMATS:
        if body_format.accepts(body):
            return body_format
    raise LookupError("no body format accepts this body; the binary format must be registered")


def same_family(expected: str, actual: str) -> bool:
    """True when two media types are compatible: equal, or one format calls them kin."""
    if expected == actual:
        return True
    for body_format in _FORMATS:
        if body_format.same_family is not None and body_format.same_family(expected, actual):
            return True
    return False
