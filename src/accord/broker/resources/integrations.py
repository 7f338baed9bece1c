"""Integrations: the consumer/provider pairs that have exchanged a pact."""

from __future__ import annotations

from sqlalchemy.engine import Connection

from accord.broker.clock import iso
from accord.broker.http.errors import NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal, no_content
from accord.broker.http.routing import Router
from accord.broker.store import pacticipants, pacts
from accord.broker.urls import link, seg


def list_integrations(req: Req, conn: Connection) -> Reply:
    urls = req.urls
    items = []
    for row in pacts.integration_rows(conn):
        pair = f"/provider/{seg(row.provider)}/consumer/{seg(row.consumer)}"
        items.append(
            {
                "consumer": {
                    "name": row.consumer,
                    "_links": {"self": link(urls.pacticipant(row.consumer))},
                },
                "provider": {
                    "name": row.provider,
                    "_links": {"self": link(urls.pacticipant(row.provider))},
                },
                "createdAt": iso(row.created_at),
                "contractDataUpdatedAt": iso(row.contract_data_updated_at),
                "_links": {
                    "pb:matrix": link(urls(f"/matrix{pair}"), title="Matrix"),
                    "pb:latest-pact": link(
                        urls.pair(row.provider, row.consumer) + "/latest", title="Latest pact"
                    ),
                    "pb:delete_integration": link(
                        urls(f"/integrations{pair}"), title="Delete integration"
                    ),
                },
            }
        )
    return hal(
        {
            "_embedded": {"integrations": items},
            "_links": {"self": link(urls("/integrations"), title="Integrations")},
        }
    )


def delete_all(req: Req, conn: Connection) -> Reply:
    for row in pacts.integration_rows(conn):
        pacts.delete_integration(conn, row.provider_id, row.consumer_id)
    return no_content()


def delete_one(req: Req, conn: Connection) -> Reply:
    provider = pacticipants.find(conn, req.params["provider"])
    consumer = pacticipants.find(conn, req.params["consumer"])
    if provider is None or consumer is None:
        raise NotFound("No such integration")
    pacts.delete_integration(conn, provider.id, consumer.id)
    return no_content()


def register(router: Router) -> None:
    router.get("/integrations", list_integrations)
    router.add("DELETE", "/integrations", delete_all, write=True)
    router.add(
        "DELETE", "/integrations/provider/{provider}/consumer/{consumer}", delete_one, write=True
    )
