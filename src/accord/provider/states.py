"""Provider states: set up before an interaction, torn down after it. The one code path.

A handler receives the state's params as keyword arguments. It may return a dict, or be a
generator that yields one; those values feed provider-state generators (``${id}``). For a
generator, the code after ``yield`` is the teardown. Any of these may be ``async``.

:class:`StateSetup` is used by the verifier's run loop *and* by the message server
(``accord serve-messages``), so a provider's states behave the same whichever verifier
drives it. It reaches the provider either through in-process handlers or through a remote
state-change URL (the official verifier's protocol), never both.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from typing import Any

from accord.errors import AccordError
from accord.model.pact import ProviderState
from accord.provider.calls import UserCode, failure_of
from accord.provider.errors import StateFailed, StateMissing
from accord.provider.keywords import accepted_kwargs

StateHandler = Callable[..., Any]


@dataclass(slots=True)
class ActiveState:
    """A state that was set up, with what it takes to tear it down."""

    state: ProviderState
    values: dict[str, Any]
    teardown: Callable[[], Any] | None
    remote_teardown: Callable[[], Awaitable[Any]] | None = None
    """A state-change URL's teardown: awaited directly, it is not user code to time."""


class StateSetup:
    """Sets provider states up and tears them down, in-process or through a URL.

    Failures are one-line :class:`~accord.provider.errors.StateMissing` (no handler) or
    :class:`~accord.provider.errors.StateFailed` (the handler raised, timed out, or does not
    take the params the pact supplies) exceptions; callers decide what they mean.
    """

    def __init__(
        self,
        handlers: Mapping[str, StateHandler],
        runner: UserCode,
        *,
        fallback: StateHandler | None = None,
        state_change_url: str | None = None,
        timeout: float | None = 30.0,
        blocking: bool = False,
    ) -> None:
        self.handlers = handlers
        self.runner = runner
        self.fallback = fallback
        self.state_change_url = state_change_url
        self.timeout = timeout
        self.blocking = blocking
        self._client: Any = None

    async def aclose(self) -> None:
        if self._client is not None:
            self._client.close()
            self._client = None

    async def set_up(self, state: ProviderState) -> ActiveState:
        """Put the provider in ``state``; raises :class:`StateMissing` or :class:`StateFailed`."""
        if self.state_change_url:
            return await self._remote(state)
        handler = self.handlers.get(state.name)
        if handler is None and self.fallback is not None:
            handler = functools.partial(self.fallback, state.name)
        if handler is None:
            known = ", ".join(repr(name) for name in sorted(self.handlers)) or "none"
            raise StateMissing(f"no state handler for {state.name!r} (registered: {known})")
        check_params(handler, state)
        try:
            return await set_up(handler, state, self.runner)
        except (Exception, SystemExit) as exc:
            raise StateFailed(failure_of(f"state handler for {state.name!r}", exc)) from exc

    async def tear_down(self, active: ActiveState) -> None:
        """Run the state's teardown, if it has one; raises :class:`StateFailed`."""
        try:
            if active.remote_teardown is not None:
                await active.remote_teardown()
            else:
                await tear_down(active, self.runner)
        except (Exception, SystemExit) as exc:
            raise StateFailed(failure_of(f"teardown of {active.state.name!r}", exc)) from exc

    async def _remote(self, state: ProviderState) -> ActiveState:
        from accord.http_client import HttpClient
        from accord.provider.transports import message_protocol

        url = str(self.state_change_url)
        if self._client is None:
            self._client = HttpClient(
                timeout=self.timeout or 30.0, headers={"Accept": "application/json"}
            )
        client = self._client
        blocking = self.blocking
        try:
            values = await message_protocol.change_state(
                client, url, state, "setup", blocking=blocking
            )
        except AccordError as exc:
            raise StateFailed(f"state change for {state.name!r} failed: {exc}") from exc
        teardown = functools.partial(
            message_protocol.change_state, client, url, state, "teardown", blocking=blocking
        )
        return ActiveState(state, {**state.params, **values}, None, teardown)


def check_params(handler: StateHandler, state: ProviderState) -> None:
    """Fail early, naming both sides, when ``handler`` cannot take the state's params.

    Without this a missing parameter surfaces as Python's ``missing 1 required positional
    argument`` from deep inside the call, which says nothing about the pact.
    """
    names = frozenset(state.params)
    try:
        problem = _misfit(handler, names)
    except TypeError:  # an unhashable callable: check it afresh
        problem = _misfit.__wrapped__(handler, names)
    if problem is not None:
        supplied = ", ".join(sorted(state.params)) or "none"
        raise StateFailed(
            f"state handler {problem[0]} for {state.name!r} does not fit the params "
            f"the pact supplies ({supplied}): {problem[1]}"
        )


@functools.lru_cache(maxsize=4096)
def _misfit(handler: StateHandler, names: frozenset[str]) -> tuple[str, str] | None:
    """``(the handler as written, Python's complaint)`` when the params cannot bind.

    Cached: a run checks the same handler against the same param names many times.
    """
    try:
        signature = inspect.signature(handler)
    except (TypeError, ValueError):
        return None
    kwargs = accepted_kwargs(handler, dict.fromkeys(names))
    try:
        signature.bind(**kwargs)
    except TypeError as exc:
        name = getattr(handler, "__name__", None) or getattr(
            getattr(handler, "func", None), "__name__", "handler"
        )
        bare = signature.replace(
            parameters=[p.replace(annotation=p.empty) for p in signature.parameters.values()],
            return_annotation=signature.empty,
        )
        return f"{name}{bare}", str(exc)
    return None


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
