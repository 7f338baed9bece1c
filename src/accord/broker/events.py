"""What happened, announced after the transaction that made it happen has committed.

Webhooks (:mod:`accord.broker.webhooks`) subscribe here instead of being woven into the
write paths: a listener receives each event once the data it describes is visible to every
process.
Listeners run after the response is built; an exception in one is logged, never returned to
the client, because the write it describes has already succeeded.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ContractPublished:
    consumer: str
    provider: str
    consumer_version: str
    sha: str
    content_changed: bool
    branch: str | None
    tags: tuple[str, ...]
    pact_url: str


@dataclass(frozen=True, slots=True)
class VerificationPublished:
    consumer: str
    provider: str
    provider_version: str
    sha: str
    success: bool
    verification_url: str


BrokerEvent = ContractPublished | VerificationPublished
EventListener = Callable[[BrokerEvent], None]
