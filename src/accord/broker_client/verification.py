"""The verifier's side of the broker: which pacts to verify, and where results go.

This follows the official verifier's flow: navigate to ``pb:provider-pacts-for-verification``,
``POST`` the selectors, fetch each pact, then tag or branch the provider version and ``POST``
the results to each pact's ``pb:publish-verification-results``.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from accord._version import __version__
from accord.broker_client.http import BrokerClient
from accord.errors import AccordError, BrokerError
from accord.model.pact import Pact
from accord.model.read import parse_pact


@dataclass(slots=True)
class VerifiablePact:
    """A pact the broker asked us to verify, with its pending/WIP status."""

    url: str
    pact: Pact
    pending: bool = False
    wip: bool = False
    notices: list[str] = field(default_factory=list)
    publish_url: str | None = None
    description: str = ""
    consumer_version: str | None = None


def pacts_for_verification(
    client: BrokerClient,
    provider: str,
    *,
    selectors: Sequence[dict[str, Any]] = (),
    provider_branch: str | None = None,
    provider_tags: Sequence[str] = (),
    enable_pending: bool = False,
    include_wip_since: str | None = None,
    failed: list[tuple[str, AccordError]] | None = None,
) -> list[VerifiablePact]:
    """The pacts the broker selects for ``provider``, fetched and read.

    With ``failed``, a pact that cannot be fetched or is not a readable pact is appended
    there as ``(url, error)`` and the others are still returned; without it, the first such
    pact raises. Selecting the pacts at all (the broker down, an unknown provider) raises
    either way.
    """
    href = client.link("pb:provider-pacts-for-verification", provider=provider)
    navigated = client.get(href, missing_ok=True)
    if navigated is None:
        raise BrokerError(f"the broker knows no provider named {provider!r}")
    target = navigated.get("_links", {}).get("self", {}).get("href", href)
    body: dict[str, Any] = {
        "consumerVersionSelectors": list(selectors),
        "includePendingStatus": enable_pending,
    }
    if provider_branch:
        body["providerVersionBranch"] = provider_branch
    if provider_tags:
        body["providerVersionTags"] = list(provider_tags)
    if include_wip_since:
        body["includeWipPactsSince"] = include_wip_since
    answer = client.post(target, body)
    found: list[VerifiablePact] = []
    for entry in answer.get("_embedded", {}).get("pacts", []):
        url = entry["_links"]["self"]["href"]
        try:
            document = client.get(url)
            pact = parse_pact(document, source=url)
        except AccordError as exc:
            if failed is None:
                raise
            failed.append((url, exc))
            continue
        properties = entry.get("verificationProperties", {})
        notices = [
            str(n.get("text", ""))
            for n in properties.get("notices", [])
            if str(n.get("when", "")).startswith("before_verification")
        ]
        links = document.get("_links", {})
        publish = links.get("pb:publish-verification-results", {})
        version = links.get("pb:consumer-version", {})
        found.append(
            VerifiablePact(
                url=url,
                pact=pact,
                pending=bool(properties.get("pending", False)),
                wip=bool(properties.get("wip", False)),
                notices=notices,
                publish_url=publish.get("href") if isinstance(publish, dict) else None,
                description=str(entry.get("shortDescription", "")),
                consumer_version=version.get("name") if isinstance(version, dict) else None,
            )
        )
    return found


_PEP440 = re.compile(r"(\d+)\.(\d+)(?:\.(\d+))?[.\-_]?([0-9A-Za-z.\-]*?)(?:\+([0-9A-Za-z.\-]+))?")


def semantic_version(version: str) -> str:
    """A Python (PEP 440) version as SemVer, which brokers expect in ``verifiedBy``.

    The official broker client's contract checks ``verifiedBy.version`` with a ``semver``
    matcher, so ``0.1.0.dev0`` is sent as ``0.1.0-dev0``. Anything unrecognised is sent as is.
    """
    found = _PEP440.fullmatch(version.strip())
    if found is None:
        return version
    major, minor, patch, pre, local = found.groups()
    out = f"{major}.{minor}.{patch or 0}"
    pre = ".".join(part for part in re.split(r"[.\-_]", pre or "") if part)
    if pre:
        out += f"-{pre}"
    if local:
        out += f"+{local}"
    return out


def publish_results(
    client: BrokerClient,
    verifiable: VerifiablePact,
    *,
    provider_version: str,
    success: bool,
    test_results: list[dict[str, Any]],
    provider_branch: str | None = None,
    provider_tags: Sequence[str] = (),
    build_url: str | None = None,
) -> dict[str, Any]:
    """Record the provider version's branch and tags, then post the results."""
    if verifiable.publish_url is None:
        raise BrokerError(f"the pact at {verifiable.url} has no link to publish results to")
    document = client.get(verifiable.url)
    provider_href = document.get("_links", {}).get("pb:provider", {}).get("href")
    if provider_href and (provider_branch or provider_tags):
        provider_doc = client.get(provider_href)
        if provider_branch:
            client.put(
                client.link(
                    "pb:branch-version",
                    provider_doc,
                    branch=provider_branch,
                    version=provider_version,
                ),
                {},
            )
        for tag in provider_tags:
            client.put(
                client.link("pb:version-tag", provider_doc, version=provider_version, tag=tag), {}
            )
    body: dict[str, Any] = {
        "success": success,
        "providerApplicationVersion": provider_version,
        "testResults": test_results,
        "verifiedBy": {"implementation": "accord", "version": semantic_version(__version__)},
    }
    if build_url:
        body["buildUrl"] = build_url
    result: dict[str, Any] = client.post(verifiable.publish_url, body)
    return result
