"""The webhook API: create (global or scoped), read, replace, delete, list, and test-execute.

Scoping follows the broker: in the body (``consumer``/``provider`` ``{name}``, an unknown
name is a 400, or ``{label}``, every pacticipant carrying it when an event fires, whether or
not any does yet) or in the path (``/webhooks/provider/{p}/consumer/{c}``, an unknown name is
a 404). ``POST /webhooks/{uuid}/execute`` sends the webhook once, now, with values from the
newest pact in its scope, and answers with what happened (no retries). It runs as a read
request and logs through a transaction of its own, so no database lock is held while the
target is called.
"""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any

from sqlalchemy.engine import Connection

from accord.broker.db.engine import Database
from accord.broker.http.errors import BadRequest, NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal, no_content
from accord.broker.http.routing import Router
from accord.broker.store import pacticipants
from accord.broker.store.common import Row
from accord.broker.urls import link
from accord.broker.webhooks import delivery, journal, logs, store, triggers, views
from accord.broker.webhooks.delivery import REDACTED
from accord.broker.webhooks.model import WebhookSpec
from accord.broker.webhooks.validation import parse_webhook

UUID = re.compile(r"^[A-Za-z0-9_-]{16,64}$")


def _find(conn: Connection, webhook_uuid: str) -> Row:
    row = store.find(conn, webhook_uuid)
    if row is None:
        raise NotFound(f"No webhook with uuid {webhook_uuid!r} found")
    return row


def _doc(req: Req, conn: Connection, row: Row) -> dict[str, Any]:
    return views.webhook(req.urls, row, store.events_for(conn, [row.id])[row.id])


def _scope_ids(conn: Connection, spec: WebhookSpec) -> tuple[int | None, int | None]:
    """Pacticipant ids for the spec's names; unknown names are a 400, as in the broker."""
    found = pacticipants.find_many(conn, [n for n in (spec.consumer, spec.provider) if n])
    errors: dict[str, list[str]] = {}
    ids: list[int | None] = []
    for role, name in (("consumer", spec.consumer), ("provider", spec.provider)):
        row = found.get(name) if name else None
        if name and row is None:
            errors[f"{role}.name"] = [f"No {role} with name {name!r} found"]
        ids.append(None if row is None else row.id)
    if errors:
        raise BadRequest(errors)
    return ids[0], ids[1]


def _path_scope(req: Req, conn: Connection) -> tuple[str | None, str | None]:
    consumer, provider = req.params.get("consumer"), req.params.get("provider")
    for name in (consumer, provider):
        if name is not None:
            pacticipants.require(conn, name)
    return consumer, provider


def create(req: Req, conn: Connection) -> Reply:
    consumer, provider = _path_scope(req, conn)
    spec = parse_webhook(req.json_object(), req.settings, consumer=consumer, provider=provider)
    row = store.create(conn, spec, *_scope_ids(conn, spec))
    doc = _doc(req, conn, row)
    return hal(doc, 201, {"Location": doc["_links"]["self"]["href"]})


def list_webhooks(req: Req, conn: Connection) -> Reply:
    consumer, provider = _path_scope(req, conn)
    ids = [pacticipants.require(conn, n).id if n else None for n in (consumer, provider)]
    rows = store.list_all(conn, consumer_id=ids[0], provider_id=ids[1])
    if consumer is not None or provider is not None:  # only those scoped to exactly this
        rows = [
            r
            for r in rows
            if (r.consumer, r.provider, r.consumer_label, r.provider_label)
            == (consumer, provider, None, None)
        ]
    events = store.events_for(conn, [r.id for r in rows])
    docs = [views.webhook(req.urls, r, events[r.id]) for r in rows]
    return hal(views.webhook_list(req.urls, req.urls(req.path), docs))


def get_webhook(req: Req, conn: Connection) -> Reply:
    return hal(_doc(req, conn, _find(conn, req.params["uuid"])))


def put_webhook(req: Req, conn: Connection) -> Reply:
    webhook_uuid = req.params["uuid"]
    existing = store.find(conn, webhook_uuid)
    if existing is None and not UUID.match(webhook_uuid):
        raise BadRequest(
            {"uuid": ["must be 16 to 64 letters, digits, '-' or '_' (e.g. a UUID's hex)"]}
        )
    spec = parse_webhook(req.json_object(), req.settings)
    if existing is not None:
        spec = _keep_secrets(spec, existing)
    ids = _scope_ids(conn, spec)
    if existing is None:
        row = store.create(conn, spec, *ids, webhook_uuid=webhook_uuid)
        return hal(_doc(req, conn, row), 201, {"Location": views.webhook_href(req.urls, row.uuid)})
    return hal(_doc(req, conn, store.replace(conn, existing, spec, *ids)))


def _keep_secrets(spec: WebhookSpec, row: Row) -> WebhookSpec:
    """A redacted placeholder sent back (read, edit, PUT) keeps the stored secret."""
    stored = store.template(row)
    request = spec.request
    headers = {
        k: stored.headers.get(k, v) if v == REDACTED else v for k, v in request.headers.items()
    }
    password = stored.password if request.password == REDACTED else request.password
    return replace(spec, request=replace(request, headers=headers, password=password))


def delete_webhook(req: Req, conn: Connection) -> Reply:
    store.delete(conn, _find(conn, req.params["uuid"]))
    return no_content()


def execute(req: Req, conn: Connection) -> Reply:
    row = _find(conn, req.params["uuid"])
    events = store.events_for(conn, [row.id])[row.id]
    values = triggers.manual_values(conn, req.urls, row, events)
    db = Database(conn.engine)  # our own transactions: the request's is read-only
    triggered_id = db.transaction(
        lambda c: journal.trigger(
            c,
            webhook_id=row.id,
            trigger_type="manual",
            event_name=values["eventName"],
            context=values,
            consumer_id=row.consumer_id,
            provider_id=row.provider_id,
        ),
        write=True,
    )
    outcome = delivery.attempt(db, req.settings, triggered_id, retry=False)
    assert outcome is not None
    triggered, executions = db.transaction(
        lambda c: (journal.find(c, triggered_id), journal.executions(c, [triggered_id])),
        write=False,
    )
    assert triggered is not None
    doc = views.triggered(req.urls, triggered)
    result = outcome.attempt
    body = {
        "success": result.success,
        "request": result.request,
        "response": result.response,
        "error": result.error,
        "logs": views.log_text([views.execution(e) for e in executions[triggered_id]]),
        "_embedded": {"triggeredWebhook": doc},
        "_links": {
            "pb:webhook": link(views.webhook_href(req.urls, row.uuid), title="Webhook"),
            "pb:logs": doc["_links"]["pb:logs"],
            "try-again": link(req.urls(req.path), title="Execute the webhook again"),
        },
    }
    return hal(body)


def register(router: Router) -> None:
    for path in (
        "/webhooks",
        "/webhooks/provider/{provider}/consumer/{consumer}",
        "/webhooks/provider/{provider}",
        "/webhooks/consumer/{consumer}",
    ):
        router.get(path, list_webhooks)
        router.add("POST", path, create, write=True)
    router.get("/webhooks/{uuid}", get_webhook)
    router.add("PUT", "/webhooks/{uuid}", put_webhook, write=True)
    router.add("DELETE", "/webhooks/{uuid}", delete_webhook, write=True)
    router.add("POST", "/webhooks/{uuid}/execute", execute)  # read: logs via its own writes
    logs.register(router)
