"""Pacts: the old publish (``PUT .../version/{v}``), fetching by version, latest, tag, branch
and content SHA, lists, previous-distinct and diffs, and deletion."""

from __future__ import annotations

import difflib
import json
from typing import Any

from sqlalchemy.engine import Connection

from accord.broker.clock import iso
from accord.broker.content import prepare
from accord.broker.events import ContractPublished
from accord.broker.http.errors import BadRequest, NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal, no_content, raw_hal, text
from accord.broker.http.routing import Router
from accord.broker.resources import views
from accord.broker.store import pacticipants, pacts, versions
from accord.broker.store.common import Row
from accord.broker.urls import link
from accord.errors import PactFileError

PAIR = "/pacts/provider/{provider}/consumer/{consumer}"


def _pair(req: Req, conn: Connection) -> tuple[Row, Row]:
    provider = pacticipants.find(conn, req.params["provider"])
    consumer = pacticipants.find(conn, req.params["consumer"])
    if provider is None or consumer is None:
        raise NotFound(
            f"No pact between consumer '{req.params['consumer']}' "
            f"and provider '{req.params['provider']}'"
        )
    return provider, consumer


def _found(pact: Row | None, what: str = "pact") -> Row:
    if pact is None:
        raise NotFound(f"No {what} found")
    return pact


def _pact_for_version(req: Req, conn: Connection) -> Row:
    provider, consumer = _pair(req, conn)
    version = versions.find(conn, consumer.id, req.params["version"])
    if version is None:
        raise NotFound(f"No version '{req.params['version']}' of '{consumer.name}' found")
    return _found(pacts.for_version(conn, provider, consumer, version.id))


def get_pact(req: Req, conn: Connection) -> Reply:
    return raw_hal(views.pact_body(req.urls, _pact_for_version(req, conn)))


def put_pact(req: Req, conn: Connection) -> Reply:
    return _publish(req, conn, merge=req.method == "PATCH")


def _publish(req: Req, conn: Connection, *, merge: bool) -> Reply:
    consumer_name, provider_name = req.params["consumer"], req.params["provider"]
    number = req.params["version"]
    try:
        content = prepare(req.json(), source="pact")
    except PactFileError as exc:
        raise BadRequest({"pact": [str(exc)]}) from exc
    errors = []
    if content.consumer != consumer_name:
        errors.append(
            f"consumer name in pact ({content.consumer!r}) does not match "
            f"consumer name in path ({consumer_name!r})"
        )
    if content.provider != provider_name:
        errors.append(
            f"provider name in pact ({content.provider!r}) does not match "
            f"provider name in path ({provider_name!r})"
        )
    if errors:
        raise BadRequest({"pact": errors})
    rows = pacticipants.get_or_create(conn, [consumer_name, provider_name])
    consumer, provider = rows[consumer_name], rows[provider_name]
    version, _ = versions.get_or_create(conn, consumer.id, number)
    result = pacts.publish(
        conn,
        consumer=consumer,
        provider=provider,
        version=version,
        content=content,
        merge_content=merge,
        allow_modification=req.settings.allow_contract_modification,
    )
    href = req.urls.pact(provider.name, consumer.name, version.number)
    req.events.append(
        ContractPublished(
            consumer.name,
            provider.name,
            version.number,
            result.sha,
            result.content_changed,
            None,
            (),
            href,
        )
    )
    pact = _found(pacts.for_version(conn, provider, consumer, version.id))
    return raw_hal(views.pact_body(req.urls, pact), 201 if result.outcome == "created" else 200)


def delete_pact(req: Req, conn: Connection) -> Reply:
    pacts.delete_publication(conn, _pact_for_version(req, conn).id)
    return no_content()


def latest_pact(req: Req, conn: Connection) -> Reply:
    provider, consumer = _pair(req, conn)
    pact = pacts.latest(
        conn, provider, consumer, tag=req.params.get("tag"), branch=req.params.get("branch")
    )
    return _latest(req, _found(pact))


def _latest(req: Req, pact: Row) -> Reply:
    """A latest pact names its consumer version in a header, as the Pact Broker does."""
    return raw_hal(
        views.pact_body(req.urls, pact),
        headers={"X-Pact-Consumer-Version": pact.consumer_version},
    )


def latest_untagged(req: Req, conn: Connection) -> Reply:
    provider, consumer = _pair(req, conn)
    return _latest(req, _found(pacts.latest(conn, provider, consumer, untagged=True)))


def pact_by_sha(req: Req, conn: Connection) -> Reply:
    provider, consumer = _pair(req, conn)
    pact = _found(pacts.by_sha(conn, provider, consumer, req.params["sha"]), "pact version")
    metadata = req.params.get("metadata")
    self_href = req.urls.pact_version(provider.name, consumer.name, pact.sha, metadata)
    return raw_hal(views.pact_body(req.urls, pact, self_href=self_href, metadata=metadata))


def pact_versions(req: Req, conn: Connection) -> Reply:
    provider, consumer = _pair(req, conn)
    rows = pacts.list_for_pair(conn, provider, consumer)
    if not rows:
        raise NotFound("No pacts found")
    return hal(
        {
            "_embedded": {"pacts": [views.pact_summary(req.urls, r) for r in rows]},
            "_links": {
                "self": link(
                    req.urls.pair(provider.name, consumer.name) + "/versions", title="Pact versions"
                ),
                "pb:consumer": link(
                    req.urls.pacticipant(consumer.name), title="Consumer", name=consumer.name
                ),
                "pb:provider": link(
                    req.urls.pacticipant(provider.name), title="Provider", name=provider.name
                ),
                "pb:pact-versions": [
                    link(
                        req.urls.pact(r.provider, r.consumer, r.consumer_version),
                        title="Pact version",
                        name=views.pact_title(r.consumer, r.consumer_version, r.provider),
                    )
                    for r in rows
                ],
            },
        }
    )


def delete_pair(req: Req, conn: Connection) -> Reply:
    provider, consumer = _pair(req, conn)
    pacts.delete_pair(conn, provider.id, consumer.id)
    return no_content()


def previous_distinct(req: Req, conn: Connection) -> Reply:
    previous = _found(
        pacts.previous_distinct(conn, _pact_for_version(req, conn)), "previous distinct version"
    )
    return raw_hal(views.pact_body(req.urls, previous))


def _pretty(pact: Row) -> list[str]:
    return json.dumps(json.loads(pact.content), indent=2, sort_keys=True).splitlines(keepends=True)


def _diff(old: Row | None, new: Row) -> Reply:
    if old is None:
        return text("No previous distinct version was found for this pact\n")
    lines = difflib.unified_diff(
        _pretty(old),
        _pretty(new),
        f"{old.consumer} version {old.consumer_version}",
        f"{new.consumer} version {new.consumer_version}",
    )
    return text("".join(lines))


def diff_previous_distinct(req: Req, conn: Connection) -> Reply:
    pact = _pact_for_version(req, conn)
    return _diff(pacts.previous_distinct(conn, pact), pact)


def diff_versions(req: Req, conn: Connection) -> Reply:
    pact = _pact_for_version(req, conn)
    provider, consumer = _pair(req, conn)
    other_version = versions.find(conn, consumer.id, req.params["other"])
    other = pacts.for_version(conn, provider, consumer, other_version.id) if other_version else None
    return _diff(_found(other), pact)


def diff_shas(req: Req, conn: Connection) -> Reply:
    provider, consumer = _pair(req, conn)
    pact = _found(pacts.by_sha(conn, provider, consumer, req.params["sha"]), "pact version")
    other = _found(pacts.by_sha(conn, provider, consumer, req.params["other"]), "pact version")
    return _diff(other, pact)


def _collection(
    req: Req,
    rows: list[Row],
    self_href: str,
    provider: Row | None = None,
    *,
    latest_links: bool = False,
) -> Reply:
    """Pacts in a list; ``latest_links``: each is its pair's latest pact, and its ``self``
    links name the latest-pact URL before the version's (as ``GET /pacts/latest`` does)."""

    def self_links(r: Row) -> list[dict[str, object]]:
        links = [
            link(
                req.urls.pact(r.provider, r.consumer, r.consumer_version),
                title="Pact",
                name=views.pact_title(r.consumer, r.consumer_version, r.provider),
            )
        ]
        if latest_links:
            latest = link(
                req.urls.pair(r.provider, r.consumer) + "/latest",
                title="Latest pact",
                name=f"Latest pact between {r.consumer} and {r.provider}",
            )
            links.insert(0, latest)
        return links

    body: dict[str, Any] = {
        "pacts": [
            {
                "createdAt": iso(r.created_at),
                "_embedded": {
                    "consumer": {
                        "name": r.consumer,
                        "_embedded": {"version": {"number": r.consumer_version}},
                        "_links": {"self": link(req.urls.pacticipant(r.consumer))},
                    },
                    "provider": {
                        "name": r.provider,
                        "_links": {"self": link(req.urls.pacticipant(r.provider))},
                    },
                },
                "_links": {"self": self_links(r)},
            }
            for r in rows
        ],
        "_links": {
            "self": link(self_href),
            "pb:pacts": [
                link(
                    req.urls.pact(r.provider, r.consumer, r.consumer_version),
                    title=views.pact_title(r.consumer, r.consumer_version, r.provider),
                    name=r.consumer,
                )
                for r in rows
            ],
        },
    }
    if provider is not None:
        body["_links"]["pb:provider"] = link(
            req.urls.pacticipant(provider.name), title="Provider", name=provider.name
        )
        body["_links"]["provider"] = body["_links"]["pb:provider"]
        body["_links"]["pacts"] = body["_links"]["pb:pacts"]
    return hal(body)


def latest_pacts(req: Req, conn: Connection) -> Reply:
    return _collection(
        req, pacts.latest_per_pair(conn), req.urls("/pacts/latest"), latest_links=True
    )


def provider_latest_pacts(req: Req, conn: Connection) -> Reply:
    provider = pacticipants.require(conn, req.params["provider"])
    tag = req.params.get("tag")
    rows = pacts.latest_per_pair(conn, provider.id, tag)
    return _collection(req, rows, req.urls(req.path), provider)


def _provider_collection(req: Req, conn: Connection, **filters: Any) -> Reply:
    provider = pacticipants.require(conn, req.params["provider"])
    consumer = None
    if "consumer" in req.params:
        consumer = pacticipants.require(conn, req.params["consumer"])
    rows = pacts.publications(
        conn,
        provider.id,
        consumer_id=None if consumer is None else consumer.id,
        tag=req.params.get("tag"),
        branch=req.params.get("branch"),
        **filters,
    )
    return _collection(req, rows, req.urls(req.path), provider)


def provider_pacts(req: Req, conn: Connection) -> Reply:
    return _provider_collection(req, conn)


def provider_latest_pacts_on_branch(req: Req, conn: Connection) -> Reply:
    return _provider_collection(req, conn, latest=True)


def main_branch_pacts(req: Req, conn: Connection) -> Reply:
    return _provider_collection(req, conn, main_branch=True)


def latest_main_branch_pacts(req: Req, conn: Connection) -> Reply:
    return _provider_collection(req, conn, main_branch=True, latest=True)


def register(router: Router) -> None:
    router.get("/pacts/provider/{provider}", provider_pacts)
    router.get("/pacts/provider/{provider}/tag/{tag}", provider_pacts)
    router.get("/pacts/provider/{provider}/branch", main_branch_pacts)
    router.get("/pacts/provider/{provider}/branch/latest", latest_main_branch_pacts)
    router.get("/pacts/provider/{provider}/branch/{branch}", provider_pacts)
    router.get("/pacts/provider/{provider}/branch/{branch}/latest", provider_latest_pacts_on_branch)
    router.get(f"{PAIR}/tag/{{tag}}", provider_pacts)
    router.get(f"{PAIR}/branch", main_branch_pacts)
    router.get(f"{PAIR}/branch/versions", main_branch_pacts)
    router.get(f"{PAIR}/branch/latest", latest_main_branch_pacts)
    router.get(f"{PAIR}/branch/latest/versions", latest_main_branch_pacts)
    router.get(f"{PAIR}/branch/{{branch}}", provider_pacts)
    router.get(f"{PAIR}/branch/{{branch}}/latest/versions", provider_latest_pacts_on_branch)
    router.get(f"{PAIR}/version/{{version}}", get_pact)
    router.add("PUT", f"{PAIR}/version/{{version}}", put_pact, write=True)
    router.add("PATCH", f"{PAIR}/version/{{version}}", put_pact, write=True)
    router.add("DELETE", f"{PAIR}/version/{{version}}", delete_pact, write=True)
    router.get(f"{PAIR}/version/{{version}}/previous-distinct", previous_distinct)
    router.get(f"{PAIR}/version/{{version}}/diff/previous-distinct", diff_previous_distinct)
    router.get(f"{PAIR}/version/{{version}}/diff/version/{{other}}", diff_versions)
    router.get(f"{PAIR}/latest", latest_pact)
    router.get(f"{PAIR}/latest/{{tag}}", latest_pact)
    router.get(f"{PAIR}/latest-untagged", latest_untagged)
    router.get(f"{PAIR}/branch/{{branch}}/latest", latest_pact)
    router.get(f"{PAIR}/pact-version/{{sha}}", pact_by_sha)
    router.get(f"{PAIR}/pact-version/{{sha}}/metadata/{{metadata}}", pact_by_sha)
    router.get(f"{PAIR}/pact-version/{{sha}}/diff/pact-version/{{other}}", diff_shas)
    router.get(f"{PAIR}/versions", pact_versions)
    router.add("DELETE", f"{PAIR}/versions", delete_pair, write=True)
    router.get("/pacts/latest", latest_pacts)
    router.get("/pacts/provider/{provider}/latest", provider_latest_pacts)
    router.get("/pacts/provider/{provider}/latest/{tag}", provider_latest_pacts)
