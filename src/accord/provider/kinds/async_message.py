"""Asynchronous messages: the provider produces one message; it must satisfy the pact."""

from __future__ import annotations

from typing import Any

from accord.matching.message import compare_message
from accord.model.pact import AsyncMessage
from accord.provider.errors import InteractionError
from accord.provider.expected import expected_message
from accord.provider.kinds import KindContext
from accord.provider.notices import extra_fields
from accord.provider.results import InteractionResult, Outcome
from accord.provider.transports import MessageCall


async def verify(
    interaction: AsyncMessage,
    ctx: KindContext,
    values: dict[str, Any],
    result: InteractionResult,
) -> None:
    call = MessageCall(
        interaction.description,
        interaction.provider_states,
        values,
        content_types=(interaction.message.content_type,),
    )
    produced = await ctx.message_transport(interaction).produce(call)
    if not produced:
        raise InteractionError(f"the provider produced no message for {call.description!r}")
    actual = produced[0]
    with ctx.bounded():
        expected = expected_message(interaction.message, values)
        result.mismatches = compare_message(expected, actual, schemas=ctx.schemas(interaction))
    if result.mismatches:
        result.outcome = Outcome.FAILED
    if ctx.verbose:
        result.notices = extra_fields(expected, actual)
