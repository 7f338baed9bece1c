"""The public entry point of the matching engine."""

from __future__ import annotations

from typing import Any, Literal

from accord.matching.http import compare_request, compare_response
from accord.matching.message import compare_message
from accord.matching.mismatch import Mismatch
from accord.model.pact import spec_major
from accord.model.read import At, parse_message, parse_request, parse_response

Part = Literal["request", "response", "message"]


def compare(expected: Any, actual: Any, *, part: Part, spec: str = "V4") -> list[Mismatch]:
    """Compare two JSON values shaped like a pact's request, response or message.

    ``spec`` (``"V1"``, ``"1.1"``, ``"V3"``, ``"4.0"``, ...) says which format they are in,
    exactly as in the Pact specification's test cases. Returns the mismatches; an empty
    list means they match. Pure: no I/O, no printing.
    """
    major = spec_major(spec) or 4
    if part == "request":
        return compare_request(
            parse_request(expected, major, At("expected")),
            parse_request(actual, major, At("actual")),
            exact_query=spec.strip().lstrip("vV") in ("1", "1.0", "1.0.0"),
        )
    if part == "response":
        return compare_response(
            parse_response(expected, major, At("expected")),
            parse_response(actual, major, At("actual")),
        )
    if part == "message":
        return compare_message(
            parse_message(expected, major, At("expected")),
            parse_message(actual, major, At("actual")),
        )
    raise ValueError(f"part must be 'request', 'response' or 'message', not {part!r}")
