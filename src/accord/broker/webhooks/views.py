"""Webhooks, triggered webhooks and executions as HAL documents.

Secrets never leave the broker: the basic auth password and header values that look like
credentials (``Authorization``, ``*-Token``, ...) are shown as ``**********``. A client that
reads a webhook, edits it and PUTs it back sends those placeholders, which
:func:`.resources` replaces with the stored values rather than saving them.
"""

from __future__ import annotations

import json
from typing import Any

from accord.broker.clock import iso
from accord.broker.store.common import Row
from accord.broker.urls import Urls, link, seg
from accord.broker.webhooks.delivery import REDACTED, redact_headers


def webhook_href(urls: Urls, webhook_uuid: str) -> str:
    return urls(f"/webhooks/{seg(webhook_uuid)}")


def triggered_href(urls: Urls, triggered_uuid: str) -> str:
    return urls(f"/triggered-webhooks/{seg(triggered_uuid)}")


def scoped_href(urls: Urls, consumer: str | None, provider: str | None) -> str:
    path = "/webhooks"
    if provider is not None:
        path += f"/provider/{seg(provider)}"
    if consumer is not None:
        path += f"/consumer/{seg(consumer)}"
    return urls(path)


def webhook(urls: Urls, row: Row, events: list[str]) -> dict[str, Any]:
    href = webhook_href(urls, row.uuid)
    request: dict[str, Any] = {
        "method": row.method,
        "url": row.url,
        "headers": redact_headers(json.loads(row.headers)),
    }
    if row.body is not None:
        request["body"] = json.loads(row.body)
    if row.username is not None:
        request["username"] = row.username
    if row.password is not None:
        request["password"] = REDACTED
    doc: dict[str, Any] = {"uuid": row.uuid}
    if row.description is not None:
        doc["description"] = row.description
    links: dict[str, Any] = {
        "self": link(href, title=row.description or "Webhook"),
        "pb:execute": link(f"{href}/execute", title="Test the webhook by sending a POST here"),
        "pb:triggered-webhooks": link(f"{href}/triggered-webhooks", title="When it fired"),
        "pb:webhooks": link(urls("/webhooks"), title="All webhooks"),
    }
    for role in ("consumer", "provider"):
        name, label = getattr(row, role), getattr(row, f"{role}_label")
        if name is not None:
            doc[role] = {"name": name}
            links[f"pb:{role}"] = link(urls.pacticipant(name), title=role.title(), name=name)
        elif label is not None:
            doc[role] = {"label": label}
            links[f"pb:{role}s"] = link(
                urls.with_label(label), title=f"{role.title()}s by label", name=label
            )
    if row.consumer is not None and row.provider is not None:
        links["pb:pact-webhooks"] = link(
            scoped_href(urls, row.consumer, row.provider),
            title=f"Webhooks for the pact between {row.consumer} and {row.provider}",
        )
    doc.update(
        enabled=bool(row.enabled),
        events=[{"name": name} for name in events],
        request=request,
        createdAt=iso(row.created_at),
        updatedAt=iso(row.updated_at),
        _links=links,
    )
    return doc


def webhook_list(urls: Urls, self_href: str, docs: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "_embedded": {"webhooks": docs},
        "_links": {
            "self": link(self_href, title="Webhooks"),
            "pb:create": link(self_href, title="POST to create a webhook"),
            "pb:webhooks": [
                link(d["_links"]["self"]["href"], title=d.get("description"), name=d["uuid"])
                for d in docs
            ],
        },
    }


def triggered(urls: Urls, row: Row) -> dict[str, Any]:
    href = triggered_href(urls, row.uuid)
    return {
        "uuid": row.uuid,
        "webhookUuid": row.webhook_uuid,
        "triggerType": row.trigger_type,
        "eventName": row.event_name,
        "consumerName": row.consumer,
        "providerName": row.provider,
        "status": row.status,
        "attempts": row.attempts,
        "nextAttemptAt": iso(row.next_attempt_at) if row.status == "retrying" else None,
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
        "_links": {
            "self": link(href, title="Triggered webhook"),
            "pb:logs": link(f"{href}/logs", title="Every attempt, with request and response"),
            "pb:webhook": link(webhook_href(urls, row.webhook_uuid), title="Webhook"),
        },
    }


def execution(row: Row) -> dict[str, Any]:
    return {
        "attempt": row.attempt,
        "success": bool(row.success),
        "request": json.loads(row.request),
        "response": None if row.response is None else json.loads(row.response),
        "error": row.error,
        "durationMs": row.duration_ms,
        "createdAt": iso(row.created_at),
    }


def log_text(executions: list[dict[str, Any]]) -> str:
    """The attempts as plain text, one block each, for people reading the log."""
    blocks = []
    for e in executions:
        request = e["request"]
        outcome = "success" if e["success"] else "failure"
        lines = [
            f"Attempt {e['attempt']} at {e['createdAt']}: {outcome}",
            f"  {request['method']} {request['url']}",
        ]
        lines += [f"  {k}: {v}" for k, v in request["headers"].items()]
        if request.get("body") is not None:
            lines.append(f"  {request['body']}")
        response = e["response"]
        if response is not None:
            lines.append(f"  -> HTTP {response['status']} ({e['durationMs']} ms)")
            if response.get("body"):
                lines.append(f"  {response['body']}")
        if e["error"]:
            lines.append(f"  -> {e['error']}")
        blocks.append("\n".join(lines))
    return "\n\n".join(blocks)
