"""What Python users write: Decimal, datetime, UUID, enums, dataclasses, pydantic models."""

from __future__ import annotations

import dataclasses
import datetime as dt
import enum
import json
import uuid
from decimal import Decimal
from pathlib import Path
from typing import Any

import pydantic
import pytest

from accord import Message, Pact, match
from accord._dsl.term import compile_value
from accord.errors import MatcherError

STAMP = dt.datetime(2024, 7, 20, 14, 30, 5, 123456, tzinfo=dt.UTC)
ORDER_ID = uuid.UUID("550e8400-e29b-41d4-a716-446655440000")


class Colour(enum.Enum):
    RED = "red"


class Size(enum.IntEnum):
    LARGE = 3


@dataclasses.dataclass
class Line:
    sku: str
    price: Decimal
    colour: Colour


class Order(pydantic.BaseModel):
    id: uuid.UUID
    placed: dt.datetime
    total: Decimal


def _one(term: Any) -> tuple[Any, list[dict[str, Any]]]:
    compiled = compile_value(term)
    return compiled.example, compiled.rules["$"].rules


def test_matchers_take_native_values() -> None:
    assert _one(match.decimal(Decimal("49.90"))) == (49.9, [{"match": "decimal"}])
    assert _one(match.number(Decimal("2.5")))[0] == 2.5
    assert _one(match.integer(Decimal("7")))[0] == 7
    assert _one(match.integer(Size.LARGE))[0] == 3
    assert _one(match.uuid(ORDER_ID))[0] == str(ORDER_ID)
    assert _one(match.uuid(ORDER_ID, format="simple"))[0] == ORDER_ID.hex
    assert _one(match.string(Colour.RED))[0] == "red"
    assert _one(match.like(Colour.RED))[0] == "red"
    assert _one(match.date(dt.date(2024, 7, 20)))[0] == "2024-07-20"
    assert _one(match.time(dt.time(14, 30, 5)))[0] == "14:30:05"
    assert _one(match.datetime(STAMP, format="%Y-%m-%d %H:%M"))[0] == "2024-07-20 14:30"


@pytest.mark.parametrize(
    "stamp",
    [
        STAMP,
        STAMP.replace(microsecond=0),
        STAMP.replace(tzinfo=None),
        STAMP.astimezone(dt.timezone(dt.timedelta(hours=-5))),
    ],
    ids=["micros+00:00", "seconds", "naive", "-05:00"],
)
def test_isoformat_output_satisfies_the_datetime_matcher(stamp: dt.datetime) -> None:
    for example in (stamp, stamp.isoformat()):
        value, rules = _one(match.datetime(example))
        assert value == stamp.isoformat()
        assert rules[0]["match"] == "datetime"
    assert _one(match.timestamp(stamp.isoformat()))[0] == stamp.isoformat()


def test_content_with_python_values_is_serialized_as_expected(tmp_path: Path) -> None:
    pact = Pact("Shop", "Orders", pact_dir=tmp_path)
    (
        pact.expects_to_receive("an order")
        .with_content(
            {
                "order": Order(id=ORDER_ID, placed=STAMP, total=Decimal("49.90")),
                "line": Line("A-1", Decimal("9.95"), Colour.RED),
                "at": STAMP,
                "day": dt.date(2024, 7, 20),
                "size": Size.LARGE,
                "price": match.decimal(Decimal("49.90")),
                "ids": (ORDER_ID,),
            }
        )
        .with_metadata({"placed": STAMP, "key": ORDER_ID})
    )
    received: list[Message] = []
    pact.verify(received.append)
    content = received[0].content
    assert content["order"] == {
        "id": str(ORDER_ID),
        "placed": "2024-07-20T14:30:05.123456Z",
        "total": "49.90",
    }
    assert content["line"] == {"sku": "A-1", "price": 9.95, "colour": "red"}
    assert content["at"] == STAMP.isoformat()
    assert content["day"] == "2024-07-20"
    assert content["size"] == 3
    assert content["ids"] == [str(ORDER_ID)]
    assert received[0].metadata["placed"] == STAMP.isoformat()
    written = json.loads(pact.write().read_text())
    assert written["interactions"][0]["metadata"]["key"] == str(ORDER_ID)


@pytest.mark.parametrize(
    ("content", "reason"),
    [
        ({"tags": {"a", "b"}}, r"\$\.tags: a set has no order"),
        ({"blob": object()}, r"\$\.blob: cannot turn a value of type object into JSON"),
        ({"n": Decimal("NaN")}, r"\$\.n: .* has no JSON form"),
        ({"n": float("inf")}, r"\$\.n: .* has no JSON form"),
    ],
)
def test_content_json_cannot_hold_is_refused_when_defined(content: Any, reason: str) -> None:
    builder = Pact("c", "p").expects_to_receive("m")
    with pytest.raises(MatcherError, match=reason):
        builder.with_content(content)


def test_bytes_metadata_is_refused_when_defined_with_the_way_out() -> None:
    builder = Pact("c", "p").expects_to_receive("m")
    with pytest.raises(MatcherError, match=r"metadata 'kafka_key': bytes .*value\.decode\(\)"):
        builder.with_metadata({"kafka_key": b"\x00\x01"})
