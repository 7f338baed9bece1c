"""Merging into an existing pact file, overwriting it, and many processes writing at once."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pytest

from accord.errors import PactFileError, PactWriteError
from accord.model import (
    AsyncMessage,
    Body,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessageContents,
    Pact,
    ProviderState,
    SyncMessage,
    load_pact,
    merge,
    write_pact,
)

CONSUMER, PROVIDER = "merge-consumer", "merge-provider"
FILE_NAME = f"{CONSUMER}-{PROVIDER}.json"


def message(
    description: str,
    content: Any = None,
    *states: ProviderState,
    key: str | None = None,
) -> AsyncMessage:
    body = Body({"v": description} if content is None else content, "application/json")
    return AsyncMessage(
        description=description,
        provider_states=list(states),
        key=key,
        message=MessageContents(body, {"topic": "t"}),
    )


def http(description: str, status: int = 200, key: str | None = None) -> HttpInteraction:
    return HttpInteraction(
        description=description,
        key=key,
        request=HttpRequest("GET", f"/{description.replace(' ', '-')}"),
        response=HttpResponse(status),
    )


def pact(*interactions: Interaction) -> Pact:
    return Pact(CONSUMER, PROVIDER, list(interactions))


def on_disk(directory: Path) -> dict[str, Any]:
    return json.loads((directory / FILE_NAME).read_text(encoding="utf-8"))


def descriptions(directory: Path) -> list[str]:
    return [i["description"] for i in on_disk(directory)["interactions"]]


def contents(directory: Path) -> dict[str, Any]:
    return {
        i["description"]: i.get("contents", {}).get("content")
        for i in on_disk(directory)["interactions"]
    }


# ---------------------------------------------------------------------------------------
# merging semantics


def test_first_write_creates_the_named_file(tmp_path: Path) -> None:
    target = write_pact(pact(message("a")), tmp_path / "new" / "dir")
    assert target == tmp_path / "new" / "dir" / FILE_NAME
    assert load_pact(target).interactions[0].description == "a"
    leftovers = [p.name for p in target.parent.iterdir() if p.name.endswith(".tmp")]
    assert leftovers == []


def test_same_description_and_states_replaces_new_ones_append(tmp_path: Path) -> None:
    state = ProviderState("exists", {"id": 1})
    write_pact(pact(message("a", {"n": 1}, state), message("b", {"n": 1})), tmp_path)
    write_pact(pact(message("c", {"n": 2}), message("a", {"n": 2}, state)), tmp_path)
    assert descriptions(tmp_path) == ["a", "b", "c"]
    assert contents(tmp_path) == {"a": {"n": 2}, "b": {"n": 1}, "c": {"n": 2}}


def test_different_states_or_params_are_different_interactions(tmp_path: Path) -> None:
    write_pact(pact(message("a", {"n": 1}, ProviderState("s", {"id": 1}))), tmp_path)
    write_pact(pact(message("a", {"n": 2}, ProviderState("s", {"id": 2}))), tmp_path)
    write_pact(pact(message("a", {"n": 3}, ProviderState("other"))), tmp_path)
    write_pact(pact(message("a", {"n": 4})), tmp_path)
    loaded = load_pact(tmp_path / FILE_NAME)
    assert [i.provider_states for i in loaded.interactions] == [
        [ProviderState("s", {"id": 1})],
        [ProviderState("s", {"id": 2})],
        [ProviderState("other")],
        [],
    ]
    # ...and writing one of them again replaces only that one
    write_pact(pact(message("a", {"n": 5}, ProviderState("s", {"id": 2}))), tmp_path)
    assert [i["contents"]["content"]["n"] for i in on_disk(tmp_path)["interactions"]] == [
        1,
        5,
        3,
        4,
    ]


def test_param_order_does_not_change_identity(tmp_path: Path) -> None:
    write_pact(pact(message("a", {"n": 1}, ProviderState("s", {"x": 1, "y": 2}))), tmp_path)
    write_pact(pact(message("a", {"n": 2}, ProviderState("s", {"y": 2, "x": 1}))), tmp_path)
    assert contents(tmp_path) == {"a": {"n": 2}}


def test_v4_key_identity(tmp_path: Path) -> None:
    write_pact(pact(message("old name", {"n": 1}, key="k-1"), message("b")), tmp_path)
    # the same key replaces, even though the description changed
    write_pact(pact(message("new name", {"n": 2}, key="k-1")), tmp_path)
    assert descriptions(tmp_path) == ["new name", "b"]
    assert on_disk(tmp_path)["interactions"][0]["key"] == "k-1"
    assert contents(tmp_path)["new name"] == {"n": 2}


def test_key_identity_across_interaction_types(tmp_path: Path) -> None:
    write_pact(pact(http("get thing", 200, key="shared")), tmp_path)
    write_pact(pact(message("thing happened", key="shared")), tmp_path)
    loaded = load_pact(tmp_path / FILE_NAME)
    assert [(type(i), i.key) for i in loaded.interactions] == [(AsyncMessage, "shared")]


def test_a_different_key_with_the_same_description_and_states_replaces(tmp_path: Path) -> None:
    write_pact(pact(message("a", {"n": 1}, key="k-1")), tmp_path)
    write_pact(pact(message("a", {"n": 2}, key="k-2")), tmp_path)
    assert contents(tmp_path) == {"a": {"n": 2}}
    assert on_disk(tmp_path)["interactions"][0]["key"] == "k-2"


def test_rewriting_unchanged_interactions_is_stable(tmp_path: Path) -> None:
    the_pact = pact(message("a"), http("b"), message("c", None, ProviderState("s")))
    write_pact(the_pact, tmp_path)
    first = (tmp_path / FILE_NAME).read_text(encoding="utf-8")
    write_pact(the_pact, tmp_path)
    write_pact(the_pact, tmp_path)
    assert (tmp_path / FILE_NAME).read_text(encoding="utf-8") == first


def test_mixed_interaction_types_merge(tmp_path: Path) -> None:
    sync = SyncMessage(
        description="ask",
        request=MessageContents(Body("q", "text/plain")),
        response=[MessageContents(Body("a", "text/plain"))],
    )
    write_pact(pact(http("h", 200)), tmp_path)
    write_pact(pact(sync, http("h", 404)), tmp_path)
    loaded = load_pact(tmp_path / FILE_NAME)
    assert [type(i) for i in loaded.interactions] == [HttpInteraction, SyncMessage]
    first = loaded.interactions[0]
    assert isinstance(first, HttpInteraction)
    assert first.response.status == 404


def test_merge_function_directly() -> None:
    existing = Pact(
        CONSUMER, PROVIDER, [message("a"), message("b")], {"pact-jvm": {"version": "4"}}, "4.0"
    )
    incoming = Pact(
        CONSUMER, PROVIDER, [message("b", {"new": True}), message("c")], {"x": {"y": 1}}, "4.0"
    )
    merged = merge(existing, incoming)
    assert [i.description for i in merged.interactions] == ["a", "b", "c"]
    replaced = merged.interactions[1]
    assert isinstance(replaced, AsyncMessage)
    assert replaced.message.contents == Body({"new": True}, "application/json")
    assert merged.metadata == {"pact-jvm": {"version": "4"}, "x": {"y": 1}}
    # the inputs are not modified
    assert [i.description for i in existing.interactions] == ["a", "b"]


def test_metadata_of_other_tools_survives_a_merge(tmp_path: Path) -> None:
    foreign = {
        "consumer": {"name": CONSUMER},
        "provider": {"name": PROVIDER},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": "from rust",
                "pending": False,
                "contents": {"content": {"x": 1}, "contentType": "application/json"},
            }
        ],
        "metadata": {
            "pactRust": {"ffi": "0.4.28", "models": "1.2.7"},
            "pactSpecification": {"version": "4.0"},
            "plugins": [{"name": "protobuf", "version": "0.3.0", "configuration": {}}],
        },
    }
    (tmp_path / FILE_NAME).write_text(json.dumps(foreign), encoding="utf-8")
    write_pact(pact(message("from accord")), tmp_path)
    doc = on_disk(tmp_path)
    assert [i["description"] for i in doc["interactions"]] == ["from rust", "from accord"]
    assert doc["metadata"]["pactRust"] == {"ffi": "0.4.28", "models": "1.2.7"}
    assert doc["metadata"]["plugins"][0]["name"] == "protobuf"
    assert doc["metadata"]["pactSpecification"] == {"version": "4.0"}
    assert "accord" in doc["metadata"]


def test_v3_message_pact_merge(tmp_path: Path) -> None:
    write_pact(pact(message("a", {"n": 1}), message("b")), tmp_path, spec="V3")
    write_pact(pact(message("a", {"n": 2})), tmp_path, spec="V3")
    doc = on_disk(tmp_path)
    assert "interactions" not in doc
    assert doc["metadata"]["pactSpecification"] == {"version": "3.0.0"}
    assert [(m["description"], m["contents"]) for m in doc["messages"]] == [
        ("a", {"n": 2}),
        ("b", {"v": "b"}),
    ]


def test_v3_file_merged_into_as_v4_is_upgraded(tmp_path: Path) -> None:
    write_pact(pact(message("a")), tmp_path, spec="V3")
    write_pact(pact(http("h")), tmp_path, spec="V4")
    doc = on_disk(tmp_path)
    assert doc["metadata"]["pactSpecification"] == {"version": "4.0"}
    assert "messages" not in doc
    assert [(i["type"], i["description"]) for i in doc["interactions"]] == [
        ("Asynchronous/Messages", "a"),
        ("Synchronous/HTTP", "h"),
    ]


def test_overwrite_replaces_the_whole_file(tmp_path: Path) -> None:
    write_pact(pact(message("a"), message("b")), tmp_path)
    write_pact(pact(message("c")), tmp_path, overwrite=True)
    assert descriptions(tmp_path) == ["c"]


def test_overwrite_ignores_a_malformed_existing_file(tmp_path: Path) -> None:
    (tmp_path / FILE_NAME).write_text("{ not json", encoding="utf-8")
    write_pact(pact(message("c")), tmp_path, overwrite=True)
    assert descriptions(tmp_path) == ["c"]


@pytest.mark.parametrize(
    "existing",
    [
        b"{ not json",
        b"[]",
        b'{"consumer": {"name": "x"}}',
        b"\xff\xfe garbage",
        json.dumps(
            {
                "consumer": {"name": CONSUMER},
                "provider": {"name": PROVIDER},
                "interactions": [{"type": "Asynchronous/Messages", "description": 3}],
            }
        ).encode(),
    ],
)
def test_a_malformed_existing_file_is_an_error_and_left_untouched(
    tmp_path: Path, existing: bytes
) -> None:
    target = tmp_path / FILE_NAME
    target.write_bytes(existing)
    before = os.stat(target)
    with pytest.raises(PactWriteError) as info:
        write_pact(pact(message("a")), tmp_path)
    assert str(target) in str(info.value)
    assert "overwrite=True" in str(info.value)
    assert isinstance(info.value.__cause__, PactFileError)
    assert target.read_bytes() == existing
    after = os.stat(target)
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_writing_a_mixed_pact_as_v3_is_refused(tmp_path: Path) -> None:
    with pytest.raises(PactWriteError, match="V3 message pact"):
        write_pact(pact(message("a"), http("b")), tmp_path, spec="V3")
    assert not (tmp_path / FILE_NAME).exists()


@pytest.mark.parametrize("spec", ["V2", "5", "x"])
def test_unsupported_spec(tmp_path: Path, spec: str) -> None:
    with pytest.raises(PactWriteError):
        write_pact(pact(message("a")), tmp_path, spec=spec)


# ---------------------------------------------------------------------------------------
# many processes at once

WORKERS = 8
PER_WORKER = 25


def _writer(directory: str, worker: int, start: Any) -> None:
    """Runs in a child process: 25 separate merges of one new interaction each."""
    start.wait()
    for n in range(PER_WORKER):
        interaction = message(
            f"worker {worker} message {n}",
            {"worker": worker, "n": n},
            ProviderState("worker", {"id": worker}),
        )
        write_pact(Pact(CONSUMER, PROVIDER, [interaction]), directory)


@pytest.mark.parametrize("method", ["spawn", "fork"])
def test_parallel_writers_lose_nothing(tmp_path: Path, method: str) -> None:
    context = multiprocessing.get_context(method)
    start = context.Event()
    processes = [
        context.Process(target=_writer, args=(str(tmp_path), worker, start))
        for worker in range(WORKERS)
    ]
    for process in processes:
        process.start()
    start.set()
    for process in processes:
        process.join(timeout=120)
    assert [p.exitcode for p in processes] == [0] * WORKERS

    doc = on_disk(tmp_path)  # valid JSON
    expected = {f"worker {w} message {n}" for w in range(WORKERS) for n in range(PER_WORKER)}
    found = [i["description"] for i in doc["interactions"]]
    assert len(found) == WORKERS * PER_WORKER
    assert set(found) == expected
    # each worker's interactions stay in the order that worker wrote them
    for worker in range(WORKERS):
        mine = [d for d in found if d.startswith(f"worker {worker} ")]
        assert mine == [f"worker {worker} message {n}" for n in range(PER_WORKER)]
    loaded = load_pact(tmp_path / FILE_NAME)
    assert len(loaded.interactions) == WORKERS * PER_WORKER
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []
