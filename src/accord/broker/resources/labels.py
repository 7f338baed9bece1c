"""Pacticipant labels: add, read and remove one; find pacticipants by label; list labels.

``PUT /pacticipants/{p}/labels/{label}`` answers 201 when it adds the label and 200 when the
pacticipant already has it. Unlike tags, which create their pacticipant, a label is only
ever put on a pacticipant that exists: anything else is a 404.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from accord.broker.http.errors import NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal, no_content
from accord.broker.http.routing import Router
from accord.broker.resources import views
from accord.broker.resources.pacticipants import pacticipant_docs
from accord.broker.store import labels, pacticipants
from accord.broker.urls import link

LABEL = "/pacticipants/{pacticipant}/labels/{label}"


def _not_found(pacticipant: str, label: str) -> NotFound:
    return NotFound(f"No label {label!r} found for pacticipant {pacticipant!r}")


def put_label(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    row, created = labels.add(conn, pacticipant.id, req.params["label"])
    doc = views.label(req.urls, pacticipant.name, row)
    if created:
        return hal(doc, 201, {"Location": doc["_links"]["self"]["href"]})
    return hal(doc)


def get_label(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    row = labels.find(conn, pacticipant.id, req.params["label"])
    if row is None:
        raise _not_found(pacticipant.name, req.params["label"])
    return hal(views.label(req.urls, pacticipant.name, row))


def delete_label(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    if not labels.delete(conn, pacticipant.id, req.params["label"]):
        raise _not_found(pacticipant.name, req.params["label"])
    return no_content()


def pacticipants_with_label(req: Req, conn: Connection) -> Reply:
    """The pacticipants carrying the label (an empty list when none do)."""
    label = req.params["label"]
    rows = labels.pacticipants_with(conn, label)
    urls = req.urls
    return hal(
        {
            "_embedded": {"pacticipants": pacticipant_docs(req, conn, rows)},
            "_links": {
                "self": link(urls.with_label(label), title=f"Pacticipants with label {label}"),
                "pb:pacticipants": [
                    link(urls.pacticipant(r.name), title="Pacticipant", name=r.name) for r in rows
                ],
            },
        }
    )


def list_labels(req: Req, conn: Connection) -> Reply:
    """Every label in use, once each."""
    urls = req.urls
    return hal(
        {
            "_embedded": {
                "labels": [
                    {
                        "name": name,
                        "_links": {
                            "pb:pacticipants": link(
                                urls.with_label(name), title="Pacticipants with this label"
                            )
                        },
                    }
                    for name in labels.unique_names(conn)
                ]
            },
            "_links": {"self": link(urls("/labels"), title="Labels")},
        }
    )


def register(router: Router) -> None:
    router.get(LABEL, get_label)
    router.add("PUT", LABEL, put_label, write=True)
    router.add("DELETE", LABEL, delete_label, write=True)
    router.get("/pacticipants/label/{label}", pacticipants_with_label)
    router.get("/labels", list_labels)
