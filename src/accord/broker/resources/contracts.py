"""``POST /contracts/publish``: the modern publish call (pact-broker CLI, Ruby client ≥ 2.86).

Everything is validated before anything is written, and the whole publication (version,
branch, tags, every contract) is one transaction: a conflict in the last contract leaves no
trace of the first.
"""

from __future__ import annotations

import base64
import binascii
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from sqlalchemy.engine import Connection

from accord.broker.content import PactContent, prepare
from accord.broker.events import ContractPublished
from accord.broker.http import safe_json
from accord.broker.http.errors import BadRequest
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal
from accord.broker.http.routing import Router
from accord.broker.limits import check_name, check_url, name_problem
from accord.broker.resources.views import pact_title
from accord.broker.store import pacticipants, pacts, versions
from accord.broker.urls import link
from accord.errors import PactFileError


@dataclass(frozen=True, slots=True)
class Contract:
    consumer: str
    provider: str
    content: PactContent
    merge: bool


@dataclass(frozen=True, slots=True)
class Publication:
    pacticipant: str
    number: str
    branch: str | None
    tags: tuple[str, ...]
    build_url: str | None
    contracts: tuple[Contract, ...]


def _text(
    body: dict[str, Any], key: str, errors: dict[str, list[str]], *, required: bool
) -> str | None:
    value = body.get(key)
    if value is None:
        if required:
            errors[key].append("is missing")
        return None
    if not isinstance(value, str) or not value.strip():
        errors[key].append("must be a non-blank string")
        return None
    return value


def parse_publication(body: dict[str, Any]) -> Publication:
    errors: dict[str, list[str]] = defaultdict(list)
    name = _text(body, "pacticipantName", errors, required=True)
    number = _text(body, "pacticipantVersionNumber", errors, required=True)
    if number is not None and ("\n" in number or "\r" in number):
        errors["pacticipantVersionNumber"].append("must be a single line")
    else:
        check_name(errors, "pacticipantVersionNumber", number)
    check_name(errors, "pacticipantName", name)
    branch = _text(body, "branch", errors, required=False)
    check_name(errors, "branch", branch)
    build_url = _text(body, "buildUrl", errors, required=False)
    check_url(errors, "buildUrl", build_url)
    raw_tags = body.get("tags") or []
    if not isinstance(raw_tags, list) or not all(
        isinstance(t, str) and t.strip() for t in raw_tags
    ):
        errors["tags"].append("must be a list of non-blank strings")
        raw_tags = []
    for tag in raw_tags:
        check_name(errors, "tags", tag)
    raw_contracts = body.get("contracts")
    contracts: list[Contract] = []
    if not isinstance(raw_contracts, list) or not raw_contracts:
        errors["contracts"].append("must be a non-empty list")
    else:
        for index, item in enumerate(raw_contracts):
            contract = _contract(item, index, name, errors["contracts"])
            if contract is not None:
                contracts.append(contract)
    if any(errors.values()):
        raise BadRequest({k: v for k, v in errors.items() if v})
    assert name is not None and number is not None
    return Publication(
        name, number, branch, tuple(dict.fromkeys(raw_tags)), build_url, tuple(contracts)
    )


def _contract(item: Any, index: int, pacticipant: str | None, errors: list[str]) -> Contract | None:
    where = f"contracts[{index}]"
    if not isinstance(item, dict):
        errors.append(f"{where}: must be an object")
        return None
    problems = []
    for key in ("consumerName", "providerName", "content"):
        if not isinstance(item.get(key), str) or not item[key].strip():
            problems.append(f"{where}.{key}: is missing")
    if item.get("contentType", "application/json") != "application/json":
        problems.append(f"{where}.contentType: must be application/json")
    if item.get("specification", "pact") != "pact":
        problems.append(f"{where}.specification: must be 'pact'")
    on_conflict = item.get("onConflict", "overwrite")
    if on_conflict not in ("overwrite", "merge"):
        problems.append(f"{where}.onConflict: must be 'overwrite' or 'merge'")
    for key in ("consumerName", "providerName"):
        problem = name_problem(item[key]) if isinstance(item.get(key), str) else None
        if problem is not None:
            problems.append(f"{where}.{key}: {problem}")
    if problems:
        errors.extend(problems)
        return None
    consumer, provider = item["consumerName"], item["providerName"]
    if pacticipant is not None and consumer != pacticipant:
        errors.append(f"{where}.consumerName: must match pacticipantName ({pacticipant!r})")
        return None
    try:
        text = base64.b64decode(item["content"], validate=True).decode("utf-8")
        doc = safe_json.loads(text)
        content = prepare(doc, source=where)
    except (binascii.Error, ValueError) as exc:
        detail = (
            str(exc)
            if isinstance(exc, PactFileError | safe_json.JsonRefused)
            else f"not base64-encoded UTF-8 JSON ({exc})"
        )
        errors.append(f"{where}.content: {detail}")
        return None
    if content.consumer != consumer:
        errors.append(
            f"{where}: the consumer name in the pact ({content.consumer!r}) "
            f"does not match consumerName ({consumer!r})"
        )
        return None
    if content.provider != provider:
        errors.append(
            f"{where}: the provider name in the pact ({content.provider!r}) "
            f"does not match providerName ({provider!r})"
        )
        return None
    return Contract(consumer, provider, content, on_conflict == "merge")


def publish_contracts(req: Req, conn: Connection) -> Reply:
    pub = parse_publication(req.json_object())
    urls = req.urls
    names = {pub.pacticipant} | {c.provider for c in pub.contracts}
    rows = pacticipants.get_or_create(conn, names)
    consumer = rows[pub.pacticipant]
    version, created = versions.get_or_create(conn, consumer.id, pub.number, pub.build_url)
    if pub.branch:
        versions.add_to_branch(conn, version, pub.branch, consumer.main_branch)
    if pub.tags:
        versions.add_tags(conn, version, list(pub.tags), consumer.main_branch)
    described = f"{'Created' if created else 'Updated'} {consumer.name} version {version.number}"
    details = []
    if pub.branch:
        details.append(f"branch {pub.branch}")
    if pub.tags:
        details.append(f"tags {', '.join(pub.tags)}")
    if details:
        described += " with " + " and ".join(details)
    notices: list[dict[str, str]] = [{"type": "debug", "text": described}]
    contract_links = []
    for contract in pub.contracts:
        provider = rows[contract.provider]
        result = pacts.publish(
            conn,
            consumer=consumer,
            provider=provider,
            version=version,
            content=contract.content,
            merge_content=contract.merge,
            allow_modification=req.settings.allow_contract_modification,
        )
        href = urls.pact(provider.name, consumer.name, version.number)
        verb = {
            "created": "published",
            "unchanged": "published",
            "updated": "published",
            "merged": "merged",
        }[result.outcome]
        notices.append(
            {
                "type": "success",
                "text": f"Pact successfully {verb} for {consumer.name} version "
                f"{version.number} and provider {provider.name}.",
            }
        )
        if result.outcome == "unchanged":
            notices.append(
                {
                    "type": "info",
                    "text": "  This pact has the same content as the one already published "
                    "for this version.",
                }
            )
        notices.append({"type": "debug", "text": f"  View the published pact at {href}"})
        events = "contract_published" + (
            ", contract_content_changed" if result.content_changed else ""
        )
        notices.append({"type": "debug", "text": f"  Events detected: {events}"})
        contract_links.append(
            link(href, title="Pact", name=pact_title(consumer.name, version.number, provider.name))
        )
        req.events.append(
            ContractPublished(
                consumer=consumer.name,
                provider=provider.name,
                consumer_version=version.number,
                sha=result.sha,
                content_changed=result.content_changed,
                branch=pub.branch,
                tags=pub.tags,
                pact_url=href,
            )
        )
    pacticipant_href = urls.pacticipant(consumer.name)
    version_href = urls.version(consumer.name, version.number)
    body = {
        "logs": [
            {
                "level": n["type"] if n["type"] != "success" else "info",
                "message": n["text"],
                "deprecationWarning": "Replaced by notices",
            }
            for n in notices
        ],
        "notices": notices,
        "_embedded": {
            "pacticipant": {
                "name": consumer.name,
                "_links": {"self": link(pacticipant_href, title="Pacticipant", name=consumer.name)},
            },
            "version": {
                "number": version.number,
                "_links": {"self": link(version_href, title="Version", name=version.number)},
            },
        },
        "_links": {
            "pb:pacticipant": link(pacticipant_href, title="Pacticipant", name=consumer.name),
            "pb:pacticipant-version": link(
                version_href, title="Pacticipant version", name=version.number
            ),
            "pb:pacticipant-version-tags": [
                link(urls.tag(consumer.name, version.number, t), title="Tag", name=t)
                for t in pub.tags
            ],
            "pb:contracts": contract_links,
        },
    }
    return hal(body)


def register(router: Router) -> None:
    router.add("POST", "/contracts/publish", publish_contracts, write=True)
