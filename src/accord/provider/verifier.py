"""``Verifier``: replay each consumer's messages against the provider's own code.

Each message description maps to a producer function and each provider state to a handler.
Verification runs in-process: no HTTP relay, so it is fast and a producer's exception shows
as itself. Outcomes are collected as data and announced as events; nothing is printed.
"""

from __future__ import annotations

import asyncio
import functools
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from accord.broker_client.http import BrokerClient, client_from_env
from accord.broker_client.verification import (
    VerifiablePact,
    pacts_for_verification,
    publish_results,
)
from accord.errors import AccordError
from accord.matching.generators import PROVIDER, generate_message
from accord.matching.message import compare_message
from accord.model.pact import (
    AsyncMessage,
    Interaction,
    MessageContents,
    Pact,
    ProviderState,
)
from accord.provider import remote
from accord.provider.calls import CallTimeout, UserCode, accepted_kwargs
from accord.provider.errors import describe_exception
from accord.provider.events import (
    Event,
    InteractionFinished,
    InteractionStarted,
    Listener,
    VerificationFinished,
    VerificationStarted,
    VerificationWarning,
)
from accord.provider.notices import extra_fields
from accord.provider.producers import to_contents
from accord.provider.results import InteractionResult, Outcome, VerificationResult
from accord.provider.sources import Auth, LoadedPact, load_sources
from accord.provider.states import ActiveState, StateHandler, set_up, tear_down

if TYPE_CHECKING:
    from typing_extensions import Unpack

F = TypeVar("F", bound=Callable[..., Any])


class VerifyOptions(TypedDict, total=False):
    """The keyword options of :meth:`Verifier.verify` and :meth:`Verifier.verify_async`."""

    filter_description: str | None
    filter_state: str | None
    filter_consumer: str | None
    auth: Auth | None
    verbose: bool
    broker: str | BrokerClient | None
    selectors: Sequence[dict[str, Any]]
    provider_version: str | None
    provider_branch: str | None
    provider_tags: Sequence[str]
    publish: bool
    enable_pending: bool
    include_wip_since: str | None
    build_url: str | None


class Verifier:
    """Verifies the pacts of ``provider``.

    Register producers with ``@verifier.message(description)`` and state handlers with
    ``@verifier.state(name)``, or pass dicts. ``message_url``/``state_change_url`` verify a
    provider in another language through the standard Pact message protocol instead.
    """

    def __init__(
        self,
        provider: str,
        *,
        producers: dict[str, Callable[..., Any]] | None = None,
        states: dict[str, StateHandler] | None = None,
        message_url: str | None = None,
        state_change_url: str | None = None,
        timeout: float | None = 30.0,
        missing_state: str = "fail",
    ) -> None:
        if missing_state not in ("fail", "warn"):
            raise ValueError("missing_state must be 'fail' or 'warn'")
        self.provider = provider
        self.producers: dict[str, Callable[..., Any]] = dict(producers or {})
        self.states: dict[str, StateHandler] = dict(states or {})
        self.any_state: StateHandler | None = None
        self.message_url = message_url
        self.state_change_url = state_change_url
        self.timeout = timeout
        self.missing_state = missing_state
        self.listeners: list[Listener] = []

    # -- registration --------------------------------------------------------------------

    def message(self, description: str) -> Callable[[F], F]:
        """Register the producer of the message with this description."""

        def register(fn: F) -> F:
            self.producers[description] = fn
            return fn

        return register

    def state(self, name: str) -> Callable[[F], F]:
        """Register the handler that puts the provider in state ``name``."""

        def register(fn: F) -> F:
            self.states[name] = fn
            return fn

        return register

    def fallback_state(self, fn: F) -> F:
        """Register a handler for states without their own; called as ``fn(state, **params)``."""
        self.any_state = fn
        return fn

    def on_event(self, listener: Listener) -> Listener:
        """Receive every :mod:`~accord.provider.events` event as verification proceeds."""
        self.listeners.append(listener)
        return listener

    # -- verification ----------------------------------------------------------------------

    def verify(
        self, *sources: str | Path | Pact, **options: Unpack[VerifyOptions]
    ) -> VerificationResult:
        """Verify every pact in ``sources`` (files, directories, URLs or ``Pact`` models).

        The options (see :class:`VerifyOptions`) filter interactions and, with ``broker`` (a
        URL or a :class:`~accord.broker_client.BrokerClient`), add the pacts the broker
        selects for this provider: ``selectors`` are consumer version selectors,
        ``enable_pending`` and ``include_wip_since`` turn on pending and WIP pacts, and
        ``publish=True`` sends the results back as ``provider_version``.
        """
        return asyncio.run(self.verify_async(*sources, **options))

    async def verify_async(
        self,
        *sources: str | Path | Pact,
        filter_description: str | None = None,
        filter_state: str | None = None,
        filter_consumer: str | None = None,
        auth: Auth | None = None,
        verbose: bool = False,
        broker: str | BrokerClient | None = None,
        selectors: Sequence[dict[str, Any]] = (),
        provider_version: str | None = None,
        provider_branch: str | None = None,
        provider_tags: Sequence[str] = (),
        publish: bool = False,
        enable_pending: bool = False,
        include_wip_since: str | None = None,
        build_url: str | None = None,
    ) -> VerificationResult:
        """:meth:`verify` for use inside a running event loop; same options."""
        started = time.perf_counter()
        if publish and not provider_version:
            raise AccordError("publishing results needs provider_version (--provider-version)")
        pacts = self._load(sources, auth)
        from_broker: list[VerifiablePact] = []
        client: BrokerClient | None = None
        if broker is not None:
            client = broker if isinstance(broker, BrokerClient) else client_from_env(broker)
            from_broker = pacts_for_verification(
                client,
                self.provider,
                selectors=selectors,
                provider_branch=provider_branch,
                provider_tags=provider_tags,
                enable_pending=enable_pending,
                include_wip_since=include_wip_since,
            )
            pacts += [LoadedPact(v.url, v.pact, v.pending, tuple(v.notices)) for v in from_broker]
        selected = [
            (loaded, interaction)
            for loaded in pacts
            for interaction in loaded.pact.interactions
            if _selected(
                loaded.pact, interaction, filter_description, filter_state, filter_consumer
            )
        ]
        result = VerificationResult(self.provider)
        for loaded in pacts:
            if loaded.pact.provider != self.provider:
                result.warnings.append(
                    f"{loaded.source} is a pact with {loaded.pact.provider!r}, "
                    f"not {self.provider!r}"
                )
        self._emit(VerificationStarted(self.provider, len(selected)))
        for warning in result.warnings:
            self._emit(VerificationWarning(warning))
        runner = UserCode(self.timeout)
        try:
            for loaded, interaction in selected:
                self._emit(InteractionStarted(loaded.pact.consumer, interaction.description))
                outcome = await self._verify_one(loaded, interaction, runner, verbose)
                result.results.append(outcome)
                self._emit(InteractionFinished(outcome))
        finally:
            runner.close()
        if publish and client is not None and provider_version:
            for verifiable in from_broker:
                mine = [r for r in result.results if r.source == verifiable.url]
                publish_results(
                    client,
                    verifiable,
                    provider_version=provider_version,
                    success=all(r.outcome is Outcome.PASSED for r in mine),
                    test_results=[_test_result(r) for r in mine],
                    provider_branch=provider_branch,
                    provider_tags=provider_tags,
                    build_url=build_url,
                )
        result.seconds = time.perf_counter() - started
        self._emit(VerificationFinished(result))
        return result

    def _load(self, sources: Iterable[str | Path | Pact], auth: Auth | None) -> list[LoadedPact]:
        loaded: list[LoadedPact] = []
        paths: list[str | Path] = []
        for source in sources:
            if isinstance(source, Pact):
                loaded.append(LoadedPact(f"<{source.consumer}-{source.provider}>", source))
            else:
                paths.append(source)
        return loaded + load_sources(paths, auth=auth)

    def _emit(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)

    async def _verify_one(
        self, loaded: LoadedPact, interaction: Interaction, runner: UserCode, verbose: bool
    ) -> InteractionResult:
        started = time.perf_counter()
        result = InteractionResult(
            consumer=loaded.pact.consumer,
            provider=loaded.pact.provider,
            description=interaction.description,
            outcome=Outcome.PASSED,
            states=[s.name for s in interaction.provider_states],
            pending=interaction.pending or loaded.pending,
            interaction_id=interaction.id,
            comments=interaction.comments,
            source=loaded.source,
        )
        if not isinstance(interaction, AsyncMessage):
            result.outcome = Outcome.ERROR
            result.error = (
                f"{interaction.type} interactions are not verified by the message verifier"
            )
            return result
        active: list[ActiveState] = []
        try:
            values = await self._set_up_states(interaction, runner, active, result)
            if result.outcome is Outcome.PASSED:
                actual = await self._produce(interaction, values, runner, result)
                if actual is not None:
                    expected = generate_message(interaction.message, mode=PROVIDER, context=values)
                    result.mismatches = compare_message(expected, actual)
                    if result.mismatches:
                        result.outcome = Outcome.FAILED
                    if verbose:
                        result.notices = extra_fields(expected, actual)
        finally:
            await self._tear_down(active, runner, result)
            result.seconds = time.perf_counter() - started
        return result

    async def _set_up_states(
        self,
        interaction: Interaction,
        runner: UserCode,
        active: list[ActiveState],
        result: InteractionResult,
    ) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for state in interaction.provider_states:
            try:
                done = await self._set_up(state, runner)
            except _MissingState as missing:
                if self.missing_state == "warn":
                    result.warnings.append(str(missing))
                    continue
                result.outcome, result.error = Outcome.ERROR, str(missing)
                return values
            except CallTimeout as exc:
                result.outcome = Outcome.ERROR
                result.error = f"state handler for {state.name!r} {exc}"
                return values
            except Exception as exc:
                result.outcome = Outcome.ERROR
                result.error = f"state handler for {state.name!r} raised {describe_exception(exc)}"
                return values
            active.append(done)
            values.update(done.values)
        return values

    async def _set_up(self, state: ProviderState, runner: UserCode) -> ActiveState:
        if self.state_change_url:
            url, timeout = self.state_change_url, self.timeout or 30.0
            values = await runner.call(
                functools.partial(remote.change_state, url, state, "setup", timeout)
            )
            teardown = functools.partial(remote.change_state, url, state, "teardown", timeout)
            return ActiveState(state, {**state.params, **values}, teardown)
        handler = self.states.get(state.name)
        if handler is None and self.any_state is not None:
            handler = functools.partial(self.any_state, state.name)
        if handler is None:
            known = ", ".join(repr(name) for name in sorted(self.states)) or "none"
            raise _MissingState(f"no state handler for {state.name!r} (registered: {known})")
        return await set_up(handler, state, runner)

    async def _tear_down(
        self, active: list[ActiveState], runner: UserCode, result: InteractionResult
    ) -> None:
        for done in reversed(active):
            try:
                await tear_down(done, runner)
            except Exception as exc:
                message = f"teardown of {done.state.name!r} raised {describe_exception(exc)}"
                if result.outcome is Outcome.PASSED:
                    result.outcome, result.error = Outcome.ERROR, message
                else:
                    result.warnings.append(message)

    async def _produce(
        self,
        interaction: AsyncMessage,
        values: dict[str, Any],
        runner: UserCode,
        result: InteractionResult,
    ) -> MessageContents | None:
        description = interaction.description
        if self.message_url:
            call: Callable[[], Any] = functools.partial(
                remote.fetch_message,
                self.message_url,
                description,
                interaction.provider_states,
                self.timeout or 30.0,
            )
        else:
            producer = self.producers.get(description)
            if producer is None:
                known = ", ".join(repr(d) for d in sorted(self.producers)) or "none"
                result.outcome = Outcome.ERROR
                result.error = f"no producer for message {description!r} (registered: {known})"
                return None
            call = functools.partial(producer, **accepted_kwargs(producer, values))
        try:
            produced = await runner.call(call)
        except CallTimeout as exc:
            result.outcome, result.error = Outcome.ERROR, f"producer for {description!r} {exc}"
            return None
        except Exception as exc:
            result.outcome = Outcome.ERROR
            result.error = f"producer for {description!r} raised {describe_exception(exc)}"
            return None
        return to_contents(produced, interaction.message.content_type)


class _MissingState(Exception):
    pass


def _test_result(result: InteractionResult) -> dict[str, Any]:
    """One interaction's outcome in the shape the broker stores (as the Rust verifier sends)."""
    entry: dict[str, Any] = {
        "interactionDescription": result.description,
        "success": result.outcome is Outcome.PASSED,
    }
    if result.interaction_id:
        entry["interactionId"] = result.interaction_id
    if result.mismatches:
        entry["mismatches"] = [
            {"attribute": m.kind, "identifier": m.path, "description": m.message}
            for m in result.mismatches
        ]
    if result.error:
        entry["exceptions"] = [{"message": result.error}]
    return entry


def _selected(
    pact: Pact,
    interaction: Interaction,
    description: str | None,
    state: str | None,
    consumer: str | None,
) -> bool:
    if consumer is not None and pact.consumer != consumer:
        return False
    if description is not None and description not in interaction.description:
        return False
    if state is not None:
        names = [s.name for s in interaction.provider_states]
        if state == "" and names:
            return False
        if state and not any(state in name for name in names):
            return False
    return True
