"""Pacticipant versions, and the branches and tags that group them.

A version's ``id`` is its creation order, so the latest version of anything (overall, on a
branch, with a tag) is the one with the highest id; the indexes on ``(pacticipant_id, id)``,
``branch_versions(branch_id, version_id)`` and ``tags(pacticipant_id, name, version_id)``
answer those questions without a scan.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.clock import now
from accord.broker.db.schema import branch_versions, branches, pacticipants, tags, versions
from accord.broker.http.errors import NotFound
from accord.broker.store.common import Row, insert_ignore

MAIN_BRANCH_CANDIDATES = ("develop", "main", "master")


def find(conn: Connection, pacticipant_id: int, number: str) -> Row | None:
    return conn.execute(
        sa.select(versions).where(
            versions.c.pacticipant_id == pacticipant_id, versions.c.number == number
        )
    ).first()


def require(conn: Connection, pacticipant: Row, number: str) -> Row:
    row = find(conn, pacticipant.id, number)
    if row is None:
        raise NotFound(f"No version '{number}' of pacticipant '{pacticipant.name}' found")
    return row


def get_or_create(
    conn: Connection, pacticipant_id: int, number: str, build_url: str | None = None
) -> tuple[Row, bool]:
    """The version, and whether this call created it (one statement when it is new)."""
    stamp = now()
    created = insert_ignore(
        conn,
        versions,
        [
            {
                "pacticipant_id": pacticipant_id,
                "number": number,
                "build_url": build_url,
                "created_at": stamp,
                "updated_at": stamp,
            }
        ],
        ["pacticipant_id", "number"],
    )
    if created:
        return created[0], True
    row = find(conn, pacticipant_id, number)
    assert row is not None
    if build_url and row.build_url != build_url:
        conn.execute(
            sa.update(versions)
            .where(versions.c.id == row.id)
            .values(build_url=build_url, updated_at=stamp)
        )
        row = find(conn, pacticipant_id, number)
        assert row is not None
    return row, False


def latest(
    conn: Connection, pacticipant_id: int, *, tag: str | None = None, branch: str | None = None
) -> Row | None:
    query = sa.select(versions).where(versions.c.pacticipant_id == pacticipant_id)
    if tag is not None:
        query = query.where(
            versions.c.id.in_(
                sa.select(tags.c.version_id).where(
                    tags.c.pacticipant_id == pacticipant_id, tags.c.name == tag
                )
            )
        )
    if branch is not None:
        query = query.where(
            versions.c.id.in_(
                sa.select(branch_versions.c.version_id)
                .join(branches, branches.c.id == branch_versions.c.branch_id)
                .where(branches.c.pacticipant_id == pacticipant_id, branches.c.name == branch)
            )
        )
    return conn.execute(query.order_by(versions.c.id.desc()).limit(1)).first()


def latest_of_each(conn: Connection, pacticipant_ids: Iterable[int]) -> dict[int, Row]:
    """The latest version of each pacticipant that has one, in one query."""
    wanted = sorted(set(pacticipant_ids))
    if not wanted:
        return {}
    newest = (
        sa.select(sa.func.max(versions.c.id))
        .where(versions.c.pacticipant_id.in_(wanted))
        .group_by(versions.c.pacticipant_id)
    )
    rows = conn.execute(sa.select(versions).where(versions.c.id.in_(newest)))
    return {row.pacticipant_id: row for row in rows}


def list_for(conn: Connection, pacticipant_id: int) -> list[Row]:
    return list(
        conn.execute(
            sa.select(versions)
            .where(versions.c.pacticipant_id == pacticipant_id)
            .order_by(versions.c.id.desc())
        )
    )


def delete(conn: Connection, version_id: int) -> None:
    conn.execute(sa.delete(versions).where(versions.c.id == version_id))


def by_ids(conn: Connection, ids: Iterable[int]) -> dict[int, Row]:
    wanted = sorted(set(ids))
    if not wanted:
        return {}
    return {
        row.id: row for row in conn.execute(sa.select(versions).where(versions.c.id.in_(wanted)))
    }


# --- tags -------------------------------------------------------------------------------


def add_tag(conn: Connection, version: Row, name: str, main_branch: str | None = None) -> bool:
    """Tag the version; True when the tag is new."""
    return bool(add_tags(conn, version, [name], main_branch))


def add_tags(
    conn: Connection, version: Row, names: list[str], main_branch: str | None = None
) -> list[str]:
    """Add tags in one statement; the names that were new. ``main_branch`` is the
    pacticipant's current main branch (None: unset, or unknown to the caller)."""
    stamp = now()
    created = insert_ignore(
        conn,
        tags,
        [
            {
                "version_id": version.id,
                "pacticipant_id": version.pacticipant_id,
                "name": n,
                "created_at": stamp,
            }
            for n in names
        ],
        ["version_id", "name"],
    )
    new = [row.name for row in created]
    if main_branch is None:
        for name in new:
            _maybe_set_main_branch(conn, version.pacticipant_id, name)
    return new


def find_tag(conn: Connection, version_id: int, name: str) -> Row | None:
    return conn.execute(
        sa.select(tags).where(tags.c.version_id == version_id, tags.c.name == name)
    ).first()


def delete_tag(conn: Connection, version_id: int, name: str) -> bool:
    result = conn.execute(
        sa.delete(tags).where(tags.c.version_id == version_id, tags.c.name == name)
    )
    return bool(result.rowcount)


def tags_for(conn: Connection, version_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Tags of many versions in one query, each with ``latest``: is it the newest with it?"""
    wanted = sorted(set(version_ids))
    out: dict[int, list[Row]] = defaultdict(list)
    if not wanted:
        return out
    t = tags.alias("t")
    newest = (
        sa.select(sa.func.max(tags.c.version_id))
        .where(tags.c.pacticipant_id == t.c.pacticipant_id, tags.c.name == t.c.name)
        .correlate(t)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(
            t.c.version_id, t.c.name, t.c.created_at, (t.c.version_id == newest).label("latest")
        )
        .where(t.c.version_id.in_(wanted))
        .order_by(t.c.version_id, t.c.created_at, t.c.name)
    )
    for row in rows:
        out[row.version_id].append(row)
    return out


# --- branches ---------------------------------------------------------------------------


def find_branch(conn: Connection, pacticipant_id: int, name: str) -> Row | None:
    return conn.execute(
        sa.select(branches).where(
            branches.c.pacticipant_id == pacticipant_id, branches.c.name == name
        )
    ).first()


def require_branch(conn: Connection, pacticipant: Row, name: str) -> Row:
    row = find_branch(conn, pacticipant.id, name)
    if row is None:
        raise NotFound(f"No branch '{name}' found for pacticipant '{pacticipant.name}'")
    return row


def add_to_branch(
    conn: Connection, version: Row, name: str, main_branch: str | None = None
) -> bool:
    """Put the version on the branch (creating the branch); True when newly added.
    ``main_branch`` as for :func:`add_tags`."""
    stamp = now()
    branch = find_branch(conn, version.pacticipant_id, name)
    if branch is None:
        insert_ignore(
            conn,
            branches,
            [{"pacticipant_id": version.pacticipant_id, "name": name, "created_at": stamp}],
            ["pacticipant_id", "name"],
        )
        branch = find_branch(conn, version.pacticipant_id, name)
    assert branch is not None
    added = insert_ignore(
        conn,
        branch_versions,
        [
            {
                "branch_id": branch.id,
                "version_id": version.id,
                "pacticipant_id": version.pacticipant_id,
                "created_at": stamp,
            }
        ],
        ["branch_id", "version_id"],
    )
    if added and main_branch is None:
        _maybe_set_main_branch(conn, version.pacticipant_id, name)
    return bool(added)


def branch_version(conn: Connection, branch_id: int, version_id: int) -> Row | None:
    return conn.execute(
        sa.select(branch_versions).where(
            branch_versions.c.branch_id == branch_id, branch_versions.c.version_id == version_id
        )
    ).first()


def list_branches(conn: Connection, pacticipant_id: int) -> list[Row]:
    return list(
        conn.execute(
            sa.select(branches)
            .where(branches.c.pacticipant_id == pacticipant_id)
            .order_by(branches.c.id.desc())
        )
    )


def branch_version_list(conn: Connection, branch_id: int) -> list[Row]:
    return list(
        conn.execute(
            sa.select(versions)
            .join(branch_versions, branch_versions.c.version_id == versions.c.id)
            .where(branch_versions.c.branch_id == branch_id)
            .order_by(versions.c.id.desc())
        )
    )


def delete_branch(conn: Connection, branch_id: int) -> None:
    """The branch and its membership rows go; the versions stay."""
    conn.execute(sa.delete(branch_versions).where(branch_versions.c.branch_id == branch_id))
    conn.execute(sa.delete(branches).where(branches.c.id == branch_id))


def branches_for(conn: Connection, version_ids: Iterable[int]) -> dict[int, list[Row]]:
    """Branch memberships of many versions (name, latest-on-branch flag) in one query."""
    wanted = sorted(set(version_ids))
    out: dict[int, list[Row]] = defaultdict(list)
    if not wanted:
        return out
    bv = branch_versions.alias("bv")
    head = (
        sa.select(sa.func.max(branch_versions.c.version_id))
        .where(branch_versions.c.branch_id == bv.c.branch_id)
        .correlate(bv)
        .scalar_subquery()
    )
    rows = conn.execute(
        sa.select(
            bv.c.version_id,
            branches.c.name,
            bv.c.created_at,
            (bv.c.version_id == head).label("latest"),
        )
        .join(branches, branches.c.id == bv.c.branch_id)
        .where(bv.c.version_id.in_(wanted))
        .order_by(bv.c.version_id, bv.c.id)
    )
    for row in rows:
        out[row.version_id].append(row)
    return out


def _maybe_set_main_branch(conn: Connection, pacticipant_id: int, name: str) -> None:
    """The first develop/main/master branch or tag becomes the main branch, as the broker does."""
    if name not in MAIN_BRANCH_CANDIDATES:
        return
    conn.execute(
        sa.update(pacticipants)
        .where(pacticipants.c.id == pacticipant_id, pacticipants.c.main_branch.is_(None))
        .values(main_branch=name)
    )
