"""V4 synchronous messages: the provider gets the request and answers with response(s).

The request is handed over with every generator applied (as an HTTP request would be sent);
each expected response gets provider-state values only. Several expected responses are
compared one by one with what the provider returned.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from accord.matching.message import compare_message
from accord.matching.mismatch import Mismatch
from accord.model.pact import SyncMessage
from accord.provider.expected import expected_message, outgoing_message
from accord.provider.kinds import KindContext
from accord.provider.notices import extra_fields
from accord.provider.results import InteractionResult, Outcome
from accord.provider.transports import MessageCall


async def verify(
    interaction: SyncMessage,
    ctx: KindContext,
    values: dict[str, Any],
    result: InteractionResult,
) -> None:
    transport = ctx.message_transport(interaction)
    with ctx.bounded():
        expected = [expected_message(response, values) for response in interaction.response]
    limit = transport.max_responses
    if limit is not None and len(expected) > limit:
        result.warnings.append(
            f"the transport carries {limit} response(s) per request; only the first "
            f"{limit} of the {len(expected)} expected were compared"
        )
        expected = expected[:limit]
    with ctx.bounded():
        request = outgoing_message(interaction.request, values)
    call = MessageCall(
        interaction.description,
        interaction.provider_states,
        values,
        request=request,
        content_types=tuple(r.content_type for r in expected),
    )
    actual = await transport.produce(call)
    mismatches: list[Mismatch] = []
    if len(actual) != len(expected):
        mismatches.append(
            Mismatch(
                "response",
                "",
                f"Expected {len(expected)} response message(s) but received {len(actual)}",
                len(expected),
                len(actual),
            )
        )
    several = len(expected) > 1
    for index, (want, got) in enumerate(zip(expected, actual, strict=False)):
        with ctx.bounded():
            found = compare_message(want, got, schemas=ctx.schemas(interaction), part="response")
        if several:
            found = [replace(m, message=f"response {index + 1}: {m.message}") for m in found]
        mismatches += found
        if ctx.verbose:
            result.notices += extra_fields(want, got)
    result.mismatches = mismatches
    if mismatches:
        result.outcome = Outcome.FAILED
