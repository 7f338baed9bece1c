"""Mismatches are data: what differed, where, and a sentence that says so."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Mismatch:
    """One difference between what was expected and what was received.

    ``kind`` is one of ``method``, ``path``, ``query``, ``header``, ``status``, ``body``,
    ``body-type``, ``metadata``. ``path`` is the body path (``$.a[0].b``), the header,
    query or metadata name, or empty for single-value parts.
    """

    kind: str
    path: str
    message: str
    expected: Any = None
    actual: Any = None

    def __str__(self) -> str:
        where = f"{self.kind} {self.path}" if self.path else self.kind
        return f"{where}: {self.message}"

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "path": self.path,
            "message": self.message,
            "expected": _jsonable(self.expected),
            "actual": _jsonable(self.actual),
        }


def _jsonable(value: Any) -> Any:
    if isinstance(value, bytes):
        return f"<{len(value)} bytes>"
    return value


def type_name(value: Any) -> str:
    """Pact's names for JSON types, as they appear in mismatch messages."""
    if value is None:
        return "Null"
    if isinstance(value, bool):
        return "Boolean"
    if isinstance(value, int):
        return "Integer"
    if isinstance(value, float):
        return "Decimal"
    if isinstance(value, str):
        return "String"
    if isinstance(value, list):
        return "Array"
    if isinstance(value, bytes):
        return "Bytes"
    return "Object"


def show(value: Any) -> str:
    """A value as mismatch messages print it: strings in single quotes, JSON otherwise."""
    if isinstance(value, str):
        return f"'{value}'"
    if isinstance(value, bytes):
        return f"{len(value)} bytes"
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = json.dumps(value, ensure_ascii=False, default=_unjsonable)
    return text if len(text) <= 200 else text[:197] + "..."


def _unjsonable(value: Any) -> str:
    return f"<{len(value)} bytes>" if isinstance(value, bytes) else repr(value)


def show_typed(value: Any) -> str:
    """``'a' (String)``, ``100 (Integer)``: the value with its Pact type name."""
    return f"{show(value)} ({type_name(value)})"


def format_path(segments: tuple[str | int, ...] | list[str | int]) -> str:
    """``("$", "a", 0, "b c")`` -> ``$.a[0]['b c']``."""
    out = []
    for position, segment in enumerate(segments):
        if isinstance(segment, int):
            out.append(f"[{segment}]")
        elif position == 0 and segment == "$":
            out.append("$")
        elif segment.isdigit():
            out.append(f"[{segment}]")
        elif segment.replace("_", "a").isalnum() and not segment[0].isdigit():
            out.append(f".{segment}")
        else:
            out.append(f"['{segment}']")
    return "".join(out)
