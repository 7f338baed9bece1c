"""Helpers every store module needs: dialect-aware insert-if-absent, built once per shape."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

Row = sa.Row[Any]


@cache
def _insert_ignore(dialect: str, table: sa.Table, keys: tuple[str, ...], returning: bool) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table).on_conflict_do_nothing(index_elements=list(keys))
    return stmt.returning(*table.c) if returning else stmt


@cache
def _upsert(dialect: str, table: sa.Table, keys: tuple[str, ...], update: tuple[str, ...]) -> Any:
    module = postgresql if dialect == "postgresql" else sqlite
    stmt = module.insert(table)
    return stmt.on_conflict_do_update(
        index_elements=list(keys), set_={column: stmt.excluded[column] for column in update}
    )


def insert_ignore(
    conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> list[Row]:
    """Insert the rows that do not clash on ``keys``; return the rows actually inserted.

    Concurrent inserts of the same key are settled by the unique constraint: on PostgreSQL
    the loser waits for the winner to commit and then inserts nothing; the caller selects
    the winner's row afterwards. The statement is built once per table and key set, so
    SQLAlchemy's compiled cache applies.
    """
    if not rows:
        return []
    stmt = _insert_ignore(conn.dialect.name, table, tuple(keys), True)
    if len(rows) == 1:
        return list(conn.execute(stmt, rows[0]))
    return list(conn.execute(stmt, list(rows)))


def upsert(
    conn: Connection,
    table: sa.Table,
    row: dict[str, Any],
    keys: Sequence[str],
    update: Sequence[str],
) -> None:
    """Insert, or on a clash of ``keys`` overwrite the ``update`` columns."""
    conn.execute(_upsert(conn.dialect.name, table, tuple(keys), tuple(update)), row)
