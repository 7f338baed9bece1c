"""Every limit accord applies to input it did not write, in one place.

A pact comes from another team, or from anyone allowed to publish to a broker. These caps
keep one hostile or broken file from hanging a run, exhausting memory or the stack. Each is
far above what a real contract needs; ``docs/trust-model.md`` explains them.
"""

from __future__ import annotations

import os

MAX_PACT_BYTES_ENV = "ACCORD_MAX_PACT_BYTES"
DEFAULT_MAX_PACT_BYTES = 64 * 1024 * 1024
"""Largest pact file or download read (64 MiB); override with ``ACCORD_MAX_PACT_BYTES``."""

MAX_JSON_DEPTH = 128
"""Deepest nesting of objects and arrays in a pact document, counted from its root.

The Pact reference implementation reads pacts with serde_json, whose default recursion
limit is 128, so no pact the reference can read is refused. It also keeps every recursive
walk (comparison, generation, display) well inside Python's stack.
"""

MAX_GENERATED_SIZE = 10_000
"""Largest string a generator makes: ``RandomString`` size, ``RandomHexadecimal`` and
``RandomDecimal`` digits, and examples made from a regex."""

MAX_EXAMPLE_ITEMS = 10_000
"""Largest ``min`` of ``match.each_like``: the example holds that many copies."""

MAX_RANDOM_INT_BITS = 64
"""``RandomInt`` bounds must fit in a signed 64-bit integer, as in the reference."""

MAX_REGEX_PROGRAM = 20_000
"""Largest compiled program of the linear-time regex engine (counted repeats are unrolled,
so ``(a{1000}){1000}`` is refused rather than built)."""

MAX_REGEX_LENGTH = 10_000
"""Longest regex source accepted in a matcher or generator."""

MAX_HUNG_CALLS = 16
"""User-code calls that may still be running after their timeout before new calls are
refused; each holds one thread until it returns."""


def max_pact_bytes() -> int:
    """The pact size limit in force (the environment variable wins when it is a number)."""
    raw = os.environ.get(MAX_PACT_BYTES_ENV, "").strip()
    if raw.isdigit():
        return int(raw)
    return DEFAULT_MAX_PACT_BYTES
