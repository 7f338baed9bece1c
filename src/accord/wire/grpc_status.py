"""gRPC status codes as the Pact protobuf plugin writes them in message metadata.

A gRPC error is not a message: the plugin records it as response metadata, ``grpc-status``
(a code name such as ``NOT_FOUND``, or its number) and ``grpc-message``. The consumer's
mock server answers with that status; the verifier calls the provider and compares the
status it got by *code*, so ``"NOT_FOUND"`` and ``"5"`` are the same expectation.

Pure data, no grpcio import: both sides and the pact reader use it.
"""

from __future__ import annotations

from typing import Any

from accord.model.pact import is_content_type_key

STATUS_KEY = "grpc-status"
MESSAGE_KEY = "grpc-message"

CODES: dict[str, int] = {
    "OK": 0,
    "CANCELLED": 1,
    "UNKNOWN": 2,
    "INVALID_ARGUMENT": 3,
    "DEADLINE_EXCEEDED": 4,
    "NOT_FOUND": 5,
    "ALREADY_EXISTS": 6,
    "PERMISSION_DENIED": 7,
    "RESOURCE_EXHAUSTED": 8,
    "FAILED_PRECONDITION": 9,
    "ABORTED": 10,
    "OUT_OF_RANGE": 11,
    "UNIMPLEMENTED": 12,
    "INTERNAL": 13,
    "UNAVAILABLE": 14,
    "DATA_LOSS": 15,
    "UNAUTHENTICATED": 16,
}
NAMES = {number: name for name, number in CODES.items()}


def code_name(value: Any) -> str | None:
    """``"NOT_FOUND"`` for ``"NOT_FOUND"``, ``"not_found"``, ``5`` or ``"5"``; else ``None``."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return NAMES.get(value)
    if isinstance(value, str):
        text = value.strip()
        if text.isdigit():
            return NAMES.get(int(text))
        upper = text.upper().replace(" ", "_")
        if upper == "CANCELED":
            upper = "CANCELLED"
        return upper if upper in CODES else None
    return None


def sent_metadata(metadata: dict[str, Any]) -> tuple[tuple[str, str], ...]:
    """What of a message's metadata travels as gRPC metadata: lower-cased keys, text values,
    less the content type (the call's path says it) and the status keys (the call's
    outcome says them)."""
    return tuple(
        (key.lower(), value if isinstance(value, str) else str(value))
        for key, value in metadata.items()
        if not is_content_type_key(key) and key.lower() not in (STATUS_KEY, MESSAGE_KEY)
    )


def expected_status(metadata: dict[str, Any]) -> str | None:
    """The error status a response's metadata expects (``None`` for a normal reply or OK)."""
    for key, value in metadata.items():
        if key.lower() == STATUS_KEY:
            name = code_name(value)
            return None if name in (None, "OK") else name
    return None
