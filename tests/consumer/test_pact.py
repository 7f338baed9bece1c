"""The consumer DSL: examples reach the handler, failures keep messages out of the pact."""

from __future__ import annotations

import asyncio
import json
import multiprocessing
from dataclasses import dataclass
from pathlib import Path

import pytest

from accord import HandlerFailed, Message, Pact, match
from accord.errors import PactWriteError


def event_pact(spec: str = "V4", tmp: Path | None = None) -> Pact:
    pact = Pact("orders-consumer", "orders-provider", spec=spec, pact_dir=tmp or "pacts")
    (
        pact.expects_to_receive("an order created event")
        .given("an order exists", id=10, status="NEW")
        .with_metadata({"topic": match.regex("orders.created", r"orders\.\w+")})
        .with_content({"id": match.integer(10), "items": match.each_like({"sku": "A-1"}, min=2)})
    )
    return pact


def test_the_handler_gets_a_decoded_example_with_metadata() -> None:
    pact = event_pact()
    seen: list[Message] = []
    pact.verify(seen.append)
    [message] = seen
    assert message.content == {"id": 10, "items": [{"sku": "A-1"}, {"sku": "A-1"}]}
    assert message.metadata == {"topic": "orders.created"}
    assert message.content_type == "application/json"
    assert json.loads(message.contents) == message.content
    assert message.description == "an order created event"


def test_async_handlers_are_awaited() -> None:
    pact = event_pact()
    seen: list[int] = []

    async def handler(message: Message) -> None:
        await asyncio.sleep(0)
        seen.append(message.content["id"])

    pact.verify(handler)
    assert seen == [10]


def test_verify_async_works_inside_a_running_loop() -> None:
    pact = event_pact()
    seen: list[int] = []

    async def handler(message: Message) -> None:
        seen.append(message.content["id"])

    asyncio.run(pact.verify_async(handler))
    assert seen == [10]
    assert len(pact.interactions) == 1


def test_a_failing_handler_names_the_message_and_chains_its_error(tmp_path: Path) -> None:
    pact = event_pact(tmp=tmp_path)

    def handler(message: Message) -> None:
        raise KeyError("customer")

    with pytest.raises(HandlerFailed) as info:
        pact.verify(handler)
    assert "an order created event" in str(info.value)
    assert "KeyError" in str(info.value)
    assert isinstance(info.value.__cause__, KeyError)
    assert pact.interactions == []


def test_each_message_is_verified_once(tmp_path: Path) -> None:
    pact = event_pact(tmp=tmp_path)
    calls: list[str] = []
    pact.verify(lambda m: calls.append(m.description))
    pact.expects_to_receive("an order shipped event").with_content({"id": 1})
    pact.verify(lambda m: calls.append(m.description))
    assert calls == ["an order created event", "an order shipped event"]


def test_text_and_binary_content_are_passed_as_str_and_bytes() -> None:
    pact = Pact("c", "p")
    pact.expects_to_receive("text").with_content("hello", content_type="text/plain")
    pact.expects_to_receive("binary").with_content(
        b"\x00\x01", content_type="application/octet-stream"
    )
    seen: dict[str, object] = {}
    pact.verify(lambda m: seen.__setitem__(m.description, m.content))
    assert seen == {"text": "hello", "binary": b"\x00\x01"}


@dataclass
class Order:
    id: int
    items: list[dict[str, str]]


def test_content_as_maps_onto_dataclasses_and_pydantic_models() -> None:
    import pydantic

    class OrderModel(pydantic.BaseModel):
        id: int

    message = Message({"id": 3, "items": [{"sku": "x"}]})
    assert message.content_as(Order) == Order(3, [{"sku": "x"}])
    assert message.content_as(OrderModel).id == 3


def test_content_as_explains_a_shape_that_does_not_fit() -> None:
    from accord.errors import MessageDecodeError

    with pytest.raises(MessageDecodeError, match="as Order"):
        Message({"unexpected": 1}).content_as(Order)


def test_v3_and_v4_files_have_the_reference_layout(tmp_path: Path) -> None:
    for spec, version in (("V3", "3.0.0"), ("V4", "4.0")):
        pact = event_pact(spec, tmp_path / spec)
        pact.verify(lambda m: None)
        written = json.loads(pact.write().read_text())
        assert written["metadata"]["pactSpecification"] == {"version": version}
        if spec == "V3":
            [message] = written["messages"]
            assert message["contents"]["id"] == 10
            assert message["matchingRules"]["metadata"]["topic"]["matchers"][0]["match"] == "regex"
        else:
            [message] = written["interactions"]
            assert message["type"] == "Asynchronous/Messages"
            assert message["contents"]["contentType"] == "application/json"
            assert message["pending"] is False
            assert message["matchingRules"]["body"]["$.items"]["matchers"] == [
                {"match": "type", "min": 2}
            ]


def test_the_context_manager_writes_on_success_only(tmp_path: Path) -> None:
    with Pact("c", "p", pact_dir=tmp_path) as pact:
        pact.expects_to_receive("m").with_content({"a": 1})
        pact.verify(lambda m: None)
    assert (tmp_path / "c-p.json").exists()
    with pytest.raises(RuntimeError), Pact("c2", "p", pact_dir=tmp_path) as pact:
        pact.expects_to_receive("m").with_content({"a": 1})
        raise RuntimeError("test failed")
    assert not (tmp_path / "c2-p.json").exists()


def test_unverified_messages_are_not_written_and_a_warning_says_so(tmp_path: Path) -> None:
    pact = Pact("c", "p", pact_dir=tmp_path)
    pact.expects_to_receive("never verified").with_content({"a": 1})
    with pytest.warns(UserWarning, match="never verified"):
        path = pact.write()
    assert json.loads(path.read_text())["interactions"] == []


def test_a_v3_pact_cannot_hold_other_interaction_types(tmp_path: Path) -> None:
    from accord.model import HttpInteraction, SyncMessage
    from accord.model.write import write_pact

    model = Pact("c", "p").model()
    model.interactions.append(SyncMessage(description="sync"))
    with pytest.raises(PactWriteError, match="V3 message pact"):
        write_pact(model, tmp_path, spec="V3")
    model.interactions.append(HttpInteraction(description="http"))
    with pytest.raises(PactWriteError, match="either HTTP interactions or messages"):
        write_pact(model, tmp_path, spec="V3")


def _write_many(args: tuple[str, int]) -> None:
    folder, worker = args
    pact = Pact("parallel-consumer", "parallel-provider", pact_dir=folder)
    for n in range(20):
        pact.expects_to_receive(f"message {worker}-{n}").with_content({"n": match.integer(n)})
    pact.verify(lambda m: None)
    pact.write()


def test_many_processes_writing_at_once_lose_nothing(tmp_path: Path) -> None:
    """What pytest-xdist does: each worker merges its messages into the same file."""
    context = multiprocessing.get_context("spawn")
    with context.Pool(6) as pool:
        pool.map(_write_many, [(str(tmp_path), worker) for worker in range(12)])
    written = json.loads((tmp_path / "parallel-consumer-parallel-provider.json").read_text())
    descriptions = {i["description"] for i in written["interactions"]}
    assert len(descriptions) == 12 * 20


def test_one_rejected_message_does_not_stop_the_others(tmp_path: Path) -> None:
    pact = Pact("c", "p", pact_dir=tmp_path)
    pact.expects_to_receive("first").with_content({"n": 1})
    pact.expects_to_receive("second").with_content({"n": 2})
    pact.expects_to_receive("third").with_content({"n": 3})
    seen: list[str] = []

    def handler(message: Message) -> None:
        seen.append(message.description)
        if message.content["n"] != 2:
            raise ValueError(f"cannot handle {message.content['n']}")

    with pytest.raises(HandlerFailed) as info:
        pact.verify(handler)
    assert seen == ["first", "second", "third"]
    assert [f.description for f in info.value.failures] == ["first", "third"]
    assert "(and 1 more: 'third')" in str(info.value)
    assert [i.description for i in pact.interactions] == ["second"]
