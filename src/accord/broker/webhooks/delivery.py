"""One attempt at a triggered webhook: render, check, send, record.

The request goes to the address the allowlist check approved: the URL's host is replaced
by that IP while the ``Host`` header and TLS server name (SNI, used to verify the
certificate) keep the original name. So a DNS answer that changes after the check cannot
redirect the request, and redirects are never followed. Proxy variables are ignored for the
same reason: the broker, not the environment, decides where webhooks go.

Nothing here raises for a failed delivery: every outcome, including a refusal where no
request was sent, becomes an execution row with a redacted summary of what happened.
"""

from __future__ import annotations

import base64
import json
import logging
import re
import time
from dataclasses import dataclass
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import httpx
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.db.engine import Database
from accord.broker.settings import Settings
from accord.broker.store.common import Row
from accord.broker.webhooks import journal, store
from accord.broker.webhooks.allowlist import Allowlist, IPAddress, Refused, Target, Unresolved
from accord.broker.webhooks.journal import Attempt
from accord.broker.webhooks.model import FAILURE, RETRYING, SUCCESS
from accord.broker.webhooks.templates import RenderedRequest, render_request

log = logging.getLogger("accord.broker.webhooks")

REDACTED = "**********"
LOGGED_BODY_CHARS = 4096
MAX_RESPONSE_BYTES = 256 * 1024
_SECRET_HEADER = re.compile(r"authorization|token|secret|password|api[-_]?key|cookie", re.I)


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    retry_in: float | None
    attempt: Attempt


def attempt(
    db: Database, settings: Settings, triggered_id: int, *, retry: bool = True
) -> Outcome | None:
    """Make the next attempt; None when there is nothing (left) to do for this id."""
    loaded = db.transaction(lambda conn: _load(conn, triggered_id), write=False)
    if loaded is None:
        return None
    row, webhook = loaded
    if row.status in (SUCCESS, FAILURE):
        return None
    rendered = render_request(store.template(webhook), json.loads(row.context))
    if webhook.enabled or row.trigger_type == "manual":
        result, retryable = send(rendered, settings)
    else:
        result, retryable = _not_sent(rendered, "the webhook is disabled"), False
    number = row.attempts + 1
    schedule = settings.webhook_retry_schedule if retry else ()
    delay: float | None = None
    if result.success:
        status = SUCCESS
    elif retryable and number <= len(schedule):
        status, delay = RETRYING, float(schedule[number - 1])
    else:
        status = FAILURE
    next_at = None if delay is None else now() + timedelta(seconds=delay)
    db.transaction(lambda conn: journal.record(conn, row, result, status, next_at), write=True)
    if not result.success:
        log.warning(
            "webhook %s attempt %d failed (%s): %s",
            webhook.uuid,
            number,
            status,
            result.error or f"HTTP {(result.response or {}).get('status')}",
        )
    return Outcome(status, delay, result)


def _load(conn: Connection, triggered_id: int) -> tuple[Row, Row] | None:
    row = journal.find(conn, triggered_id)
    if row is None:
        return None
    webhook = store.by_id(conn, row.webhook_id)
    return None if webhook is None else (row, webhook)


def send(rendered: RenderedRequest, settings: Settings) -> tuple[Attempt, bool]:
    """Check and send one request: (what happened, whether trying again could help)."""
    allowlist = Allowlist.from_settings(settings)
    try:
        allowlist.check_method(rendered.method)
        target = allowlist.check_url(rendered.url)
        url = httpx.URL(rendered.url)
        if url.host.lower() != target.host.lower():
            raise Refused(f"the URL {rendered.url!r} is ambiguous")
        addresses = allowlist.check_host(target, settings.webhook_timeout)
    except (Refused, httpx.InvalidURL) as exc:
        return _not_sent(rendered, f"not sent: {exc}"), isinstance(exc, Unresolved)
    started = time.monotonic()
    error: Exception | None = None
    for address in addresses:
        try:
            response = _exchange(rendered, url, target, address, settings.webhook_timeout)
        except httpx.ConnectError as exc:
            error = exc
            continue  # the next address may answer
        except httpx.HTTPError as exc:
            error = exc
            break
        elapsed = round((time.monotonic() - started) * 1000)
        success = 200 <= response["status"] < 300
        return Attempt(success, request_summary(rendered), response, None, elapsed), not success
    elapsed = round((time.monotonic() - started) * 1000)
    detail = f"{type(error).__name__}: {error}" if error is not None else "no address to try"
    return Attempt(False, request_summary(rendered), None, detail, elapsed), True


def _not_sent(rendered: RenderedRequest, why: str) -> Attempt:
    return Attempt(False, request_summary(rendered), None, why, None)


def _exchange(
    rendered: RenderedRequest, url: httpx.URL, target: Target, address: IPAddress, timeout: float
) -> dict[str, Any]:
    headers = dict(rendered.headers)
    if not any(k.lower() == "host" for k in headers):
        headers["Host"] = url.netloc.decode("ascii")
    if rendered.username is not None:
        pair = f"{rendered.username}:{rendered.password or ''}".encode()
        headers["Authorization"] = "Basic " + base64.b64encode(pair).decode("ascii")
    extensions = {"sni_hostname": url.raw_host.decode("ascii")} if target.scheme == "https" else {}
    with httpx.Client(trust_env=False, follow_redirects=False, timeout=timeout) as client:
        request = client.build_request(
            rendered.method,
            url.copy_with(host=str(address)),
            headers=headers,
            content=rendered.content,
            extensions=extensions,
        )
        response = client.send(request, stream=True)
        try:
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) >= MAX_RESPONSE_BYTES:
                    break
        finally:
            response.close()
        return {
            "status": response.status_code,
            "headers": redact_headers(dict(response.headers)),
            "body": _text(bytes(body)),
        }


def request_summary(rendered: RenderedRequest) -> dict[str, Any]:
    """The request for the log: secrets (basic auth password, token headers) redacted."""
    summary: dict[str, Any] = {
        "method": rendered.method,
        "url": redact_url(rendered.url),
        "headers": redact_headers(rendered.headers),
        "body": None if rendered.content is None else _text(rendered.content),
    }
    if rendered.username is not None:
        summary["username"] = rendered.username
        summary["password"] = REDACTED
    return summary


def redact_headers(headers: dict[str, str]) -> dict[str, str]:
    return {k: (REDACTED if _SECRET_HEADER.search(k) else v) for k, v in headers.items()}


def redact_url(url: str) -> str:
    """``?token=...`` and the like, redacted; the rest of the URL as sent."""
    parts = urlsplit(url)
    if not parts.query:
        return url
    pairs = parse_qsl(parts.query, keep_blank_values=True)
    if not any(_SECRET_HEADER.search(k) for k, _ in pairs):
        return url
    query = urlencode([(k, REDACTED if _SECRET_HEADER.search(k) else v) for k, v in pairs])
    return urlunsplit(parts._replace(query=query))


def _text(content: bytes) -> str:
    text = content.decode("utf-8", errors="replace")
    if len(text) > LOGGED_BODY_CHARS:
        return text[:LOGGED_BODY_CHARS] + f"... ({len(content)} bytes in all)"
    return text
