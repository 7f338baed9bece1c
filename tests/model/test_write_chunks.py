"""Writing a pact in batches, on a second thread, gives exactly dumps_pact's text."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest

from accord.model import (
    AsyncMessage,
    Body,
    MessageContents,
    Pact,
    dumps_pact,
    text_file,
    write_pact,
)
from accord.model.rules import Generators, MatchingRules


def _message(index: int, content: Any = None) -> AsyncMessage:
    rules = MatchingRules()
    rules.add("body", "$.id", [{"match": "integer"}])
    generators = Generators()
    generators.add("body", "$.id", {"type": "RandomInt", "min": 0, "max": 9})
    body = Body(
        {"id": index, "text": "é\n" * 20} if content is None else content, "application/json"
    )
    return AsyncMessage(
        description=f"message {index}",
        message=MessageContents(body, {"topic": "t"}, rules, generators),
    )


def _pact(count: int, *extra: AsyncMessage) -> Pact:
    return Pact("chunk-consumer", "chunk-provider", [*(_message(i) for i in range(count)), *extra])


@pytest.mark.parametrize("spec", ["V4", "V3"])
@pytest.mark.parametrize("batch", [50, 1 << 20])
def test_file_is_the_text_and_a_newline(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, spec: str, batch: int
) -> None:
    monkeypatch.setattr(text_file, "BATCH", batch)
    pact = _pact(40)
    path = write_pact(pact, tmp_path, spec=spec, overwrite=True)
    assert path.read_bytes() == (dumps_pact(pact, spec) + "\n").encode("utf-8")


def test_an_empty_pact_is_written_whole(tmp_path: Path) -> None:
    pact = Pact("chunk-consumer", "chunk-provider", [])
    assert write_pact(pact, tmp_path).read_text("utf-8") == dumps_pact(pact) + "\n"


def test_a_render_error_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_file, "BATCH", 50)
    pact = _pact(30, _message(99, {"bad": object()}))
    with pytest.raises(TypeError, match="not JSON serializable"):
        write_pact(pact, tmp_path)
    assert list(tmp_path.iterdir()) == []


class _FullDisk(io.BytesIO):
    def __init__(self, fail_at: int) -> None:
        super().__init__()
        self.calls = 0
        self.fail_at = fail_at

    def write(self, data: Any) -> int:
        self.calls += 1
        if self.calls == self.fail_at:
            raise OSError(28, "No space left on device")
        return super().write(data)


@pytest.mark.parametrize("fail_at", [1, 2, 3])
def test_a_failed_write_is_raised_by_the_writer(
    monkeypatch: pytest.MonkeyPatch, fail_at: int
) -> None:
    monkeypatch.setattr(text_file, "BATCH", 50)
    handle = _FullDisk(fail_at)
    with pytest.raises(OSError, match="No space left"):
        text_file.write_text(handle, ["x" * 40] * 20)
    assert handle.calls == fail_at  # nothing is written after the failure


def test_batches_keep_the_order(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(text_file, "BATCH", 7)
    handle = io.BytesIO()
    chunks = [f"{n}-" * (n % 5) for n in range(300)]
    text_file.write_text(handle, chunks)
    assert handle.getvalue() == ("".join(chunks) + "\n").encode()
