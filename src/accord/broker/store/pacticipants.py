"""Pacticipants: the applications (consumers and providers) the broker knows by name."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.db.schema import pacticipants
from accord.broker.http.errors import NotFound
from accord.broker.store.common import Row, insert_ignore

EDITABLE = {
    "displayName": "display_name",
    "repositoryUrl": "repository_url",
    "repositoryName": "repository_name",
    "repositoryNamespace": "repository_namespace",
    "mainBranch": "main_branch",
}


def find(conn: Connection, name: str) -> Row | None:
    return conn.execute(sa.select(pacticipants).where(pacticipants.c.name == name)).first()


def require(conn: Connection, name: str) -> Row:
    row = find(conn, name)
    if row is None:
        raise NotFound(f"No pacticipant with name '{name}' found")
    return row


def find_many(conn: Connection, names: Iterable[str]) -> dict[str, Row]:
    wanted = sorted(set(names))
    if not wanted:
        return {}
    rows = conn.execute(sa.select(pacticipants).where(pacticipants.c.name.in_(wanted)))
    return {row.name: row for row in rows}


def get_or_create(conn: Connection, names: Iterable[str]) -> dict[str, Row]:
    """Every named pacticipant, creating the missing ones (in name order, to avoid deadlock)."""
    wanted = sorted(set(names))
    found = find_many(conn, wanted)
    missing = [name for name in wanted if name not in found]
    if missing:
        stamp = now()
        insert_ignore(
            conn,
            pacticipants,
            [{"name": n, "created_at": stamp, "updated_at": stamp} for n in missing],
            ["name"],
        )
        found = find_many(conn, wanted)
    return found


def create(conn: Connection, name: str, fields: dict[str, Any]) -> Row:
    stamp = now()
    conn.execute(
        sa.insert(pacticipants).values(name=name, created_at=stamp, updated_at=stamp, **fields)
    )
    return require(conn, name)


def update(conn: Connection, row: Row, fields: dict[str, Any]) -> Row:
    if fields:
        conn.execute(
            sa.update(pacticipants)
            .where(pacticipants.c.id == row.id)
            .values(updated_at=now(), **fields)
        )
    return require(conn, row.name)


def list_all(conn: Connection) -> list[Row]:
    return list(conn.execute(sa.select(pacticipants).order_by(pacticipants.c.name)))


def delete(conn: Connection, row: Row) -> None:
    conn.execute(sa.delete(pacticipants).where(pacticipants.c.id == row.id))


def names_by_id(conn: Connection, ids: Iterable[int]) -> dict[int, str]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    rows = conn.execute(
        sa.select(pacticipants.c.id, pacticipants.c.name).where(pacticipants.c.id.in_(wanted))
    )
    return {row.id: row.name for row in rows}
