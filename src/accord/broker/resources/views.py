"""HAL representations of stored rows, shared by every resource that embeds them.

Field names and link relations follow the Pact Broker's decorators, because the official
clients look them up by name (see ``reference/broker-api.md``); several fields the Rust CLI
deserialises strictly (``title``/``name`` on links, string notice values) are always set.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from typing import Any
from urllib.parse import urlencode

from accord.broker.clock import iso
from accord.broker.http.response import dumps
from accord.broker.store.common import Row
from accord.broker.urls import Urls, link, seg


def display_name(name: str) -> str:
    """``production-eu`` / ``productionEu`` -> ``Production Eu``, as the broker generates."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", " ", name)
    return " ".join(word[:1].upper() + word[1:] for word in re.split(r"[\s_\-.]+", spaced) if word)


def pacticipant(
    urls: Urls,
    row: Row,
    latest_version: dict[str, Any] | None = None,
    labels: Sequence[Row] = (),
) -> dict[str, Any]:
    base = urls.pacticipant(row.name)
    embedded: dict[str, Any] = {"labels": [embedded_label(urls, row.name, r) for r in labels]}
    if latest_version is not None:
        embedded["latestVersion"] = latest_version
        # the deprecated dasherised name the broker still embeds, and clients still read
        embedded["latest-version"] = latest_version
    return {
        "name": row.name,
        "displayName": row.display_name or row.name,
        "repositoryUrl": row.repository_url,
        "repositoryName": row.repository_name,
        "repositoryNamespace": row.repository_namespace,
        "mainBranch": row.main_branch,
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
        "_embedded": embedded,
        "_links": {
            "self": link(base, title="Pacticipant", name=row.name),
            "pb:versions": link(f"{base}/versions", title="Versions"),
            "versions": link(f"{base}/versions", title="Deprecated - use pb:versions"),
            "pb:version": link(f"{base}/versions/{{version}}", title="Version", templated=True),
            "pb:version-tag": link(
                f"{base}/versions/{{version}}/tags/{{tag}}", title="Version tag", templated=True
            ),
            "pb:branches": link(f"{base}/branches", title="Branches"),
            "pb:branch-version": link(
                f"{base}/branches/{{branch}}/versions/{{version}}",
                title="Branch version",
                templated=True,
            ),
            "pb:latest-version": link(f"{base}/latest-version", title="Latest version"),
            "pb:label": link(f"{base}/labels/{{label}}", title="Label", templated=True),
            "pb:can-i-deploy-badge": link(
                f"{base}/latest-version/{{tag}}/can-i-deploy/to/{{environment}}/badge",
                title="Can I Deploy badge",
                templated=True,
            ),
            "pb:can-i-deploy-branch-to-environment-badge": link(
                f"{base}/branches/{{branch}}/latest-version/can-i-deploy/to-environment/{{environment}}/badge",
                title="Can I Deploy branch badge",
                templated=True,
            ),
            "pb:pacticipants": link(urls("/pacticipants"), title="Pacticipants"),
        },
    }


def embedded_label(urls: Urls, pacticipant_name: str, row: Row) -> dict[str, Any]:
    return {
        "name": row.name,
        "_links": {
            "self": link(urls.label(pacticipant_name, row.name), title="Label", name=row.name)
        },
    }


def label(urls: Urls, pacticipant_name: str, row: Row) -> dict[str, Any]:
    doc = embedded_label(urls, pacticipant_name, row)
    return {
        "name": row.name,
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
        "_links": {
            **doc["_links"],
            "pacticipant": link(
                urls.pacticipant(pacticipant_name), title="Pacticipant", name=pacticipant_name
            ),
        },
    }


def tag(urls: Urls, pacticipant_name: str, number: str, row: Row) -> dict[str, Any]:
    return {
        "name": row.name,
        "latest": bool(getattr(row, "latest", False)),
        "createdAt": iso(row.created_at),
        "_links": {
            "self": link(urls.tag(pacticipant_name, number, row.name), title="Tag", name=row.name)
        },
    }


def branch_version(urls: Urls, pacticipant_name: str, number: str, row: Row) -> dict[str, Any]:
    return {
        "name": row.name,
        "latest": bool(row.latest),
        "_links": {
            "self": link(
                urls.branch_version(pacticipant_name, row.name, number),
                title="Branch version",
                name=row.name,
            )
        },
    }


def environment(urls: Urls, row: Row) -> dict[str, Any]:
    href = urls.environment(row.uuid)
    return {
        "uuid": row.uuid,
        "name": row.name,
        "displayName": row.display_name or display_name(row.name),
        "production": bool(row.production),
        "contacts": json.loads(row.contacts) if row.contacts else [],
        "createdAt": iso(row.created_at),
        "updatedAt": iso(row.updated_at),
        "_links": {
            "self": link(href, title="Environment", name=row.name),
            "pb:currently-deployed-deployed-versions": link(
                f"{href}/deployed-versions/currently-deployed", title="Currently deployed versions"
            ),
            "pb:currently-supported-released-versions": link(
                f"{href}/released-versions/currently-supported",
                title="Currently supported released versions",
            ),
            "pb:environments": link(urls("/environments"), title="Environments"),
        },
    }


def version(
    urls: Urls,
    pacticipant_name: str,
    row: Row,
    *,
    tags: Sequence[Row] = (),
    branches: Sequence[Row] = (),
    environments: Sequence[Row] = (),
    all_environments: Sequence[Row] | None = None,
) -> dict[str, Any]:
    """A version; ``all_environments`` adds the record-deployment/release links clients need."""
    href = urls.version(pacticipant_name, row.number)
    links: dict[str, Any] = {
        "self": link(href, title="Version", name=row.number),
        "pb:pacticipant": link(
            urls.pacticipant(pacticipant_name), title="Pacticipant", name=pacticipant_name
        ),
        "pb:tag": link(f"{href}/tags/{{tag}}", title="Tag", templated=True),
        "pb:latest-verification-results-where-pacticipant-is-consumer": link(
            urls(
                f"/verification-results/consumer/{seg(pacticipant_name)}/version/{seg(row.number)}/latest"
            ),
            title="Latest verification results for consumer version",
        ),
        "pb:deployed-environments": [
            link(urls.environment(e.uuid), title="Environment", name=e.name) for e in environments
        ],
    }
    if all_environments is not None:
        links["pb:record-deployment"] = [
            link(
                urls.record_deployment(pacticipant_name, row.number, e.uuid),
                title=f"Record deployment to {e.display_name or e.name}",
                name=e.name,
            )
            for e in all_environments
        ]
        links["pb:record-release"] = [
            link(
                urls.record_release(pacticipant_name, row.number, e.uuid),
                title=f"Record release to {e.display_name or e.name}",
                name=e.name,
            )
            for e in all_environments
        ]
    latest_branch = branches[-1].name if branches else None
    return {
        "number": row.number,
        "branch": latest_branch,
        "buildUrl": row.build_url,
        "createdAt": iso(row.created_at),
        "_embedded": {
            "branchVersions": [
                branch_version(urls, pacticipant_name, row.number, b) for b in branches
            ],
            "tags": [tag(urls, pacticipant_name, row.number, t) for t in tags],
        },
        "_links": links,
    }


def pact_title(consumer: str, consumer_version: str, provider: str) -> str:
    return f"Pact between {consumer} ({consumer_version}) and {provider}"


def matrix_href(urls: Urls, pacticipant: str, number: str) -> str:
    query = urlencode(
        [("q[][pacticipant]", pacticipant), ("q[][version]", number), ("latestby", "cvpv")]
    )
    return urls(f"/matrix?{query}")


def pact_links(
    urls: Urls, pact: Row, *, self_href: str | None = None, metadata: str | None = None
) -> dict[str, Any]:
    provider, consumer, number, sha = pact.provider, pact.consumer, pact.consumer_version, pact.sha
    pair = urls.pair(provider, consumer)
    version_url = urls.pact(provider, consumer, number)
    name = pact_title(consumer, number, provider)
    return {
        "self": link(self_href or version_url, title="Pact", name=name),
        "pb:consumer": link(urls.pacticipant(consumer), title="Consumer", name=consumer),
        "pb:consumer-version": link(
            urls.version(consumer, number), title="Consumer version", name=number
        ),
        "pb:provider": link(urls.pacticipant(provider), title="Provider", name=provider),
        "pb:pact-version": link(
            urls.pact_version(provider, consumer, sha),
            title="Pact content version permalink",
            name=sha,
        ),
        "pb:latest-pact-version": link(f"{pair}/latest", title="Latest version of this pact"),
        "pb:all-pact-versions": link(f"{pair}/versions", title="All versions of this pact"),
        "pb:latest-untagged-pact-version": link(
            f"{pair}/latest-untagged", title="Latest untagged version of this pact"
        ),
        "pb:latest-tagged-pact-version": link(
            f"{pair}/latest/{{tag}}", title="Latest tagged version of this pact", templated=True
        ),
        "pb:previous-distinct": link(
            f"{version_url}/previous-distinct", title="Previous distinct version of this pact"
        ),
        "pb:diff-previous-distinct": link(
            f"{version_url}/diff/previous-distinct",
            title="Diff with previous distinct version of this pact",
        ),
        "pb:diff": link(
            f"{urls.pact_version(provider, consumer, sha)}/diff/pact-version/{{pactVersion}}",
            title="Diff with another specified version of this pact",
            templated=True,
        ),
        "pb:publish-verification-results": link(
            urls.verification_results(provider, consumer, sha, metadata),
            title="Publish verification results",
        ),
        "pb:latest-verification-results": link(
            f"{urls.verification_results(provider, consumer, sha)}/latest",
            title="Latest verification results",
        ),
        "pb:matrix-for-consumer-version": link(
            matrix_href(urls, consumer, number),
            title="View matrix rows for the consumer version to which this pact belongs",
        ),
        "pb:tag-prod-version": link(
            f"{urls.version(consumer, number)}/tags/prod",
            title="PUT to this resource to tag this consumer version as 'production'",
        ),
        "pb:tag-version": link(
            f"{urls.version(consumer, number)}/tags/{{tag}}",
            title="PUT to this resource to tag this consumer version",
            templated=True,
        ),
    }


def pact_body(
    urls: Urls, pact: Row, *, self_href: str | None = None, metadata: str | None = None
) -> bytes:
    """The stored content with ``createdAt`` and ``_links`` spliced in, without re-parsing."""
    extra = dumps(
        {
            "createdAt": iso(pact.created_at),
            "_links": pact_links(urls, pact, self_href=self_href, metadata=metadata),
        }
    )
    content: str = pact.content.rstrip()
    body = content[:-1].rstrip()
    separator = "" if body.endswith("{") else ","
    return body.encode("utf-8") + separator.encode() + extra[1:]


def pact_summary(urls: Urls, pact: Row) -> dict[str, Any]:
    """A publication in a list (no content)."""
    href = urls.pact(pact.provider, pact.consumer, pact.consumer_version)
    return {
        "createdAt": iso(pact.created_at),
        "_embedded": {
            "consumerVersion": {
                "number": pact.consumer_version,
                "_links": {
                    "self": link(
                        urls.version(pact.consumer, pact.consumer_version),
                        title="Version",
                        name=pact.consumer_version,
                    )
                },
            }
        },
        "_links": {
            "self": link(
                href,
                title="Pact",
                name=pact_title(pact.consumer, pact.consumer_version, pact.provider),
            )
        },
    }


def verification(urls: Urls, row: Row, consumer: str, provider: str) -> dict[str, Any]:
    href = urls.verification(provider, consumer, row.sha, row.id)
    return {
        "providerName": provider,
        "providerApplicationVersion": row.provider_version,
        "success": bool(row.success),
        "verificationDate": iso(row.created_at),
        "buildUrl": row.build_url,
        "testResults": json.loads(row.test_results) if row.test_results else None,
        "verifiedBy": {
            "implementation": row.verified_by_implementation,
            "version": row.verified_by_version,
        },
        "_links": {
            "self": link(href, title="Verification result", name=f"Verification result {row.id}"),
            "pb:pact-version": link(
                urls.pact_version(provider, consumer, row.sha), title="Pact", name=row.sha
            ),
            "pb:provider-version": link(
                urls.version(provider, row.provider_version),
                title="Provider version",
                name=row.provider_version,
            ),
        },
    }
