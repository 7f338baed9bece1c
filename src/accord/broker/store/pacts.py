"""Pact publications (consumer version × provider → content) and the content itself.

``pact_versions`` holds each distinct content once per consumer/provider pair, keyed by its
SHA (see :mod:`accord.broker.content`); ``pact_publications`` links a consumer version to
one of them. Verification results hang off the content, so publishing content that was
already verified for another consumer version is verified at once.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.content import MergeConflict, PactContent, merge, prepare
from accord.broker.db.schema import (
    branch_versions,
    branches,
    integrations,
    pact_publications,
    pact_versions,
    pacticipants,
    tags,
    versions,
)
from accord.broker.http.errors import Conflict
from accord.broker.store.common import Row, insert_ignore, upsert

consumers = pacticipants.alias("consumer")
providers = pacticipants.alias("provider")

# One row per publication with everything a pact response needs.
PACT_COLUMNS = (
    pact_publications.c.id,
    pact_publications.c.consumer_id,
    pact_publications.c.provider_id,
    pact_publications.c.consumer_version_id,
    pact_publications.c.revision,
    pact_publications.c.created_at,
    pact_publications.c.updated_at,
    pact_versions.c.id.label("pact_version_id"),
    pact_versions.c.sha,
    pact_versions.c.interactions_count,
    versions.c.number.label("consumer_version"),
    consumers.c.name.label("consumer"),
    providers.c.name.label("provider"),
)


def pact_select(*, content: bool = True) -> sa.Select[Any]:
    columns = (*PACT_COLUMNS, pact_versions.c.content) if content else PACT_COLUMNS
    return sa.select(*columns).select_from(
        pact_publications.join(
            pact_versions, pact_versions.c.id == pact_publications.c.pact_version_id
        )
        .join(versions, versions.c.id == pact_publications.c.consumer_version_id)
        .join(consumers, consumers.c.id == pact_publications.c.consumer_id)
        .join(providers, providers.c.id == pact_publications.c.provider_id)
    )


@dataclass(frozen=True, slots=True)
class Published:
    sha: str
    outcome: str
    """``created``, ``unchanged``, ``updated`` or ``merged``."""
    content_changed: bool


def publish(
    conn: Connection,
    *,
    consumer: Row,
    provider: Row,
    version: Row,
    content: PactContent,
    merge_content: bool,
    allow_modification: bool,
) -> Published:
    """Create or change the publication for (consumer version, provider).

    Four statements in the common case (a new version with new content): find the
    previous publication, store the content, insert the publication, touch the
    integration.
    """
    previous = conn.execute(
        sa.select(
            pact_publications.c.id,
            pact_publications.c.consumer_version_id,
            pact_publications.c.pact_version_id,
            pact_publications.c.revision,
            pact_versions.c.sha,
        )
        .join(pact_versions, pact_versions.c.id == pact_publications.c.pact_version_id)
        .where(
            pact_publications.c.consumer_id == consumer.id,
            pact_publications.c.provider_id == provider.id,
            pact_publications.c.consumer_version_id <= version.id,
        )
        .order_by(pact_publications.c.consumer_version_id.desc())
        .limit(1)
    ).first()
    existing = (
        previous if previous is not None and previous.consumer_version_id == version.id else None
    )
    if existing is not None and merge_content:
        old = content_by_id(conn, existing.pact_version_id)
        try:
            content = prepare(merge(json.loads(old), content.doc))
        except MergeConflict as exc:
            raise Conflict(str(exc), field="contracts") from exc
    stamp = now()
    if existing is not None and existing.sha == content.sha:
        outcome = "unchanged"
    elif existing is not None and not (merge_content or allow_modification):
        raise Conflict(
            f"Cannot change the content of the pact for {consumer.name} version {version.number} "
            f"and provider {provider.name}, as race conditions will cause unreliable results "
            "for can-i-deploy. Each pact must be published with a unique consumer version "
            "number.",
            field="contracts",
        )
    else:
        pact_version_id = _content_id(conn, consumer.id, provider.id, content)
        if existing is None:
            conn.execute(
                sa.insert(pact_publications),
                {
                    "consumer_id": consumer.id,
                    "provider_id": provider.id,
                    "consumer_version_id": version.id,
                    "pact_version_id": pact_version_id,
                    "revision": 1,
                    "created_at": stamp,
                    "updated_at": stamp,
                },
            )
            outcome = "created"
        else:
            conn.execute(
                sa.update(pact_publications)
                .where(pact_publications.c.id == existing.id)
                .values(
                    pact_version_id=pact_version_id,
                    revision=existing.revision + 1,
                    updated_at=stamp,
                )
            )
            outcome = "merged" if merge_content else "updated"
    _touch_integration(conn, consumer.id, provider.id, stamp)
    previous_sha = previous.sha if previous is not None else None
    return Published(content.sha, outcome, previous_sha != content.sha)


def _content_id(conn: Connection, consumer_id: int, provider_id: int, content: PactContent) -> int:
    created = insert_ignore(
        conn,
        pact_versions,
        [
            {
                "consumer_id": consumer_id,
                "provider_id": provider_id,
                "sha": content.sha,
                "content": content.text,
                "interactions_count": content.interactions_count,
                "created_at": now(),
            }
        ],
        ["consumer_id", "provider_id", "sha"],
    )
    if created:
        return int(created[0].id)
    found = conn.execute(
        sa.select(pact_versions.c.id).where(
            pact_versions.c.consumer_id == consumer_id,
            pact_versions.c.provider_id == provider_id,
            pact_versions.c.sha == content.sha,
        )
    ).scalar_one()
    return int(found)


def _touch_integration(conn: Connection, consumer_id: int, provider_id: int, stamp: Any) -> None:
    upsert(
        conn,
        integrations,
        {
            "consumer_id": consumer_id,
            "provider_id": provider_id,
            "created_at": stamp,
            "contract_data_updated_at": stamp,
        },
        ["consumer_id", "provider_id"],
        ["contract_data_updated_at"],
    )


def content_by_id(conn: Connection, pact_version_id: int) -> str:
    return str(
        conn.execute(
            sa.select(pact_versions.c.content).where(pact_versions.c.id == pact_version_id)
        ).scalar_one()
    )


# --- finding pacts ------------------------------------------------------------------------


def _pair(query: sa.Select[Any], provider: Row, consumer: Row) -> sa.Select[Any]:
    return query.where(
        pact_publications.c.provider_id == provider.id,
        pact_publications.c.consumer_id == consumer.id,
    )


def for_version(conn: Connection, provider: Row, consumer: Row, version_id: int) -> Row | None:
    return conn.execute(
        _pair(pact_select(), provider, consumer).where(
            pact_publications.c.consumer_version_id == version_id
        )
    ).first()


def latest(
    conn: Connection,
    provider: Row,
    consumer: Row,
    *,
    tag: str | None = None,
    branch: str | None = None,
    untagged: bool = False,
) -> Row | None:
    """The publication of the newest consumer version (optionally with a tag or branch)."""
    query = _pair(pact_select(), provider, consumer)
    if tag is not None:
        query = query.where(
            sa.exists().where(
                tags.c.version_id == pact_publications.c.consumer_version_id, tags.c.name == tag
            )
        )
    if untagged:
        query = query.where(
            ~sa.exists().where(tags.c.version_id == pact_publications.c.consumer_version_id)
        )
    if branch is not None:
        query = query.where(
            sa.exists()
            .where(branch_versions.c.version_id == pact_publications.c.consumer_version_id)
            .where(branches.c.id == branch_versions.c.branch_id, branches.c.name == branch)
        )
    return conn.execute(
        query.order_by(pact_publications.c.consumer_version_id.desc()).limit(1)
    ).first()


def for_consumer_version(conn: Connection, version_id: int) -> list[Row]:
    return list(
        conn.execute(
            pact_select(content=False)
            .where(pact_publications.c.consumer_version_id == version_id)
            .order_by(providers.c.name)
        )
    )


def by_sha(conn: Connection, provider: Row, consumer: Row, sha: str) -> Row | None:
    """The content with this SHA, as published by the newest consumer version that has it."""
    return conn.execute(
        _pair(pact_select(), provider, consumer)
        .where(pact_versions.c.sha == sha)
        .order_by(pact_publications.c.consumer_version_id.desc())
        .limit(1)
    ).first()


def list_for_pair(conn: Connection, provider: Row, consumer: Row) -> list[Row]:
    return list(
        conn.execute(
            _pair(pact_select(content=False), provider, consumer).order_by(
                pact_publications.c.consumer_version_id.desc()
            )
        )
    )


def previous_distinct(conn: Connection, pact: Row) -> Row | None:
    """The newest earlier publication for the pair whose content differs."""
    return conn.execute(
        pact_select()
        .where(
            pact_publications.c.provider_id == pact.provider_id,
            pact_publications.c.consumer_id == pact.consumer_id,
            pact_publications.c.consumer_version_id < pact.consumer_version_id,
            pact_versions.c.sha != pact.sha,
        )
        .order_by(pact_publications.c.consumer_version_id.desc())
        .limit(1)
    ).first()


def latest_per_pair(
    conn: Connection, provider_id: int | None = None, tag: str | None = None
) -> list[Row]:
    """The newest publication of every consumer/provider pair (optionally for one provider)."""
    newest = sa.select(
        pact_publications.c.consumer_id,
        pact_publications.c.provider_id,
        sa.func.max(pact_publications.c.consumer_version_id).label("version_id"),
    )
    if provider_id is not None:
        newest = newest.where(pact_publications.c.provider_id == provider_id)
    if tag is not None:
        newest = newest.where(
            sa.exists().where(
                tags.c.version_id == pact_publications.c.consumer_version_id, tags.c.name == tag
            )
        )
    sub = newest.group_by(
        pact_publications.c.consumer_id, pact_publications.c.provider_id
    ).subquery()
    query = pact_select(content=False).join(
        sub,
        sa.and_(
            sub.c.provider_id == pact_publications.c.provider_id,
            sub.c.version_id == pact_publications.c.consumer_version_id,
        ),
    )
    return list(conn.execute(query.order_by(consumers.c.name, providers.c.name)))


def publications(
    conn: Connection,
    provider_id: int,
    *,
    consumer_id: int | None = None,
    tag: str | None = None,
    branch: str | None = None,
    main_branch: bool = False,
    latest: bool = False,
) -> list[Row]:
    """The provider's publications filtered by consumer, consumer tag or branch (the
    consumer's main branch with ``main_branch``); only the newest per consumer with
    ``latest``."""
    conditions: list[Any] = [pact_publications.c.provider_id == provider_id]
    if consumer_id is not None:
        conditions.append(pact_publications.c.consumer_id == consumer_id)
    if tag is not None:
        conditions.append(
            sa.exists().where(
                tags.c.version_id == pact_publications.c.consumer_version_id, tags.c.name == tag
            )
        )
    if branch is not None or main_branch:
        name: Any = branch
        if main_branch:
            name = (
                sa.select(pacticipants.c.main_branch)
                .where(pacticipants.c.id == pact_publications.c.consumer_id)
                .correlate(pact_publications)
                .scalar_subquery()
            )
        conditions.append(
            sa.exists()
            .where(branch_versions.c.version_id == pact_publications.c.consumer_version_id)
            .where(branches.c.id == branch_versions.c.branch_id, branches.c.name == name)
        )
    if latest:
        newest = (
            sa.select(sa.func.max(pact_publications.c.consumer_version_id))
            .where(*conditions)
            .group_by(pact_publications.c.consumer_id)
        )
        conditions = [
            pact_publications.c.provider_id == provider_id,
            pact_publications.c.consumer_version_id.in_(newest),
        ]
    query = pact_select(content=False).where(*conditions)
    return list(
        conn.execute(
            query.order_by(consumers.c.name, pact_publications.c.consumer_version_id.desc())
        )
    )


def delete_publication(conn: Connection, publication_id: int) -> None:
    conn.execute(sa.delete(pact_publications).where(pact_publications.c.id == publication_id))


def delete_pair(conn: Connection, provider_id: int, consumer_id: int) -> None:
    """Every publication and every content for the pair (verifications cascade)."""
    conn.execute(
        sa.delete(pact_publications).where(
            pact_publications.c.provider_id == provider_id,
            pact_publications.c.consumer_id == consumer_id,
        )
    )
    conn.execute(
        sa.delete(pact_versions).where(
            pact_versions.c.provider_id == provider_id,
            pact_versions.c.consumer_id == consumer_id,
        )
    )


def integration_rows(conn: Connection) -> list[Row]:
    ints = integrations
    return list(
        conn.execute(
            sa.select(
                ints.c.consumer_id,
                ints.c.provider_id,
                ints.c.created_at,
                ints.c.contract_data_updated_at,
                consumers.c.name.label("consumer"),
                providers.c.name.label("provider"),
            )
            .join(consumers, consumers.c.id == ints.c.consumer_id)
            .join(providers, providers.c.id == ints.c.provider_id)
            .order_by(consumers.c.name, providers.c.name)
        )
    )


def delete_integration(conn: Connection, provider_id: int, consumer_id: int) -> None:
    delete_pair(conn, provider_id, consumer_id)
    conn.execute(
        sa.delete(integrations).where(
            integrations.c.provider_id == provider_id, integrations.c.consumer_id == consumer_id
        )
    )
