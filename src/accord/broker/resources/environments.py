"""Environments, and recording deployments, undeployments, releases and support ending."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from sqlalchemy.engine import Connection

from accord.broker.clock import iso
from accord.broker.http.errors import BadRequest, NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal, no_content
from accord.broker.http.routing import Router
from accord.broker.limits import check_name, name_problem
from accord.broker.resources import views
from accord.broker.store import environments, pacticipants, versions
from accord.broker.store.common import Row
from accord.broker.urls import link


def _fields(conn: Connection, body: dict[str, Any], current: Row | None) -> dict[str, Any]:
    errors: dict[str, list[str]] = defaultdict(list)
    name = body.get("name")
    if not isinstance(name, str) or not name.strip():
        errors["name"].append("can't be blank")
    elif any(ch.isspace() for ch in name):
        errors["name"].append("cannot contain spaces")
    elif name_problem(name) is not None:
        errors["name"].append(str(name_problem(name)))
    else:
        clash = environments.find_by_name(conn, name)
        if clash is not None and (current is None or clash.id != current.id):
            errors["name"].append(
                f"Another environment with name '{name}' already exists ({clash.uuid})"
            )
    production = body.get("production", False)
    if not isinstance(production, bool):
        errors["production"].append("must be true or false")
    display_name = body.get("displayName")
    if display_name is not None and not isinstance(display_name, str):
        errors["displayName"].append("must be a string")
    check_name(errors, "displayName", display_name)
    contacts = body.get("contacts")
    if contacts is not None and not isinstance(contacts, list):
        errors["contacts"].append("must be a list")
    if errors:
        raise BadRequest(dict(errors))
    return {
        "name": name,
        "production": production,
        "display_name": display_name,
        "contacts": contacts,
    }


def list_environments(req: Req, conn: Connection) -> Reply:
    name = req.arg("name")
    rows = [r for r in environments.list_all(conn) if name is None or r.name == name]
    return hal(
        {
            "_embedded": {"environments": [views.environment(req.urls, r) for r in rows]},
            "_links": {
                "self": link(req.urls("/environments"), title="Environments"),
                "pb:environments": [
                    link(req.urls.environment(r.uuid), title="Environment", name=r.name)
                    for r in rows
                ],
            },
        }
    )


def create_environment(req: Req, conn: Connection) -> Reply:
    body = req.json_object()
    row = environments.create(
        conn,
        _fields(conn, body, None),
        body.get("uuid") if isinstance(body.get("uuid"), str) else None,
    )
    return hal(views.environment(req.urls, row), 201, {"Location": req.urls.environment(row.uuid)})


def get_environment(req: Req, conn: Connection) -> Reply:
    return hal(views.environment(req.urls, environments.require(conn, req.params["uuid"])))


def put_environment(req: Req, conn: Connection) -> Reply:
    row = environments.require(conn, req.params["uuid"])
    return hal(
        views.environment(
            req.urls, environments.update(conn, row, _fields(conn, req.json_object(), row))
        )
    )


def delete_environment(req: Req, conn: Connection) -> Reply:
    environments.delete(conn, environments.require(conn, req.params["uuid"]))
    return no_content()


# --- deployed and released versions -------------------------------------------------------


def _embedded(req: Req, conn: Connection, rows: list[Row]) -> dict[int, dict[str, Any]]:
    """The pacticipant, version and environment of many deployments/releases, in 3 queries."""
    found = versions.by_ids(conn, [r.version_id for r in rows])
    names = pacticipants.names_by_id(conn, [r.pacticipant_id for r in rows])
    envs = environments.by_ids(conn, [r.environment_id for r in rows])
    out = {}
    for row in rows:
        name, number = names[row.pacticipant_id], found[row.version_id].number
        out[row.id] = {
            "pacticipant": {
                "name": name,
                "_links": {
                    "self": link(req.urls.pacticipant(name), title="Pacticipant", name=name)
                },
            },
            "version": {
                "number": number,
                "_links": {
                    "self": link(req.urls.version(name, number), title="Version", name=number)
                },
            },
            "environment": views.environment(req.urls, envs[row.environment_id]),
        }
    return out


def deployed_docs(req: Req, conn: Connection, rows: list[Row]) -> list[dict[str, Any]]:
    embedded = _embedded(req, conn, rows)
    return [
        {
            "uuid": row.uuid,
            "currentlyDeployed": bool(row.currently_deployed),
            "applicationInstance": row.application_instance,
            "target": row.application_instance,
            "undeployedAt": iso(row.undeployed_at),
            "createdAt": iso(row.created_at),
            "_embedded": embedded[row.id],
            "_links": {"self": link(req.urls.deployed_version(row.uuid), title="Deployed version")},
        }
        for row in rows
    ]


def released_docs(req: Req, conn: Connection, rows: list[Row]) -> list[dict[str, Any]]:
    embedded = _embedded(req, conn, rows)
    return [
        {
            "uuid": row.uuid,
            "currentlySupported": row.support_ended_at is None,
            "supportEndedAt": iso(row.support_ended_at),
            "createdAt": iso(row.created_at),
            "_embedded": embedded[row.id],
            "_links": {"self": link(req.urls.released_version(row.uuid), title="Released version")},
        }
        for row in rows
    ]


def deployed_doc(req: Req, conn: Connection, row: Row) -> dict[str, Any]:
    return deployed_docs(req, conn, [row])[0]


def released_doc(req: Req, conn: Connection, row: Row) -> dict[str, Any]:
    return released_docs(req, conn, [row])[0]


def _version_and_env(req: Req, conn: Connection) -> tuple[Row, Row]:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    version = versions.require(conn, pacticipant, req.params["version"])
    return version, environments.require(conn, req.params["uuid"])


def record_deployment(req: Req, conn: Connection) -> Reply:
    body = req.json_object()
    instance = body.get("applicationInstance", body.get("target"))
    if instance is not None and not isinstance(instance, str):
        raise BadRequest({"applicationInstance": ["must be a string"]})
    errors: dict[str, list[str]] = {}
    check_name(errors, "applicationInstance", instance)
    if errors:
        raise BadRequest(errors)
    version, env = _version_and_env(req, conn)
    row = environments.record_deployment(conn, version, env, instance or None)
    return hal(deployed_doc(req, conn, row), 201)


def deployments_for_version(req: Req, conn: Connection) -> Reply:
    version, env = _version_and_env(req, conn)
    rows = environments.deployed_for_version(conn, version.id, env.id)
    return hal(
        {
            "_embedded": {"deployedVersions": deployed_docs(req, conn, rows)},
            "_links": {"self": link(req.urls(req.path))},
        }
    )


def record_release(req: Req, conn: Connection) -> Reply:
    version, env = _version_and_env(req, conn)
    row, created = environments.record_release(conn, version, env)
    return hal(released_doc(req, conn, row), 201 if created else 200)


def releases_for_version(req: Req, conn: Connection) -> Reply:
    version, env = _version_and_env(req, conn)
    rows = environments.released_for_version(conn, version.id, env.id)
    return hal(
        {
            "_embedded": {"releasedVersions": released_docs(req, conn, rows)},
            "_links": {"self": link(req.urls(req.path))},
        }
    )


def _pacticipant_filter(req: Req, conn: Connection) -> tuple[bool, int | None]:
    """(any rows possible?, pacticipant id to filter by) from ``?pacticipant=``."""
    name = req.arg("pacticipant")
    if name is None:
        return True, None
    row = pacticipants.find(conn, name)
    return (False, None) if row is None else (True, int(row.id))


def currently_deployed(req: Req, conn: Connection) -> Reply:
    env = environments.require(conn, req.params["uuid"])
    possible, pacticipant_id = _pacticipant_filter(req, conn)
    rows = environments.currently_deployed(conn, env.id, pacticipant_id) if possible else []
    instance = req.arg("applicationInstance") or req.arg("target")
    if instance is not None:
        rows = [r for r in rows if r.application_instance == instance]
    return hal(
        {
            "_embedded": {"deployedVersions": deployed_docs(req, conn, rows)},
            "_links": {
                "self": link(
                    req.urls.environment(env.uuid) + "/deployed-versions/currently-deployed",
                    title="Currently deployed versions",
                )
            },
        }
    )


def currently_supported(req: Req, conn: Connection) -> Reply:
    env = environments.require(conn, req.params["uuid"])
    possible, pacticipant_id = _pacticipant_filter(req, conn)
    rows = environments.currently_supported(conn, env.id, pacticipant_id) if possible else []
    return hal(
        {
            "_embedded": {"releasedVersions": released_docs(req, conn, rows)},
            "_links": {
                "self": link(
                    req.urls.environment(env.uuid) + "/released-versions/currently-supported",
                    title="Currently supported released versions",
                )
            },
        }
    )


def get_deployed(req: Req, conn: Connection) -> Reply:
    row = environments.find_deployed(conn, req.params["uuid"])
    if row is None:
        raise NotFound("No deployed version found")
    return hal(deployed_doc(req, conn, row))


def patch_deployed(req: Req, conn: Connection) -> Reply:
    body = req.json_object()
    row = environments.find_deployed(conn, req.params["uuid"])
    if row is None:
        raise NotFound("No deployed version found")
    value = body.get("currentlyDeployed")
    if value is True and not row.currently_deployed:
        raise BadRequest(
            {"currentlyDeployed": ["cannot be set back to true; record a new deployment"]}
        )
    if value is False:
        row = environments.undeploy(conn, row)
    return hal(deployed_doc(req, conn, row))


def get_released(req: Req, conn: Connection) -> Reply:
    row = environments.find_released(conn, req.params["uuid"])
    if row is None:
        raise NotFound("No released version found")
    return hal(released_doc(req, conn, row))


def patch_released(req: Req, conn: Connection) -> Reply:
    body = req.json_object()
    row = environments.find_released(conn, req.params["uuid"])
    if row is None:
        raise NotFound("No released version found")
    value = body.get("currentlySupported")
    if value is True and row.support_ended_at is not None:
        raise BadRequest(
            {"currentlySupported": ["cannot be set back to true; record a new release"]}
        )
    if value is False:
        row = environments.end_support(conn, row)
    return hal(released_doc(req, conn, row))


def register(router: Router) -> None:
    router.get("/environments", list_environments)
    router.add("POST", "/environments", create_environment, write=True)
    router.get("/environments/{uuid}", get_environment)
    router.add("PUT", "/environments/{uuid}", put_environment, write=True)
    router.add("DELETE", "/environments/{uuid}", delete_environment, write=True)
    router.get("/environments/{uuid}/deployed-versions/currently-deployed", currently_deployed)
    router.get("/environments/{uuid}/released-versions/currently-supported", currently_supported)
    v = "/pacticipants/{pacticipant}/versions/{version}"
    router.add("POST", f"{v}/deployed-versions/environment/{{uuid}}", record_deployment, write=True)
    router.get(f"{v}/deployed-versions/environment/{{uuid}}", deployments_for_version)
    router.add("POST", f"{v}/released-versions/environment/{{uuid}}", record_release, write=True)
    router.get(f"{v}/released-versions/environment/{{uuid}}", releases_for_version)
    router.get("/deployed-versions/{uuid}", get_deployed)
    router.add("PATCH", "/deployed-versions/{uuid}", patch_deployed, write=True)
    router.get("/released-versions/{uuid}", get_released)
    router.add("PATCH", "/released-versions/{uuid}", patch_released, write=True)
