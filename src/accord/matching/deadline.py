"""A time limit for matching and generation, checked from inside their walks.

Every step of a comparison is bounded (linear-time regexes, capped sizes and depths), but a
large pact within those limits can still take long: a 64 MiB body, thousands of values
each checked against a regex on the linear engine. The verifier's ``timeout`` covers user
code by running it on a worker thread; matching runs on the caller's thread and cannot be
abandoned that way (nor should it keep burning CPU after giving up). So the walks check a
deadline themselves and stop with :class:`MatchingTimeout`, which fails that one
interaction.

The deadline lives in a :class:`~contextvars.ContextVar`, so concurrent verifications in
other threads or tasks each keep their own, and code that runs outside :func:`within`
(``accord inspect``, the consumer side) is never limited.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from accord.errors import AccordError

_DEADLINE: ContextVar[tuple[float, float] | None] = ContextVar("accord_deadline", default=None)
"""``(monotonic deadline, seconds allowed)`` while a limit is in force."""


class MatchingTimeout(AccordError):
    """Matching or generation did not finish within the verifier's timeout."""


@contextmanager
def within(seconds: float | None) -> Iterator[None]:
    """Run the block with a limit of ``seconds`` (none when ``None``).

    An enclosing limit that ends sooner stays in force.
    """
    if seconds is None:
        yield
        return
    deadline = time.monotonic() + seconds
    outer = _DEADLINE.get()
    if outer is not None and outer[0] <= deadline:
        yield
        return
    token = _DEADLINE.set((deadline, seconds))
    try:
        yield
    finally:
        _DEADLINE.reset(token)


def check_deadline() -> None:
    """Raise :class:`MatchingTimeout` once the limit in force has passed.

    Cheap enough to call per value: one context-variable read, and a clock read only while
    a limit is in force.
    """
    limit = _DEADLINE.get()
    if limit is not None and time.monotonic() > limit[0]:
        raise MatchingTimeout(
            f"matching and generation did not finish within {limit[1]:g} s (the timeout); "
            "the pact is too large or its rules too costly for that limit"
        )
