"""Environments, and the versions deployed to or released in them.

A deployment replaces the previous one of the same pacticipant and application instance in
the environment (enforced by a partial unique index on currently deployed rows); releases
accumulate until their support ends.
"""

from __future__ import annotations

import json
import uuid
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.db.schema import deployed_versions, environments, released_versions
from accord.broker.http.errors import NotFound
from accord.broker.store.common import Row


def find(conn: Connection, env_uuid: str) -> Row | None:
    return conn.execute(sa.select(environments).where(environments.c.uuid == env_uuid)).first()


def require(conn: Connection, env_uuid: str) -> Row:
    row = find(conn, env_uuid)
    if row is None:
        raise NotFound(f"No environment with uuid '{env_uuid}' found")
    return row


def find_by_name(conn: Connection, name: str) -> Row | None:
    return conn.execute(sa.select(environments).where(environments.c.name == name)).first()


def list_all(conn: Connection) -> list[Row]:
    return list(conn.execute(sa.select(environments).order_by(environments.c.name)))


def by_ids(conn: Connection, ids: Iterable[int]) -> dict[int, Row]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {
        r.id: r for r in conn.execute(sa.select(environments).where(environments.c.id.in_(wanted)))
    }


def create(conn: Connection, fields: dict[str, Any], env_uuid: str | None = None) -> Row:
    stamp = now()
    new_uuid = env_uuid or str(uuid.uuid4())
    conn.execute(
        sa.insert(environments).values(
            uuid=new_uuid, created_at=stamp, updated_at=stamp, **_columns(fields)
        )
    )
    return require(conn, new_uuid)


def update(conn: Connection, row: Row, fields: dict[str, Any]) -> Row:
    conn.execute(
        sa.update(environments)
        .where(environments.c.id == row.id)
        .values(updated_at=now(), **_columns(fields))
    )
    return require(conn, row.uuid)


def _columns(fields: dict[str, Any]) -> dict[str, Any]:
    out = dict(fields)
    if "contacts" in out:
        out["contacts"] = None if out["contacts"] is None else json.dumps(out["contacts"])
    return out


def delete(conn: Connection, row: Row) -> None:
    conn.execute(sa.delete(environments).where(environments.c.id == row.id))


# --- deployments --------------------------------------------------------------------------


def record_deployment(
    conn: Connection, version: Row, environment: Row, instance: str | None
) -> Row:
    """Deploy; undeploys the version previously in that slot; idempotent for the same version."""
    key = instance or ""
    current = conn.execute(
        sa.select(deployed_versions).where(
            deployed_versions.c.pacticipant_id == version.pacticipant_id,
            deployed_versions.c.environment_id == environment.id,
            deployed_versions.c.instance_key == key,
            deployed_versions.c.currently_deployed.is_(True),
        )
    ).first()
    if current is not None and current.version_id == version.id:
        return current
    stamp = now()
    if current is not None:
        conn.execute(
            sa.update(deployed_versions)
            .where(deployed_versions.c.id == current.id)
            .values(currently_deployed=False, undeployed_at=stamp, updated_at=stamp)
        )
    new_uuid = str(uuid.uuid4())
    conn.execute(
        sa.insert(deployed_versions).values(
            uuid=new_uuid,
            version_id=version.id,
            pacticipant_id=version.pacticipant_id,
            environment_id=environment.id,
            application_instance=instance,
            instance_key=key,
            currently_deployed=True,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    found = find_deployed(conn, new_uuid)
    assert found is not None
    return found


def find_deployed(conn: Connection, dv_uuid: str) -> Row | None:
    return conn.execute(
        sa.select(deployed_versions).where(deployed_versions.c.uuid == dv_uuid)
    ).first()


def undeploy(conn: Connection, row: Row) -> Row:
    if row.currently_deployed:
        stamp = now()
        conn.execute(
            sa.update(deployed_versions)
            .where(deployed_versions.c.id == row.id)
            .values(currently_deployed=False, undeployed_at=stamp, updated_at=stamp)
        )
    found = find_deployed(conn, row.uuid)
    assert found is not None
    return found


def deployed_for_version(
    conn: Connection, version_id: int, environment_id: int | None = None
) -> list[Row]:
    query = sa.select(deployed_versions).where(deployed_versions.c.version_id == version_id)
    if environment_id is not None:
        query = query.where(deployed_versions.c.environment_id == environment_id)
    return list(conn.execute(query.order_by(deployed_versions.c.id)))


def currently_deployed(
    conn: Connection, environment_id: int, pacticipant_id: int | None
) -> list[Row]:
    query = sa.select(deployed_versions).where(
        deployed_versions.c.environment_id == environment_id,
        deployed_versions.c.currently_deployed.is_(True),
    )
    if pacticipant_id is not None:
        query = query.where(deployed_versions.c.pacticipant_id == pacticipant_id)
    return list(conn.execute(query.order_by(deployed_versions.c.id)))


# --- releases -----------------------------------------------------------------------------


def record_release(conn: Connection, version: Row, environment: Row) -> tuple[Row, bool]:
    existing = conn.execute(
        sa.select(released_versions).where(
            released_versions.c.version_id == version.id,
            released_versions.c.environment_id == environment.id,
        )
    ).first()
    if existing is not None:
        if existing.support_ended_at is not None:
            conn.execute(
                sa.update(released_versions)
                .where(released_versions.c.id == existing.id)
                .values(support_ended_at=None, updated_at=now())
            )
        found = find_released(conn, existing.uuid)
        assert found is not None
        return found, False
    stamp = now()
    new_uuid = str(uuid.uuid4())
    conn.execute(
        sa.insert(released_versions).values(
            uuid=new_uuid,
            version_id=version.id,
            pacticipant_id=version.pacticipant_id,
            environment_id=environment.id,
            created_at=stamp,
            updated_at=stamp,
        )
    )
    found = find_released(conn, new_uuid)
    assert found is not None
    return found, True


def find_released(conn: Connection, rv_uuid: str) -> Row | None:
    return conn.execute(
        sa.select(released_versions).where(released_versions.c.uuid == rv_uuid)
    ).first()


def end_support(conn: Connection, row: Row) -> Row:
    if row.support_ended_at is None:
        stamp = now()
        conn.execute(
            sa.update(released_versions)
            .where(released_versions.c.id == row.id)
            .values(support_ended_at=stamp, updated_at=stamp)
        )
    found = find_released(conn, row.uuid)
    assert found is not None
    return found


def released_for_version(
    conn: Connection, version_id: int, environment_id: int | None = None
) -> list[Row]:
    query = sa.select(released_versions).where(released_versions.c.version_id == version_id)
    if environment_id is not None:
        query = query.where(released_versions.c.environment_id == environment_id)
    return list(conn.execute(query.order_by(released_versions.c.id)))


def currently_supported(
    conn: Connection, environment_id: int, pacticipant_id: int | None
) -> list[Row]:
    query = sa.select(released_versions).where(
        released_versions.c.environment_id == environment_id,
        released_versions.c.support_ended_at.is_(None),
    )
    if pacticipant_id is not None:
        query = query.where(released_versions.c.pacticipant_id == pacticipant_id)
    return list(conn.execute(query.order_by(released_versions.c.id)))


def environments_of_versions(conn: Connection, version_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Where each version currently is (deployed or supported), for many versions at once."""
    wanted = sorted(set(version_ids))
    out: dict[int, list[Row]] = defaultdict(list)
    if not wanted:
        return out
    deployed = sa.select(deployed_versions.c.version_id, deployed_versions.c.environment_id).where(
        deployed_versions.c.version_id.in_(wanted), deployed_versions.c.currently_deployed.is_(True)
    )
    released = sa.select(released_versions.c.version_id, released_versions.c.environment_id).where(
        released_versions.c.version_id.in_(wanted), released_versions.c.support_ended_at.is_(None)
    )
    union = sa.union(deployed, released).subquery()
    rows = conn.execute(
        sa.select(union.c.version_id, environments)
        .join(environments, environments.c.id == union.c.environment_id)
        .order_by(union.c.version_id, environments.c.name)
    )
    for row in rows:
        out[row.version_id].append(row)
    return out


def versions_in_environment(
    conn: Connection, environment_id: int, pacticipant_ids: Iterable[int] | None = None
) -> list[tuple[int, int]]:
    """(pacticipant_id, version_id) of every version currently deployed or supported there."""
    deployed = sa.select(deployed_versions.c.pacticipant_id, deployed_versions.c.version_id).where(
        deployed_versions.c.environment_id == environment_id,
        deployed_versions.c.currently_deployed.is_(True),
    )
    released = sa.select(released_versions.c.pacticipant_id, released_versions.c.version_id).where(
        released_versions.c.environment_id == environment_id,
        released_versions.c.support_ended_at.is_(None),
    )
    if pacticipant_ids is not None:
        ids = sorted(set(pacticipant_ids))
        deployed = deployed.where(deployed_versions.c.pacticipant_id.in_(ids))
        released = released.where(released_versions.c.pacticipant_id.in_(ids))
    return [(r[0], r[1]) for r in conn.execute(sa.union(deployed, released))]
