"""Pacticipant labels: free-form names on a pacticipant, for finding pacticipants by them and
for webhooks that fire for every pacticipant carrying one."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.db.schema import labels, pacticipants
from accord.broker.store.common import Row, insert_ignore


def find(conn: Connection, pacticipant_id: int, name: str) -> Row | None:
    return conn.execute(
        sa.select(labels).where(labels.c.pacticipant_id == pacticipant_id, labels.c.name == name)
    ).first()


def add(conn: Connection, pacticipant_id: int, name: str) -> tuple[Row, bool]:
    """The label, and whether this call created it (a concurrent PUT of the same label
    settles on the unique constraint: exactly one of them creates it)."""
    stamp = now()
    inserted = insert_ignore(
        conn,
        labels,
        [
            {
                "pacticipant_id": pacticipant_id,
                "name": name,
                "created_at": stamp,
                "updated_at": stamp,
            }
        ],
        ["pacticipant_id", "name"],
    )
    if inserted:
        return inserted[0], True
    row = find(conn, pacticipant_id, name)
    assert row is not None
    return row, False


def delete(conn: Connection, pacticipant_id: int, name: str) -> bool:
    result = conn.execute(
        sa.delete(labels).where(labels.c.pacticipant_id == pacticipant_id, labels.c.name == name)
    )
    return bool(result.rowcount)


def of_pacticipants(conn: Connection, pacticipant_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Each pacticipant's labels, by name; a pacticipant without labels is absent."""
    wanted = sorted(set(pacticipant_ids))
    out: dict[int, list[Row]] = defaultdict(list)
    if wanted:
        rows = conn.execute(
            sa.select(labels)
            .where(labels.c.pacticipant_id.in_(wanted))
            .order_by(labels.c.pacticipant_id, labels.c.name)
        )
        for row in rows:
            out[row.pacticipant_id].append(row)
    return out


def pacticipants_with(conn: Connection, name: str) -> list[Row]:
    """The pacticipants carrying the label, by name."""
    return list(
        conn.execute(
            sa.select(pacticipants)
            .join(labels, labels.c.pacticipant_id == pacticipants.c.id)
            .where(labels.c.name == name)
            .order_by(pacticipants.c.name)
        )
    )


def unique_names(conn: Connection) -> list[str]:
    """Every label in use, once each, in name order."""
    return list(conn.execute(sa.select(labels.c.name).distinct().order_by(labels.c.name)).scalars())
