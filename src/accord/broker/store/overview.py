"""Read-only queries for the web UI's overview pages, batched so a page costs a few queries.

The API resources ask about one pact or one version at a time; a page that lists every
integration would turn that into one query per row. These functions answer the same
questions for many rows at once and never write.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.db.schema import verifications, versions
from accord.broker.store.common import Row

provider_versions = versions.alias("provider_version")


def latest_verifications(conn: Connection, pact_version_ids: Iterable[int]) -> dict[int, Row]:
    """The newest verification result of each pact content, with ``provider_version``.

    Verifications attach to content, so this is the status of every publication that
    shares it. Ids are creation order, so the newest is ``max(id)``.
    """
    wanted = sorted(set(pact_version_ids))
    if not wanted:
        return {}
    newest = (
        sa.select(sa.func.max(verifications.c.id))
        .where(verifications.c.pact_version_id.in_(wanted))
        .group_by(verifications.c.pact_version_id)
    )
    query: sa.Select[Any] = (
        sa.select(
            verifications.c.id,
            verifications.c.pact_version_id,
            verifications.c.success,
            verifications.c.created_at,
            verifications.c.build_url,
            provider_versions.c.number.label("provider_version"),
        )
        .join(provider_versions, provider_versions.c.id == verifications.c.provider_version_id)
        .where(verifications.c.id.in_(newest))
    )
    return {int(row.pact_version_id): row for row in conn.execute(query)}


def recent_version_numbers(conn: Connection, pacticipant_id: int, limit: int = 20) -> list[str]:
    """The newest version numbers of a pacticipant, newest first (form suggestions)."""
    return [
        str(number)
        for number in conn.execute(
            sa.select(versions.c.number)
            .where(versions.c.pacticipant_id == pacticipant_id)
            .order_by(versions.c.id.desc())
            .limit(limit)
        ).scalars()
    ]
