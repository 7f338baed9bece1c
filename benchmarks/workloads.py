"""The work both libraries are asked to do, defined once.

Message contents are written against a small matcher vocabulary (:class:`Matchers`) with one
adapter per library, so accord and pact-python declare exactly the same examples and rules.
Pact files used by the provider-side cases are written once by accord and read by both
verifiers; that file is valid V4 and pact-python's Rust core verifies it as it is.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

CONSUMER = "BenchConsumer"
PROVIDER = "BenchProvider"
STATE = "a user exists"
FAILING_STATE = "the user database is reachable"
FAILURE_TEXT = "database is down (benchmark failure)"
"""The exception text the failing state handler raises; case 5 looks for it in reports."""
METADATA: dict[str, object] = {"Content-Type": "application/json"}
JSON = "application/json"

LIST_ITEMS = 10_000
BIG_PACT_INTERACTIONS = 1_000
BIG_PACT_LINES = 18
"""Order lines per interaction in the big pact: sized so the V4 file is about 8 MB."""


class Matchers(Protocol):
    """The matcher vocabulary the workloads use; both libraries provide all of it."""

    def integer(self, example: int) -> Any: ...

    def like(self, example: Any) -> Any: ...

    def regex(self, example: str, pattern: str) -> Any: ...

    def each_like(self, template: Any) -> Any: ...


class AccordMatchers:
    """:class:`Matchers` spelled with ``accord.match``."""

    def __init__(self) -> None:
        from accord import match

        self._m = match

    def integer(self, example: int) -> Any:
        return self._m.integer(example)

    def like(self, example: Any) -> Any:
        return self._m.like(example)

    def regex(self, example: str, pattern: str) -> Any:
        return self._m.regex(example, pattern)

    def each_like(self, template: Any) -> Any:
        return self._m.each_like(template)


class PactPythonMatchers:
    """:class:`Matchers` spelled with ``pact.match`` (pact-python 4.x)."""

    def __init__(self) -> None:
        from pact import match

        self._m = match

    def integer(self, example: int) -> Any:
        return self._m.integer(example)

    def like(self, example: Any) -> Any:
        return self._m.like(example)

    def regex(self, example: str, pattern: str) -> Any:
        return self._m.regex(example, regex=pattern)

    def each_like(self, template: Any) -> Any:
        return self._m.each_like(template)


# -- a small user event: cases 3, 4, 5 and 6 --------------------------------------------------


def event_description(index: int) -> str:
    return f"a user event #{index:05d}"


def user_event(m: Matchers, index: int) -> dict[str, Any]:
    """The consumer's expectation: the PRODUCT.md example message, numbered."""
    return {
        "id": m.integer(index),
        "name": m.like("Billy"),
        "lastName": m.like("Sampson"),
        "datetime": m.regex("2020-01-01", r"[0-9\-]+"),
    }


def produced_user_event(index: int) -> dict[str, Any]:
    """What the provider really sends: other values, same shapes."""
    return {"id": index, "name": f"User {index}", "lastName": "Jones", "datetime": "2024-05-17"}


# -- one message with a 10,000-item list: case 1 ---------------------------------------------

LIST_DESCRIPTION = "a catalogue snapshot"


def catalogue(m: Matchers) -> Any:
    """A top-level list under ``each_like``, with nested type, regex and integer rules."""
    return m.each_like(
        {
            "id": m.integer(1),
            "sku": m.regex("AB-0001", r"[A-Z]{2}-[0-9]{4}"),
            "name": m.like("widget"),
            "price": m.like(9.5),
            "dimensions": {
                "width": m.integer(2),
                "height": m.integer(3),
                "unit": m.regex("cm", r"cm|mm|in"),
            },
            "tags": m.each_like("red"),
        }
    )


def produced_catalogue(items: int = LIST_ITEMS) -> list[dict[str, Any]]:
    """The producer's message: ``items`` distinct entries that all satisfy the rules."""
    return [
        {
            "id": n,
            "sku": f"XY-{n % 10_000:04d}",
            "name": f"item {n}",
            "price": n / 4,
            "dimensions": {"width": n % 7, "height": n % 11, "unit": ("cm", "mm", "in")[n % 3]},
            "tags": ["blue", f"t{n % 5}"],
        }
        for n in range(items)
    ]


# -- a big pact (about 8 MB, 1,000 interactions): case 2 -------------------------------------


def order_event(m: Matchers, index: int, lines: int = BIG_PACT_LINES) -> dict[str, Any]:
    """A bulky order message; ``lines`` literal order lines under one type rule.

    The lines are a literal example under ``like`` (not ``each_like(min=...)``) because the
    two libraries expand ``min`` differently; this way both files hold the same example.
    """
    return {
        "orderId": m.integer(index),
        "placedAt": m.regex("2024-05-17T10:00:00Z", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z"),
        "customer": {
            "id": m.integer(index * 7),
            "name": m.like(f"Customer {index}"),
            "email": m.regex(f"customer{index}@example.com", r"[^@]+@[^@]+"),
        },
        "lines": m.like(
            [
                {
                    "sku": f"SKU-{index:04d}-{n:03d}",
                    "description": f"Line {n} of order {index}: a product with a longer name",
                    "quantity": n + 1,
                    "unitPrice": round(1.25 * (n + 1), 2),
                    "warehouse": {"code": f"WH{n % 9}", "aisle": n % 40, "bin": f"B-{n:03d}"},
                }
                for n in range(lines)
            ]
        ),
    }


def order_description(index: int) -> str:
    return f"an order event #{index:05d}"


# -- pact files written by accord -------------------------------------------------------------


def write_accord_pact(
    directory: Path,
    count: int,
    description: Callable[[int], str],
    content: Callable[[Matchers, int], Any],
    *,
    state: str | None = STATE,
) -> Path:
    """A V4 message pact of ``count`` interactions, written by accord's consumer DSL."""
    from accord import Pact

    m = AccordMatchers()
    pact = Pact(CONSUMER, PROVIDER, spec="V4")
    for index in range(count):
        builder = pact.expects_to_receive(description(index))
        if state is not None:
            builder.given(state, id=index)
        builder.with_metadata(METADATA).with_content(content(m, index))
    pact.verify(lambda message: None)
    return pact.write(directory, overwrite=True)


def json_bytes(value: Any) -> bytes:
    """Wire form for pact-python producers, which must hand over bytes."""
    return json.dumps(value, separators=(",", ":")).encode()


def interactions_in(path: Path) -> int:
    """How many interactions a written pact file holds (checked, never timed)."""
    return len(json.loads(path.read_text(encoding="utf-8"))["interactions"])
