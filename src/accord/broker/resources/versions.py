"""Versions of a pacticipant, their tags, and branches (adding versions, deleting branches)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.engine import Connection

from accord.broker.clock import iso
from accord.broker.http.errors import BadRequest, NotFound
from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal, no_content
from accord.broker.http.routing import Router
from accord.broker.limits import check_name, check_url
from accord.broker.resources import views
from accord.broker.store import environments, pacticipants, versions
from accord.broker.store.common import Row
from accord.broker.urls import link

P = "/pacticipants/{pacticipant}"


def version_doc(
    req: Req, conn: Connection, pacticipant: Row, row: Row, *, record_links: bool = True
) -> dict[str, Any]:
    return views.version(
        req.urls,
        pacticipant.name,
        row,
        tags=versions.tags_for(conn, [row.id]).get(row.id, []),
        branches=versions.branches_for(conn, [row.id]).get(row.id, []),
        environments=environments.environments_of_versions(conn, [row.id]).get(row.id, []),
        all_environments=environments.list_all(conn) if record_links else None,
    )


def versions_doc(
    req: Req, conn: Connection, pacticipant: Row, rows: list[Row], self_href: str
) -> dict[str, Any]:
    ids = [r.id for r in rows]
    tags = versions.tags_for(conn, ids)
    branches = versions.branches_for(conn, ids)
    envs = environments.environments_of_versions(conn, ids)
    docs = [
        views.version(
            req.urls,
            pacticipant.name,
            r,
            tags=tags.get(r.id, []),
            branches=branches.get(r.id, []),
            environments=envs.get(r.id, []),
        )
        for r in rows
    ]
    return {
        "_embedded": {"versions": docs},
        "_links": {
            "self": link(self_href, title="Versions"),
            "pb:pacticipant": link(
                req.urls.pacticipant(pacticipant.name), title="Pacticipant", name=pacticipant.name
            ),
            "pb:versions": [
                link(req.urls.version(pacticipant.name, r.number), title="Version", name=r.number)
                for r in rows
            ],
        },
    }


def list_versions(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    rows = versions.list_for(conn, pacticipant.id)
    return hal(versions_doc(req, conn, pacticipant, rows, req.urls.versions(pacticipant.name)))


def get_version(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    row = versions.require(conn, pacticipant, req.params["version"])
    return hal(version_doc(req, conn, pacticipant, row))


def put_version(req: Req, conn: Connection) -> Reply:
    """Create or update a version; ``branch`` and ``tags`` in the body are added."""
    body = req.json_object()
    build_url = body.get("buildUrl")
    branch = body.get("branch")
    tags = body.get("tags") or []
    if build_url is not None and not isinstance(build_url, str):
        raise BadRequest({"buildUrl": ["must be a string"]})
    if branch is not None and not isinstance(branch, str):
        raise BadRequest({"branch": ["must be a string"]})
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise BadRequest({"tags": ["must be a list of strings"]})
    errors: dict[str, list[str]] = {}
    check_url(errors, "buildUrl", build_url)
    check_name(errors, "branch", branch)
    for tag in tags:
        check_name(errors, "tags", tag)
    if errors:
        raise BadRequest(errors)
    pacticipant = pacticipants.get_or_create(conn, [req.params["pacticipant"]])[
        req.params["pacticipant"]
    ]
    row, created = versions.get_or_create(conn, pacticipant.id, req.params["version"], build_url)
    if branch:
        versions.add_to_branch(conn, row, branch)
    for tag in tags:
        versions.add_tag(conn, row, tag)
    return hal(version_doc(req, conn, pacticipant, row), 201 if created else 200)


def delete_version(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    versions.delete(conn, versions.require(conn, pacticipant, req.params["version"]).id)
    return no_content()


def latest_version(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    tag = req.params.get("tag")
    row = versions.latest(conn, pacticipant.id, tag=tag)
    if row is None:
        raise NotFound(
            f"No {'version with tag ' + tag if tag else 'version'} found for {pacticipant.name}"
        )
    return hal(version_doc(req, conn, pacticipant, row))


# --- tags ---------------------------------------------------------------------------------


def _tag_doc(req: Req, pacticipant: Row, version: Row, name: str) -> dict[str, Any]:
    return {
        "name": name,
        "_links": {
            "self": link(
                req.urls.tag(pacticipant.name, version.number, name), title="Tag", name=name
            ),
            "version": link(
                req.urls.version(pacticipant.name, version.number),
                title="Version",
                name=version.number,
            ),
            "pacticipant": link(
                req.urls.pacticipant(pacticipant.name), title="Pacticipant", name=pacticipant.name
            ),
        },
    }


def put_tag(req: Req, conn: Connection) -> Reply:
    name = req.params["pacticipant"]
    pacticipant = pacticipants.get_or_create(conn, [name])[name]
    version, _ = versions.get_or_create(conn, pacticipant.id, req.params["version"])
    created = versions.add_tag(conn, version, req.params["tag"])
    return hal(_tag_doc(req, pacticipant, version, req.params["tag"]), 201 if created else 200)


def get_tag(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    version = versions.require(conn, pacticipant, req.params["version"])
    if versions.find_tag(conn, version.id, req.params["tag"]) is None:
        raise NotFound(f"No tag '{req.params['tag']}' found")
    return hal(_tag_doc(req, pacticipant, version, req.params["tag"]))


def delete_tag(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    version = versions.require(conn, pacticipant, req.params["version"])
    if not versions.delete_tag(conn, version.id, req.params["tag"]):
        raise NotFound(f"No tag '{req.params['tag']}' found")
    return no_content()


# --- branches -----------------------------------------------------------------------------


def _branch_doc(req: Req, pacticipant: Row, branch: Row) -> dict[str, Any]:
    href = req.urls.branch(pacticipant.name, branch.name)
    return {
        "name": branch.name,
        "createdAt": iso(branch.created_at),
        "_links": {
            "self": link(href, title="Branch", name=branch.name),
            "pb:latest-version": link(f"{href}/latest-version", title="Latest version for branch"),
            "pb:versions": link(f"{href}/versions", title="Versions on branch"),
            "pb:pacticipant": link(
                req.urls.pacticipant(pacticipant.name), title="Pacticipant", name=pacticipant.name
            ),
        },
    }


def list_branches(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    rows = versions.list_branches(conn, pacticipant.id)
    return hal(
        {
            "_embedded": {"branches": [_branch_doc(req, pacticipant, b) for b in rows]},
            "_links": {"self": link(req.urls.branches(pacticipant.name), title="Branches")},
        }
    )


def get_branch(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    return hal(
        _branch_doc(
            req, pacticipant, versions.require_branch(conn, pacticipant, req.params["branch"])
        )
    )


def delete_branch(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    versions.delete_branch(
        conn, versions.require_branch(conn, pacticipant, req.params["branch"]).id
    )
    return no_content()


def branch_versions(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    branch = versions.require_branch(conn, pacticipant, req.params["branch"])
    rows = versions.branch_version_list(conn, branch.id)
    href = req.urls.branch(pacticipant.name, branch.name) + "/versions"
    return hal(versions_doc(req, conn, pacticipant, rows, href))


def branch_latest_version(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    branch = versions.require_branch(conn, pacticipant, req.params["branch"])
    row = versions.latest(conn, pacticipant.id, branch=branch.name)
    if row is None:
        raise NotFound(f"No versions on branch '{branch.name}'")
    return hal(version_doc(req, conn, pacticipant, row))


def _branch_version_doc(req: Req, pacticipant: Row, branch: str, version: Row) -> dict[str, Any]:
    return {
        "name": branch,
        "_links": {
            "self": link(
                req.urls.branch_version(pacticipant.name, branch, version.number),
                title="Branch version",
                name=branch,
            ),
            "pb:branch": link(
                req.urls.branch(pacticipant.name, branch), title="Branch", name=branch
            ),
            "pb:version": link(
                req.urls.version(pacticipant.name, version.number),
                title="Version",
                name=version.number,
            ),
        },
    }


def put_branch_version(req: Req, conn: Connection) -> Reply:
    name = req.params["pacticipant"]
    pacticipant = pacticipants.get_or_create(conn, [name])[name]
    version, _ = versions.get_or_create(conn, pacticipant.id, req.params["version"])
    added = versions.add_to_branch(conn, version, req.params["branch"])
    return hal(
        _branch_version_doc(req, pacticipant, req.params["branch"], version), 201 if added else 200
    )


def get_branch_version(req: Req, conn: Connection) -> Reply:
    pacticipant = pacticipants.require(conn, req.params["pacticipant"])
    branch = versions.require_branch(conn, pacticipant, req.params["branch"])
    version = versions.require(conn, pacticipant, req.params["version"])
    if versions.branch_version(conn, branch.id, version.id) is None:
        raise NotFound(f"Version '{version.number}' is not on branch '{branch.name}'")
    return hal(_branch_version_doc(req, pacticipant, branch.name, version))


def register(router: Router) -> None:
    router.get(f"{P}/versions", list_versions)
    router.get(f"{P}/versions/{{version}}", get_version)
    router.add("PUT", f"{P}/versions/{{version}}", put_version, write=True)
    router.add("PATCH", f"{P}/versions/{{version}}", put_version, write=True)
    router.add("DELETE", f"{P}/versions/{{version}}", delete_version, write=True)
    router.get(f"{P}/latest-version", latest_version)
    router.get(f"{P}/latest-version/{{tag}}", latest_version)
    router.get(f"{P}/versions/{{version}}/tags/{{tag}}", get_tag)
    router.add("PUT", f"{P}/versions/{{version}}/tags/{{tag}}", put_tag, write=True)
    router.add("DELETE", f"{P}/versions/{{version}}/tags/{{tag}}", delete_tag, write=True)
    router.get(f"{P}/branches", list_branches)
    router.get(f"{P}/branches/{{branch}}", get_branch)
    router.add("DELETE", f"{P}/branches/{{branch}}", delete_branch, write=True)
    router.get(f"{P}/branches/{{branch}}/versions", branch_versions)
    router.get(f"{P}/branches/{{branch}}/latest-version", branch_latest_version)
    router.get(f"{P}/branches/{{branch}}/versions/{{version}}", get_branch_version)
    router.add(
        "PUT", f"{P}/branches/{{branch}}/versions/{{version}}", put_branch_version, write=True
    )
