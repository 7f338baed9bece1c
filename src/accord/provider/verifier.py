"""``Verifier``: the provider side's public face. Registration here; the work in :mod:`.run`.

Each message description maps to a producer function and each provider state to a handler.
``verify`` gathers the sources (files, directories, URLs, models, a broker), builds the run
settings, and hands over to the run loop, which verifies HTTP interactions, asynchronous and
synchronous messages in one pass. Outcomes are data and events; nothing is printed.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypedDict, TypeVar

from accord.errors import AccordError
from accord.http_client import Auth
from accord.model.pact import Pact
from accord.model.read import collector_paused, collector_skips_existing_objects
from accord.provider.errors import VerifierSetupError
from accord.provider.sources import LoadedPact, load_sources

if TYPE_CHECKING:
    from typing_extensions import Unpack

    from accord.broker_client.http import BrokerClient
    from accord.provider.events import Event, Listener
    from accord.provider.results import VerificationResult
    from accord.provider.run import Finisher
    from accord.provider.states import StateHandler

F = TypeVar("F", bound=Callable[..., Any])


class VerifyOptions(TypedDict, total=False):
    """The keyword options of :meth:`Verifier.verify` and :meth:`Verifier.verify_async`."""

    filter_description: str | None
    filter_state: str | None
    filter_consumer: str | None
    auth: Auth | None
    verbose: bool
    base_url: str | None
    app: Any
    transports: Mapping[str, Any] | None
    custom_headers: Mapping[str, str] | None
    request_hook: Callable[[Any], Any] | None
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
    ``@verifier.state(name)``, or pass dicts. A producer with a ``request`` parameter
    answers V4 synchronous messages. ``message_url``/``state_change_url`` verify a provider
    in another language through the standard Pact message protocol instead.
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
        """Register the producer of the message with this description.

        A producer that takes ``request`` answers a synchronous message: it gets the
        request as a :class:`~accord.message.Message` and returns the response(s).
        """

        def register(fn: F) -> F:
            _register(self.producers, "message", description, fn)
            return fn

        return register

    def state(self, name: str) -> Callable[[F], F]:
        """Register the handler that puts the provider in state ``name``."""

        def register(fn: F) -> F:
            _register(self.states, "state", name, fn)
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
        """Verify every interaction of every pact in ``sources``: HTTP and messages alike.

        ``sources`` are files, directories, URLs or ``Pact`` models. HTTP interactions are
        replayed against ``base_url`` (a running server) or ``app`` (an ASGI/WSGI app called
        in-process); ``custom_headers`` replace same-named request headers and
        ``request_hook(request)`` may change each outgoing ``httpx.Request``. ``transports``
        names further transports (``{"http": URL, "message": URL}``). With ``broker`` (a URL
        or a :class:`~accord.broker_client.BrokerClient`) the broker's pacts for this
        provider are added: ``selectors`` are consumer version selectors,
        ``enable_pending`` and ``include_wip_since`` turn on pending and WIP pacts, and
        ``publish=True`` sends the results back as ``provider_version``.
        """
        import asyncio  # here, not at import: ``from accord import Verifier`` stays light

        return asyncio.run(self._run(*sources, blocking=True, **options))

    async def verify_async(
        self, *sources: str | Path | Pact, **options: Unpack[VerifyOptions]
    ) -> VerificationResult:
        """:meth:`verify` for use inside a running event loop; same options.

        Every network call stays asynchronous here, so the provider may be served on the
        same event loop.
        """
        return await self._run(*sources, blocking=False, **options)

    async def _run(
        self,
        *sources: str | Path | Pact,
        blocking: bool,
        filter_description: str | None = None,
        filter_state: str | None = None,
        filter_consumer: str | None = None,
        auth: Auth | None = None,
        verbose: bool = False,
        base_url: str | None = None,
        app: Any = None,
        transports: Mapping[str, Any] | None = None,
        custom_headers: Mapping[str, str] | None = None,
        request_hook: Callable[[Any], Any] | None = None,
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
        if publish and not provider_version:
            raise AccordError("publishing results needs provider_version (--provider-version)")
        if publish and broker is None:
            raise AccordError("publishing results needs a broker (broker=... / --broker-url)")
        if base_url and app is not None:
            raise VerifierSetupError("give base_url or app, not both")
        # The run loop (and the kinds and transports it brings) loads with the first run.
        from accord.provider.results import SourceFailure
        from accord.provider.run import RunSettings, Selection, run

        with contextlib.ExitStack() as run_scope:
            # Loaded pacts are long-lived: nothing is collected while they are built,
            # and the collector then skips them until the run ends.
            with collector_paused():
                pacts, unloaded = self._load(sources, auth)
                finishers: list[Finisher] = []
                if broker is not None:
                    from accord.provider.broker import ResultPublisher, broker_source

                    source = broker_source(
                        broker,
                        self.provider,
                        selectors=selectors,
                        provider_branch=provider_branch,
                        provider_tags=provider_tags,
                        enable_pending=enable_pending,
                        include_wip_since=include_wip_since,
                    )
                    pacts += source.loaded()
                    unloaded += source.failed
                    if publish and provider_version:
                        finishers.append(
                            ResultPublisher(
                                source, provider_version, provider_branch, provider_tags, build_url
                            )
                        )
                run_scope.enter_context(collector_skips_existing_objects())
            if unloaded and not pacts:
                raise unloaded[0][1]  # nothing to verify: the run cannot happen at all
            settings = RunSettings(
                provider=self.provider,
                producers=self.producers,
                states=self.states,
                fallback_state=self.any_state,
                timeout=self.timeout,
                missing_state=self.missing_state,
                message_url=self.message_url,
                state_change_url=self.state_change_url,
                base_url=base_url,
                app=app,
                transports=dict(transports or {}),
                custom_headers=dict(custom_headers or {}),
                request_hook=request_hook,
                selection=Selection(filter_description, filter_state, filter_consumer),
                verbose=verbose,
                blocking=blocking,
            )
            failures = [SourceFailure(source, str(exc)) for source, exc in unloaded]
            return await run(
                settings, pacts, emit=self._emit, finishers=finishers, unloaded=failures
            )

    def _load(
        self, sources: Iterable[str | Path | Pact], auth: Auth | None
    ) -> tuple[list[LoadedPact], list[tuple[str, AccordError]]]:
        """The pacts that load, and each source that does not with its error.

        One malformed or unreachable pact must not stop the others from being verified:
        each file (a directory's too) is loaded on its own, and a failure is reported in
        the result instead of ending the run before any report.
        """
        loaded: list[LoadedPact] = []
        failed: list[tuple[str, AccordError]] = []
        for source in sources:
            if isinstance(source, Pact):
                loaded.append(LoadedPact(f"<{source.consumer}-{source.provider}>", source))
                continue
            for one in _each_file(source):
                try:
                    loaded += load_sources([one], auth=auth)
                except AccordError as exc:
                    failed.append((str(one), exc))
        return loaded, failed

    def _emit(self, event: Event) -> None:
        for listener in self.listeners:
            listener(event)


def _each_file(source: str | Path) -> list[str | Path]:
    """A directory's pact files one by one (as :func:`load_sources` would list them); any
    other source as it is. An empty directory stays whole, so its error is reported."""
    text = str(source)
    if text.startswith(("http://", "https://")):
        return [source]
    path = Path(source)
    files: list[str | Path] = sorted(path.glob("*.json")) if path.is_dir() else []
    return files or [source]


def _register(registry: dict[str, Any], what: str, name: str, fn: Any) -> None:
    """Refuse a second registration of one name: the first would be silently lost."""
    existing = registry.get(name)
    if existing is not None and existing is not fn:
        raise VerifierSetupError(
            f"{what} {name!r} is registered twice: {_where(existing)} and {_where(fn)}"
        )
    registry[name] = fn


def _where(fn: Any) -> str:
    code = getattr(fn, "__code__", None)
    name = getattr(fn, "__qualname__", None) or repr(fn)
    if code is None:
        return name
    return f"{name} ({Path(code.co_filename).name}:{code.co_firstlineno})"
