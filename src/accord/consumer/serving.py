"""What every mock server shares, whatever it speaks (HTTP, gRPC, WebSocket).

A mock server keeps a record: the interactions it matched and the problems it saw
(unexpected or mismatched calls). Leaving a clean ``with`` (or ``async with``) block hands
the matched interactions to the pact, then raises :class:`~accord.errors.MockServerMismatch`
for every problem and every declared interaction never used. A block that raised adds
nothing, so a failing test never writes a half-proven pact.

:class:`LoopThread` runs an asyncio stream server on its own event loop in a background
thread (the HTTP and WebSocket servers), so a test can call the server from blocking code
or from a coroutine alike.
"""

from __future__ import annotations

import asyncio
import contextlib
import ssl
import threading
from collections.abc import Awaitable, Callable
from types import TracebackType
from typing import Any, Generic, Self, TypeVar

from accord.errors import AccordError, MockServerMismatch

I = TypeVar("I")  # noqa: E741  the interaction type a server matches

START_TIMEOUT = 10.0
"""Seconds a server may take to start listening before the test is told why not."""

Handler = Callable[[asyncio.StreamReader, asyncio.StreamWriter], Awaitable[None]]


class MockServerRecord(Generic[I]):
    """The matched interactions and problems of one mock server, and its ``with`` protocol.

    Subclasses provide ``start``, ``stop``, ``address`` (for the error) and ``missing``
    (one line per declared interaction never used).
    """

    def __init__(self, on_success: Callable[[list[I]], None] | None) -> None:
        self._on_success = on_success
        self._matched: dict[int, I] = {}
        self._problems: list[str] = []
        self._lock = threading.Lock()

    # -- what subclasses provide -----------------------------------------------------------

    @property
    def address(self) -> str:
        raise NotImplementedError

    def start(self) -> Self:
        raise NotImplementedError

    def stop(self) -> None:
        raise NotImplementedError

    def missing(self, matched: set[int]) -> list[str]:
        """A line for each declared interaction whose ``id`` is not in ``matched``."""
        raise NotImplementedError

    # -- the record ------------------------------------------------------------------------

    @property
    def matched(self) -> list[I]:
        """Interactions matched so far, in the order they were first matched."""
        with self._lock:
            return list(self._matched.values())

    @property
    def problems(self) -> list[str]:
        """Unexpected and mismatched calls so far (missing ones are added by ``check``)."""
        with self._lock:
            return list(self._problems)

    def record_match(self, interaction: I) -> None:
        with self._lock:
            self._matched.setdefault(id(interaction), interaction)

    def record_problem(self, text: str) -> None:
        with self._lock:
            self._problems.append(text)

    def used(self) -> set[int]:
        """The ``id`` of every interaction matched so far."""
        with self._lock:
            return set(self._matched)

    def check(self) -> None:
        """Raise :class:`MockServerMismatch` if anything went wrong, or never happened."""
        problems = self.problems + self.missing(self.used())
        if problems:
            raise MockServerMismatch(self.address, problems)

    # -- with / async with -----------------------------------------------------------------

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()
        self._finish(exc_type is None)

    async def __aenter__(self) -> Self:
        return await asyncio.to_thread(self.start)

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await asyncio.to_thread(self.stop)
        self._finish(exc_type is None)

    def _finish(self, clean: bool) -> None:
        """After a clean block, matched interactions join the pact, then problems raise."""
        if not clean:
            return
        if self._on_success is not None:
            self._on_success(self.matched)
        self.check()


class LoopThread:
    """An asyncio stream server on its own event loop, in a daemon thread.

    ``handler`` serves one connection; connection errors and the cancellation that stopping
    brings end it quietly, and the writer is always closed.
    """

    def __init__(
        self,
        name: str,
        handler: Handler,
        *,
        quiet: tuple[type[BaseException], ...] = (),
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.name = name
        self._handler = handler
        self._quiet: tuple[type[BaseException], ...] = (
            ConnectionError,
            asyncio.IncompleteReadError,
            *quiet,
        )
        self._ssl = ssl_context
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[asyncio.Task[Any]] = set()
        self._start_error: BaseException | None = None
        self.port = 0

    def start(self, host: str, port: int) -> int:
        """Listen on ``host:port`` (0 picks a free port); the port actually bound."""
        if self._thread is not None:
            raise AccordError(f"this {self.name} is already running")
        ready = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(host, port, ready), name=f"accord {self.name}", daemon=True
        )
        self._thread.start()
        if not ready.wait(START_TIMEOUT):
            raise AccordError(f"the {self.name} did not start within {START_TIMEOUT:g} s")
        if self._start_error is not None:
            self._thread.join()
            raise AccordError(
                f"the {self.name} could not listen on {host}:{port}: {self._start_error}"
            ) from self._start_error
        return self.port

    def stop(self) -> None:
        loop, thread = self._loop, self._thread
        if loop is not None and thread is not None and thread.is_alive():
            loop.call_soon_threadsafe(loop.stop)
            thread.join()

    def _run(self, host: str, port: int, ready: threading.Event) -> None:
        loop = asyncio.new_event_loop()
        self._loop = loop
        asyncio.set_event_loop(loop)
        try:
            server = loop.run_until_complete(
                asyncio.start_server(self._accept, host, port, ssl=self._ssl)
            )
        except OSError as exc:
            self._start_error = exc
            ready.set()
            loop.close()
            return
        self.port = server.sockets[0].getsockname()[1]
        ready.set()
        try:
            loop.run_forever()
        finally:
            server.close()
            for task in list(self._connections):
                task.cancel()
            pending = [t for t in self._connections if not t.done()]
            loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            loop.run_until_complete(server.wait_closed())
            loop.close()

    async def _accept(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        if task is not None:
            self._connections.add(task)
        try:
            await self._handler(reader, writer)
        except self._quiet:
            pass
        except asyncio.CancelledError:
            # The server is stopping while a keep-alive connection was idle. Ending normally
            # keeps Python 3.11's stream callback from logging the cancellation as an error.
            pass
        finally:
            if task is not None:
                self._connections.discard(task)
            with contextlib.suppress(Exception):
                writer.close()
