"""From a broker event to triggered webhooks: which webhooks hear it, with which values.

Runs after the event's transaction committed, in its own transaction, so it reads exactly
what the client wrote. The common case (no webhook listens) costs two small queries.

``contract_requiring_verification_published`` fires once per provider version the new pact
should be verified against (see :func:`.context.provider_targets`), with that version in
``providerVersionNumber``/``Branch``/``Descriptions``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.engine import Connection

from accord.broker.events import BrokerEvent, ContractPublished, VerificationPublished
from accord.broker.store import labels, pacticipants, versions
from accord.broker.store import verifications as verification_store
from accord.broker.store.common import Row
from accord.broker.urls import Urls
from accord.broker.webhooks import context, journal, store
from accord.broker.webhooks.model import (
    CONTRACT_CONTENT_CHANGED,
    CONTRACT_PUBLISHED,
    CONTRACT_REQUIRING_VERIFICATION_PUBLISHED,
    VERIFICATION_FAILED,
    VERIFICATION_PUBLISHED,
    VERIFICATION_SUCCEEDED,
)
from accord.broker.webhooks.templates import PARAMETERS


@dataclass(frozen=True, slots=True)
class _Event:
    """What both event kinds reduce to: a pact, maybe a verification of it, a build URL."""

    trigger_type: str
    pact: Row
    verification: Row | None
    build_url: str | None


def _listening(
    conn: Connection, event: BrokerEvent, committed_at: datetime
) -> tuple[Row, Row, list[tuple[Row, str]]] | None:
    """(consumer, provider, [(webhook, event name)]) if any webhook hears ``event``."""
    rows = pacticipants.find_many(conn, [event.consumer, event.provider])
    consumer, provider = rows.get(event.consumer), rows.get(event.provider)
    if consumer is None or provider is None:
        return None  # deleted since; nothing to tell anyone about
    if isinstance(event, ContractPublished):
        names = [CONTRACT_PUBLISHED, CONTRACT_REQUIRING_VERIFICATION_PUBLISHED]
        if event.content_changed:
            names.append(CONTRACT_CONTENT_CHANGED)
    else:
        names = [VERIFICATION_PUBLISHED]
        names.append(VERIFICATION_SUCCEEDED if event.success else VERIFICATION_FAILED)
    hooks = store.listening(conn, consumer.id, provider.id, names, created_by=committed_at)
    return (consumer, provider, hooks) if hooks else None


def anyone_listening(conn: Connection, event: BrokerEvent, committed_at: datetime) -> bool:
    """Whether :func:`fire` would have work: asked in a read transaction first, so that
    with no webhooks (the common case) no write lock is ever taken."""
    return _listening(conn, event, committed_at) is not None


def fire(conn: Connection, event: BrokerEvent, committed_at: datetime) -> list[int]:
    """Create the triggered webhooks for ``event``; their ids, for the runner to attempt.

    Only webhooks that existed when the event committed hear it: this runs a moment later,
    and a webhook created in between (a script publishing, then adding a webhook) must not
    fire for a publication that came before it.
    """
    listening = _listening(conn, event, committed_at)
    if listening is None:
        return []
    consumer, provider, hooks = listening
    href = event.pact_url if isinstance(event, ContractPublished) else event.verification_url
    found = _describe(conn, event, consumer, provider)
    if found is None:
        return []
    base = context.pact_values(
        conn,
        Urls(context.base_url(href)),
        found.pact,
        found.verification,
        event_name="",
        build_url=found.build_url,
    )
    ids: list[int] = []
    targets: list[context.ProviderTarget] | None = None
    for webhook, event_name in hooks:
        values = {**base, "eventName": event_name}
        runs = [values]
        if event_name == CONTRACT_REQUIRING_VERIFICATION_PUBLISHED:
            if targets is None:
                targets = context.provider_targets(conn, provider, found.pact.pact_version_id)
            runs = [{**values, **_for_target(target)} for target in targets]
        for run in runs:
            ids.append(
                journal.trigger(
                    conn,
                    webhook_id=webhook.id,
                    trigger_type=found.trigger_type,
                    event_name=event_name,
                    context=run,
                    consumer_id=consumer.id,
                    provider_id=provider.id,
                )
            )
    return ids


def _describe(conn: Connection, event: BrokerEvent, consumer: Row, provider: Row) -> _Event | None:
    pair = {"consumer_id": consumer.id, "provider_id": provider.id}
    if isinstance(event, ContractPublished):
        version = versions.find(conn, consumer.id, event.consumer_version)
        pact = None
        if version is not None:
            pact = context.find_pact(conn, consumer_version_id=version.id, **pair)
        if pact is None or pact.sha != event.sha:  # re-published since: describe the content
            pact = context.find_pact(conn, sha=event.sha, **pair)
        if pact is None:
            return None
        build_url = versions.by_ids(conn, [pact.consumer_version_id])[
            pact.consumer_version_id
        ].build_url
        verification = context.latest_verification(conn, pact.pact_version_id)
        return _Event("publication", pact, verification, build_url)
    assert isinstance(event, VerificationPublished)
    pact = context.find_pact(conn, sha=event.sha, **pair)
    if pact is None:
        return None
    verification = _verification(conn, event, pact)
    build_url = None if verification is None else verification.build_url
    return _Event("verification", pact, verification, build_url)


def _verification(conn: Connection, event: VerificationPublished, pact: Row) -> Row | None:
    """The verification the event is about: its id ends the verification URL."""
    last = event.verification_url.rstrip("/").rsplit("/", 1)[-1]
    if last.isdigit():
        row = verification_store.find(conn, int(last))
        if row is not None and row.pact_version_id == pact.pact_version_id:
            return row
    return context.latest_verification(conn, pact.pact_version_id)


def _for_target(target: context.ProviderTarget) -> dict[str, str]:
    return {
        "providerVersionNumber": target.number,
        "providerVersionBranch": target.branch,
        "providerVersionTags": target.tags,
        "providerVersionDescriptions": ", ".join(target.descriptions),
        "currentlyDeployedProviderVersionNumber": target.number if target.deployed else "",
        "verificationResultUrl": "",
        **context.statuses(None),
    }


def manual_values(conn: Connection, urls: Urls, webhook: Row, events: list[str]) -> dict[str, str]:
    """Values for testing a webhook by hand: from the newest pact in its scope, if any."""
    event_name = events[0] if events else CONTRACT_CONTENT_CHANGED
    where: dict[str, int | list[int]] = {}
    for role in ("consumer", "provider"):
        pacticipant_id, label = getattr(webhook, f"{role}_id"), getattr(webhook, f"{role}_label")
        if pacticipant_id is not None:
            where[f"{role}_id"] = pacticipant_id
        elif label is not None:
            where[f"{role}_id"] = [r.id for r in labels.pacticipants_with(conn, label)]
    pact = context.find_pact(conn, **where)
    if pact is None:
        values = dict.fromkeys(PARAMETERS, "")
        values.update(
            consumerName=webhook.consumer or "",
            providerName=webhook.provider or "",
            eventName=event_name,
            **context.statuses(None),
        )
        return values
    verification = context.latest_verification(conn, pact.pact_version_id)
    build_url = verification.build_url if verification is not None else None
    return context.pact_values(
        conn, urls, pact, verification, event_name=event_name, build_url=build_url
    )
