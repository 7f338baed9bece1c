"""User code run inline under SIGALRM: stopped on time, and the alarm never outlives a call.

Which path a call took is seen from inside it: the thread it runs on is the main thread
(inline) or an ``accord-user-code`` worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import functools
import signal
import sys
import threading
import time
import types
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from accord import Verifier
from accord.errors import UserExit
from accord.model.read import parse_pact
from accord.provider.calls import CallTimeout, UserCode, hung_calls
from accord.provider.keywords import (
    _names_from_code,
    _names_from_signature,
    _plain_code,
    accepted_kwargs,
)
from accord.provider.results import Outcome

pytestmark = pytest.mark.skipif(
    not hasattr(signal, "setitimer"), reason="the inline path needs signal.setitimer (POSIX)"
)


def _call(runner: UserCode, fn: Callable[[], Any]) -> Any:
    return asyncio.run(runner.call(fn))


def _thread_name() -> str:
    return threading.current_thread().name


@pytest.fixture(autouse=True)
def alarm_left_clean() -> Iterator[None]:
    """Every test here must leave SIGALRM as it found it: default handler, no timer."""
    if signal.getsignal(signal.SIGALRM) != signal.SIG_DFL:
        pytest.skip("SIGALRM has a handler (pytest-timeout?): calls rightly use the worker")
    yield
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def _assert_disarmed() -> None:
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)
    assert signal.getsignal(signal.SIGALRM) == signal.SIG_DFL


def test_a_sync_call_on_the_main_thread_runs_inline() -> None:
    runner = UserCode(5)
    assert _call(runner, _thread_name) == threading.main_thread().name
    assert runner._worker is None  # no thread was started for it
    _assert_disarmed()


def test_a_sync_call_that_sleeps_past_the_timeout_is_stopped_inline() -> None:
    finished = []

    def slow() -> None:
        time.sleep(30)
        finished.append(True)

    runner = UserCode(0.05)
    with pytest.raises(CallTimeout, match=r"^did not finish within 0.05 s$") as info:
        _call(runner, slow)
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert finished == []  # stopped, not left running
    assert runner._worker is None
    _assert_disarmed()


def test_code_that_swallows_the_first_alarm_is_still_stopped() -> None:
    swallowed: list[str] = []

    def stubborn() -> None:
        try:
            time.sleep(30)
        except BaseException as exc:  # the classic over-broad handler
            swallowed.append(type(exc).__name__)
        time.sleep(30)

    with pytest.raises(CallTimeout, match=r"did not finish within 0\.05 s"):
        _call(UserCode(0.05), stubborn)
    assert len(swallowed) == 1
    _assert_disarmed()


def test_code_that_swallows_the_alarm_and_returns_is_still_late() -> None:
    def returns_late() -> int:
        with contextlib.suppress(BaseException):
            time.sleep(30)
        return 1

    with pytest.raises(CallTimeout, match=r"did not finish within 0\.05 s"):
        _call(UserCode(0.05), returns_late)


def test_code_that_turns_the_alarm_into_its_own_error_is_still_late() -> None:
    def wraps_everything() -> None:
        try:
            time.sleep(30)
        except BaseException as exc:
            raise RuntimeError("database call failed") from exc

    with pytest.raises(CallTimeout, match=r"did not finish within 0\.05 s"):
        _call(UserCode(0.05), wraps_everything)


def test_user_exceptions_sys_exit_and_ctrl_c_leave_the_alarm_disarmed() -> None:
    def fails() -> None:
        raise ValueError("bad")

    def interrupt() -> None:
        raise KeyboardInterrupt

    runner = UserCode(5)
    with pytest.raises(ValueError, match="bad"):
        _call(runner, fails)
    _assert_disarmed()
    with pytest.raises(UserExit):
        _call(runner, lambda: sys.exit(2))
    _assert_disarmed()
    with pytest.raises(KeyboardInterrupt):
        _call(runner, interrupt)
    _assert_disarmed()


def test_no_alarm_fires_after_a_run() -> None:
    """With the default handler back, a stray SIGALRM would kill the test process."""
    runner = UserCode(0.02)
    for _ in range(50):
        assert _call(runner, lambda: 1) == 1
    with pytest.raises(CallTimeout):
        _call(runner, lambda: time.sleep(1))
    _assert_disarmed()
    time.sleep(0.1)  # longer than the timeout and the re-arm interval: still alive


def test_an_async_producer_that_blocks_goes_to_a_worker_and_is_timed_out() -> None:
    release = threading.Event()
    seen: list[str] = []

    async def blocking() -> None:
        seen.append(_thread_name())
        release.wait(30)  # blocks its loop: no signal could stop it inline

    already = hung_calls()
    runner = UserCode(0.05)
    try:
        with pytest.raises(CallTimeout, match=r"^did not finish within 0.05 s$"):
            _call(runner, blocking)
        _assert_disarmed()  # disarmed before the hand-over: no alarm in the worker's wait
    finally:
        release.set()
    assert seen == ["accord-user-code"]
    for _ in range(3000):  # wait (up to 30 s) for the abandoned call to end; not a timing test
        if hung_calls() <= already:
            break
        time.sleep(0.01)


def test_an_async_producer_gets_only_the_time_left() -> None:
    async def after(value: int) -> int:
        await asyncio.sleep(0.25)
        return value

    def prelude_then_coroutine() -> Any:
        time.sleep(0.25)  # within the limit, but it uses most of it
        return after(1)

    runner = UserCode(0.3)
    with pytest.raises(CallTimeout, match=r"did not finish within 0\.3 s"):
        _call(runner, prelude_then_coroutine)
    assert _call(UserCode(5), prelude_then_coroutine) == 1


def test_async_results_come_back_through_the_worker() -> None:
    async def produce() -> tuple[str, int]:
        await asyncio.sleep(0)
        return _thread_name(), 7

    runner = UserCode(5)
    assert _call(runner, produce) == ("accord-user-code", 7)
    runner.close()


def test_a_call_from_another_thread_uses_the_worker() -> None:
    seen: list[Any] = []
    runner = UserCode(5)
    thread = threading.Thread(target=lambda: seen.append(_call(runner, _thread_name)))
    thread.start()
    thread.join()
    assert seen == ["accord-user-code"]
    runner.close()


def test_a_foreign_sigalrm_handler_is_left_alone_and_still_works() -> None:
    rang = threading.Event()

    def theirs(signum: int, frame: Any) -> None:
        rang.set()

    runner = UserCode(5)
    signal.signal(signal.SIGALRM, theirs)
    try:
        assert _call(runner, _thread_name) == "accord-user-code"
        with pytest.raises(CallTimeout):
            _call(UserCode(0.05), lambda: time.sleep(0.3))  # timed out on a worker
        assert signal.getsignal(signal.SIGALRM) is theirs
        signal.setitimer(signal.ITIMER_REAL, 0.01)
        for _ in range(500):  # the signal arrives within a few ms; not a timing assertion
            if rang.is_set():
                break
            time.sleep(0.01)
        assert rang.is_set()
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        runner.close()


def test_a_call_inside_a_call_takes_the_worker_and_asyncio_run_still_works() -> None:
    """A sync producer sees no running loop (as on a worker): it may use ``asyncio.run``."""
    inner = UserCode(5)

    def outer() -> tuple[str, str]:
        with pytest.raises(RuntimeError):
            asyncio.get_running_loop()
        return _thread_name(), asyncio.run(inner.call(_thread_name))

    assert _call(UserCode(5), outer) == (threading.main_thread().name, "accord-user-code")
    inner.close()


def test_inline_calls_do_not_see_the_callers_context() -> None:
    var: contextvars.ContextVar[str] = contextvars.ContextVar("var", default="unset")

    async def caller(runner: UserCode) -> str:
        var.set("the verifier's")
        seen: str = await runner.call(var.get)
        return seen

    assert asyncio.run(caller(UserCode(5))) == "unset"


def test_sync_state_handlers_and_producers_time_out_inline_through_the_verifier() -> None:
    doc = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": description,
                "contents": {"content": {"id": 1}, "contentType": "application/json"},
                **({"providerStates": [{"name": "slow"}]} if description == "behind" else {}),
            }
            for description in ("behind", "slow", "fine")
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    already = hung_calls()
    verifier = Verifier(
        "p",
        timeout=0.05,
        producers={
            "behind": lambda: {"id": 1},
            "slow": lambda: time.sleep(30),
            "fine": lambda: {"id": 1},
        },
        states={"slow": lambda: time.sleep(30)},
    )
    behind, slow, fine = verifier.verify(parse_pact(doc, source="<test>")).results
    assert behind.error is not None and "state handler for 'slow' did not finish" in behind.error
    assert slow.error == "producer for 'slow' did not finish within 0.05 s"
    assert fine.outcome is Outcome.PASSED
    assert hung_calls() == already  # stopped, not abandoned on a thread


# -- keyword names: the code-object fast path agrees with inspect.signature -------------


def _plain(a: int, b: int = 1) -> None: ...
def _kw_only(a: int, *, b: int, c: int = 2) -> None: ...
def _var_args(*args: int, b: int) -> None: ...
def _var_kwargs(a: int, **kwargs: int) -> None: ...
def _pos_only(a: int, /, b: int, *, c: int) -> None: ...
def _with_locals(a: int) -> int:
    local = a + 1
    return local


async def _async(a: int, *, b: int) -> None: ...
def _generator(a: int) -> Iterator[int]:
    yield a


@functools.wraps(_kw_only)
def _wrapped(*args: Any, **kwargs: Any) -> None: ...


class _Thing:
    def method(self, a: int, *, b: int) -> None: ...
    def pos_only_self(self, /, a: int) -> None: ...
    def star_self(*args: Any, b: int) -> None: ...
    @classmethod
    def klass(cls, a: int) -> None: ...
    @staticmethod
    def static(a: int) -> None: ...
    def __call__(self, x: int) -> None: ...


class _Built:
    def __init__(self, a: int, *, b: int = 0) -> None: ...


def _with_attribute(a: int) -> None: ...


_with_attribute.marker = True  # type: ignore[attr-defined]

CALLABLES: list[Any] = [
    _plain,
    _kw_only,
    _var_args,
    _var_kwargs,
    _pos_only,
    _with_locals,
    _async,
    _generator,
    _wrapped,
    _with_attribute,
    lambda: None,
    lambda a, *rest, b=1, **more: None,
    lambda x, y: None,
    _Thing().method,
    _Thing().pos_only_self,
    _Thing().star_self,
    _Thing.klass,
    _Thing.static,
    _Thing.method,
    _Thing(),
    _Built,
    functools.partial(_kw_only, 1),
    functools.partial(_plain, b=3),
    len,
    dict.get,
    {}.get,
    print,
]


@pytest.mark.parametrize(
    "fn", CALLABLES, ids=lambda fn: getattr(fn, "__qualname__", type(fn).__name__)
)
def test_the_fast_path_agrees_with_inspect(fn: Any) -> None:
    code = _plain_code(fn)
    expected = _names_from_signature(fn)
    if code is not None:
        fast = _names_from_code(code, skip_first=isinstance(fn, types.MethodType))
        assert fast == expected
    values = {"a": 1, "b": 2, "c": 3, "x": 4, "y": 5, "self": 6, "args": 7}
    kept = accepted_kwargs(fn, values)
    assert kept == (values if expected is None else {k: values[k] for k in values if k in expected})


def test_the_fast_path_covers_plain_functions_and_methods() -> None:
    """The speed-up exists only if ordinary producers and handlers take it."""
    for fn in (_plain, _kw_only, _async, _generator, _Thing().method, _Thing.klass, lambda: 1):
        assert _plain_code(fn) is not None, fn
    for fn in (_wrapped, _with_attribute, _Thing().star_self, _Built, len, _Thing()):
        assert _plain_code(fn) is None, fn
