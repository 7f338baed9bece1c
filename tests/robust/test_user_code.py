"""Misbehaving user code: blocking coroutines, hung calls, exits, unserializable output."""

from __future__ import annotations

import asyncio
import dataclasses
import sys
import threading
import time
import traceback
import xml.etree.ElementTree as ET
from typing import Any

import pydantic
import pytest

from accord import Message
from accord.errors import ProducerOutputError, UserExit
from accord.limits import MAX_HUNG_CALLS
from accord.provider.calls import CallTimeout, HungCalls, UserCode, hung_calls
from accord.provider.producers import to_contents
from accord.provider.safe_text import encodable, for_console, for_xml


def _call(runner: UserCode, fn: Any) -> Any:
    return asyncio.run(runner.call(fn))


def _user_threads() -> int:
    """Threads running user code (other tests' servers and pools are not counted)."""
    return sum(1 for t in threading.enumerate() if t.name == "accord-user-code")


def _eventually(condition: Any, what: str) -> None:
    """Wait (up to 30 s on a loaded machine) for threads to finish; not a timing assertion."""
    for _ in range(3000):
        if condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"never happened: {what}")


def test_an_async_producer_that_blocks_its_loop_is_still_timed_out() -> None:
    release = threading.Event()
    finished = threading.Event()

    async def blocking() -> int:
        release.wait(30)  # blocks the event loop, as time.sleep would
        finished.set()
        return 1

    runner = UserCode(0.05)
    with pytest.raises(CallTimeout, match=r"did not finish within 0.05 s"):
        _call(runner, blocking)
    assert not finished.is_set()  # the caller did not wait for the blocked coroutine
    release.set()
    _eventually(finished.is_set, "the abandoned coroutine finishes")


def test_async_producers_still_return_their_value() -> None:
    async def produce() -> dict[str, int]:
        await asyncio.sleep(0)
        return {"id": 1}

    runner = UserCode(5)
    assert _call(runner, produce) == {"id": 1}
    runner.close()


def _off_main_thread(runner: UserCode, fn: Any) -> Any:
    """``_call`` from another thread: no signals there, so the call takes the worker path."""
    outcome: list[Any] = []

    def run() -> None:
        try:
            outcome.append(("value", _call(runner, fn)))
        except BaseException as exc:
            outcome.append(("error", exc))

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    kind, value = outcome[0]
    if kind == "error":
        raise value
    return value


LATE = 0.3
"""Far past the 1 ms limit: a caller descheduled on a loaded machine must not find the
call already finished when it starts waiting (the cap on hung calls keeps the test quick)."""


async def _blocking_sleep() -> None:
    time.sleep(LATE)  # an async producer that blocks its loop: only a worker can time it


def _sync_sleep() -> None:
    time.sleep(LATE)


# Two ways a call ends up on a worker thread: an async callable (from the main thread) and
# any callable from another thread. A sync callable on the main thread is stopped inline
# (tests/robust/test_inline_calls.py).
ON_A_WORKER = [
    pytest.param(_call, _blocking_sleep, id="async-on-main-thread"),
    pytest.param(_off_main_thread, _sync_sleep, id="sync-off-main-thread"),
]


@pytest.mark.parametrize(("caller", "late"), ON_A_WORKER)
def test_calls_that_finish_late_give_their_thread_back(caller: Any, late: Any) -> None:
    baseline = _user_threads()
    runner = UserCode(0.001)
    timeouts = 0
    for _ in range(200):
        try:
            caller(runner, late)
        except CallTimeout:
            timeouts += 1
    assert timeouts == 200
    _eventually(lambda: hung_calls() == 0, "late calls are counted back")
    _eventually(lambda: _user_threads() <= baseline, "late calls free their threads")


@pytest.mark.parametrize(
    "asynchronous", [True, False], ids=["async-on-main-thread", "sync-off-main-thread"]
)
def test_calls_that_never_return_are_capped(asynchronous: bool) -> None:
    baseline = _user_threads()
    already = hung_calls()
    release = threading.Event()
    runner = UserCode(0.01)

    async def hang_async() -> None:
        release.wait(60)

    caller, hang = (
        (_call, hang_async) if asynchronous else (_off_main_thread, lambda: release.wait(60))
    )
    refused = 0
    for _ in range(200):
        try:
            caller(runner, hang)
        except HungCalls:
            refused += 1
        except CallTimeout:
            pass
    assert _user_threads() <= baseline + MAX_HUNG_CALLS - already
    assert refused >= 200 - MAX_HUNG_CALLS
    release.set()
    _eventually(lambda: hung_calls() == 0, "released calls are counted back")
    _eventually(lambda: _user_threads() <= baseline, "released calls free threads")
    assert _call(UserCode(5), lambda: "fine again") == "fine again"


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_sys_exit_in_user_code_is_a_user_exit(timeout: float | None) -> None:
    with pytest.raises(UserExit) as info:
        _call(UserCode(timeout), lambda: sys.exit(3))
    assert info.value.code == 3
    assert isinstance(info.value.__cause__, SystemExit)
    assert str(info.value) == "called sys.exit(3)"
    # the report points at the user's call, not at accord
    assert traceback.extract_tb(info.value.__traceback__)[-1].name == "<lambda>"


@pytest.mark.parametrize("timeout", [None, 5.0])
def test_keyboard_interrupt_in_user_code_propagates(timeout: float | None) -> None:
    def interrupt() -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        _call(UserCode(timeout), interrupt)


# -- what producers return --------------------------------------------------------------


class Opaque:
    pass


class Exploding(pydantic.BaseModel):
    name: str = "x"

    @pydantic.model_serializer
    def _dump(self) -> dict[str, Any]:
        raise RuntimeError("cannot dump me")


@dataclasses.dataclass
class Point:
    x: int
    tags: tuple[str, ...]


def test_an_object_is_refused_naming_its_type_and_path() -> None:
    with pytest.raises(ProducerOutputError) as info:
        to_contents({"items": [1, {"owner": Opaque()}]}, "application/json")
    assert "test_user_code.Opaque at $.items[1].owner" in str(info.value)


def test_a_circular_dict_is_refused_naming_the_path() -> None:
    value: dict[str, Any] = {"a": {}}
    value["a"]["back"] = value
    with pytest.raises(ProducerOutputError, match=r"circular reference at \$\.a\.back"):
        to_contents(value, "application/json")


def test_a_model_whose_dump_raises_is_refused_with_the_cause() -> None:
    with pytest.raises(ProducerOutputError) as info:
        to_contents(Exploding(), "application/json")
    assert "Exploding whose model_dump(mode='json') raised" in str(info.value)
    assert isinstance(info.value.__cause__, Exception)


def test_non_string_keys_and_bad_message_metadata_are_refused() -> None:
    with pytest.raises(ProducerOutputError, match=r"key 1 \(int\) at \$"):
        to_contents({1: "a"}, "application/json")
    with pytest.raises(ProducerOutputError, match="message metadata holds a"):
        to_contents(Message(content={"a": 1}, metadata={"x": Opaque()}), None)


def test_dataclasses_and_tuples_become_json() -> None:
    contents = to_contents(Point(1, ("a", "b")), "application/json")
    assert contents.contents is not None
    assert contents.contents.content == {"x": 1, "tags": ["a", "b"]}


# -- text from pacts in the console and in JUnit XML ------------------------------------

HOSTILE = "ok \ud800 lone, \x00 nul, \x1b[2J clear, \x07 bell, \ufffe, \u2028 sep, tab\tnewline\n"


def test_console_text_can_always_be_encoded_and_shows_the_escapes() -> None:
    shown = for_console(HOSTILE)
    shown.encode("utf-8")
    assert "\\ud800" in shown and "\\x1b[2J" in shown and "\\x00" in shown
    assert "\t" in shown and shown.endswith("\n")
    assert encodable("café \ud800", "ascii") == "caf\\xe9 \\ud800"


def test_xml_text_always_makes_a_valid_document() -> None:
    case = ET.Element("testcase", name=for_xml(HOSTILE))
    ET.SubElement(case, "failure").text = for_xml(HOSTILE)
    data = ET.tostring(case, encoding="utf-8")
    parsed = ET.fromstring(data)
    assert "\\ud800" in parsed.attrib["name"] and "\\x00" in parsed.attrib["name"]
    unsafe = ET.Element("testcase", name=HOSTILE.replace("\ud800", ""))
    with pytest.raises(ET.ParseError):  # what happens without it
        ET.fromstring(ET.tostring(unsafe, encoding="utf-8"))
