"""The pact as one in-memory model.

Spec versions exist only in :mod:`accord.model.read` and :mod:`accord.model.write`: here a
V2 HTTP pact, a V3 message pact and a mixed V4 pact are the same kind of object. Fields the
model does not know are kept in ``extra`` so a load-and-write loses nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from accord.model.body import Body
from accord.model.rules import Generators, MatchingRules

HTTP = "Synchronous/HTTP"
ASYNC_MESSAGE = "Asynchronous/Messages"
SYNC_MESSAGE = "Synchronous/Messages"


@dataclass(slots=True)
class ProviderState:
    """A named state the provider must be in, with optional parameters."""

    name: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {"name": self.name}
        if self.params:
            out["params"] = self.params
        return out


@dataclass(slots=True)
class HttpRequest:
    method: str = "GET"
    path: str = "/"
    query: dict[str, list[str | None]] | None = None
    headers: dict[str, list[str]] | None = None
    body: Body | None = None
    matching_rules: MatchingRules = field(default_factory=MatchingRules)
    generators: Generators = field(default_factory=Generators)
    raw_query: str | None = None
    """The V1/V2 query string as written, when the file had one (kept for matching)."""
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class HttpResponse:
    status: int | None = 200
    headers: dict[str, list[str]] | None = None
    body: Body | None = None
    matching_rules: MatchingRules = field(default_factory=MatchingRules)
    generators: Generators = field(default_factory=Generators)
    extra: dict[str, Any] = field(default_factory=dict)


@dataclass(slots=True)
class MessageContents:
    """One message: its contents, metadata, and the rules and generators for both."""

    contents: Body | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    matching_rules: MatchingRules = field(default_factory=MatchingRules)
    generators: Generators = field(default_factory=Generators)
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def content_type(self) -> str | None:
        """From the body, else the ``contentType``/``content-type`` metadata key."""
        if self.contents is not None and self.contents.content_type:
            return self.contents.content_type
        return metadata_content_type(self.metadata)


CONTENT_TYPE_KEYS = frozenset({"contenttype", "content-type"})
"""Message metadata keys (lower-cased) that state the content type, in every spelling."""


def is_content_type_key(key: str) -> bool:
    return key.lower() in CONTENT_TYPE_KEYS


def metadata_content_type(metadata: dict[str, Any]) -> str | None:
    for key, value in metadata.items():
        if is_content_type_key(key) and isinstance(value, str):
            return value
    return None


def without_content_type(metadata: dict[str, Any]) -> dict[str, Any]:
    """``metadata`` less its content-type keys (what a transport carries elsewhere)."""
    return {key: value for key, value in metadata.items() if not is_content_type_key(key)}


@dataclass(slots=True, kw_only=True)
class Interaction:
    """What every interaction type shares."""

    TYPE: ClassVar[str] = ""

    description: str
    provider_states: list[ProviderState] = field(default_factory=list)
    key: str | None = None
    pending: bool = False
    comments: dict[str, Any] = field(default_factory=dict)
    plugin_config: dict[str, Any] = field(default_factory=dict)
    markup: dict[str, Any] = field(default_factory=dict)
    transport: str | None = None
    id: str | None = None
    """``_id`` set by a broker; verification results refer to it."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return self.TYPE

    def identity(self) -> tuple[str, tuple[tuple[str, str], ...]]:
        """What makes two interactions "the same one" when files are merged."""
        states = tuple(
            (state.name, repr(sorted(state.params.items()))) for state in self.provider_states
        )
        return (self.description, states)


@dataclass(slots=True, kw_only=True)
class HttpInteraction(Interaction):
    TYPE: ClassVar[str] = HTTP

    request: HttpRequest = field(default_factory=HttpRequest)
    response: HttpResponse = field(default_factory=HttpResponse)


@dataclass(slots=True, kw_only=True)
class AsyncMessage(Interaction):
    TYPE: ClassVar[str] = ASYNC_MESSAGE

    message: MessageContents = field(default_factory=MessageContents)


@dataclass(slots=True, kw_only=True)
class SyncMessage(Interaction):
    TYPE: ClassVar[str] = SYNC_MESSAGE

    request: MessageContents = field(default_factory=MessageContents)
    response: list[MessageContents] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class UnknownInteraction(Interaction):
    """A V4 interaction of a type accord does not know; kept verbatim, never verified."""

    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def type(self) -> str:
        return str(self.raw.get("type", ""))


@dataclass(slots=True)
class Pact:
    """A contract between one consumer and one provider."""

    consumer: str
    provider: str
    interactions: list[Interaction] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    spec_version: str = "4.0"
    """The version the source was written in, e.g. ``"3.0.0"`` or ``"4.0"``."""
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def spec_major(self) -> int:
        return spec_major(self.spec_version)

    @property
    def is_message_pact(self) -> bool:
        return bool(self.interactions) and all(
            isinstance(i, AsyncMessage) for i in self.interactions
        )


def spec_major(version: str) -> int:
    head = version.strip().lstrip("vV").split(".", 1)[0]
    return int(head) if head.isascii() and head.isdigit() else 0
