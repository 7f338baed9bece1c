"""The ``${pactbroker.*}`` values for a pact (and a verification of it), read from the database.

They are computed once, when the webhook is triggered, and stored with the triggered webhook,
so every retry sends the same values even if tags or deployments change in between. The
meanings follow the broker's ``pact_and_verification_parameters.rb``:

* ``pactUrl`` is the pact *version* URL with the consumer version in its metadata segment,
  so a verifier given it publishes results that the matrix attributes to that version;
* for a publication, the provider values come from the newest verification of that content
  (if any), and the verification statuses are ``pending`` until one exists;
* tags and labels are comma separated; labels are those the pacticipants carry on firing.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker import pact_metadata
from accord.broker.db.schema import (
    deployed_versions,
    environments,
    pact_publications,
    pact_versions,
    released_versions,
    verifications,
)
from accord.broker.store import labels, pacts, versions
from accord.broker.store import verifications as verification_store
from accord.broker.store.common import Row
from accord.broker.urls import Urls
from accord.broker.webhooks.templates import PARAMETERS


def base_url(href: str) -> str:
    """The broker's base URL, recovered from a pact or verification href it built."""
    head, found, _ = href.partition("/pacts/provider/")
    return head if found else href.rstrip("/")


def statuses(success: bool | None) -> dict[str, str]:
    """The verification status in the words each CI system's status API expects."""
    if success is None:
        return {
            "githubVerificationStatus": "pending",
            "bitbucketVerificationStatus": "INPROGRESS",
            "gitlabVerificationStatus": "pending",
            "azureDevOpsVerificationStatus": "pending",
        }
    return {
        "githubVerificationStatus": "success" if success else "failure",
        "bitbucketVerificationStatus": "SUCCESSFUL" if success else "FAILED",
        "gitlabVerificationStatus": "success" if success else "failed",
        "azureDevOpsVerificationStatus": "succeeded" if success else "failed",
    }


def find_pact(conn: Connection, **where: Any) -> Row | None:
    """The newest publication matching ``consumer_id``/``provider_id``/``consumer_version_id``/
    ``sha`` (whichever are given; a list means any of them), without its content."""
    query = pacts.pact_select(content=False)
    for key, value in where.items():
        column = pact_versions.c.sha if key == "sha" else pact_publications.c[key]
        query = query.where(column.in_(value) if isinstance(value, list) else column == value)
    return conn.execute(
        query.order_by(pact_publications.c.consumer_version_id.desc()).limit(1)
    ).first()


def pact_values(
    conn: Connection,
    urls: Urls,
    pact: Row,
    verification: Row | None,
    *,
    event_name: str,
    build_url: str | None,
) -> dict[str, str]:
    ids = [pact.consumer_version_id]
    if verification is not None:
        ids.append(verification.provider_version_id)
    tags = versions.tags_for(conn, ids)
    branches = versions.branches_for(conn, ids)
    meta = pact_metadata.encode(pact_metadata.PactMetadata((pact.consumer_version,)))
    carried = labels.of_pacticipants(conn, [pact.consumer_id, pact.provider_id])
    values = dict.fromkeys(PARAMETERS, "")
    values.update(
        pactUrl=urls.pact_version(pact.provider, pact.consumer, pact.sha, meta),
        consumerName=pact.consumer,
        providerName=pact.provider,
        consumerVersionNumber=pact.consumer_version,
        consumerVersionTags=", ".join(t.name for t in tags[pact.consumer_version_id]),
        consumerVersionBranch=_last(branches[pact.consumer_version_id]),
        consumerLabels=", ".join(r.name for r in carried.get(pact.consumer_id, [])),
        providerLabels=", ".join(r.name for r in carried.get(pact.provider_id, [])),
        eventName=event_name,
        buildUrl=build_url or "",
        **statuses(None if verification is None else bool(verification.success)),
    )
    if verification is not None:
        values.update(
            verificationResultUrl=urls.verification(
                pact.provider, pact.consumer, pact.sha, verification.id
            ),
            providerVersionNumber=verification.provider_version,
            providerVersionTags=", ".join(t.name for t in tags[verification.provider_version_id]),
            providerVersionBranch=_last(branches[verification.provider_version_id]),
        )
    return values


def _last(rows: list[Row]) -> str:
    return str(rows[-1].name) if rows else ""


def latest_verification(conn: Connection, pact_version_id: int) -> Row | None:
    return verification_store.latest_for_pact_version(conn, pact_version_id)


@dataclass(frozen=True, slots=True)
class ProviderTarget:
    """A provider version a new pact should be verified against, and why."""

    version_id: int
    number: str
    branch: str
    tags: str
    descriptions: tuple[str, ...]
    deployed: bool


def provider_targets(conn: Connection, provider: Row, pact_version_id: int) -> list[ProviderTarget]:
    """The head of the provider's main branch and its deployed and released versions, once
    each, minus those that already verified this content (``contract_requiring_verification_
    published``). No main branch and nothing deployed: nothing to verify against."""
    why: dict[int, list[str]] = {}
    deployed: set[int] = set()
    if provider.main_branch:
        head = versions.latest(conn, provider.id, branch=provider.main_branch)
        if head is not None:
            why.setdefault(head.id, []).append("latest from main branch")
    for table, verb, live in (
        (deployed_versions, "deployed in", deployed_versions.c.currently_deployed.is_(True)),
        (released_versions, "released in", released_versions.c.support_ended_at.is_(None)),
    ):
        rows = conn.execute(
            sa.select(table.c.version_id, environments.c.name)
            .join(environments, environments.c.id == table.c.environment_id)
            .where(table.c.pacticipant_id == provider.id, live)
            .order_by(table.c.id)
        )
        for version_id, env_name in rows:
            why.setdefault(version_id, []).append(f"{verb} {env_name}")
            if table is deployed_versions:
                deployed.add(version_id)
    if not why:
        return []
    verified = set(
        conn.execute(
            sa.select(verifications.c.provider_version_id).where(
                verifications.c.pact_version_id == pact_version_id,
                verifications.c.provider_version_id.in_(sorted(why)),
            )
        ).scalars()
    )
    wanted = [version_id for version_id in why if version_id not in verified]
    numbers = versions.by_ids(conn, wanted)
    tags = versions.tags_for(conn, wanted)
    branches = versions.branches_for(conn, wanted)
    return [
        ProviderTarget(
            version_id=version_id,
            number=numbers[version_id].number,
            branch=(
                provider.main_branch
                if "latest from main branch" in why[version_id]
                else _last(branches[version_id])
            ),
            tags=", ".join(t.name for t in tags[version_id]),
            descriptions=tuple(why[version_id]),
            deployed=version_id in deployed,
        )
        for version_id in wanted
        if version_id in numbers
    ]
