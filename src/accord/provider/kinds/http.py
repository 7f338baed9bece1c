"""HTTP interactions: send the pact's request, match the response's status, headers, body."""

from __future__ import annotations

from typing import Any

from accord.matching.http import compare_response
from accord.model.pact import HttpInteraction
from accord.provider.expected import expected_response, outgoing_request
from accord.provider.kinds import KindContext
from accord.provider.results import InteractionResult, Outcome


async def verify(
    interaction: HttpInteraction,
    ctx: KindContext,
    values: dict[str, Any],
    result: InteractionResult,
) -> None:
    transport = ctx.http_transport(interaction)
    with ctx.bounded():
        request = outgoing_request(interaction.request, values)
    actual = await transport.send(request)
    with ctx.bounded():
        result.mismatches = compare_response(
            expected_response(interaction.response, values),
            actual,
            schemas=ctx.schemas(interaction),
        )
    if result.mismatches:
        result.outcome = Outcome.FAILED
