"""Webhooks in the database: create, replace, find, list, delete, and match to an event.

A webhook's events live in ``webhook_events`` so "which enabled webhooks listen for these
events on this pair" is one indexed query: the question asked after every publication and
verification, which must stay cheap when there are no webhooks at all. A side scoped by a
label matches the pacticipants carrying it *when the question is asked*, so labelling a
pacticipant later brings it under existing webhooks.
"""

from __future__ import annotations

import json
import uuid as uuidlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.db.schema import labels, pacticipants, webhook_events, webhooks
from accord.broker.store.common import Row
from accord.broker.webhooks.model import RequestTemplate, WebhookSpec

consumers = pacticipants.alias("webhook_consumer")
providers = pacticipants.alias("webhook_provider")


def _select() -> sa.Select[Any]:
    return sa.select(
        webhooks,
        consumers.c.name.label("consumer"),
        providers.c.name.label("provider"),
    ).select_from(
        webhooks.outerjoin(consumers, consumers.c.id == webhooks.c.consumer_id).outerjoin(
            providers, providers.c.id == webhooks.c.provider_id
        )
    )


def new_uuid() -> str:
    return uuidlib.uuid4().hex


def _columns(spec: WebhookSpec, consumer_id: int | None, provider_id: int | None) -> dict[str, Any]:
    request = spec.request
    return {
        "description": spec.description,
        "consumer_id": consumer_id,
        "provider_id": provider_id,
        "consumer_label": spec.consumer_label,
        "provider_label": spec.provider_label,
        "enabled": spec.enabled,
        "method": request.method,
        "url": request.url,
        "headers": json.dumps(request.headers),
        "body": None if request.body is None else json.dumps(request.body),
        "username": request.username,
        "password": request.password,
    }


def create(
    conn: Connection,
    spec: WebhookSpec,
    consumer_id: int | None,
    provider_id: int | None,
    webhook_uuid: str | None = None,
) -> Row:
    stamp = now()
    webhook_uuid = webhook_uuid or new_uuid()
    webhook_id = conn.execute(
        sa.insert(webhooks)
        .values(
            uuid=webhook_uuid,
            created_at=stamp,
            updated_at=stamp,
            **_columns(spec, consumer_id, provider_id),
        )
        .returning(webhooks.c.id)
    ).scalar_one()
    _set_events(conn, int(webhook_id), spec.events)
    return require(conn, webhook_uuid)


def replace(
    conn: Connection, row: Row, spec: WebhookSpec, consumer_id: int | None, provider_id: int | None
) -> Row:
    conn.execute(
        sa.update(webhooks)
        .where(webhooks.c.id == row.id)
        .values(updated_at=now(), **_columns(spec, consumer_id, provider_id))
    )
    conn.execute(sa.delete(webhook_events).where(webhook_events.c.webhook_id == row.id))
    _set_events(conn, row.id, spec.events)
    return require(conn, row.uuid)


def _set_events(conn: Connection, webhook_id: int, names: Iterable[str]) -> None:
    rows = [{"webhook_id": webhook_id, "name": name} for name in names]
    if rows:
        conn.execute(sa.insert(webhook_events), rows)


def find(conn: Connection, webhook_uuid: str) -> Row | None:
    return conn.execute(_select().where(webhooks.c.uuid == webhook_uuid)).first()


def require(conn: Connection, webhook_uuid: str) -> Row:
    row = find(conn, webhook_uuid)
    assert row is not None, webhook_uuid
    return row


def by_id(conn: Connection, webhook_id: int) -> Row | None:
    return conn.execute(_select().where(webhooks.c.id == webhook_id)).first()


def list_all(
    conn: Connection, *, consumer_id: int | None = None, provider_id: int | None = None
) -> list[Row]:
    """All webhooks, or those that apply to a consumer and/or provider (global ones too)."""
    query = _select()
    if consumer_id is not None:
        query = query.where(
            _applies(webhooks.c.consumer_id, webhooks.c.consumer_label, consumer_id)
        )
    if provider_id is not None:
        query = query.where(
            _applies(webhooks.c.provider_id, webhooks.c.provider_label, provider_id)
        )
    return list(conn.execute(query.order_by(webhooks.c.id)))


def _applies(
    id_column: sa.Column[int], label_column: sa.Column[str], pacticipant_id: int
) -> sa.ColumnElement[bool]:
    """A webhook side that covers the pacticipant: unscoped, naming it, or naming a label it
    carries now."""
    carried = sa.select(labels.c.name).where(labels.c.pacticipant_id == pacticipant_id)
    return sa.or_(
        sa.and_(id_column.is_(None), label_column.is_(None)),
        id_column == pacticipant_id,
        label_column.in_(carried),
    )


def events_for(conn: Connection, webhook_ids: Iterable[int]) -> dict[int, list[str]]:
    wanted = sorted(set(webhook_ids))
    out: dict[int, list[str]] = defaultdict(list)
    if wanted:
        rows = conn.execute(
            sa.select(webhook_events.c.webhook_id, webhook_events.c.name)
            .where(webhook_events.c.webhook_id.in_(wanted))
            .order_by(webhook_events.c.id)
        )
        for webhook_id, name in rows:
            out[webhook_id].append(name)
    return out


def delete(conn: Connection, row: Row) -> None:
    conn.execute(sa.delete(webhooks).where(webhooks.c.id == row.id))


def listening(
    conn: Connection,
    consumer_id: int,
    provider_id: int,
    event_names: Iterable[str],
    *,
    created_by: datetime,
) -> list[tuple[Row, str]]:
    """(enabled webhook, event name) for every webhook on the pair that hears one of them,
    among those created by ``created_by``."""
    names = sorted(set(event_names))
    rows = conn.execute(
        _select()
        .add_columns(webhook_events.c.name.label("event_name"))
        .join(webhook_events, webhook_events.c.webhook_id == webhooks.c.id)
        .where(
            webhooks.c.enabled.is_(True),
            webhooks.c.created_at <= created_by,
            webhook_events.c.name.in_(names),
            _applies(webhooks.c.consumer_id, webhooks.c.consumer_label, consumer_id),
            _applies(webhooks.c.provider_id, webhooks.c.provider_label, provider_id),
        )
        .order_by(webhooks.c.id, webhook_events.c.id)
    )
    return [(row, row.event_name) for row in rows]


def template(row: Row) -> RequestTemplate:
    """The stored request, as :mod:`.templates` renders it."""
    return RequestTemplate(
        method=row.method,
        url=row.url,
        headers=json.loads(row.headers),
        body=None if row.body is None else json.loads(row.body),
        username=row.username,
        password=row.password,
    )
