"""Pretty JSON text, fast.

``json.dumps(indent=2)`` falls back to the pure-Python encoder, which makes writing an 8 MB
pact take a third of a second. This writer produces the same text (sorted keys, two-space
indent, ``": "``) with the C string encoder doing the heavy part, about twice as fast.
"""

from __future__ import annotations

import json
from typing import Any

_encode_string = json.encoder.encode_basestring


def _float(value: float) -> str:
    if value != value:
        return "NaN"
    if value in (float("inf"), float("-inf")):
        return "Infinity" if value > 0 else "-Infinity"
    return float.__repr__(value)


def dumps_pretty(value: Any) -> str:
    """``json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False)``, faster."""
    out: list[str] = []
    _write(value, out, "\n")
    return "".join(out)


def _scalar(value: Any) -> str | None:
    """The text of a string, number, boolean or null; ``None`` for containers."""
    kind = type(value)
    if kind is str:
        return _encode_string(value)
    if kind is int:
        return int.__repr__(value)
    if value is None:
        return "null"
    if value is True:
        return "true"
    if value is False:
        return "false"
    if kind is float:
        return _float(value)
    return None


def _write(value: Any, out: list[str], newline: str) -> None:
    if isinstance(value, str):
        out.append(_encode_string(value))
    elif value is None:
        out.append("null")
    elif value is True:
        out.append("true")
    elif value is False:
        out.append("false")
    elif isinstance(value, int):
        out.append(int.__repr__(value))
    elif isinstance(value, float):
        out.append(_float(value))
    elif isinstance(value, dict):
        if not value:
            out.append("{}")
            return
        inner = newline + "  "
        separator = "," + inner
        out.append("{")
        first = True
        for key in sorted(value):
            out.append(inner if first else separator)
            first = False
            out.append(_encode_string(key if isinstance(key, str) else str(key)))
            out.append(": ")
            item = value[key]
            text = _scalar(item)  # most values are scalars: no recursive call for them
            if text is None:
                _write(item, out, inner)
            else:
                out.append(text)
        out.append(newline)
        out.append("}")
    elif isinstance(value, list | tuple):
        if not value:
            out.append("[]")
            return
        inner = newline + "  "
        separator = "," + inner
        out.append("[")
        first = True
        for item in value:
            out.append(inner if first else separator)
            first = False
            text = _scalar(item)
            if text is None:
                _write(item, out, inner)
            else:
                out.append(text)
        out.append(newline)
        out.append("]")
    else:
        raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")
