"""What happened when webhooks fired: triggered webhooks and every attempt (execution).

A triggered webhook is created (``pending``) in its own transaction before the first
attempt, so it is visible even if the process stops before sending. Each attempt adds an
execution row and moves the status on, in one transaction: ``success``, ``retrying`` (with
the time of the next attempt) or ``failure`` once the retry schedule is used up.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.db.schema import pacticipants, triggered_webhooks, webhook_executions, webhooks
from accord.broker.store.common import Row
from accord.broker.webhooks.model import PENDING

consumers = pacticipants.alias("trigger_consumer")
providers = pacticipants.alias("trigger_provider")


@dataclass(frozen=True, slots=True)
class Attempt:
    """One execution, as recorded: the request and response are redacted summaries."""

    success: bool
    request: dict[str, Any]
    response: dict[str, Any] | None
    error: str | None
    duration_ms: int | None


def _select() -> sa.Select[Any]:
    return sa.select(
        triggered_webhooks,
        webhooks.c.uuid.label("webhook_uuid"),
        consumers.c.name.label("consumer"),
        providers.c.name.label("provider"),
    ).select_from(
        triggered_webhooks.join(webhooks, webhooks.c.id == triggered_webhooks.c.webhook_id)
        .outerjoin(consumers, consumers.c.id == triggered_webhooks.c.consumer_id)
        .outerjoin(providers, providers.c.id == triggered_webhooks.c.provider_id)
    )


def trigger(
    conn: Connection,
    *,
    webhook_id: int,
    trigger_type: str,
    event_name: str,
    context: dict[str, str],
    consumer_id: int | None,
    provider_id: int | None,
) -> int:
    stamp = now()
    return int(
        conn.execute(
            sa.insert(triggered_webhooks)
            .values(
                uuid=uuidlib.uuid4().hex,
                webhook_id=webhook_id,
                trigger_type=trigger_type,
                event_name=event_name,
                context=json.dumps(context),
                consumer_id=consumer_id,
                provider_id=provider_id,
                status=PENDING,
                attempts=0,
                next_attempt_at=stamp,
                created_at=stamp,
                updated_at=stamp,
            )
            .returning(triggered_webhooks.c.id)
        ).scalar_one()
    )


def find(conn: Connection, triggered_id: int) -> Row | None:
    return conn.execute(_select().where(triggered_webhooks.c.id == triggered_id)).first()


def find_by_uuid(conn: Connection, triggered_uuid: str) -> Row | None:
    return conn.execute(_select().where(triggered_webhooks.c.uuid == triggered_uuid)).first()


def recent(
    conn: Connection,
    *,
    webhook_id: int | None = None,
    consumer_id: int | None = None,
    provider_id: int | None = None,
    limit: int = 100,
) -> list[Row]:
    """The newest triggered webhooks first, for one webhook or one consumer/provider pair."""
    query = _select()
    if webhook_id is not None:
        query = query.where(triggered_webhooks.c.webhook_id == webhook_id)
    if consumer_id is not None:
        query = query.where(triggered_webhooks.c.consumer_id == consumer_id)
    if provider_id is not None:
        query = query.where(triggered_webhooks.c.provider_id == provider_id)
    return list(conn.execute(query.order_by(triggered_webhooks.c.id.desc()).limit(limit)))


def record(
    conn: Connection, row: Row, attempt: Attempt, status: str, next_attempt_at: datetime | None
) -> None:
    """Log one attempt and move the triggered webhook to ``status``, atomically."""
    stamp = now()
    number = row.attempts + 1
    conn.execute(
        sa.insert(webhook_executions).values(
            triggered_webhook_id=row.id,
            attempt=number,
            success=attempt.success,
            request=json.dumps(attempt.request),
            response=None if attempt.response is None else json.dumps(attempt.response),
            error=attempt.error,
            duration_ms=attempt.duration_ms,
            created_at=stamp,
        )
    )
    conn.execute(
        sa.update(triggered_webhooks)
        .where(triggered_webhooks.c.id == row.id)
        .values(status=status, attempts=number, next_attempt_at=next_attempt_at, updated_at=stamp)
    )


def executions(conn: Connection, triggered_ids: Iterable[int]) -> dict[int, list[Row]]:
    wanted = sorted(set(triggered_ids))
    out: dict[int, list[Row]] = defaultdict(list)
    if wanted:
        rows = conn.execute(
            sa.select(webhook_executions)
            .where(webhook_executions.c.triggered_webhook_id.in_(wanted))
            .order_by(webhook_executions.c.triggered_webhook_id, webhook_executions.c.id)
        )
        for row in rows:
            out[row.triggered_webhook_id].append(row)
    return out
