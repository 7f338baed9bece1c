"""The UI's page handlers: plain broker handlers that read the store and render a template.

They run like every API handler, in a worker thread inside a *read* transaction, and use
only the store and matrix modules the API uses, so a page and the JSON beside it can never
disagree about a status or a decision.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from urllib.parse import urlencode

from sqlalchemy.engine import Connection

from accord.broker.http.errors import BadRequest, NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply
from accord.broker.http.routing import Handler, Router
from accord.broker.matrix.decide import Decision, run
from accord.broker.matrix.query import MatrixQuery, MatrixSelector, parse_can_i_deploy_query
from accord.broker.matrix.rows import MatrixRow
from accord.broker.resources.views import display_name
from accord.broker.store import environments, overview, pacticipants, pacts, versions
from accord.broker.store.common import Row
from accord.broker.ui import graph
from accord.broker.ui.negotiate import wants_html
from accord.broker.ui.pact_view import interactions
from accord.broker.ui.render import CSS_NAME, UiUrls, not_found, page, stylesheet
from accord.errors import PactFileError
from accord.model.read import parse_pact

MATRIX_LIMIT = 200
OTHER_VERSIONS = 15


@dataclass(frozen=True, slots=True)
class VersionLabel:
    """A version number with what it belongs to: branches, tags, environments."""

    number: str
    branches: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    environments: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class IntegrationRow:
    consumer: str
    provider: str
    version: VersionLabel
    published: datetime
    interactions: int
    status: str
    provider_version: str | None
    verified_at: datetime | None


@dataclass(frozen=True, slots=True)
class MatrixLine:
    consumer: str
    provider: str
    consumer_version: VersionLabel
    provider_version: VersionLabel | None
    published: datetime
    sha: str
    status: str
    verified_at: datetime | None
    verification_href: str | None
    ignored: bool = False


def status_of(success: bool | None) -> str:
    """``passed``, ``failed`` or ``unverified``: the three states every page colours."""
    if success is None:
        return "unverified"
    return "passed" if success else "failed"


def _labels(conn: Connection, numbers: dict[int, str]) -> dict[int, VersionLabel]:
    """Branches, tags and environments of many versions in three queries."""
    ids = list(numbers)
    tags = versions.tags_for(conn, ids)
    branches = versions.branches_for(conn, ids)
    envs = environments.environments_of_versions(conn, ids)
    return {
        vid: VersionLabel(
            number,
            tuple(str(b.name) for b in branches.get(vid, [])),
            tuple(str(t.name) for t in tags.get(vid, [])),
            tuple(str(e.display_name or display_name(e.name)) for e in envs.get(vid, [])),
        )
        for vid, number in numbers.items()
    }


# --- index --------------------------------------------------------------------------------


def _integrations(conn: Connection, only: str | None = None) -> list[IntegrationRow]:
    latest = [
        row
        for row in pacts.latest_per_pair(conn)
        if only is None or only in (row.consumer, row.provider)
    ]
    labels = _labels(conn, {row.consumer_version_id: row.consumer_version for row in latest})
    verified = overview.latest_verifications(conn, (row.pact_version_id for row in latest))
    out = []
    for row in latest:
        result = verified.get(row.pact_version_id)
        out.append(
            IntegrationRow(
                consumer=row.consumer,
                provider=row.provider,
                version=labels[row.consumer_version_id],
                published=row.created_at,
                interactions=int(row.interactions_count),
                status=status_of(None if result is None else bool(result.success)),
                provider_version=None if result is None else str(result.provider_version),
                verified_at=None if result is None else result.created_at,
            )
        )
    return out


def index(req: Req, conn: Connection) -> Reply:
    only = req.arg("pacticipant") or None
    rows = _integrations(conn, only)
    counts = Counter(row.status for row in rows)
    return page(
        req,
        "index.html",
        section="integrations",
        rows=rows,
        counts=counts,
        only=only,
    )


def negotiated_index(api: Handler) -> Handler:
    """``GET /``: the integrations page for browsers, the HAL index for everyone else."""

    def handler(req: Req, conn: Connection) -> Reply:
        if wants_html(req.headers.get("accept", "")):
            return index(req, conn)
        return api(req, conn)

    return handler


# --- pact ---------------------------------------------------------------------------------


def _pair(req: Req, conn: Connection) -> tuple[Row, Row]:
    provider = pacticipants.find(conn, req.params["provider"])
    consumer = pacticipants.find(conn, req.params["consumer"])
    if provider is None or consumer is None:
        raise NotFound(
            f"No pact between {req.params['consumer']} and {req.params['provider']} exists."
        )
    return provider, consumer


def _find_pact(req: Req, conn: Connection) -> tuple[Row, Row, Row]:
    """(publication with content, provider, consumer) for a ``version`` or the latest."""
    provider, consumer = _pair(req, conn)
    number = req.params.get("version")
    if number is None:
        found = pacts.latest(conn, provider, consumer)
    else:
        version = versions.find(conn, consumer.id, number)
        found = None if version is None else pacts.for_version(conn, provider, consumer, version.id)
    if found is None:
        what = f"version {number} of {consumer.name}" if number else consumer.name
        raise NotFound(f"No pact from {what} with {provider.name} was found.")
    return found, provider, consumer


def pact_page(req: Req, conn: Connection) -> Reply:
    pact, provider, consumer = _find_pact(req, conn)
    doc = json.loads(pact.content)
    problem = None
    views = []
    spec = "?"
    try:
        model = parse_pact(doc, source="stored pact")
        views = interactions(model, doc)
        spec = model.spec_version
    except PactFileError as exc:
        problem = str(exc)
    labels = _labels(conn, {pact.consumer_version_id: pact.consumer_version})
    result = overview.latest_verifications(conn, [pact.pact_version_id]).get(pact.pact_version_id)
    others = pacts.list_for_pair(conn, provider, consumer)
    return page(
        req,
        "pact.html",
        section="integrations",
        pact=pact,
        version=labels[pact.consumer_version_id],
        spec=spec,
        interactions=views,
        kinds=Counter(view.kind_label for view in views),
        problem=problem,
        pact_status=status_of(None if result is None else bool(result.success)),
        verification=result,
        others=others[:OTHER_VERSIONS],
        more_versions=max(0, len(others) - OTHER_VERSIONS),
        is_latest=bool(others) and others[0].consumer_version_id == pact.consumer_version_id,
        api_href=req.urls.pact(pact.provider, pact.consumer, pact.consumer_version),
    )


def raw_pact(req: Req, conn: Connection) -> Reply:
    """The stored pact, pretty-printed as plain JSON a browser displays instead of saving."""
    pact, _, _ = _find_pact(req, conn)
    pretty = json.dumps(json.loads(pact.content), indent=2, ensure_ascii=False) + "\n"
    return Reply(200, pretty.encode("utf-8"), "application/json; charset=utf-8")


# --- matrix -------------------------------------------------------------------------------


def _matrix_lines(
    conn: Connection, req: Req, decision: Decision, rows: list[MatrixRow]
) -> list[MatrixLine]:
    numbers = {
        vid: decision.numbers[vid]
        for row in rows
        for vid in (row.consumer_version_id, row.provider_version_id)
        if vid is not None
    }
    labels = _labels(conn, numbers)
    out = []
    for row in rows:
        consumer = decision.names[row.consumer_id]
        provider = decision.names[row.provider_id]
        href = None
        if row.verification_id is not None:
            href = req.urls.verification(provider, consumer, row.sha, row.verification_id)
        out.append(
            MatrixLine(
                consumer=consumer,
                provider=provider,
                consumer_version=labels[row.consumer_version_id],
                provider_version=None
                if row.provider_version_id is None
                else labels[row.provider_version_id],
                published=row.pact_created_at,
                sha=row.sha,
                status=status_of(row.success),
                verified_at=row.verified_at,
                verification_href=href,
                ignored=row.key in decision.ignored,
            )
        )
    return out


def matrix_page(req: Req, conn: Connection) -> Reply:
    """Every consumer version of the pair against every provider version that verified it."""
    provider, consumer = _pair(req, conn)
    decision = run(
        conn, MatrixQuery((MatrixSelector(consumer.name), MatrixSelector(provider.name)))
    )
    rows = [
        r for r in decision.rows if r.consumer_id == consumer.id and r.provider_id == provider.id
    ]
    query = urlencode([("q[][pacticipant]", consumer.name), ("q[][pacticipant]", provider.name)])
    return page(
        req,
        "matrix.html",
        section="integrations",
        consumer=consumer.name,
        provider=provider.name,
        lines=_matrix_lines(conn, req, decision, rows[:MATRIX_LIMIT]),
        total=len(rows),
        limit=MATRIX_LIMIT,
        counts=Counter(status_of(r.success) for r in rows),
        api_href=req.urls(f"/matrix?{query}"),
    )


# --- can-i-deploy -------------------------------------------------------------------------


def _messages(exc: BadRequest) -> list[str]:
    return [message for messages in exc.errors.values() for message in messages]


def _environment_choice(env: Row) -> tuple[str, str]:
    """(name, label) for the form: the display name, and whether it is production."""
    label = str(env.display_name or display_name(env.name))
    if env.production and "prod" not in label.lower():
        label += " (production)"
    return str(env.name), label


def can_i_deploy_page(req: Req, conn: Connection) -> Reply:
    """The form, and once it is filled in, the decision the CLI would get, with its reasons."""
    form = {
        name: (req.arg(name) or "").strip() for name in ("pacticipant", "version", "environment")
    }
    errors: list[str] = []
    decision: Decision | None = None
    lines: list[MatrixLine] = []
    if any(form.values()):
        missing = [name for name, value in form.items() if not value]
        errors += [f"Please give the {name}." for name in missing]
        if not missing:
            try:
                decision = run(conn, parse_can_i_deploy_query(list(form.items())))
            except BadRequest as exc:
                errors += _messages(exc)
            else:
                lines = _matrix_lines(conn, req, decision, decision.rows[:MATRIX_LIMIT])
    chosen = pacticipants.find(conn, form["pacticipant"]) if form["pacticipant"] else None
    suggestions = [] if chosen is None else overview.recent_version_numbers(conn, chosen.id)
    return page(
        req,
        "can_i_deploy.html",
        status=400 if errors else 200,
        section="can-i-deploy",
        form=form,
        errors=errors,
        decision=decision,
        lines=lines,
        pacticipants=[row.name for row in pacticipants.list_all(conn)],
        environments=[_environment_choice(env) for env in environments.list_all(conn)],
        suggestions=suggestions,
    )


# --- network ------------------------------------------------------------------------------


def network_page(req: Req, conn: Connection) -> Reply:
    ui = UiUrls(req.urls)
    rows = _integrations(conn)
    edges = [
        graph.Edge(row.consumer, row.provider, row.status, ui.matrix(row.provider, row.consumer))
        for row in rows
    ]
    names = {row.consumer for row in rows} | {row.provider for row in rows}
    drawing = graph.layout(edges, {name: ui.home(name) for name in names})
    return page(req, "network.html", section="network", drawing=drawing, rows=rows)


# --- static -------------------------------------------------------------------------------


def static(req: Req, conn: Connection) -> Reply:
    """The stylesheet; its URL carries a content hash, so it may be cached for long."""
    if req.params["name"] != CSS_NAME:
        raise NotFound(f"No file {req.params['name']} here.")
    return Reply(
        200,
        stylesheet(),
        "text/css; charset=utf-8",
        {"Cache-Control": "public, max-age=604800", "X-Content-Type-Options": "nosniff"},
    )


def html_errors(handler: Handler) -> Handler:
    """A page that is not there is an HTML 404 page, not the API's JSON error."""

    def wrapped(req: Req, conn: Connection) -> Reply:
        try:
            return handler(req, conn)
        except NotFound as exc:
            return not_found(req, str(exc.body.get("error", "Not found.")))

    return wrapped


def register_pages(router: Router) -> None:
    pair = "/provider/{provider}/consumer/{consumer}"
    pages: dict[str, Handler] = {
        "/ui": index,
        f"/ui/pacts{pair}/latest": pact_page,
        f"/ui/pacts{pair}/version/{{version}}": pact_page,
        f"/ui/pacts{pair}/version/{{version}}/raw": raw_pact,
        f"/ui/matrix{pair}": matrix_page,
        "/ui/can-i-deploy": can_i_deploy_page,
        "/ui/network": network_page,
        "/ui/static/{name}": static,
    }
    for pattern, handler in pages.items():
        router.get(pattern, html_errors(handler))
    router.wrap("GET", "/", negotiated_index)
