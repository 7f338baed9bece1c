"""The broker's part in a verification run: where pacts come from, where results go.

Kept out of :class:`~accord.provider.verifier.Verifier`: fetching is a *source* of pacts
(:func:`broker_source`), and publishing is a *step* after the last interaction
(:class:`ResultPublisher`) that reports what it sent as events.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from accord.broker_client.http import BrokerClient, client_from_env
from accord.broker_client.verification import (
    VerifiablePact,
    pacts_for_verification,
    publish_results,
)
from accord.errors import AccordError
from accord.matching.mismatch import Mismatch
from accord.provider.events import Event, ResultsPublished
from accord.provider.results import (
    InteractionResult,
    Outcome,
    PublishedResults,
    VerificationResult,
)
from accord.provider.sources import LoadedPact


@dataclass(slots=True)
class BrokerSource:
    """The pacts a broker selected for a provider, and the client that fetched them."""

    client: BrokerClient
    verifiable: list[VerifiablePact] = field(default_factory=list)
    failed: list[tuple[str, AccordError]] = field(default_factory=list)
    """Pacts the broker selected that could not be fetched or read, with the reason: they
    are reported like an unreadable file, and the rest are verified."""

    def loaded(self) -> list[LoadedPact]:
        return [LoadedPact(v.url, v.pact, v.pending, tuple(v.notices)) for v in self.verifiable]


def broker_source(
    broker: str | BrokerClient,
    provider: str,
    *,
    selectors: Sequence[dict[str, Any]] = (),
    provider_branch: str | None = None,
    provider_tags: Sequence[str] = (),
    enable_pending: bool = False,
    include_wip_since: str | None = None,
) -> BrokerSource:
    """Ask the broker which pacts ``provider`` must verify (the official verifier's flow)."""
    client = broker if isinstance(broker, BrokerClient) else client_from_env(broker)
    failed: list[tuple[str, AccordError]] = []
    found = pacts_for_verification(
        client,
        provider,
        selectors=selectors,
        provider_branch=provider_branch,
        provider_tags=provider_tags,
        enable_pending=enable_pending,
        include_wip_since=include_wip_since,
        failed=failed,
    )
    return BrokerSource(client, found, failed)


@dataclass(slots=True)
class ResultPublisher:
    """After the run: send each broker pact's results back, announce each as an event."""

    source: BrokerSource
    provider_version: str
    provider_branch: str | None = None
    provider_tags: Sequence[str] = ()
    build_url: str | None = None

    def __call__(self, result: VerificationResult, emit: Callable[[Event], None]) -> None:
        for verifiable in self.source.verifiable:
            mine = [r for r in result.results if r.source == verifiable.url]
            success = all(r.outcome is Outcome.PASSED for r in mine)
            answer = publish_results(
                self.source.client,
                verifiable,
                provider_version=self.provider_version,
                success=success,
                test_results=[broker_test_result(r) for r in mine],
                provider_branch=self.provider_branch,
                provider_tags=self.provider_tags,
                build_url=self.build_url,
            )
            href = answer.get("_links", {}).get("self", {}).get("href") if answer else None
            published = PublishedResults(
                consumer=verifiable.pact.consumer,
                consumer_version=verifiable.consumer_version,
                provider_version=self.provider_version,
                success=success,
                url=str(href or verifiable.publish_url),
            )
            result.published.append(published)
            emit(ResultsPublished(published))


def broker_test_result(result: InteractionResult) -> dict[str, Any]:
    """One interaction's outcome in the shape the broker stores.

    This is the shape of the official broker client's own contract
    (``pact-broker_c*.json`` in the compatibility suite), which the broker matches strictly:
    a pass is ``interactionId`` and ``success``; a failure adds the description and the
    mismatches (``attribute``, ``description``, and ``identifier`` where there is one).
    An interaction without a broker id is named by its description.
    """
    passed = result.outcome is Outcome.PASSED
    entry: dict[str, Any] = {}
    if result.interaction_id:
        entry["interactionId"] = result.interaction_id
    if not passed or not result.interaction_id:
        entry["interactionDescription"] = result.description
    entry["success"] = passed
    if result.mismatches:
        entry["mismatches"] = [_mismatch(m) for m in result.mismatches]
    if result.error:
        entry["exceptions"] = [{"message": result.error}]
    return entry


def _mismatch(mismatch: Mismatch) -> dict[str, Any]:
    out = {"attribute": mismatch.kind}
    if mismatch.path:
        out["identifier"] = mismatch.path
    out["description"] = mismatch.message
    return out
