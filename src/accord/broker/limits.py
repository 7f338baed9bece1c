"""The limits the broker enforces on what clients send, in one place.

They exist so that a hostile or broken publisher gets a 4xx with a reason instead of reaching
a database that would refuse the value (PostgreSQL: ``varchar(255)``, no NUL in text), a
parser that would recurse without bound, or a serializer that would write invalid JSON.
Each limit is enforced the same way whatever the database, so SQLite and PostgreSQL brokers
answer the same request the same way. ``docs/trust-model.md`` lists them for users.
"""

from __future__ import annotations

import re

MAX_NAME_LENGTH = 255
"""Characters in a pacticipant name, version number, branch, tag, label, environment name,
display name, application instance or any other path segment (the database columns' size)."""

MAX_URL_LENGTH = 1024
"""Characters in a build or repository URL."""

MAX_METADATA_SEGMENT_LENGTH = 4096
"""Characters in the base64 ``/metadata/{...}`` path segment the broker itself hands out."""

MAX_JSON_DEPTH = 100
"""Nesting of arrays and objects in any JSON the broker parses (request bodies and the pacts
inside them): deep enough for any real message, shallow enough that nothing recurses far."""

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def name_problem(value: str, *, limit: int = MAX_NAME_LENGTH) -> str | None:
    """Why ``value`` cannot be a name (too long, or a control character such as a newline
    or NUL, which would make it unroutable or unstorable), or None when it can."""
    if len(value) > limit:
        return f"must be at most {limit} characters (got {len(value)})"
    bad = _CONTROL.search(value)
    if bad is not None:
        return f"must not contain control characters (found {bad.group()!r})"
    return None


def check_name(
    errors: dict[str, list[str]], field: str, value: object, *, limit: int = MAX_NAME_LENGTH
) -> None:
    """Add ``field``'s problem to ``errors`` when ``value`` is a string that is not a valid
    name; other types are left to the caller's own type checks."""
    if isinstance(value, str):
        problem = name_problem(value, limit=limit)
        if problem is not None:
            errors.setdefault(field, []).append(problem)


def check_url(errors: dict[str, list[str]], field: str, value: object) -> None:
    check_name(errors, field, value, limit=MAX_URL_LENGTH)
