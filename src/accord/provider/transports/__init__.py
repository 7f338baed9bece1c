"""Where a verifier gets the *actual* message or response from: one module per transport.

Two shapes of transport exist, one per family of interaction kinds:

* a :class:`MessageTransport` produces the message(s) for an asynchronous or synchronous
  message: in-process producers (:mod:`.producers`) or the Pact message protocol
  (:mod:`.message_protocol`, ``--message-url``);
* an :class:`HttpTransport` answers an HTTP request: a running server
  (:mod:`.http_replay`, ``base_url``) or an ASGI/WSGI app called in-process
  (:mod:`.asgi_wsgi`, ``app=``).

Named transports (``verify(transports={"http": URL})``) are built from :data:`FACTORIES`,
a registry of ``"module:function"`` strings imported only when used, so the core stays
light. A new transport (gRPC, WebSocket, ...) is a new module plus one line here.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from accord.model.pact import HttpRequest, HttpResponse, MessageContents, ProviderState
from accord.provider.errors import VerifierSetupError


@dataclass(slots=True)
class MessageCall:
    """What a message transport needs to produce one interaction's message(s)."""

    description: str
    states: list[ProviderState] = field(default_factory=list)
    values: dict[str, Any] = field(default_factory=dict)
    """Provider-state values (params and what the state handlers returned)."""
    request: MessageContents | None = None
    """A synchronous message's request, generators already applied; ``None`` when async."""
    content_types: Sequence[str | None] = ()
    """The content types the pact expects, to read a producer's ``str`` as JSON and so on."""


@runtime_checkable
class MessageTransport(Protocol):
    """Produces the actual message (async) or response messages (sync) for a description."""

    max_responses: int | None
    """How many response messages it can carry for one request (``None``: any number)."""

    async def produce(self, call: MessageCall) -> list[MessageContents]: ...

    async def aclose(self) -> None: ...


@runtime_checkable
class HttpTransport(Protocol):
    """Sends one HTTP request to the provider and returns its response."""

    async def send(self, request: HttpRequest) -> HttpResponse: ...

    async def aclose(self) -> None: ...


@dataclass(frozen=True, slots=True)
class TransportOptions:
    """Options every transport factory receives."""

    timeout: float | None = 30.0
    custom_headers: dict[str, str] = field(default_factory=dict)
    request_hook: Callable[[Any], Any] | None = None
    blocking: bool = False
    """Network calls may block the event loop. ``Verifier.verify`` runs its own loop, so no
    provider can be served on it, and sync httpx costs about half the CPU of async httpx
    per request; ``verify_async`` keeps everything async (the provider may share its loop)."""


FACTORIES: dict[str, str] = {
    "http": "accord.provider.transports.http_replay:from_target",
    "https": "accord.provider.transports.http_replay:from_target",
    "app": "accord.provider.transports.asgi_wsgi:from_target",
    "message": "accord.provider.transports.message_protocol:from_target",
    "grpc": "accord.provider.transports.grpc:from_target",
    "websocket": "accord.provider.transports.websocket:from_target",
}
"""Transport name -> ``"module:factory"``; ``factory(target, options)`` builds it."""

PLANNED: tuple[str, ...] = ()
"""Transports named in the product plan that this version of accord cannot verify yet."""


def register_transport(name: str, factory: str) -> None:
    """Make ``transports={name: target}`` build a transport with ``factory`` (module:attr)."""
    FACTORIES[name] = factory


def make_transport(name: str, target: Any, options: TransportOptions) -> Any:
    """The transport ``name`` for ``target``; an unknown name is a clear setup error.

    ``target`` may already be a transport object (it has ``send`` or ``produce``), which is
    then used as it is.
    """
    if isinstance(target, MessageTransport | HttpTransport):
        return target
    spec = FACTORIES.get(name)
    if spec is None:
        known = ", ".join(sorted(FACTORIES))
        if name in PLANNED:
            raise VerifierSetupError(
                f"the {name!r} transport is not available in this version of accord "
                f"(available: {known})"
            )
        raise VerifierSetupError(f"unknown transport {name!r} (available: {known})")
    module_name, _, attr = spec.partition(":")
    factory = getattr(importlib.import_module(module_name), attr)
    return factory(target, options)


def is_http_transport_name(name: str | None) -> bool:
    return name in (None, "", "http", "https")
