"""Turning matrix selectors into concrete version ids, in a handful of set-based queries.

A *specified* selector is one the user named; an *inferred* one stands for "the other side"
of an integration, derived from the deployment target (the versions in an environment, the
latest with a tag, the head of the main branch). ``versions is None`` means any version.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.db.schema import branch_versions, branches, pacticipants, tags, versions
from accord.broker.http.errors import BadRequest
from accord.broker.matrix.query import MatrixQuery, MatrixSelector
from accord.broker.store import environments
from accord.broker.store import versions as version_store
from accord.broker.store.common import Row


@dataclass(slots=True)
class Resolved:
    pacticipant_id: int
    pacticipant: str
    versions: dict[int, str] | None
    specified: bool
    number: str | None = None
    latest: bool = False
    tag: str | None = None
    branch: str | None = None
    environment: str | None = None

    @property
    def exists(self) -> bool:
        return self.versions is None or bool(self.versions)

    @property
    def gives_version(self) -> bool:
        return self.number is not None

    def describe(self, number: str | None) -> str:
        shown = f"({number})" if number is not None else "(no such version exists)"
        name = self.pacticipant
        if self.latest and self.tag:
            return f"the latest version of {name} with tag {self.tag} {shown}"
        if self.latest and self.branch:
            return f"the latest version of {name} from branch {self.branch} {shown}"
        if self.latest:
            return f"the latest version of {name} {shown}"
        if self.tag:
            return f"a version of {name} with tag {self.tag} {shown}"
        if self.branch:
            return f"a version of {name} from branch {self.branch} {shown}"
        if self.environment:
            prefix = (
                "one of the versions" if self.versions and len(self.versions) > 1 else "the version"
            )
            return f"{prefix} of {name} currently deployed to {self.environment} {shown}"
        if self.number is not None:
            return f"version {self.number} of {name}"
        if number is not None:
            return f"version {number} of {name}"
        return f"any version of {name}"

    def missing(self) -> str:
        """Why a specified selector matched nothing."""
        name = self.pacticipant
        if self.tag:
            return f"No version with tag {self.tag} exists for {name}"
        if self.branch:
            return f"No version of {name} from branch {self.branch} exists"
        if self.environment:
            return (
                f"No version of {name} is currently recorded as deployed or released in "
                f"environment {self.environment}"
            )
        if self.number is not None:
            return (
                f"No pacts or verifications have been published for version {self.number} of {name}"
            )
        return f"No pacts or verifications have been published for {name}"


def require_pacticipants(conn: Connection, names: list[str]) -> dict[str, Row]:
    found = {
        r.name: r
        for r in conn.execute(
            sa.select(pacticipants).where(pacticipants.c.name.in_(sorted(set(names))))
        )
    }
    missing = [n for n in dict.fromkeys(names) if n not in found]
    if missing:
        raise BadRequest({"q": [f"Pacticipant {n} not found" for n in missing]})
    return found


def require_environment(conn: Connection, name: str) -> Row:
    env = environments.find_by_name(conn, name)
    if env is None:
        raise BadRequest({"environment": [f"Environment with name '{name}' does not exist"]})
    return env


def _numbers(conn: Connection, ids: list[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = conn.execute(
        sa.select(versions.c.id, versions.c.number).where(versions.c.id.in_(sorted(set(ids))))
    )
    return {int(r.id): str(r.number) for r in rows}


def resolve_specified(conn: Connection, sel: MatrixSelector, pacticipant: Row) -> Resolved:
    out = Resolved(
        pacticipant.id,
        pacticipant.name,
        None,
        True,
        sel.version,
        sel.latest,
        sel.tag,
        sel.branch,
        sel.environment,
    )
    if sel.main_branch:
        out.latest, out.branch = True, pacticipant.main_branch or "(no main branch)"
    ids: list[int] | None = None
    if sel.version is not None:
        row = version_store.find(conn, pacticipant.id, sel.version)
        ids = [row.id] if row is not None else []
    elif out.latest:
        if sel.main_branch and not pacticipant.main_branch:
            ids = []
        else:
            row = version_store.latest(conn, pacticipant.id, tag=out.tag, branch=out.branch)
            ids = [row.id] if row is not None else []
    elif sel.tag is not None:
        ids = [
            int(r[0])
            for r in conn.execute(
                sa.select(tags.c.version_id).where(
                    tags.c.pacticipant_id == pacticipant.id, tags.c.name == sel.tag
                )
            )
        ]
    elif sel.branch is not None:
        ids = [
            int(r[0])
            for r in conn.execute(
                sa.select(branch_versions.c.version_id)
                .join(branches, branches.c.id == branch_versions.c.branch_id)
                .where(branches.c.pacticipant_id == pacticipant.id, branches.c.name == sel.branch)
            )
        ]
    elif sel.environment is not None:
        env = require_environment(conn, sel.environment)
        ids = [
            vid for _, vid in environments.versions_in_environment(conn, env.id, [pacticipant.id])
        ]
    out.versions = None if ids is None else _numbers(conn, ids)
    return out


def resolve_inferred(
    conn: Connection, query: MatrixQuery, pacticipant_rows: dict[int, str]
) -> dict[int, Resolved]:
    """The target's versions of each other pacticipant; ``versions=None`` without a target."""
    ids = sorted(pacticipant_rows)
    chosen: dict[int, list[int]] = defaultdict(list)
    template = Resolved(0, "", None, False)
    if query.environment:
        env = require_environment(conn, query.environment)
        for pid, vid in environments.versions_in_environment(conn, env.id, ids):
            chosen[pid].append(vid)
        template.environment = query.environment
    elif query.main_branch:
        rows = conn.execute(
            sa.select(branches.c.pacticipant_id, sa.func.max(branch_versions.c.version_id))
            .join(branch_versions, branch_versions.c.branch_id == branches.c.id)
            .join(pacticipants, pacticipants.c.id == branches.c.pacticipant_id)
            .where(
                branches.c.pacticipant_id.in_(ids), branches.c.name == pacticipants.c.main_branch
            )
            .group_by(branches.c.pacticipant_id)
        )
        for pid, vid in rows:
            chosen[int(pid)].append(int(vid))
        template.latest, template.branch = True, "main"
    elif query.latest and query.tag:
        rows = conn.execute(
            sa.select(tags.c.pacticipant_id, sa.func.max(tags.c.version_id))
            .where(tags.c.pacticipant_id.in_(ids), tags.c.name == query.tag)
            .group_by(tags.c.pacticipant_id)
        )
        for pid, vid in rows:
            chosen[int(pid)].append(int(vid))
        template.latest, template.tag = True, query.tag
    elif query.latest:
        rows = conn.execute(
            sa.select(versions.c.pacticipant_id, sa.func.max(versions.c.id))
            .where(versions.c.pacticipant_id.in_(ids))
            .group_by(versions.c.pacticipant_id)
        )
        for pid, vid in rows:
            chosen[int(pid)].append(int(vid))
        template.latest = True
    else:
        return {pid: Resolved(pid, name, None, False) for pid, name in pacticipant_rows.items()}
    numbers = _numbers(conn, [vid for vids in chosen.values() for vid in vids])
    return {
        pid: Resolved(
            pid,
            name,
            {vid: numbers[vid] for vid in chosen.get(pid, [])},
            False,
            latest=template.latest,
            tag=template.tag,
            branch=template.branch,
            environment=template.environment,
        )
        for pid, name in pacticipant_rows.items()
    }
