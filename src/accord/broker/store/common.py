"""Helpers every store module needs: insert-if-absent and a row type."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.engine import Connection

Row = sa.Row[Any]


def insert_ignore(
    conn: Connection, table: sa.Table, rows: Sequence[dict[str, Any]], keys: Sequence[str]
) -> list[int]:
    """Insert the rows that do not clash with ``keys``; return the ids actually inserted.

    Concurrent inserts of the same key are settled by the unique constraint: on PostgreSQL
    the loser waits for the winner to commit and then inserts nothing; the caller selects
    the winner's row afterwards.
    """
    if not rows:
        return []
    dialect = postgresql if conn.dialect.name == "postgresql" else sqlite
    stmt = (
        dialect.insert(table)
        .values(list(rows))
        .on_conflict_do_nothing(index_elements=list(keys))
        .returning(table.c.id)
    )
    return [row[0] for row in conn.execute(stmt)]
