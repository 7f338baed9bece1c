"""An exclusive lock on a pact directory that works on every platform.

Parallel test workers (pytest-xdist) merge into the same pact file, so a writer must hold
the directory while it reads, merges and replaces the file. POSIX systems lock the directory
itself with ``fcntl.flock`` (no file is left behind). Where ``fcntl`` does not exist
(Windows), a lock file beside the pact is locked with ``msvcrt.locking``; where neither
exists, the lock file is created exclusively and removed afterwards. ``import accord`` never
depends on any of them.
"""

from __future__ import annotations

import contextlib
import importlib
import os
import time
from collections.abc import Iterator
from pathlib import Path
from types import ModuleType
from typing import Any

LOCK_NAME = ".accord-pact.lock"
_POLL = 0.01
STALE_AFTER = 300.0
"""Seconds after which a lock file of the last-resort kind is taken to be left by a crash."""


def _optional(name: str) -> ModuleType | None:
    try:
        return importlib.import_module(name)
    except ImportError:
        return None


def locked(folder: Path) -> contextlib.AbstractContextManager[None]:
    """Hold ``folder`` exclusively for the duration of the ``with`` block."""
    fcntl = _optional("fcntl")
    if fcntl is not None:
        return _flock(fcntl, folder)
    msvcrt = _optional("msvcrt")
    if msvcrt is not None:
        return _msvcrt_lock(msvcrt, folder)
    return _lock_file(folder)


@contextlib.contextmanager
def _flock(fcntl: Any, folder: Path) -> Iterator[None]:
    fd = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


@contextlib.contextmanager
def _msvcrt_lock(msvcrt: Any, folder: Path) -> Iterator[None]:
    fd = os.open(folder / LOCK_NAME, os.O_RDWR | os.O_CREAT)
    try:
        while True:
            try:
                msvcrt.locking(fd, msvcrt.LK_LOCK, 1)  # retries for about 10 s itself
                break
            except OSError:
                continue
        try:
            yield
        finally:
            os.lseek(fd, 0, os.SEEK_SET)
            msvcrt.locking(fd, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(fd)


@contextlib.contextmanager
def _lock_file(folder: Path) -> Iterator[None]:
    path = folder / LOCK_NAME
    while True:
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL)
            break
        except FileExistsError:
            with contextlib.suppress(OSError):
                if time.time() - path.stat().st_mtime > STALE_AFTER:
                    path.unlink()
            time.sleep(_POLL)
    os.close(fd)
    try:
        yield
    finally:
        with contextlib.suppress(OSError):
            path.unlink()
