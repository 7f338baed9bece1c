"""Verification results, attached to pact *content* (a pact version), not to a publication."""

from __future__ import annotations

import json
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.db.schema import pact_versions, verifications, versions
from accord.broker.store.common import Row

provider_versions = versions.alias("provider_version")

COLUMNS = (
    verifications,
    provider_versions.c.number.label("provider_version"),
    pact_versions.c.sha,
)


def _select() -> sa.Select[Any]:
    return sa.select(*COLUMNS).select_from(
        verifications.join(
            provider_versions, provider_versions.c.id == verifications.c.provider_version_id
        ).join(pact_versions, pact_versions.c.id == verifications.c.pact_version_id)
    )


def create(
    conn: Connection,
    *,
    pact_version_id: int,
    consumer_id: int,
    provider_id: int,
    provider_version_id: int,
    success: bool,
    build_url: str | None,
    test_results: Any,
    verified_by: dict[str, Any],
    wip: bool,
    pending: bool | None,
) -> Row:
    new_id = conn.execute(
        sa.insert(verifications)
        .values(
            pact_version_id=pact_version_id,
            consumer_id=consumer_id,
            provider_id=provider_id,
            provider_version_id=provider_version_id,
            success=success,
            build_url=build_url,
            test_results=None if test_results is None else json.dumps(test_results),
            verified_by_implementation=_str(verified_by.get("implementation")),
            verified_by_version=_str(verified_by.get("version")),
            wip=wip,
            pending=pending,
            created_at=now(),
        )
        .returning(verifications.c.id)
    ).scalar_one()
    found = find(conn, int(new_id))
    assert found is not None
    return found


def _str(value: Any) -> str | None:
    return None if value is None else str(value)


def find(conn: Connection, verification_id: int) -> Row | None:
    return conn.execute(_select().where(verifications.c.id == verification_id)).first()


def latest_for_pact_version(conn: Connection, pact_version_id: int) -> Row | None:
    return conn.execute(
        _select()
        .where(verifications.c.pact_version_id == pact_version_id)
        .order_by(verifications.c.id.desc())
        .limit(1)
    ).first()
