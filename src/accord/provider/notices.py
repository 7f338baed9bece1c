"""Verbose notices: fields the producer sends that no consumer asked for.

Pact allows extra fields in messages (a consumer ignores what it does not read), so they are
never failures; listing them helps a provider team see what nobody depends on.
"""

from __future__ import annotations

from typing import Any

from accord.matching.mismatch import format_path
from accord.model.pact import MessageContents


def extra_fields(expected: MessageContents, actual: MessageContents) -> list[str]:
    want = expected.contents.content if expected.contents else None
    got = actual.contents.content if actual.contents else None
    found: list[str] = []
    _walk(want, got, ("$",), found)
    extra_meta = sorted(set(actual.metadata) - set(expected.metadata))
    notes = [f"unexpected field {path} (allowed)" for path in found]
    notes += [f"unexpected metadata {key!r} (allowed)" for key in extra_meta]
    return notes


def _walk(want: Any, got: Any, location: tuple[str | int, ...], found: list[str]) -> None:
    if isinstance(want, dict) and isinstance(got, dict):
        for key, value in got.items():
            if key in want:
                _walk(want[key], value, (*location, key), found)
            else:
                found.append(format_path((*location, key)))
    elif isinstance(want, list) and isinstance(got, list) and want:
        for index, item in enumerate(got):
            _walk(want[min(index, len(want) - 1)], item, (*location, index), found)
