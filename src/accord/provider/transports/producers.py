"""In-process producers: call the provider's own Python function for each message.

This is accord's own way to verify messages: no HTTP relay, so it is fast, and a producer's
exception shows as itself. A producer that takes a ``request`` parameter is the provider
side of a V4 synchronous message: it gets the request as a :class:`~accord.message.Message`
and returns the response (content, a ``Message``, or a list for several responses).
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Mapping
from typing import Any

from accord.errors import ProducerOutputError
from accord.message import from_contents
from accord.model.pact import MessageContents
from accord.provider.calls import UserCode, failure_of
from accord.provider.errors import InteractionError
from accord.provider.keywords import accepted_kwargs
from accord.provider.producers import to_contents
from accord.provider.transports import MessageCall

REQUEST_PARAMETER = "request"


class Producers:
    """A :class:`~accord.provider.transports.MessageTransport` over registered functions."""

    max_responses: int | None = None

    def __init__(self, producers: Mapping[str, Callable[..., Any]], runner: UserCode) -> None:
        self.producers = producers
        self.runner = runner

    async def produce(self, call: MessageCall) -> list[MessageContents]:
        produced = await self.call_producer(call)
        if call.request is not None and isinstance(produced, list | tuple):
            items = list(produced)
        else:
            items = [produced]
        types = list(call.content_types) or [None]
        try:
            return [
                to_contents(item, types[min(index, len(types) - 1)])
                for index, item in enumerate(items)
            ]
        except ProducerOutputError as exc:
            raise InteractionError(f"producer for {call.description!r}: {exc}") from exc

    async def call_producer(self, call: MessageCall) -> Any:
        """The producer's raw return value; failures are one-line :class:`InteractionError`."""
        description = call.description
        producer = self.producers.get(description)
        if producer is None:
            known = ", ".join(repr(d) for d in sorted(self.producers)) or "none"
            raise InteractionError(f"no producer for message {description!r} (registered: {known})")
        kwargs = accepted_kwargs(producer, call.values)
        if call.request is not None and takes_request(producer):
            kwargs[REQUEST_PARAMETER] = from_contents(call.request, description)
        try:
            return await self.runner.call(functools.partial(producer, **kwargs))
        except (Exception, SystemExit) as exc:
            raise InteractionError(failure_of(f"producer for {description!r}", exc)) from exc

    async def aclose(self) -> None:
        return None


@functools.lru_cache(maxsize=4096)
def takes_request(producer: Callable[..., Any]) -> bool:
    """Whether ``producer`` has a ``request`` parameter (or ``**kwargs``)."""
    try:
        parameters = inspect.signature(producer).parameters
    except (TypeError, ValueError):
        return False
    return REQUEST_PARAMETER in parameters or any(
        p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()
    )
