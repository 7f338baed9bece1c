"""Verification results: published against pact content (``pb:publish-verification-results``)."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.engine import Connection

from accord.broker import pact_metadata
from accord.broker.events import VerificationPublished
from accord.broker.http.errors import BadRequest, NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal
from accord.broker.http.routing import Router
from accord.broker.limits import check_name, check_url
from accord.broker.resources import views
from accord.broker.store import pacticipants, pacts, verifications, versions
from accord.broker.store.common import Row
from accord.broker.urls import link

BASE = "/pacts/provider/{provider}/consumer/{consumer}/pact-version/{sha}"


def _pact(req: Req, conn: Connection) -> Row:
    provider = pacticipants.find(conn, req.params["provider"])
    consumer = pacticipants.find(conn, req.params["consumer"])
    pact = None
    if provider is not None and consumer is not None:
        pact = pacts.by_sha(conn, provider, consumer, req.params["sha"])
    if pact is None:
        raise NotFound(f"No pact version {req.params['sha']!r} found")
    return pact


def publish(req: Req, conn: Connection) -> Reply:
    body = req.json_object()
    errors: dict[str, list[str]] = defaultdict(list)
    success = body.get("success")
    if not isinstance(success, bool):
        errors["success"].append("must be true or false")
    number = body.get("providerApplicationVersion")
    if not isinstance(number, str) or not number.strip():
        errors["providerApplicationVersion"].append("can't be blank")
    elif "\n" in number:
        errors["providerApplicationVersion"].append("must be a single line")
    else:
        check_name(errors, "providerApplicationVersion", number)
    build_url = body.get("buildUrl")
    if build_url is not None and not (isinstance(build_url, str) and "://" in build_url):
        errors["buildUrl"].append("must be a valid URL")
    check_url(errors, "buildUrl", build_url)
    verified_by = body.get("verifiedBy") or {}
    if not isinstance(verified_by, dict):
        errors["verifiedBy"].append("must be an object")
    else:
        for key in ("implementation", "version"):
            check_name(errors, f"verifiedBy.{key}", verified_by.get(key))
    if errors:
        raise BadRequest(dict(errors))
    assert isinstance(number, str) and isinstance(success, bool) and isinstance(verified_by, dict)
    pact = _pact(req, conn)
    meta = pact_metadata.decode(req.params.get("metadata"))
    version, _ = versions.get_or_create(conn, pact.provider_id, number)
    row = verifications.create(
        conn,
        pact_version_id=pact.pact_version_id,
        consumer_id=pact.consumer_id,
        provider_id=pact.provider_id,
        provider_version_id=version.id,
        success=success,
        build_url=build_url,
        test_results=body.get("testResults"),
        verified_by=verified_by,
        wip=meta.wip,
        pending=meta.pending,
    )
    doc = views.verification(req.urls, row, pact.consumer, pact.provider)
    href = doc["_links"]["self"]["href"]
    req.events.append(
        VerificationPublished(pact.consumer, pact.provider, number, pact.sha, success, href)
    )
    return hal(doc, 201, {"Location": href})


def get_result(req: Req, conn: Connection) -> Reply:
    pact = _pact(req, conn)
    number = req.params["number"]
    row = None
    if number == "latest":
        row = verifications.latest_for_pact_version(conn, pact.pact_version_id)
    elif number.isascii() and number.isdigit() and len(number) <= 18:  # fits any integer column
        row = verifications.find(conn, int(number))
    if row is None or row.pact_version_id != pact.pact_version_id:
        raise NotFound("No verification result found")
    return hal(views.verification(req.urls, row, pact.consumer, pact.provider))


def latest_for_consumer_version(req: Req, conn: Connection) -> Reply:
    """The newest result for each pact the consumer version published."""
    consumer = pacticipants.require(conn, req.params["consumer"])
    version = versions.require(conn, consumer, req.params["version"])
    results = []
    for pact in pacts.for_consumer_version(conn, version.id):
        row = verifications.latest_for_pact_version(conn, pact.pact_version_id)
        if row is not None:
            results.append(views.verification(req.urls, row, pact.consumer, pact.provider))
    success = all(r["success"] for r in results) if results else None
    return hal(
        {
            "success": success,
            "_embedded": {"verificationResults": results},
            "_links": {"self": link(req.urls(req.path), title="Latest verification results")},
        }
    )


def register(router: Router) -> None:
    router.get(
        "/verification-results/consumer/{consumer}/version/{version}/latest",
        latest_for_consumer_version,
    )
    router.add("POST", f"{BASE}/verification-results", publish, write=True)
    router.add("POST", f"{BASE}/metadata/{{metadata}}/verification-results", publish, write=True)
    router.get(f"{BASE}/verification-results/{{number}}", get_result)
