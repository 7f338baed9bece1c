"""The reference's verdict: the Rust core (pact_ffi, shipped inside pact-python) as a library.

``pactffi_match_message`` compares an actual V3 message with an expected one, using the
expected message's matching rules, exactly as the official message verifier does after it
has obtained a message. That gives a verdict in-process, with no relays and no servers.
``pactffi_parse_pact_json`` says whether the reference can read a pact document at all.
"""

from __future__ import annotations

import json
from typing import Any

try:
    from pact_ffi.ffi import ffi, lib
except ImportError as exc:  # pragma: no cover - the failure message is the point
    raise ImportError(
        "the agreement tests need pact-python 4.2 (its pact_ffi package holds the Rust core): "
        "pip install 'pact-python==4.2.*'"
    ) from exc

_SPEC = {
    1: lib.PactSpecification_V1,
    2: lib.PactSpecification_V2,
    3: lib.PactSpecification_V3,
    4: lib.PactSpecification_V4,
}


class ReferenceError_(RuntimeError):
    """The Rust core refused an input."""


def _last_error() -> str:
    buffer = ffi.new("char[4096]")
    lib.pactffi_get_error_message(buffer, 4096)
    return str(ffi.string(buffer).decode("utf-8", "replace"))


def _message(document: dict[str, Any]) -> Any:
    handle = lib.pactffi_message_new_from_json(0, json.dumps(document).encode(), _SPEC[3])
    if handle == ffi.NULL:
        raise ReferenceError_(f"the Rust core cannot read the message: {_last_error()}")
    return handle


def message_mismatches(expected: dict[str, Any], actual: dict[str, Any]) -> list[str]:
    """The reference's mismatches (as JSON strings) of ``actual`` against ``expected``."""
    found = lib.pactffi_match_message(_message(expected), _message(actual))
    out: list[str] = []
    if found == ffi.NULL:
        return out
    iterator = lib.pactffi_mismatches_get_iter(found)
    try:
        while True:
            item = lib.pactffi_mismatches_iter_next(iterator)
            if item == ffi.NULL:
                break
            text = lib.pactffi_mismatch_to_json(item)
            out.append(ffi.string(text).decode("utf-8", "replace"))
    finally:
        lib.pactffi_mismatches_iter_delete(iterator)
    return out


def reads_pact(document: dict[str, Any]) -> bool:
    """Whether the Rust core reads the pact document."""
    model = lib.pactffi_parse_pact_json(json.dumps(document).encode())
    return bool(model != ffi.NULL)
