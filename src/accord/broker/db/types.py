"""Column types that refuse, on every backend, values one of the backends could not store.

PostgreSQL refuses a 256-character value for ``varchar(255)`` and any NUL in text; SQLite
stores both. The HTTP layer checks the fields clients name (``accord.broker.limits``), and
these types are the safety net under it: any value that slips past reaches no database, and
the request gets the same 400 on SQLite and PostgreSQL instead of a 500 on one of them.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class StoredValueRefused(ValueError):
    """A value too long for its column, or holding NUL."""


def _check(value: str, length: int | None) -> None:
    if length is not None and len(value) > length:
        raise StoredValueRefused(
            f"a value of {len(value)} characters is longer than the {length} allowed"
        )
    if "\x00" in value:
        raise StoredValueRefused("a value contains NUL (\\u0000), which cannot be stored")


class BoundedString(sa.types.TypeDecorator[str]):
    """``VARCHAR(n)`` whose limit (and NUL ban) holds on SQLite too."""

    impl = sa.String
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, str):
            _check(value, getattr(self.impl_instance, "length", None))
        return value


class CheckedText(sa.types.TypeDecorator[str]):
    """``TEXT`` that refuses NUL on every backend."""

    impl = sa.Text
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Dialect) -> Any:
        if isinstance(value, str):
            _check(value, None)
        return value
