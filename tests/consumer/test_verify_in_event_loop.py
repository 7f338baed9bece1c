"""``pact.verify()`` inside a running event loop (issue 9): it works, or it says to use
``verify_async``; it never blames the user's handler."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord import HandlerFailed, Message, Pact
from accord.errors import AccordError, EventLoopError


def event_pact(tmp_path: Path) -> Pact:
    pact = Pact("orders-consumer", "orders-provider", pact_dir=tmp_path)
    pact.expects_to_receive("an order event").with_content({"id": 1})
    pact.expects_to_receive("an order cancelled").with_content({"id": 2})
    return pact


@pytest.mark.asyncio
async def test_a_plain_handler_works_inside_an_async_test(tmp_path: Path) -> None:
    pact = event_pact(tmp_path)
    seen: list[int] = []
    pact.verify(lambda message: seen.append(message.content["id"]))
    assert seen == [1, 2]
    assert len(pact.interactions) == 2


@pytest.mark.asyncio
async def test_an_async_handler_is_refused_with_the_way_out(tmp_path: Path) -> None:
    pact = event_pact(tmp_path)
    calls: list[int] = []

    async def handler(message: Message) -> None:
        calls.append(message.content["id"])

    with pytest.raises(EventLoopError, match=r"use `await pact\.verify_async\(handler\)`") as info:
        pact.verify(handler)
    assert not isinstance(info.value, HandlerFailed)
    assert isinstance(info.value, AccordError)
    assert calls == []
    # Nothing was lost: the messages are still pending and verify_async proves them.
    await pact.verify_async(handler)
    assert calls == [1, 2]
    assert len(pact.interactions) == 2


@pytest.mark.asyncio
async def test_a_plain_handler_returning_a_coroutine_is_refused_too(tmp_path: Path) -> None:
    pact = event_pact(tmp_path)

    async def work(message: Message) -> None:
        return None

    with pytest.raises(EventLoopError, match="verify_async"):
        pact.verify(lambda message: work(message))
    assert pact.interactions == []
    await pact.verify_async(lambda message: work(message))
    assert len(pact.interactions) == 2


@pytest.mark.asyncio
async def test_a_handler_that_fails_in_a_loop_is_still_reported_as_failing(
    tmp_path: Path,
) -> None:
    pact = event_pact(tmp_path)

    def handler(message: Message) -> None:
        raise KeyError("customer")

    with pytest.raises(HandlerFailed, match="KeyError"):
        pact.verify(handler)


def test_outside_a_loop_async_handlers_still_run(tmp_path: Path) -> None:
    pact = event_pact(tmp_path)
    seen: list[int] = []

    async def handler(message: Message) -> None:
        seen.append(message.content["id"])

    pact.verify(handler)
    assert seen == [1, 2]
