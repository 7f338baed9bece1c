"""``GET /matrix`` and ``GET /can-i-deploy``: the compatibility matrix and the deploy gate."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from accord.broker.clock import iso
from accord.broker.http.errors import BadRequest, HttpError
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal
from accord.broker.http.routing import Router
from accord.broker.matrix.decide import Decision, run
from accord.broker.matrix.query import parse_can_i_deploy_query, parse_matrix_query
from accord.broker.matrix.rows import MatrixRow
from accord.broker.resources import views
from accord.broker.store import environments, versions
from accord.broker.store.common import Row
from accord.broker.urls import Urls, link

DEFAULT_LIMIT = 100


class _Details:
    """Tags, branches and environments of every version on the page, fetched once."""

    def __init__(self, conn: Connection, decision: Decision, rows: list[MatrixRow]) -> None:
        ids = {r.consumer_version_id for r in rows} | {
            r.provider_version_id for r in rows if r.provider_version_id
        }
        self.tags = versions.tags_for(conn, ids)
        self.branches = versions.branches_for(conn, ids)
        self.environments = environments.environments_of_versions(conn, ids)
        self.decision = decision

    def version(self, urls: Urls, pacticipant: str, version_id: int) -> dict[str, Any]:
        number = self.decision.numbers[version_id]
        branches = self.branches.get(version_id, [])
        tags: list[Row] = self.tags.get(version_id, [])
        return {
            "number": number,
            "branch": branches[-1].name if branches else None,
            "branches": [
                {
                    "name": b.name,
                    "latest": bool(b.latest),
                    "_links": {"self": link(urls.branch(pacticipant, b.name))},
                }
                for b in branches
            ],
            "branchVersions": [
                views.branch_version(urls, pacticipant, number, b) for b in branches
            ],
            "environments": [
                views.environment(urls, e) for e in self.environments.get(version_id, [])
            ],
            "tags": [views.tag(urls, pacticipant, number, t) for t in tags],
            "_links": {
                "self": link(urls.version(pacticipant, number), title="Version", name=number)
            },
        }


def _row(urls: Urls, d: Decision, details: _Details, row: MatrixRow) -> dict[str, Any]:
    consumer = d.names[row.consumer_id]
    provider = d.names[row.provider_id]
    consumer_number = d.numbers[row.consumer_version_id]
    out: dict[str, Any] = {
        "consumer": {
            "name": consumer,
            "_links": {"self": link(urls.pacticipant(consumer))},
            "version": details.version(urls, consumer, row.consumer_version_id),
        },
        "provider": {
            "name": provider,
            "_links": {"self": link(urls.pacticipant(provider))},
            "version": details.version(urls, provider, row.provider_version_id)
            if row.provider_version_id
            else None,
        },
        "pact": {
            "createdAt": iso(row.pact_created_at),
            "_embedded": {"consumerVersion": {"number": consumer_number}},
            "_links": {
                "self": link(
                    urls.pact(provider, consumer, consumer_number),
                    title="Pact",
                    name=views.pact_title(consumer, consumer_number, provider),
                )
            },
        },
        "verificationResult": None,
    }
    if row.verification_id is not None:
        out["verificationResult"] = {
            "success": bool(row.success),
            "verifiedAt": iso(row.verified_at),
            "_links": {
                "self": link(urls.verification(provider, consumer, row.sha, row.verification_id))
            },
        }
    if row.key in d.ignored:
        out["ignored"] = True
    return out


def _respond(req: Req, conn: Connection, decision: Decision, limit: int | None) -> Reply:
    rows = decision.rows[: limit or DEFAULT_LIMIT]
    details = _Details(conn, decision, rows)
    summary: dict[str, Any] = {
        "deployable": decision.deployable,
        "reason": decision.summary_reason,
        **decision.counts,
    }
    return hal(
        {
            "summary": summary,
            "notices": [{"type": kind, "text": text} for kind, text in decision.reasons],
            "matrix": [_row(req.urls, decision, details, r) for r in rows],
            "_links": {"self": link(req.urls(req.path))},
        }
    )


def _as_list(exc: BadRequest) -> HttpError:
    """The matrix answers validation errors as a list of messages, ``{"errors": [...]}``, as
    the Pact Broker does (the official client's contract expects an array here)."""
    messages = [
        text if text[:1].isupper() else f"{field} {text}"
        for field, texts in exc.errors.items()
        for text in texts
    ]
    return HttpError(400, {"errors": messages})


def matrix(req: Req, conn: Connection) -> Reply:
    try:
        query = parse_matrix_query(req.query)
        decision = run(conn, query)
    except BadRequest as exc:
        raise _as_list(exc) from exc
    return _respond(req, conn, decision, query.limit)


def can_i_deploy(req: Req, conn: Connection) -> Reply:
    try:
        decision = run(conn, parse_can_i_deploy_query(req.query))
    except BadRequest as exc:
        raise _as_list(exc) from exc
    return _respond(req, conn, decision, None)


def register(router: Router) -> None:
    router.get("/matrix", matrix)
    router.get("/can-i-deploy", can_i_deploy)
