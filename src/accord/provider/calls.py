"""Calling user code (producers, state handlers) with a time limit, sync or async.

Two ways to enforce the limit, chosen per call:

**Inline, with an alarm** (the usual case). Handing each call to a thread costs ~50–100 µs
(a queue put, a lock, two thread wake-ups); with a producer and a state handler per
message that was a quarter of a provider run. So when the call is made on the main thread
of the main interpreter, on a platform with ``signal.setitimer`` (POSIX), while SIGALRM
has its default disposition and no real-time interval timer is armed, a *sync* callable
runs right here (~3 µs of overhead): ``ITIMER_REAL`` is armed for the timeout and a
private SIGALRM handler raises a private ``BaseException`` into the user code, which
becomes :class:`CallTimeout`. The timer repeats (every ``timeout``, at most a second
apart), so code that swallows the first alarm (``except BaseException``) gets another.
It is disarmed and the previous handler restored before the call returns, and the
handler raises only while the call is active, so an alarm that lands as the call finishes
counts as the timeout and never escapes into accord. A call on this path is *stopped* at
its timeout instead of being left running. Sync calls share one
:class:`contextvars.Context` per runner and see no running event loop, as they would on a
worker thread (so ``asyncio.run`` inside a sync producer still works). The price: code
that catches every alarm, or waits in C code that never returns to Python for a signal
handler to run, holds the main thread where a worker would have been abandoned.

**On a worker thread** (the fallback). Off the main thread (signals are delivered only
there), when someone else owns SIGALRM (pytest-timeout's signal method, an application's
own alarm: we leave it alone), when a timer is already armed (a call made from inside
another call), or on Windows, every call runs on a daemon worker thread and the caller
waits for it. A coroutine returned by a callable always runs on *that thread's own event
loop*, on either path (an inline call hands it over with the time left): an ``async def``
producer that blocks (``time.sleep`` instead of ``await asyncio.sleep``) cannot be
interrupted by a signal, but it blocks only its worker, and the caller still gets
:class:`CallTimeout` on time. Generator functions are supported for state handlers: the
code after ``yield`` is the teardown.

A call on a worker that times out cannot be killed (Python has no safe way to stop a
thread): its worker is abandoned and told to exit as soon as the call returns, so a late
call gives its thread back. Calls that never return are counted; once ``MAX_HUNG_CALLS``
of them are still running, new calls are refused with :class:`HungCalls` instead of
starting yet another thread, so a hostile or broken producer cannot exhaust the process.

``sys.exit`` inside user code becomes :class:`~accord.errors.UserExit` (that interaction's
error); ``KeyboardInterrupt`` propagates, so the run loop can stop and still write reports.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextvars
import functools
import importlib
import inspect
import queue
import signal
import threading
import time
import types
from collections.abc import Callable
from typing import Any

from accord.errors import AccordError, UserExit
from accord.limits import MAX_HUNG_CALLS
from accord.provider.errors import describe_exception

_STOP = object()


class CallTimeout(AccordError):
    """User code did not finish within its time limit."""


def failure_of(what: str, exc: BaseException) -> str:
    """One line for user code that failed: ``{what} did not finish within 5 s`` for a
    timeout, ``{what} raised ValueError: boom (at f.py:3 in make)`` for anything else."""
    if isinstance(exc, CallTimeout):
        return f"{what} {exc}"
    return f"{what} raised {describe_exception(exc)}"


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


class _TimeUp(BaseException):
    """Raised into inline user code by the alarm; a BaseException so ``except Exception``
    in user code does not swallow it. Never leaves this module."""


class _Alarm:
    """The SIGALRM handler for one inline call; it raises only while the call is active."""

    __slots__ = ("active", "rang")

    def __init__(self) -> None:
        self.active = True
        self.rang = False

    def ring(self, signum: int, frame: types.FrameType | None) -> None:
        if self.active:
            self.rang = True
            raise _TimeUp


_CAN_ALARM = hasattr(signal, "setitimer") and hasattr(signal, "SIGALRM")


def _handler_functions() -> Any:
    """``_signal``: the C functions behind :func:`signal.signal` and :func:`signal.getsignal`.

    The public wrappers convert handlers to and from an enum (Python code plus a caught
    ``ValueError``), ~3 µs of a ~8 µs inline call; the C functions take and return the
    same handlers as plain ints and callables.
    """
    try:
        return importlib.import_module("_signal")
    except ImportError:  # another Python implementation: the public functions do the same
        return signal


_handlers = _handler_functions()


def _alarm_is_free() -> bool:
    """Whether this call may use SIGALRM: main thread, default handler, no timer armed.

    Anyone else's handler (pytest-timeout, the application's own) is left alone, and an
    armed timer means an outer call (or someone else) is already counting down.
    """
    return (
        _CAN_ALARM
        and threading.get_ident() == threading.main_thread().ident
        and _handlers.getsignal(signal.SIGALRM) == signal.SIG_DFL
        and signal.getitimer(signal.ITIMER_REAL)[0] == 0.0
    )


def _rearm_interval(timeout: float) -> float:
    """How often the alarm repeats after the first one, for code that swallows it."""
    return max(0.01, min(timeout, 1.0))


def _late(timeout: float) -> CallTimeout:
    return CallTimeout(f"did not finish within {timeout:g} s")


def _discard(value: Any) -> None:
    """Close a coroutine that will never run, so Python does not warn it was not awaited."""
    close = getattr(value, "close", None)
    if inspect.iscoroutine(value) and close is not None:
        close()


class UserCode:
    """Runs user callables with a timeout; replaces the worker when one hangs."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self._worker: _Worker | None = None
        self._context = contextvars.Context()
        """What inline calls see as their context: their own, as on a worker thread."""

    async def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn()``; await it if it returns an awaitable.

        Raises :class:`CallTimeout` (or :class:`HungCalls`), :class:`UserExit` for
        ``sys.exit``; any other exception from ``fn`` is raised as itself.
        """
        try:
            if self.timeout is None:
                result = fn()
                return await result if inspect.isawaitable(result) else result
            if _alarm_is_free():
                return self._call_inline(fn, self.timeout)
            return self._call_on_worker(fn, self.timeout)
        except SystemExit as exc:
            # Keep the user's traceback, so the report points at their sys.exit call.
            raise UserExit(exc.code).with_traceback(exc.__traceback__) from exc
        except _TimeUp:  # only if a second alarm hit the few instructions that disarm it
            raise _late(self.timeout or 0.0) from None

    def _call_inline(self, fn: Callable[[], Any], timeout: float) -> Any:
        """Run ``fn`` on this thread under an alarm; a coroutine it returns goes to a worker.

        Verification is sequential, so blocking the event loop while user code runs costs
        nothing (the worker path blocks it too).
        """
        started = time.monotonic()
        alarm = _Alarm()
        try:
            previous = _handlers.signal(signal.SIGALRM, alarm.ring)
        except ValueError:  # a subinterpreter's main thread: no signals here
            return self._call_on_worker(fn, timeout)
        try:
            result = self._run_armed(fn, timeout, alarm)
        finally:
            try:
                alarm.active = False
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
                _handlers.signal(signal.SIGALRM, signal.SIG_DFL if previous is None else previous)
        if not inspect.isawaitable(result):
            return result
        # The alarm is disarmed: the coroutine runs on the worker's loop, so one that blocks
        # is abandoned there on time, exactly as on the worker path.
        left = timeout - (time.monotonic() - started)
        if left <= 0:
            _discard(result)
            raise _late(timeout)
        try:
            return self._call_on_worker(functools.partial(_same, result), left, timeout)
        except HungCalls:
            _discard(result)
            raise

    def _run_armed(self, fn: Callable[[], Any], timeout: float, alarm: _Alarm) -> Any:
        """``fn()`` with the timer running; any call that the alarm rang in is a timeout."""
        running = asyncio.events._get_running_loop()
        asyncio.events._set_running_loop(None)  # as on a worker thread: no loop is running
        try:
            try:
                signal.setitimer(signal.ITIMER_REAL, timeout, _rearm_interval(timeout))
                result = self._context.run(fn)
            finally:
                alarm.active = False
        except KeyboardInterrupt:
            raise
        except BaseException:
            # ``_TimeUp`` itself, or whatever user code turned it into: late either way.
            if alarm.rang:
                raise _late(timeout) from None
            raise
        finally:
            asyncio.events._set_running_loop(running)
        if alarm.rang:  # the user code swallowed the alarm and returned late
            _discard(result)
            raise _late(timeout)
        return result

    def _call_on_worker(
        self, fn: Callable[[], Any], wait: float, timeout: float | None = None
    ) -> Any:
        """Run ``fn`` on the worker, waiting ``wait`` s; ``timeout`` is the limit to report."""
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
            return future.result(timeout=wait)
        except concurrent.futures.TimeoutError:
            self._worker.abandon()
            self._worker = None
            raise _late(wait if timeout is None else timeout) from None

    def close(self) -> None:
        if self._worker is not None:
            self._worker.jobs.put(_STOP)
            self._worker = None


def _same(value: Any) -> Any:
    return value
