"""Calling user code (producers, state handlers) with a time limit, sync or async.

Plain functions run on a daemon worker thread so a hung one can be abandoned when its time
runs out; verification then moves on and the process can still exit. ``async`` functions
are awaited with ``asyncio.wait_for``. Generator functions are supported for state handlers:
the code after ``yield`` is the teardown.
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

_STOP = object()


class CallTimeout(Exception):
    """User code did not finish within its time limit."""


class _Worker:
    """One daemon thread that runs submitted calls in order."""

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[Any] = queue.SimpleQueue()
        self.thread = threading.Thread(target=self._run, name="accord-user-code", daemon=True)
        self.thread.start()

    def _run(self) -> None:
        while True:
            job = self.jobs.get()
            if job is _STOP:
                return
            future, fn = job
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(fn())
            except BaseException as exc:
                future.set_exception(exc)

    def submit(self, fn: Callable[[], Any]) -> concurrent.futures.Future[Any]:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        self.jobs.put((future, fn))
        return future


class UserCode:
    """Runs user callables with a timeout; replaces the worker when one hangs."""

    def __init__(self, timeout: float | None) -> None:
        self.timeout = timeout
        self._worker: _Worker | None = None

    async def call(self, fn: Callable[[], Any]) -> Any:
        """Run ``fn()``; await it if it returns an awaitable. Raises :class:`CallTimeout`."""
        if self.timeout is None:
            result = fn()
            return await result if inspect.isawaitable(result) else result
        if self._worker is None:
            self._worker = _Worker()
        future = self._worker.submit(fn)
        try:
            # Verification is sequential, so blocking the loop while plain code runs costs
            # nothing and saves an event-loop wake-up per call.
            result = future.result(timeout=self.timeout)
        except concurrent.futures.TimeoutError:
            self._worker = None  # abandon the stuck thread; it is a daemon
            raise CallTimeout(f"did not finish within {self.timeout:g} s") from None
        if inspect.isawaitable(result):
            try:
                return await asyncio.wait_for(result, self.timeout)
            except TimeoutError:
                raise CallTimeout(f"did not finish within {self.timeout:g} s") from None
        return result

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
