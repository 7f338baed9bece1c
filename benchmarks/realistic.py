"""The realistic workload: 1,000 messages of about 2 KB, every matcher and generator kind.

The simple workloads (:mod:`benchmarks.workloads`) show the engine's floor; real events are
nested, carry arrays of objects and use the whole matcher vocabulary, with generators that
make the expected side vary. Both libraries declare the same message through a shared
vocabulary (:class:`Vocabulary`, one adapter each), and both verify the same accord-written
pact on the provider side.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from benchmarks import workloads as w

COUNT = 1_000
STATE = "an order exists"
METADATA: dict[str, object] = {"Content-Type": "application/json", "topic": "orders"}


def description(index: int) -> str:
    return f"an order placed event #{index:05d}"


class Vocabulary(Protocol):
    """Every matcher and generator kind the workload uses."""

    def integer(self, example: int) -> Any: ...
    def decimal(self, example: float) -> Any: ...
    def number(self, example: float) -> Any: ...
    def boolean(self, example: bool) -> Any: ...
    def string(self, example: str) -> Any: ...
    def like(self, example: Any) -> Any: ...
    def regex(self, example: str, pattern: str) -> Any: ...
    def each_like(self, template: Any, minimum: int) -> Any: ...
    def uuid(self, example: str) -> Any: ...
    def date(self, example: str) -> Any: ...
    def time(self, example: str) -> Any: ...
    def datetime(self, example: str) -> Any: ...
    def null(self) -> Any: ...
    def includes(self, value: str) -> Any: ...
    def array_containing(self, variants: list[Any]) -> Any: ...
    def each_key(self, example: dict[str, Any], pattern: str) -> Any: ...
    def each_value(self, example: dict[str, Any]) -> Any: ...
    # generators (each under a type rule, so any produced value of that type passes)
    def gen_int(self, example: int) -> Any: ...
    def gen_decimal(self, example: float) -> Any: ...
    def gen_hex(self, example: str) -> Any: ...
    def gen_string(self, example: str) -> Any: ...
    def gen_regex(self, pattern: str, example: str) -> Any: ...
    def gen_uuid(self, example: str) -> Any: ...
    def gen_date(self, example: str) -> Any: ...
    def gen_time(self, example: str) -> Any: ...
    def gen_datetime(self, example: str) -> Any: ...
    def gen_bool(self, example: bool) -> Any: ...
    def gen_state(self, expression: str, example: Any) -> Any: ...


class AccordVocabulary:
    def __init__(self) -> None:
        from accord import generate, match

        self.m, self.g = match, generate

    def integer(self, example: int) -> Any:
        return self.m.integer(example)

    def decimal(self, example: float) -> Any:
        return self.m.decimal(example)

    def number(self, example: float) -> Any:
        return self.m.number(example)

    def boolean(self, example: bool) -> Any:
        return self.m.boolean(example)

    def string(self, example: str) -> Any:
        return self.m.string(example)

    def like(self, example: Any) -> Any:
        return self.m.like(example)

    def regex(self, example: str, pattern: str) -> Any:
        return self.m.regex(example, pattern)

    def each_like(self, template: Any, minimum: int) -> Any:
        return self.m.each_like(template, min=minimum)

    def uuid(self, example: str) -> Any:
        return self.m.uuid(example)

    def date(self, example: str) -> Any:
        return self.m.date(example, "yyyy-MM-dd")

    def time(self, example: str) -> Any:
        return self.m.time(example, "HH:mm:ss")

    def datetime(self, example: str) -> Any:
        return self.m.datetime(example, "yyyy-MM-dd'T'HH:mm:ss")

    def null(self) -> Any:
        return self.m.null()

    def includes(self, value: str) -> Any:
        return self.m.include(value)

    def array_containing(self, variants: list[Any]) -> Any:
        return self.m.array_containing(variants)

    def each_key(self, example: dict[str, Any], pattern: str) -> Any:
        return self.m.each_key(example, self.m.regex(next(iter(example)), pattern))

    def each_value(self, example: dict[str, Any]) -> Any:
        return self.m.each_value(example, self.m.like(next(iter(example.values()))))

    def gen_int(self, example: int) -> Any:
        return self.m.like(self.g.random_int(0, 1000, example))

    def gen_decimal(self, example: float) -> Any:
        return self.m.like(self.g.random_decimal(4, example))

    def gen_hex(self, example: str) -> Any:
        return self.m.like(self.g.random_hex(len(example), example))

    def gen_string(self, example: str) -> Any:
        return self.m.like(self.g.random_string(len(example), example))

    def gen_regex(self, pattern: str, example: str) -> Any:
        return self.m.regex(example, pattern) & self.g.regex(pattern, example)

    def gen_uuid(self, example: str) -> Any:
        return self.m.like(self.g.uuid(example=example))

    def gen_date(self, example: str) -> Any:
        return self.m.like(self.g.date("yyyy-MM-dd", example=example))

    def gen_time(self, example: str) -> Any:
        return self.m.like(self.g.time("HH:mm:ss", example=example))

    def gen_datetime(self, example: str) -> Any:
        return self.m.like(self.g.datetime("yyyy-MM-dd'T'HH:mm:ss", example=example))

    def gen_bool(self, example: bool) -> Any:
        return self.m.like(self.g.random_boolean(example))

    def gen_state(self, expression: str, example: Any) -> Any:
        return self.m.like(self.g.provider_state(expression, example))


class PactPythonVocabulary:
    def __init__(self) -> None:
        from pact import generate, match

        self.m, self.g = match, generate

    def integer(self, example: int) -> Any:
        return self.m.int(example)

    def decimal(self, example: float) -> Any:
        return self.m.decimal(example)

    def number(self, example: float) -> Any:
        return self.m.number(example)

    def boolean(self, example: bool) -> Any:
        return self.m.bool(example)

    def string(self, example: str) -> Any:
        return self.m.str(example)

    def like(self, example: Any) -> Any:
        return self.m.like(example)

    def regex(self, example: str, pattern: str) -> Any:
        return self.m.regex(example, regex=pattern)

    def each_like(self, template: Any, minimum: int) -> Any:
        return self.m.each_like(template, min=minimum)

    def uuid(self, example: str) -> Any:
        return self.m.uuid(example)

    def date(self, example: str) -> Any:
        return self.m.date(example, "%Y-%m-%d")

    def time(self, example: str) -> Any:
        return self.m.time(example, "%H:%M:%S")

    def datetime(self, example: str) -> Any:
        return self.m.datetime(example, "%Y-%m-%dT%H:%M:%S")

    def null(self) -> Any:
        return self.m.none()

    def includes(self, value: str) -> Any:
        return self.m.includes(value)

    def array_containing(self, variants: list[Any]) -> Any:
        return self.m.array_containing(variants)

    def each_key(self, example: dict[str, Any], pattern: str) -> Any:
        key = next(iter(example))
        return self.m.each_key_matches(example, rules=self.m.regex(key, regex=pattern))

    def each_value(self, example: dict[str, Any]) -> Any:
        value = next(iter(example.values()))
        return self.m.each_value_matches(example, rules=self.m.like(value))

    def gen_int(self, example: int) -> Any:
        return self.m.like(example, generator=self.g.int(min=0, max=1000))

    def gen_decimal(self, example: float) -> Any:
        return self.m.like(example, generator=self.g.float(4))

    def gen_hex(self, example: str) -> Any:
        return self.m.like(example, generator=self.g.hex(len(example)))

    def gen_string(self, example: str) -> Any:
        return self.m.like(example, generator=self.g.str(len(example)))

    def gen_regex(self, pattern: str, example: str) -> Any:
        return self.m.like(example, generator=self.g.regex(pattern))

    def gen_uuid(self, example: str) -> Any:
        return self.m.like(example, generator=self.g.uuid())

    def gen_date(self, example: str) -> Any:
        return self.m.like(example, generator=self.g.date("%Y-%m-%d"))

    def gen_time(self, example: str) -> Any:
        return self.m.like(example, generator=self.g.time("%H:%M:%S"))

    def gen_datetime(self, example: str) -> Any:
        return self.m.like(example, generator=self.g.datetime("%Y-%m-%dT%H:%M:%S"))

    def gen_bool(self, example: bool) -> Any:
        return self.m.like(example, generator=self.g.bool())

    def gen_state(self, expression: str, example: Any) -> Any:
        return self.m.like(example, generator=self.g.provider_state(expression))


def order_event(v: Vocabulary, index: int) -> dict[str, Any]:
    """About 2 KB of JSON: nested objects, arrays of objects, every kind above."""
    line = {
        "sku": v.regex("SKU-000123", r"SKU-\d{6}"),
        "name": v.string("Espresso beans, 1 kg bag"),
        "quantity": v.integer(2),
        "unitPrice": v.decimal(12.5),
        "weight": v.number(1.25),
        "giftWrap": v.boolean(False),
        "tags": v.each_like("coffee", 1),
        "warehouse": {"code": v.like("WH-NORTH"), "aisle": v.integer(12), "bin": v.like("B-07")},
    }
    return {
        "eventId": v.gen_uuid("6ba7b810-9dad-11d1-80b4-00c04fd430c8"),
        "orderId": v.gen_state("${orderId}", index),
        "occurredAt": v.gen_datetime("2024-05-17T10:00:00"),
        "businessDate": v.gen_date("2024-05-17"),
        "cutOff": v.gen_time("16:30:00"),
        "sequence": v.gen_int(index),
        "score": v.gen_decimal(0.75),
        "traceId": v.gen_hex("0af7651916cd43dd"),
        "nonce": v.gen_string("k3j4h5g6f7"),
        "confirmation": v.gen_regex(r"CNF-[A-Z]{4}-\d{4}", "CNF-ABCD-1234"),
        "express": v.gen_bool(True),
        "schema": v.includes("orders"),
        "placedOn": v.date("2024-05-17"),
        "placedAt": v.time("10:00:00"),
        "updatedAt": v.datetime("2024-05-17T10:05:00"),
        "cancelledAt": v.null(),
        "customer": {
            "id": v.uuid("550e8400-e29b-41d4-a716-446655440000"),
            "email": v.regex("ada@example.com", r"[^@\s]+@[^@\s]+\.[a-z]{2,}"),
            "name": v.string("Ada Lovelace"),
            "loyaltyPoints": v.integer(1200),
            "vip": v.boolean(True),
            "address": {
                "street": v.string("12 Analytical Row"),
                "city": v.string("London"),
                "postcode": v.regex("NW1 6XE", r"[A-Z0-9]{2,4} [A-Z0-9]{3}"),
                "country": v.regex("GB", r"[A-Z]{2}"),
                "geo": {"lat": v.number(51.5237), "lon": v.number(-0.1585)},
            },
        },
        "lines": v.each_like(line, 3),
        "payments": v.array_containing(
            [{"method": v.like("card"), "amount": v.decimal(25.0), "currency": v.like("GBP")}]
        ),
        "attributes": v.each_key({"channel": "web", "campaign": "spring"}, r"[a-z]+"),
        "counters": v.each_value({"views": 3, "clicks": 1}),
        "totals": {
            "net": v.decimal(62.5),
            "tax": v.decimal(12.5),
            "gross": v.decimal(75.0),
            "items": v.integer(6),
            "discounts": v.like([{"code": "SPRING10", "amount": 7.5}]),
        },
        "notes": v.like("Leave the parcel with the neighbour at number 14 if nobody answers"),
    }


def produced_order(index: int) -> dict[str, Any]:
    """What the provider sends: other values, same shapes (every rule passes)."""
    stamp = dt.datetime(2025, 1, 2, 3, 4, 5) + dt.timedelta(minutes=index)
    line = {
        "sku": f"SKU-{index % 1_000_000:06d}",
        "name": f"Item {index}",
        "quantity": 1 + index % 5,
        "unitPrice": 9.99,
        "weight": 0.5,
        "giftWrap": index % 2 == 0,
        "tags": ["tea", "organic"],
        "warehouse": {"code": "WH-SOUTH", "aisle": index % 40, "bin": "C-11"},
    }
    return {
        "eventId": "0b2a4a1e-8a3a-4c1f-9a57-3a1f1e7c9d10",
        "orderId": index,
        "occurredAt": stamp.isoformat(),
        "businessDate": stamp.date().isoformat(),
        "cutOff": "17:45:00",
        "sequence": index * 3,
        "score": 0.5,
        "traceId": "4bf92f3577b34da6",
        "nonce": "zz9plural",
        "confirmation": "CNF-WXYZ-9876",
        "express": False,
        "schema": "https://example.com/schemas/orders/v2",
        "placedOn": stamp.date().isoformat(),
        "placedAt": "03:04:05",
        "updatedAt": stamp.isoformat(),
        "cancelledAt": None,
        "customer": {
            "id": "9c5b94b1-35ad-49bb-b118-8e8fc24abf80",
            "email": f"user{index}@example.org",
            "name": f"Customer {index}",
            "loyaltyPoints": index,
            "vip": False,
            "address": {
                "street": "1 Main Street",
                "city": "Leeds",
                "postcode": "LS1 4AP",
                "country": "GB",
                "geo": {"lat": 53.8, "lon": -1.55},
            },
        },
        "lines": [line, dict(line, sku="SKU-000001"), dict(line, quantity=9), dict(line)],
        "payments": [
            {"method": "voucher", "amount": 5.0, "currency": "GBP"},
            {"method": "card", "amount": 70.0, "currency": "GBP"},
        ],
        "attributes": {"channel": "app", "region": "north"},
        "counters": {"views": 10, "clicks": 4, "shares": 1},
        "totals": {
            "net": 62.25,
            "tax": 12.45,
            "gross": 74.7,
            "items": 4,
            "discounts": [{"code": "NEW5", "amount": 5.0}],
        },
        "notes": "",
    }


def write_pact(directory: Path, count: int = COUNT) -> Path:
    """The accord-written V4 pact both verifiers read."""
    from accord import Pact

    v = AccordVocabulary()
    pact = Pact(w.CONSUMER, w.PROVIDER, spec="V4")
    for index in range(count):
        (
            pact.expects_to_receive(description(index))
            .given(STATE, orderId=index)
            .with_metadata(METADATA)
            .with_content(order_event(v, index))
        )
    pact.verify(lambda message: None)
    return pact.write(directory, overwrite=True)


Producer = Callable[[], dict[str, Any]]


def producers(count: int = COUNT) -> dict[str, Callable[[], Any]]:
    """Prebuilt produced messages, so the clock measures verification, not data building."""
    from accord import Message

    def producer(index: int) -> Callable[[], Any]:
        message = Message(content=produced_order(index), metadata=dict(METADATA))
        return lambda: message

    return {description(i): producer(i) for i in range(count)}
