"""Pacticipants: list, create, read, update (PUT/PATCH, which also create), delete."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from accord.broker.http.errors import BadRequest, Conflict
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal, no_content
from accord.broker.http.routing import Router
from accord.broker.limits import check_name, check_url, name_problem
from accord.broker.resources import views
from accord.broker.store import labels, pacticipants, versions
from accord.broker.store.common import Row
from accord.broker.urls import link


def _fields(body: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    errors: dict[str, list[str]] = {}
    for key, column in pacticipants.EDITABLE.items():
        if key in body:
            value = body[key]
            if value is not None and not isinstance(value, str):
                errors[key] = ["must be a string"]
            elif key == "repositoryUrl":
                check_url(errors, key, value)
            else:
                check_name(errors, key, value)
            out[column] = value
    if errors:
        raise BadRequest(errors)
    return out


def _doc(req: Req, conn: Connection, row: Row) -> dict[str, Any]:
    latest = versions.latest(conn, row.id)
    latest_doc = views.version(req.urls, row.name, latest) if latest is not None else None
    return views.pacticipant(
        req.urls, row, latest_doc, labels.of_pacticipants(conn, [row.id]).get(row.id, [])
    )


def pacticipant_docs(req: Req, conn: Connection, rows: list[Row]) -> list[dict[str, Any]]:
    """The pacticipants as embedded in a list: latest version and labels, fetched in sets."""
    urls = req.urls
    ids = [r.id for r in rows]
    latest = versions.latest_of_each(conn, ids)
    labelled = labels.of_pacticipants(conn, ids)
    return [
        views.pacticipant(
            urls,
            r,
            views.version(urls, r.name, latest[r.id]) if r.id in latest else None,
            labelled.get(r.id, []),
        )
        for r in rows
    ]


def list_pacticipants(req: Req, conn: Connection) -> Reply:
    rows = pacticipants.list_all(conn)
    urls = req.urls
    docs = pacticipant_docs(req, conn, rows)
    return hal(
        {
            "_embedded": {"pacticipants": docs},
            "pacticipants": docs,
            "_links": {
                "self": link(urls("/pacticipants"), title="Pacticipants"),
                "pb:pacticipants": [
                    link(urls.pacticipant(r.name), title="Pacticipant", name=r.name) for r in rows
                ],
                "pacticipants": [
                    link(
                        urls.pacticipant(r.name),
                        title=r.name,
                        name="DEPRECATED - please use pb:pacticipants",
                    )
                    for r in rows
                ],
                "pb:pacticipants-with-label": link(
                    urls("/pacticipants/label/{label}"), templated=True
                ),
            },
        }
    )


def create_pacticipant(req: Req, conn: Connection) -> Reply:
    body = req.json_object()
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        raise BadRequest({"name": ["can't be blank"]})
    problem = name_problem(name)
    if problem is not None:
        raise BadRequest({"name": [problem]})
    if pacticipants.find(conn, name) is not None:
        raise Conflict(f"A pacticipant with name '{name}' already exists", field="name")
    row = pacticipants.create(conn, name, _fields(body))
    return hal(_doc(req, conn, row), 201, {"Location": req.urls.pacticipant(name)})


def get_pacticipant(req: Req, conn: Connection) -> Reply:
    return hal(_doc(req, conn, pacticipants.require(conn, req.params["pacticipant"])))


def update_pacticipant(req: Req, conn: Connection) -> Reply:
    name = req.params["pacticipant"]
    fields = _fields(req.json_object())
    row = pacticipants.find(conn, name)
    if row is None:
        row = pacticipants.create(conn, name, fields)
        return hal(_doc(req, conn, row), 201)
    if req.method == "PUT":
        fields = {column: fields.get(column) for column in pacticipants.EDITABLE.values()}
    return hal(_doc(req, conn, pacticipants.update(conn, row, fields)))


def delete_pacticipant(req: Req, conn: Connection) -> Reply:
    pacticipants.delete(conn, pacticipants.require(conn, req.params["pacticipant"]))
    return no_content()


def register(router: Router) -> None:
    router.get("/pacticipants", list_pacticipants)
    router.add("POST", "/pacticipants", create_pacticipant, write=True)
    router.get("/pacticipants/{pacticipant}", get_pacticipant)
    router.add("PUT", "/pacticipants/{pacticipant}", update_pacticipant, write=True)
    router.add("PATCH", "/pacticipants/{pacticipant}", update_pacticipant, write=True)
    router.add("DELETE", "/pacticipants/{pacticipant}", delete_pacticipant, write=True)
