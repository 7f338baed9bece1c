"""Turning failures in user code into one readable line."""

from __future__ import annotations

import traceback
from pathlib import Path


def describe_exception(exc: BaseException) -> str:
    """``ValueError: boom (at producers.py:12 in make_event)``: type, message, origin."""
    text = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
    frames = traceback.extract_tb(exc.__traceback__)
    if frames:
        frame = frames[-1]
        text += f" (at {Path(frame.filename).name}:{frame.lineno} in {frame.name})"
    return text
