"""Provider states: set up before an interaction, torn down after it.

A handler receives the state's params as keyword arguments. It may return a dict, or be a
generator that yields one; those values feed provider-state generators (``${id}``). For a
generator, the code after ``yield`` is the teardown. Any of these may be ``async``.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from accord.model.pact import ProviderState
from accord.provider.calls import UserCode, accepted_kwargs

StateHandler = Callable[..., Any]


@dataclass(slots=True)
class ActiveState:
    """A state that was set up, with what it takes to tear it down."""

    state: ProviderState
    values: dict[str, Any]
    teardown: Callable[[], Any] | None


async def set_up(handler: StateHandler, state: ProviderState, runner: UserCode) -> ActiveState:
    """Run ``handler`` for ``state``; raises whatever the handler raises."""
    kwargs = accepted_kwargs(handler, state.params)
    if inspect.isgeneratorfunction(handler):
        gen = handler(**kwargs)
        yielded = await runner.call(functools.partial(next, gen, None))
        return ActiveState(state, _values(yielded, state), functools.partial(_finish, gen))
    if inspect.isasyncgenfunction(handler):
        agen = handler(**kwargs)
        yielded = await runner.call(functools.partial(_anext, agen))
        return ActiveState(state, _values(yielded, state), functools.partial(_afinish, agen))
    returned = await runner.call(functools.partial(handler, **kwargs))
    return ActiveState(state, _values(returned, state), None)


async def tear_down(active: ActiveState, runner: UserCode) -> None:
    if active.teardown is not None:
        await runner.call(active.teardown)


def _values(value: Any, state: ProviderState) -> dict[str, Any]:
    merged = dict(state.params)
    if isinstance(value, dict):
        merged.update(value)
    return merged


def _finish(gen: Any) -> None:
    try:
        next(gen)
    except StopIteration:
        return
    gen.close()


async def _anext(agen: Any) -> Any:
    try:
        return await agen.__anext__()
    except StopAsyncIteration:
        return None


async def _afinish(agen: Any) -> None:
    try:
        await agen.__anext__()
    except StopAsyncIteration:
        return
    await agen.aclose()
