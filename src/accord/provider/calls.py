"""Calling user code (producers, state handlers) with a time limit, sync or async.

With a timeout, every call runs on a daemon worker thread, and a coroutine it returns is
run to completion on *that thread's own event loop*. So an ``async def`` producer that
blocks (``time.sleep`` instead of ``await asyncio.sleep``) blocks only its worker, and the
caller still gets :class:`CallTimeout` on time. Generator functions are supported for state
handlers: the code after ``yield`` is the teardown.

A call that times out cannot be killed (Python has no safe way to stop a thread): its worker
is abandoned and told to exit as soon as the call returns, so a late call gives its thread
back. Calls that never return are counted; once ``MAX_HUNG_CALLS`` of them are still
running, new calls are refused with :class:`HungCalls` instead of starting yet another
thread, so a hostile or broken producer cannot exhaust the process.

``sys.exit`` inside user code becomes :class:`~accord.errors.UserExit` (that interaction's
error); ``KeyboardInterrupt`` propagates, so the run loop can stop and still write reports.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import functools
import inspect
import queue
import threading
from collections.abc import Callable
from typing import Any

from accord.errors import AccordError, UserExit
from accord.limits import MAX_HUNG_CALLS

_STOP = object()


class CallTimeout(AccordError):
    """User code did not finish within its time limit."""


class HungCalls(CallTimeout):
    """Too many earlier calls are still running past their time limit to start another."""


_hung_lock = threading.Lock()
_hung = 0
"""Abandoned calls still running, across every runner in the process."""


def hung_calls() -> int:
    """How many timed-out calls are still running (each holds one thread)."""
    with _hung_lock:
        return _hung


def _count_hung(delta: int) -> None:
    global _hung
    with _hung_lock:
        _hung += delta


class _Worker:
    """One daemon thread, with its own event loop, that runs submitted calls in order."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.abandoned = False
        self.busy = False
        self._lock = threading.Lock()
        self.thread = threading.Thread(target=self._run, name="accord-user-code", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        loop = asyncio.new_event_loop()
        try:
            while True:
                job = self.jobs.get()
                if job is _STOP:
                    return
                future, fn = job
                if not future.set_running_or_notify_cancel():
                    continue
                try:
                    result = fn()
                    if inspect.isawaitable(result):
                        result = loop.run_until_complete(_awaited(result))
                    future.set_result(result)
                except BaseException as exc:  # handed to the caller, who decides
                    future.set_exception(exc)
                if self._finish_call():
                    return
        finally:
            _close_loop(loop)

    def _finish_call(self) -> bool:
        """Mark the call done; true when this worker was abandoned and must now exit."""
        with self._lock:
            self.busy = False
            if self.abandoned:
                _count_hung(-1)
                return True
            return False

    def submit(self, fn: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._lock:
            self.busy = True
        self.jobs.put((future, fn))
        return future

    def abandon(self) -> None:
        """Give up on the running call; the thread exits as soon as that call returns."""
        with self._lock:
            self.abandoned = True
            if self.busy:
                _count_hung(1)
                return
        self.jobs.put(_STOP)


async def _awaited(awaitable: Any) -> Any:
    return await awaitable


def _close_loop(loop: asyncio.AbstractEventLoop) -> None:
    try:
        loop.run_until_complete(loop.shutdown_asyncgens())
    except Exception:  # a broken async generator must not keep the thread alive
        pass
    finally:
        loop.close()


class UserCode:
    """Runs user callables with a timeout; replaces the worker when one hangs."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self._worker: _Worker | None = None

    async def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn()``; await it if it returns an awaitable.

        Raises :class:`CallTimeout` (or :class:`HungCalls`), :class:`UserExit` for
        ``sys.exit``; any other exception from ``fn`` is raised as itself.
        """
        try:
            if self.timeout is None:
                result = fn()
                return await result if inspect.isawaitable(result) else result
            return self._call_on_worker(fn, self.timeout)
        except SystemExit as exc:
            # Keep the user's traceback, so the report points at their sys.exit call.
            raise UserExit(exc.code).with_traceback(exc.__traceback__) from exc

    def _call_on_worker(self, fn: Callable[[], Any], timeout: float) -> Any:
        if self._worker is None:
            if hung_calls() >= MAX_HUNG_CALLS:
                raise HungCalls(
                    f"not started: {hung_calls()} earlier calls are still running past their "
                    f"time limit (at most {MAX_HUNG_CALLS} may hang; fix the code that hangs)"
                )
            self._worker = _Worker()
        future = self._worker.submit(fn)
        try:
            # Verification is sequential, so blocking the loop while user code runs costs
            # nothing and saves an event-loop wake-up per call.
            return future.result(timeout=timeout)
        except concurrent.futures.TimeoutError:
            self._worker.abandon()
            self._worker = None
            raise CallTimeout(f"did not finish within {timeout:g} s") from None

    def close(self) -> None:
        if self._worker is not None:
            self._worker.jobs.put(_STOP)
            self._worker = None


def accepted_kwargs(fn: Callable[..., Any], values: dict[str, Any]) -> dict[str, Any]:
    """The subset of ``values`` that ``fn`` accepts as keyword arguments."""
    names = _keyword_names(fn)
    if names is None:
        return dict(values)
    return {k: v for k, v in values.items() if k in names}


@functools.lru_cache(maxsize=4096)
def _keyword_names(fn: Callable[..., Any]) -> frozenset[str] | None:
    """Names ``fn`` takes by keyword, or ``None`` when it takes any (``**kwargs``)."""
    try:
        signature = inspect.signature(fn)
    except (TypeError, ValueError):
        return None
    parameters = signature.parameters.values()
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters):
        return None
    return frozenset(
        p.name
        for p in parameters
        if p.kind in (inspect.Parameter.POSITIONAL_OR_KEYWORD, inspect.Parameter.KEYWORD_ONLY)
    )
