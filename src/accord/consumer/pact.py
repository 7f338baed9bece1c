"""``Pact``: the consumer's contract with one provider, built in a test.

Interactions are declared with :meth:`Pact.expects_to_receive` (asynchronous messages),
:meth:`Pact.sync_message` (V4 synchronous messages) and :meth:`Pact.upon_receiving` (HTTP).
Messages are proven with :meth:`Pact.verify` (the consumer's real handler must accept an
example of each), HTTP interactions by the consumer's real client calling
:meth:`Pact.serve`'s mock server. Only proven interactions are written by :meth:`Pact.write`,
so a pact never promises what the consumer cannot handle.
"""

from __future__ import annotations

import inspect
import sys
import warnings
from collections.abc import Awaitable, Callable
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING, Any, Literal, overload

from accord.consumer.builder import MessageBuilder
from accord.consumer.http_builder import HttpInteractionBuilder
from accord.consumer.sync_builder import SyncExchange, SyncMessageBuilder
from accord.errors import AccordError, EventLoopError, HandlerFailed
from accord.matching.generators import CONSUMER, generate_message
from accord.message import Message, from_contents
from accord.model.pact import AsyncMessage, HttpInteraction, Interaction, SyncMessage
from accord.model.pact import Pact as PactModel
from accord.model.read import collector_paused
from accord.model.write import check_pacticipant_name, spec_string, write_pact

if TYPE_CHECKING:
    import asyncio
    import os

    from accord.consumer.grpc_builder import GrpcInteractionBuilder
    from accord.consumer.grpc_server import GrpcMockServer
    from accord.consumer.mock_server import MockServer
    from accord.consumer.websocket_builder import WebSocketInteractionBuilder
    from accord.consumer.websocket_server import WebSocketMockServer

TRANSPORTS = ("http", "grpc", "websocket")
"""What :meth:`Pact.serve` can stand in for."""

Handler = Callable[[Any], Any] | Callable[[Any], Awaitable[Any]]
"""Takes a :class:`Message` (asynchronous messages) or a :class:`SyncExchange` (sync ones)."""

_Pending = tuple[
    MessageBuilder | SyncMessageBuilder, AsyncMessage | SyncMessage, Message | SyncExchange
]
"""A message not yet proven: its builder, the interaction, what the handler receives."""

_IN_LOOP = (
    "pact.verify() was called inside a running event loop (an async test?) with an async "
    "handler; use `await pact.verify_async(handler)` there"
)


def _raise_first(failures: list[HandlerFailed]) -> None:
    """Raise the first failure, chained to the handler's own exception, listing the rest."""
    if not failures:
        return
    first = failures[0]
    first.failures = failures
    if len(failures) > 1:
        others = ", ".join(repr(f.description) for f in failures[1:])
        first.args = (f"{first.args[0]} (and {len(failures) - 1} more: {others})",)
    raise first from first.error


class Pact:
    """A contract between ``consumer`` and ``provider``, written as spec ``V4`` or ``V3``."""

    def __init__(
        self, consumer: str, provider: str, *, spec: str = "V4", pact_dir: str | Path = "pacts"
    ) -> None:
        if not consumer or not provider:
            raise AccordError("a pact needs both a consumer and a provider name")
        # The names become the file name at write time: refuse one that would leave the
        # pact directory here, where it is written, not in a later write().
        self.consumer = check_pacticipant_name(consumer, "consumer")
        self.provider = check_pacticipant_name(provider, "provider")
        self.spec = spec_string(spec)
        self.pact_dir = Path(pact_dir)
        self._builders: list[MessageBuilder | SyncMessageBuilder] = []
        self._http: list[HttpInteractionBuilder] = []
        self._grpc: list[GrpcInteractionBuilder] = []
        self._websocket: list[WebSocketInteractionBuilder] = []
        self._plugin_metadata: dict[str, Any] = {}
        self._verified: list[Interaction] = []

    def expects_to_receive(self, description: str) -> MessageBuilder:
        """Declare an asynchronous message this consumer needs."""
        builder = MessageBuilder(description)
        self._builders.append(builder)
        return builder

    def sync_message(self, description: str) -> SyncMessageBuilder:
        """Declare a V4 synchronous message: a request and the response(s) to it."""
        if self.spec != "4.0":
            raise AccordError(
                f"sync message {description!r}: synchronous messages exist only in V4 pacts; "
                f"this pact is written as {self.spec}"
            )
        builder = SyncMessageBuilder(description)
        self._builders.append(builder)
        return builder

    def upon_receiving(self, description: str) -> HttpInteractionBuilder:
        """Declare an HTTP interaction: the request this consumer sends, the reply it needs."""
        builder = HttpInteractionBuilder(description)
        self._http.append(builder)
        return builder

    def grpc(
        self,
        description: str,
        *,
        proto: str | os.PathLike[str] | Any,
        service: str,
        include_paths: tuple[str | os.PathLike[str], ...] = (),
    ) -> GrpcInteractionBuilder:
        """Declare a unary gRPC call: ``proto`` is a ``.proto`` path (compiled in process,
        no ``protoc`` needed) or a ``FileDescriptorSet``; ``service`` is ``pkg.Service/Method``.
        Prove it with ``pact.serve(transport="grpc")``. Needs ``accord[grpc]``."""
        from accord.consumer.grpc_builder import GrpcInteractionBuilder, load_schema

        self._need_v4("gRPC interaction", description)
        builder = GrpcInteractionBuilder(description, load_schema(proto, include_paths), service)
        self._grpc.append(builder)
        return builder

    def websocket(self, description: str, *, path: str) -> WebSocketInteractionBuilder:
        """Declare a WebSocket exchange on ``path``: a message the consumer sends and the
        message(s) it needs back. Prove it with ``pact.serve(transport="websocket")``."""
        from accord.consumer.websocket_builder import WebSocketInteractionBuilder

        self._need_v4("WebSocket interaction", description)
        builder = WebSocketInteractionBuilder(description, path)
        self._websocket.append(builder)
        return builder

    def _need_v4(self, what: str, description: str) -> None:
        if self.spec != "4.0":
            raise AccordError(
                f"{what} {description!r}: synchronous messages exist only in V4 pacts; "
                f"this pact is written as {self.spec}"
            )

    @overload
    def serve(
        self,
        *,
        transport: Literal["http"] = "http",
        port: int = 0,
        cors: bool = False,
        tls: bool = False,
        max_body_size: int | None = None,
    ) -> MockServer: ...

    @overload
    def serve(self, *, transport: Literal["grpc"], port: int = 0) -> GrpcMockServer: ...

    @overload
    def serve(self, *, transport: Literal["websocket"], port: int = 0) -> WebSocketMockServer: ...

    def serve(
        self,
        *,
        transport: str = "http",
        port: int = 0,
        cors: bool = False,
        tls: bool = False,
        max_body_size: int | None = None,
    ) -> MockServer | GrpcMockServer | WebSocketMockServer:
        """A mock server for the HTTP interactions not yet proven; use ``with`` or ``async with``.

        It listens on ``127.0.0.1`` (``port=0`` picks a free port; see ``server.url``) and
        answers each request that matches an interaction with its response. On leaving the
        block it raises :class:`~accord.errors.MockServerMismatch` (an ``AssertionError``)
        naming every unexpected request, every mismatch and every interaction never called.
        Matched interactions join the pact; unmatched ones stay out.

        ``cors=True`` answers browsers' preflight requests; ``tls=True`` serves HTTPS with
        a certificate made for this run (``server.ca_path``, ``server.ssl_context``; needs
        ``accord[tls]``); a request body over ``max_body_size`` bytes (16 MiB by default)
        is answered with 413 and fails the test.

        ``transport="grpc"`` serves the gRPC interactions instead (a real grpcio server;
        ``server.target`` is ``127.0.0.1:PORT``), ``transport="websocket"`` the WebSocket
        ones (``server.url`` is ``ws://127.0.0.1:PORT``); on exit each names every
        unexpected, mismatched or missing call the same way.
        """
        if transport == "grpc":
            return self._serve_grpc(port)
        if transport == "websocket":
            return self._serve_websocket(port)
        if transport != "http":
            raise AccordError(
                f"serve(transport={transport!r}): unknown transport "
                f"(choose one of {', '.join(TRANSPORTS)})"
            )
        from accord.consumer.mock_server import DEFAULT_MAX_BODY, MockServer  # h11 loads here

        built = [(builder, builder.build()) for builder in self._http]

        def served(matched: list[HttpInteraction]) -> None:
            done = {id(interaction) for interaction in matched}
            proven = {id(builder) for builder, i in built if id(i) in done}
            self._http = [b for b in self._http if id(b) not in proven]
            self._verified.extend(matched)

        return MockServer(
            [interaction for _, interaction in built],
            port=port,
            cors=cors,
            tls=tls,
            max_body_size=DEFAULT_MAX_BODY if max_body_size is None else max_body_size,
            on_success=served,
        )

    def _serve_grpc(self, port: int) -> GrpcMockServer:
        from accord.consumer.grpc_server import GrpcExpectation, GrpcMockServer

        built = [(builder, builder.build()) for builder in self._grpc]

        def served(matched: list[SyncMessage]) -> None:
            done = {id(interaction) for interaction in matched}
            for builder, interaction in built:
                if id(interaction) in done:
                    self._add_plugin(builder.plugin_entry())
            proven = {id(builder) for builder, i in built if id(i) in done}
            self._grpc = [b for b in self._grpc if id(b) not in proven]
            self._verified.extend(matched)

        expectations = [GrpcExpectation(i, b.method, b.schema) for b, i in built]
        return GrpcMockServer(expectations, port=port, on_success=served)

    def _serve_websocket(self, port: int) -> WebSocketMockServer:
        from accord.consumer.websocket_server import WebSocketMockServer

        built = [(builder, builder.build()) for builder in self._websocket]

        def served(matched: list[SyncMessage]) -> None:
            done = {id(interaction) for interaction in matched}
            proven = {id(builder) for builder, i in built if id(i) in done}
            self._websocket = [b for b in self._websocket if id(b) not in proven]
            self._verified.extend(matched)

        return WebSocketMockServer([i for _, i in built], port=port, on_success=served)

    def _add_plugin(self, entry: dict[str, Any]) -> None:
        """Record a plugin's pact-level configuration (merged by plugin and key)."""
        from accord.schemas.plugin_shapes import add_plugin_entry

        add_plugin_entry(self._plugin_metadata, entry)

    @property
    def interactions(self) -> list[Interaction]:
        """Interactions proven so far (handler succeeded, or request matched): what
        :meth:`write` will write."""
        return list(self._verified)

    def example(self, interaction: AsyncMessage | SyncMessage) -> Message | SyncExchange:
        """What a handler receives: the example message (or exchange), generators applied."""
        if isinstance(interaction, SyncMessage):
            request = generate_message(interaction.request, mode=CONSUMER)
            return SyncExchange(
                interaction.description,
                from_contents(request, interaction.description),
                [
                    from_contents(generate_message(r, mode=CONSUMER), interaction.description)
                    for r in interaction.response
                ],
            )
        contents = generate_message(interaction.message, mode=CONSUMER)
        return from_contents(contents, interaction.description)

    def verify(self, handler: Handler) -> None:
        """Pass an example of each message not yet verified to ``handler``.

        An asynchronous message arrives as a :class:`~accord.Message`. A synchronous one
        arrives as a :class:`~accord.consumer.sync_builder.SyncExchange`: ``.request`` is
        the message the consumer sends, ``.response`` (or ``.responses``, when several are
        declared) what the provider answers, so the handler drives the consumer's code that
        reads replies.

        ``handler`` may be a plain or an ``async`` function. If it raises, :class:`HandlerFailed`
        names the message and chains the handler's exception; that message stays out of the
        pact. Inside a running event loop, plain handlers work as they are; an async handler
        there raises :class:`~accord.errors.EventLoopError` pointing to :meth:`verify_async`
        (it never counts as the handler failing).
        """
        in_loop = _loop_running()
        if in_loop and _is_async(handler):
            raise EventLoopError(_IN_LOOP)
        runner: asyncio.Runner | None = None  # asyncio loads for the first async handler
        failures: list[HandlerFailed] = []
        pending = self._pending_examples()
        try:
            for done, (_, interaction, message) in enumerate(pending):
                try:
                    outcome = handler(message)
                    if inspect.isawaitable(outcome):
                        if in_loop:
                            # Not the handler's fault: keep every message still unproven.
                            _discard(outcome)
                            self._builders[:0] = [b for b, _, _ in pending[done:]]
                            raise EventLoopError(_IN_LOOP)
                        if runner is None:
                            import asyncio

                            runner = asyncio.Runner()
                        runner.run(_await(outcome))
                except EventLoopError:
                    raise
                except Exception as exc:
                    failures.append(HandlerFailed(interaction.description, exc))
                    continue
                self._verified.append(interaction)
        finally:
            if runner is not None:
                runner.close()
        _raise_first(failures)

    async def verify_async(self, handler: Handler) -> None:
        """:meth:`verify` for use inside a running event loop."""
        failures: list[HandlerFailed] = []
        for _, interaction, message in self._pending_examples():
            try:
                outcome = handler(message)
                if inspect.isawaitable(outcome):
                    await outcome
            except Exception as exc:
                failures.append(HandlerFailed(interaction.description, exc))
                continue
            self._verified.append(interaction)
        _raise_first(failures)

    def _pending_examples(self) -> list[_Pending]:
        """Build every pending interaction and its example, with the cyclic collector paused.

        This allocates a few hundred thousand long-lived containers (rules, examples) for
        a large pact and makes no cycles, so collections in between would only rescan
        them. The handlers run afterwards with the collector as it was: they are user code,
        may run long and may lean on it to free what they allocate.
        """
        builders, self._builders = self._builders, []
        pending: list[_Pending] = []
        with collector_paused():
            for builder in builders:
                interaction = builder.build()
                pending.append((builder, interaction, self.example(interaction)))
        return pending

    def model(self) -> PactModel:
        """The verified interactions as a pact model."""
        metadata: dict[str, Any] = {}
        if self._plugin_metadata.get("plugins"):
            metadata["plugins"] = [dict(p) for p in self._plugin_metadata["plugins"]]
        return PactModel(
            self.consumer, self.provider, list(self._verified), metadata, spec_version=self.spec
        )

    def write(self, directory: str | Path | None = None, *, overwrite: bool = False) -> Path:
        """Merge the verified interactions into ``{consumer}-{provider}.json``.

        Safe with parallel writers (pytest-xdist): the file is locked, merged and replaced
        atomically. Declared but unverified messages are left out, with a warning.
        """
        if self._builders:
            names = ", ".join(repr(b.description) for b in self._builders)
            warnings.warn(
                f"not written, never verified: {names}. Call pact.verify(handler) first.",
                stacklevel=2,
            )
        unserved = [b.description for b in self._http]
        unserved += [b.description for b in self._grpc]
        unserved += [b.description for b in self._websocket]
        if unserved:
            names = ", ".join(repr(d) for d in unserved)
            warnings.warn(
                f"not written, never matched by a request to pact.serve(): {names}.",
                stacklevel=2,
            )
        target = self.pact_dir if directory is None else Path(directory)
        return write_pact(self.model(), target, spec=self.spec, overwrite=overwrite)

    def __enter__(self) -> Pact:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.write()


async def _await(awaitable: Awaitable[Any]) -> Any:
    return await awaitable


def _loop_running() -> bool:
    # No loop can be running before anyone imported asyncio; not importing it here keeps
    # ``from accord import Pact`` and a plain handler's verify free of its 25 ms.
    asyncio = sys.modules.get("asyncio")
    if asyncio is None:
        return False
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def _is_async(handler: Any) -> bool:
    return inspect.iscoroutinefunction(handler) or inspect.iscoroutinefunction(
        getattr(handler, "__call__", None)  # noqa: B004 - an object with an async __call__
    )


def _discard(awaitable: Any) -> None:
    """Close a coroutine that will never run, so Python does not warn it was never awaited."""
    close = getattr(awaitable, "close", None)
    if callable(close):
        close()
