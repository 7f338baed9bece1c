"""The body-format registry: which comparison handles a body, chosen by its media type.

Each format is a small module that registers a :class:`BodyFormat`; adding a content type
is adding a module, not another branch in :func:`compare_bodies`.
Formats are tried in order and the first whose ``accepts`` says yes compares the bodies;
the binary format accepts everything and comes last.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from accord.matching.mismatch import Mismatch
from accord.model.body import Body, is_json_type, media_type
from accord.model.rules import MatchingRules, RuleList

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


def compare_bodies(
    expected: Body | None,
    actual: Body | None,
    rules: MatchingRules,
    *,
    allow_unexpected_keys: bool,
    schemas: SchemaSource | None = None,
    part: str | None = None,
) -> list[Mismatch]:
    """Mismatches between two bodies; a missing expected body means "don't care".

    What all formats share is decided here (missing and empty bodies, content types that
    cannot be the same kind of thing); the rest goes to the format the media type picks.

    ``schemas`` decodes protobuf and Avro bodies (``PactSchemas.of(pact, interaction)``);
    ``part`` (``"request"``/``"response"``) tells a gRPC interaction's two messages apart.
    """
    if expected is None:
        return []
    body_format = format_for(expected)
    if not body_format.compares_empty and (
        expected.is_empty or (expected.content is None and not is_json_type(expected.content_type))
    ):
        if actual is None or actual.is_empty or actual.content is None:
            return []
        return [Mismatch("body", "$", f"Expected an empty body but received '{_preview(actual)}'")]
    if actual is None:
        if body_format.compares_empty and expected.is_empty:
            return []  # an all-default message expects nothing in particular
        return [Mismatch("body", "$", "Expected a body but it was missing", expected.content)]
    expected_type = media_type(expected.content_type)
    actual_type = media_type(actual.content_type)
    if expected_type and actual_type and not same_family(expected_type, actual_type):
        return [
            Mismatch(
                "body-type",
                "",
                f"Expected a body of '{expected_type}' but the actual content type was "
                f"'{actual_type}'",
                expected_type,
                actual_type,
            )
        ]
    context = BodyContext(allow_unexpected_keys, schemas, part)
    return body_format.compare(expected, actual, rules.category("body"), context)


def _preview(body: Body) -> str:
    text = body.to_text()
    return text if len(text) <= 60 else text[:57] + "..."
