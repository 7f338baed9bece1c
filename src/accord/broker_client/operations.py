"""What teams do with a broker: publish, ask can-i-deploy, record what runs where."""

from __future__ import annotations

import base64
import json
import time
import urllib.parse
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from accord.broker_client.http import BrokerClient
from accord.errors import BrokerError
from accord.model.read import load_pact
from accord.model.write import merge, pact_to_json


@dataclass(slots=True)
class Published:
    consumer: str
    provider: str
    version: str
    notices: list[str] = field(default_factory=list)


def pact_files(paths: Sequence[str | Path]) -> list[Path]:
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(path.glob("*.json")))
        elif path.exists():
            found.append(path)
        else:
            raise BrokerError(f"{path}: no such file or directory")
    if not found:
        raise BrokerError("no pact files to publish")
    return found


def publish(
    client: BrokerClient,
    paths: Sequence[str | Path],
    *,
    consumer_version: str,
    branch: str | None = None,
    tags: Sequence[str] = (),
    build_url: str | None = None,
) -> list[Published]:
    """Publish pact files; several files for the same pair are merged first."""
    pairs: dict[tuple[str, str], Any] = {}
    for path in pact_files(paths):
        pact = load_pact(path)
        key = (pact.consumer, pact.provider)
        pairs[key] = merge(pairs[key], pact) if key in pairs else pact
    by_consumer: dict[str, list[Any]] = {}
    for (consumer, _), pact in pairs.items():
        by_consumer.setdefault(consumer, []).append(pact)
    published: list[Published] = []
    for consumer, pacts in by_consumer.items():
        contracts = [
            {
                "consumerName": pact.consumer,
                "providerName": pact.provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(
                    json.dumps(pact_to_json(pact, _spec(pact.spec_version))).encode()
                ).decode("ascii"),
            }
            for pact in pacts
        ]
        body: dict[str, Any] = {
            "pacticipantName": consumer,
            "pacticipantVersionNumber": consumer_version,
            "tags": list(tags),
            "contracts": contracts,
        }
        if branch:
            body["branch"] = branch
        if build_url:
            body["buildUrl"] = build_url
        answer = client.post(client.link("pb:publish-contracts"), body)
        notices = [str(n.get("text", "")) for n in answer.get("notices", [])]
        published += [Published(consumer, p.provider, consumer_version, notices) for p in pacts]
    return published


def _spec(version: str) -> str:
    return "V4" if version.startswith("4") else "V3" if version.startswith("3") else "V4"


@dataclass(slots=True)
class Decision:
    """can-i-deploy's answer: ``deployable`` is True, False or None (unknown)."""

    deployable: bool | None
    reason: str
    matrix: list[dict[str, Any]]
    notices: list[dict[str, Any]]
    summary: dict[str, Any] = field(default_factory=dict)
    """The broker's whole summary (``deployable``, ``reason``, ``success``, ``failed``,
    ``unknown`` counts ...), as ``--output json`` prints it."""

    def table(self) -> str:
        rows = [("CONSUMER", "C.VERSION", "PROVIDER", "P.VERSION", "SUCCESS?")]
        for row in self.matrix:
            consumer = row.get("consumer") or {}
            provider = row.get("provider") or {}
            verification = row.get("verificationResult") or {}
            rows.append(
                (
                    str(consumer.get("name", "")),
                    str((consumer.get("version") or {}).get("number", "")),
                    str(provider.get("name", "")),
                    str((provider.get("version") or {}).get("number", "???")),
                    _success_text(verification.get("success")),
                )
            )
        widths = [max(len(r[i]) for r in rows) for i in range(5)]
        return "\n".join(
            " | ".join(cell.ljust(width) for cell, width in zip(r, widths, strict=True)).rstrip()
            for r in rows
        )


def _success_text(success: Any) -> str:
    if success is True:
        return "true"
    if success is False:
        return "false"
    return "???"


def can_i_deploy(
    client: BrokerClient,
    pacticipant: str,
    *,
    version: str | None = None,
    latest: bool = False,
    to_environment: str | None = None,
    to_tag: str | None = None,
    retry_while_unknown: int = 0,
    retry_interval: float = 10.0,
    sleep: Callable[[float], None] = time.sleep,
) -> Decision:
    """Ask the matrix whether ``pacticipant`` at ``version`` can go to the target."""
    query: list[tuple[str, str]] = [("q[][pacticipant]", pacticipant)]
    if version:
        query.append(("q[][version]", version))
    elif latest:
        query.append(("q[][latest]", "true"))
    if to_environment:
        query += [("latestby", "cvpv"), ("environment", to_environment)]
    elif to_tag:
        query += [("tag", to_tag), ("latestby", "cvp"), ("latest", "true")]
    else:
        query += [("latestby", "cvp"), ("latest", "true")]
    path = "/matrix?" + urllib.parse.urlencode(query, safe="[]")
    attempts = 0
    while True:
        answer = client.get(path)
        summary = answer.get("summary", {})
        decision = Decision(
            summary.get("deployable"),
            str(summary.get("reason", "")),
            list(answer.get("matrix", [])),
            list(answer.get("notices", [])),
            dict(summary),
        )
        if decision.deployable is not None or attempts >= retry_while_unknown:
            return decision
        attempts += 1
        sleep(retry_interval)


def environment_uuid(client: BrokerClient, name: str) -> str:
    listing = client.get(client.link("pb:environments"))
    for env in listing.get("_embedded", {}).get("environments", []):
        if env.get("name") == name:
            return str(env["uuid"])
    raise BrokerError(f"no environment named {name!r} on the broker (create it first)")


def create_environment(
    client: BrokerClient,
    name: str,
    *,
    display_name: str | None = None,
    production: bool = False,
) -> dict[str, Any]:
    body: dict[str, Any] = {"name": name, "production": production}
    if display_name:
        body["displayName"] = display_name
    result: dict[str, Any] = client.post(client.link("pb:environments"), body)
    return result


def _require_pacticipant(client: BrokerClient, pacticipant: str) -> None:
    """Raise the clear error when ``pacticipant`` is unknown (called once something failed)."""
    if "pb:pacticipant" in client.index().get("_links", {}):
        href = client.link("pb:pacticipant", pacticipant=pacticipant)
        if client.get(href, missing_ok=True) is None:
            raise BrokerError(f"no pacticipant named {pacticipant!r} on the broker")


def _version_doc(client: BrokerClient, pacticipant: str, version: str) -> dict[str, Any]:
    href = client.link("pb:pacticipant-version", pacticipant=pacticipant, version=version)
    doc = client.get(href, missing_ok=True)
    if doc is None:
        _require_pacticipant(client, pacticipant)
        raise BrokerError(f"{pacticipant} version {version} does not exist on the broker")
    return dict(doc)


def _record(
    client: BrokerClient, rel: str, pacticipant: str, version: str, environment: str, body: Any
) -> dict[str, Any]:
    doc = _version_doc(client, pacticipant, version)
    links = doc.get("_links", {}).get(rel, [])
    for link in links if isinstance(links, list) else [links]:
        if link.get("name") == environment:
            result: dict[str, Any] = client.post(link["href"], body)
            return result
    raise BrokerError(f"no environment named {environment!r} on the broker (create it first)")


def record_deployment(
    client: BrokerClient,
    pacticipant: str,
    version: str,
    environment: str,
    *,
    application_instance: str | None = None,
) -> dict[str, Any]:
    body = {"applicationInstance": application_instance} if application_instance else {}
    return _record(client, "pb:record-deployment", pacticipant, version, environment, body)


def record_release(
    client: BrokerClient, pacticipant: str, version: str, environment: str
) -> dict[str, Any]:
    return _record(client, "pb:record-release", pacticipant, version, environment, {})


def record_undeployment(
    client: BrokerClient,
    pacticipant: str,
    environment: str,
    *,
    application_instance: str | None = None,
) -> list[dict[str, Any]]:
    env_href = client.link("pb:environment", uuid=environment_uuid(client, environment))
    env = client.get(env_href)
    listing_href = client.link("pb:currently-deployed-deployed-versions", env)
    listing = client.get(listing_href + "?" + urllib.parse.urlencode({"pacticipant": pacticipant}))
    mine = [
        deployed
        for deployed in listing.get("_embedded", {}).get("deployedVersions", [])
        if deployed.get("_embedded", {}).get("pacticipant", {}).get("name", pacticipant)
        == pacticipant
    ]
    if not mine:
        _require_pacticipant(client, pacticipant)
        raise BrokerError(f"{pacticipant} is not currently deployed to {environment!r}")
    # As the official client does: without an instance, only a deployment recorded without
    # one is undeployed, so one instance's undeployment cannot take the others down too.
    chosen = [d for d in mine if (d.get("applicationInstance") or None) == application_instance]
    if not chosen:
        instances = ", ".join(str(d.get("applicationInstance") or "<none>") for d in mine)
        if application_instance:
            raise BrokerError(
                f"{pacticipant} is not currently deployed to {environment!r} as application "
                f"instance {application_instance!r} (deployed instances: {instances})"
            )
        raise BrokerError(
            f"{pacticipant} is deployed to {environment!r} as application instances "
            f"{instances}: say which with --application-instance"
        )
    return [
        client.patch(deployed["_links"]["self"]["href"], {"currentlyDeployed": False})
        for deployed in chosen
    ]
