"""What the provider must produce, and what is sent to it, with the right generators applied.

Pact's rule for a verifier: the *expected* side (a message, an HTTP response) gets only
provider-state injection (``ProviderState`` generators filled from state-handler values).
Other generators (``Uuid``, ``RandomInt``, ``DateTime``, ...) make fresh example values; run
on the expected side they would be compared by equality where no matcher applies, and a
correct provider would fail at random. What is *sent* to the provider (an HTTP request, a
synchronous message's request) gets every generator, as the reference verifier does.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from accord.matching.generators import (
    PROVIDER,
    generate_message,
    generate_request,
    generate_response,
)
from accord.model.pact import HttpRequest, HttpResponse, MessageContents
from accord.model.rules import Generators

PROVIDER_STATE = "ProviderState"


def state_generators_only(generators: Generators) -> Generators:
    """Only the ``ProviderState`` generators of ``generators``."""
    kept = Generators()
    for category, bucket in generators.categories.items():
        for key, generator in bucket.items():
            if generator.get("type") == PROVIDER_STATE:
                kept.add(category, key, generator)
    return kept


def expected_message(message: MessageContents, values: dict[str, Any]) -> MessageContents:
    """The message a provider must produce, provider-state values injected."""
    if not message.generators:
        return message
    only = replace(message, generators=state_generators_only(message.generators))
    return replace(
        generate_message(only, mode=PROVIDER, context=values), generators=message.generators
    )


def expected_response(response: HttpResponse, values: dict[str, Any]) -> HttpResponse:
    """The HTTP response a provider must give, provider-state values injected."""
    if not response.generators:
        return response
    only = replace(response, generators=state_generators_only(response.generators))
    return replace(
        generate_response(only, mode=PROVIDER, context=values), generators=response.generators
    )


def outgoing_request(request: HttpRequest, values: dict[str, Any]) -> HttpRequest:
    """The HTTP request to send: every request generator, provider-state values included."""
    return generate_request(request, mode=PROVIDER, context=values)


def outgoing_message(message: MessageContents, values: dict[str, Any]) -> MessageContents:
    """A synchronous message's request to hand the provider, every generator applied."""
    return generate_message(message, mode=PROVIDER, context=values)
