"""The run loop: one pass over every selected interaction, whatever its kind.

For each interaction: set its provider states up (one code path, :mod:`.states`), hand it
to the verifier for its kind (:mod:`.kinds`), which takes the actual from a transport
(:mod:`.transports`), tear the states down, and announce the outcome as an event. Nothing
here prints or knows about a broker: sources come in as loaded pacts, and steps such as
publishing run after the last interaction, before :class:`VerificationFinished`.

Robustness is the loop's job. Whatever goes wrong inside one interaction (a producer, a
matcher, a generator, ``SystemExit`` from user code) makes *that* interaction an error with
a one-line reason, and the run goes on. Ctrl-C stops the run, but the finishing event is
still emitted so reports get written.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.model.pact import Interaction, Pact, ProviderState
from accord.provider.calls import UserCode
from accord.provider.errors import (
    InteractionError,
    NoPactForProvider,
    StateError,
    StateMissing,
    failure_reason,
)
from accord.provider.events import (
    Event,
    InteractionFinished,
    InteractionStarted,
    SourceUnloaded,
    VerificationFinished,
    VerificationStarted,
    VerificationWarning,
)
from accord.provider.kinds import KindContext, kind_of, verifier_for
from accord.provider.results import (
    InteractionResult,
    Outcome,
    SourceFailure,
    VerificationResult,
)
from accord.provider.sources import LoadedPact
from accord.provider.states import ActiveState, StateSetup
from accord.provider.transports import (
    HttpTransport,
    MessageTransport,
    TransportOptions,
    make_transport,
)
from accord.provider.transports.message_protocol import MessageProtocol
from accord.provider.transports.producers import Producers

Finisher = Callable[[VerificationResult, Callable[[Event], None]], None]
"""A step after the last interaction (e.g. publishing); it may emit events."""


@dataclass(slots=True)
class Selection:
    """Which interactions to verify."""

    description: str | None = None
    state: str | None = None
    consumer: str | None = None

    def __call__(self, pact: Pact, interaction: Interaction) -> bool:
        if self.consumer is not None and pact.consumer != self.consumer:
            return False
        if self.description is not None and self.description not in interaction.description:
            return False
        if self.state is not None:
            names = [s.name for s in interaction.provider_states]
            if self.state == "" and names:
                return False
            if self.state and not any(self.state in name for name in names):
                return False
        return True


@dataclass(slots=True)
class RunSettings:
    """Everything one run needs, gathered from the Verifier and the ``verify`` options."""

    provider: str
    producers: Mapping[str, Callable[..., Any]]
    states: Mapping[str, Callable[..., Any]]
    fallback_state: Callable[..., Any] | None = None
    timeout: float | None = 30.0
    missing_state: str = "fail"
    message_url: str | None = None
    state_change_url: str | None = None
    base_url: str | None = None
    app: Any = None
    transports: Mapping[str, Any] = field(default_factory=dict)
    custom_headers: Mapping[str, str] = field(default_factory=dict)
    request_hook: Callable[[Any], Any] | None = None
    selection: Selection = field(default_factory=Selection)
    verbose: bool = False
    blocking: bool = False
    """Network calls may block the loop (``verify``, which owns its loop)."""


async def run(
    settings: RunSettings,
    pacts: Sequence[LoadedPact],
    *,
    emit: Callable[[Event], None],
    finishers: Sequence[Finisher] = (),
    unloaded: Sequence[SourceFailure] = (),
) -> VerificationResult:
    """Verify ``pacts``; returns the result, which is also the last event's payload.

    ``unloaded`` are sources that could not be read: they are reported (and make the
    result incomplete), and the loaded pacts are verified all the same.
    """
    started = time.perf_counter()
    _check_provider(settings.provider, pacts)
    result = VerificationResult(settings.provider, source_errors=list(unloaded))
    for loaded in pacts:
        if loaded.pact.provider != settings.provider:
            result.warnings.append(
                f"{loaded.source} is a pact with {loaded.pact.provider!r}, "
                f"not {settings.provider!r}"
            )
    selected = [
        (loaded, interaction)
        for loaded in pacts
        for interaction in loaded.pact.interactions
        if settings.selection(loaded.pact, interaction)
    ]
    runner = UserCode(settings.timeout)
    ctx = _transports(settings, runner)
    states = StateSetup(
        settings.states,
        runner,
        fallback=settings.fallback_state,
        state_change_url=settings.state_change_url,
        timeout=settings.timeout,
        blocking=settings.blocking,
    )
    interrupted: KeyboardInterrupt | None = None
    try:
        emit(VerificationStarted(settings.provider, len(selected)))
        for failure in result.source_errors:
            emit(SourceUnloaded(failure))
        for warning in result.warnings:
            emit(VerificationWarning(warning))
        for loaded, interaction in selected:
            emit(
                InteractionStarted(
                    loaded.pact.consumer, interaction.description, kind_of(interaction)
                )
            )
            outcome = await _verify_one(loaded, interaction, ctx, states, settings)
            result.results.append(outcome)
            emit(InteractionFinished(outcome))
    except KeyboardInterrupt as exc:
        interrupted = exc
        result.interrupted = True
    finally:
        await _close(ctx)
        await states.aclose()
        runner.close()
        try:
            if interrupted is None:
                for finish in finishers:
                    finish(result, emit)
        finally:
            result.seconds = time.perf_counter() - started
            emit(VerificationFinished(result))
    if interrupted is not None:
        raise interrupted
    return result


def _check_provider(provider: str, pacts: Sequence[LoadedPact]) -> None:
    if pacts and not any(loaded.pact.provider == provider for loaded in pacts):
        found = ", ".join(sorted({repr(loaded.pact.provider) for loaded in pacts}))
        raise NoPactForProvider(
            f"no pact is for provider {provider!r}: the pacts given are for {found} "
            "(check --provider / Verifier(name))"
        )


def _transports(settings: RunSettings, runner: UserCode) -> KindContext:
    options = TransportOptions(
        timeout=settings.timeout,
        custom_headers=dict(settings.custom_headers),
        request_hook=settings.request_hook,
        blocking=settings.blocking,
    )
    named = {
        name: make_transport(name, target, options) for name, target in settings.transports.items()
    }
    messages: MessageTransport
    if settings.message_url:
        messages = MessageProtocol(
            settings.message_url, settings.timeout, blocking=settings.blocking
        )
    elif isinstance(named.get("message"), MessageTransport):
        messages = named["message"]
    else:
        messages = Producers(settings.producers, runner)
    http: HttpTransport | None = None
    if settings.app is not None:
        http = make_transport("app", settings.app, options)
    elif settings.base_url:
        http = make_transport("http", settings.base_url, options)
    else:
        for name in ("http", "https", "app"):
            if isinstance(named.get(name), HttpTransport):
                http = named[name]
                break
    return KindContext(
        messages=messages,
        http=http,
        named=named,
        verbose=settings.verbose,
        timeout=settings.timeout,
    )


async def _close(ctx: KindContext) -> None:
    seen: list[Any] = []
    for transport in [ctx.messages, ctx.http, *ctx.named.values()]:
        if transport is None or any(transport is s for s in seen):
            continue
        seen.append(transport)
        await transport.aclose()


async def _verify_one(
    loaded: LoadedPact,
    interaction: Interaction,
    ctx: KindContext,
    states: StateSetup,
    settings: RunSettings,
) -> InteractionResult:
    started = time.perf_counter()
    result = InteractionResult(
        consumer=loaded.pact.consumer,
        provider=loaded.pact.provider,
        description=interaction.description,
        outcome=Outcome.PASSED,
        kind=kind_of(interaction),
        states=[s.name for s in interaction.provider_states],
        pending=interaction.pending or loaded.pending,
        interaction_id=interaction.id,
        comments=interaction.comments,
        source=loaded.source,
    )
    active: list[ActiveState] = []
    try:
        verify_kind = verifier_for(interaction)
        ctx.pact = loaded.pact
        values = await _set_up(interaction, states, active, result, settings.missing_state)
        await verify_kind(interaction, ctx, values, result)
    except (StateError, InteractionError) as exc:
        result.outcome, result.error = Outcome.ERROR, str(exc)
    except (Exception, SystemExit) as exc:
        # A broken rule, a timeout in matching, a bug in generation: none may end the
        # run. This interaction is an error with its reason; the rest are still verified.
        result.outcome = Outcome.ERROR
        result.error = failure_reason(exc)
    finally:
        await _tear_down(active, states, result)
        result.seconds = time.perf_counter() - started
    return result


async def _set_up(
    interaction: Interaction,
    states: StateSetup,
    active: list[ActiveState],
    result: InteractionResult,
    missing_state: str,
) -> dict[str, Any]:
    values: dict[str, Any] = {}
    wanted = interaction.provider_states
    if not wanted and states.state_change_url:
        # The official verifier calls a state-change URL for stateless interactions too,
        # with an empty state: providers use it to reset. Do the same, call for call.
        wanted = [ProviderState("")]
    for state in wanted:
        try:
            done = await states.set_up(state)
        except StateMissing as missing:
            if missing_state == "warn":
                result.warnings.append(str(missing))
                continue
            raise
        active.append(done)
        values.update(done.values)
    return values


async def _tear_down(
    active: list[ActiveState], states: StateSetup, result: InteractionResult
) -> None:
    for done in reversed(active):
        try:
            await states.tear_down(done)
        except StateError as exc:
            if result.outcome is Outcome.PASSED:
                result.outcome, result.error = Outcome.ERROR, str(exc)
            else:
                result.warnings.append(str(exc))
