"""Reading back what webhooks did: triggered webhooks, their attempts, and a pact's status.

``GET /triggered-webhooks/{uuid}/logs`` has every attempt with the request as sent (secrets
redacted) and the response or error, as data and as text; ``.../webhooks/status`` on a pact
answers "did the webhooks for this pair work?" with the newest firing of each.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from accord.broker.http.errors import NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal
from accord.broker.http.routing import Router
from accord.broker.store import pacticipants
from accord.broker.store.common import Row
from accord.broker.urls import link
from accord.broker.webhooks import journal, store, views
from accord.broker.webhooks.model import FAILURE, PENDING, RETRYING, SUCCESS

PAIR = "/pacts/provider/{provider}/consumer/{consumer}"


def _triggered(conn: Connection, triggered_uuid: str) -> Row:
    row = journal.find_by_uuid(conn, triggered_uuid)
    if row is None:
        raise NotFound(f"No triggered webhook with uuid {triggered_uuid!r} found")
    return row


def get_triggered(req: Req, conn: Connection) -> Reply:
    return hal(views.triggered(req.urls, _triggered(conn, req.params["uuid"])))


def get_logs(req: Req, conn: Connection) -> Reply:
    row = _triggered(conn, req.params["uuid"])
    executions = [views.execution(e) for e in journal.executions(conn, [row.id])[row.id]]
    doc = views.triggered(req.urls, row)
    return hal(
        {
            "triggeredWebhook": {k: v for k, v in doc.items() if k != "_links"},
            "executions": executions,
            "logs": views.log_text(executions),
            "_links": {
                "self": link(req.urls(req.path), title="Webhook execution logs"),
                "pb:triggered-webhook": doc["_links"]["self"],
                "pb:webhook": doc["_links"]["pb:webhook"],
            },
        }
    )


def for_webhook(req: Req, conn: Connection) -> Reply:
    webhook = store.find(conn, req.params["uuid"])
    if webhook is None:
        raise NotFound(f"No webhook with uuid {req.params['uuid']!r} found")
    rows = journal.recent(conn, webhook_id=webhook.id)
    return _listing(req, rows, "Triggered webhooks")


def _listing(req: Req, rows: list[Row], title: str) -> Reply:
    docs = [views.triggered(req.urls, r) for r in rows]
    return hal(
        {
            "_embedded": {"triggeredWebhooks": docs},
            "_links": {"self": link(req.urls(req.path), title=title)},
        }
    )


def pact_webhooks(req: Req, conn: Connection) -> Reply:
    """Every webhook that fires for this pair: scoped to it, to one side, or global."""
    provider = pacticipants.require(conn, req.params["provider"])
    consumer = pacticipants.require(conn, req.params["consumer"])
    rows = store.list_all(conn, consumer_id=consumer.id, provider_id=provider.id)
    events = store.events_for(conn, [r.id for r in rows])
    docs = [views.webhook(req.urls, r, events[r.id]) for r in rows]
    return hal(views.webhook_list(req.urls, req.urls(req.path), docs))


def pact_status(req: Req, conn: Connection) -> Reply:
    """The newest firing of each (webhook, event) for the pair, and a count by outcome."""
    provider = pacticipants.require(conn, req.params["provider"])
    consumer = pacticipants.require(conn, req.params["consumer"])
    newest: dict[tuple[str, str], Row] = {}
    for row in journal.recent(conn, consumer_id=consumer.id, provider_id=provider.id):
        newest.setdefault((row.webhook_uuid, row.event_name), row)
    rows = list(newest.values())
    counts = {status: sum(r.status == status for r in rows) for status in (SUCCESS, FAILURE)}
    doc = {
        "summary": {
            "successful": counts[SUCCESS],
            "failed": counts[FAILURE],
            "retrying": sum(r.status == RETRYING for r in rows),
            "notRun": sum(r.status == PENDING for r in rows),
        },
        "_embedded": {"triggeredWebhooks": [views.triggered(req.urls, r) for r in rows]},
        "_links": {
            "self": link(req.urls(req.path), title="Webhook status"),
            "pb:pact-webhooks": link(
                views.scoped_href(req.urls, consumer.name, provider.name), title="Webhooks"
            ),
        },
    }
    return hal(doc)


def register(router: Router) -> None:
    router.get("/triggered-webhooks/{uuid}", get_triggered)
    router.get("/triggered-webhooks/{uuid}/logs", get_logs)
    router.get("/webhooks/{uuid}/triggered-webhooks", for_webhook)
    router.get(f"{PAIR}/webhooks", pact_webhooks)
    router.get(f"{PAIR}/webhooks/status", pact_status)
