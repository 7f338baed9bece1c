"""Python values as JSON values: what a user writes in content, metadata and matchers.

Tests are written with the values the code under test uses: ``Decimal`` prices,
``datetime`` stamps, ``UUID`` ids, enums, dataclasses and pydantic models. Each becomes the
JSON a user would expect (ISO 8601 text, the UUID's text, the enum's value, the object's
fields). What JSON cannot hold faithfully (bytes inside JSON, sets, arbitrary objects) is
refused when the interaction is defined, with the place and the reason, not later at
write time with a bare ``TypeError``.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import math
import uuid
from collections.abc import Mapping
from typing import Any

from accord.errors import MatcherError

_PLAIN = (str, int, float, bool, type(None), dict, list, tuple)


def is_native(value: Any) -> bool:
    """Whether ``value`` needs :func:`to_json_like` before it can sit in JSON."""
    if isinstance(value, float):
        return not math.isfinite(value)
    return not isinstance(value, _PLAIN)


def to_json_like(value: Any, where: str, *, decimal_as_float: bool = False) -> Any:
    """One step of conversion: a scalar, or a dict/list whose items may need more.

    Containers are converted shallowly so matchers (terms) inside them survive for the
    caller's walk. ``where`` names the place for the error message.
    """
    if isinstance(value, bool | str) or value is None:
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise MatcherError(f"{where}: {value!r} has no JSON form (JSON numbers are finite)")
        return value
    if isinstance(value, int):
        return value
    if isinstance(value, enum.Enum):
        return to_json_like(value.value, where, decimal_as_float=decimal_as_float)
    if isinstance(value, decimal.Decimal):
        if not value.is_finite():
            raise MatcherError(f"{where}: {value!r} has no JSON form (JSON numbers are finite)")
        exponent = value.as_tuple().exponent
        if not decimal_as_float and isinstance(exponent, int) and exponent >= 0:
            return int(value)
        return float(value)
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, uuid.UUID):
        return str(value)
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: getattr(value, f.name) for f in dataclasses.fields(value)}
    dump = getattr(value, "model_dump", None)
    if callable(dump) and hasattr(type(value), "model_fields"):  # a pydantic v2 model
        return dump(mode="json")
    if isinstance(value, Mapping):
        return {_key(k, where): v for k, v in value.items()}
    if isinstance(value, list | tuple):
        return list(value)
    if isinstance(value, set | frozenset):
        raise MatcherError(
            f"{where}: a set has no order, so it has no one JSON form; pass a sorted list"
        )
    if isinstance(value, bytes | bytearray | memoryview):
        raise MatcherError(
            f"{where}: bytes cannot sit inside JSON; pass bytes as the whole content, or "
            "decode them (value.decode()) or base64-encode them first"
        )
    raise MatcherError(
        f"{where}: cannot turn a value of type {type(value).__name__} into JSON; use str, "
        "int, float, bool, None, list, dict (or Decimal, datetime, date, time, UUID, an enum, "
        "a dataclass or a pydantic model)"
    )


def _key(key: Any, where: str) -> str:
    if isinstance(key, str):
        return key
    converted = to_json_like(key, where)
    if isinstance(converted, str | int | float | bool):
        return str(converted).lower() if isinstance(converted, bool) else str(converted)
    raise MatcherError(f"{where}: a {type(key).__name__} cannot be a JSON object key")


def to_json_value(value: Any, where: str, *, decimal_as_float: bool = False) -> Any:
    """Deep conversion of a value with no matchers inside (metadata, matcher examples)."""
    value = to_json_like(value, where, decimal_as_float=decimal_as_float)
    if isinstance(value, dict):
        return {k: to_json_value(v, f"{where}.{k}") for k, v in value.items()}
    if isinstance(value, list):
        return [to_json_value(v, f"{where}[{i}]") for i, v in enumerate(value)]
    return value
