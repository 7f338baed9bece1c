"""Writing a large text to a file while it is still being made.

:func:`write_text` takes the text in chunks (a pact renders one interaction at a time) and
hands full batches to a second thread that writes them, so the kernel's copy into the page
cache overlaps the rendering instead of following it.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Iterable, Iterator
from typing import BinaryIO

BATCH = 1 << 20
"""Characters of text encoded and written at a time."""


def write_text(handle: BinaryIO, chunks: Iterable[str]) -> None:
    """The text, then a newline, as UTF-8 with the platform's line ends (as a text-mode
    file writes them).

    A text of more than one batch is written by a second thread while this one renders
    the rest: the kernel's copy of a large file into the page cache costs about a third
    of rendering it, and a thread inside ``write`` does not hold the GIL. Nothing more is
    written after a write fails, and that error is raised here.
    """
    batches = _batches(chunks)
    first = next(batches)
    second = next(batches, None)
    if second is None:
        handle.write(first)
        return
    queued: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
    failed: list[BaseException] = []

    def drain() -> None:
        while (data := queued.get()) is not None:
            if not failed:
                try:
                    handle.write(data)
                except BaseException as exc:  # handed to the rendering thread
                    failed.append(exc)

    writer = threading.Thread(target=drain, name="accord-pact-writer", daemon=True)
    writer.start()
    try:
        queued.put(first)
        queued.put(second)
        for data in batches:
            if failed:
                break
            queued.put(data)
    finally:
        queued.put(None)
        writer.join()
    if failed:
        raise failed[0]


def _batches(chunks: Iterable[str]) -> Iterator[bytes]:
    """``chunks`` and a final newline, encoded, in batches of about ``BATCH`` characters."""
    batch: list[str] = []
    size = 0
    for chunk in chunks:
        batch.append(chunk)
        size += len(chunk)
        if size >= BATCH:
            yield _encoded(batch)
            batch, size = [], 0
    batch.append("\n")
    yield _encoded(batch)


def _encoded(batch: list[str]) -> bytes:
    text = "".join(batch)
    if os.linesep != "\n":
        text = text.replace("\n", os.linesep)
    return text.encode("utf-8")
