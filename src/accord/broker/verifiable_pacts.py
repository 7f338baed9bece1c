"""Which pacts a provider must verify, and whether each is pending or work in progress.

Each selector becomes one set-based query that yields consumer version ids (the latest per
consumer and branch/tag where the selector says "latest"); the publications for all of them
are then fetched at once and grouped by content, so two selectors that pick the same content
produce one pact to verify whose notices give both reasons. Pending and WIP status are
computed for all candidate contents together, from the successful verifications by the
provider's branch (or tags), as ``reference/broker-api.md`` §3.2 describes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.db.schema import (
    branch_versions,
    branches,
    deployed_versions,
    environments,
    pact_publications,
    pacticipants,
    released_versions,
    tags,
    verifications,
)
from accord.broker.store import pacts
from accord.broker.store.common import Row
from accord.broker.verification_selectors import Selector, VerificationQuery

pp = pact_publications


@dataclass(slots=True)
class Verifiable:
    """One content to verify, with every reason it was selected."""

    pact: Row
    reasons: list[tuple[str, str]] = field(default_factory=list)
    """(selector description, consumer version number)"""
    pending: bool = False
    wip: bool = False

    @property
    def consumer_versions(self) -> list[str]:
        return list(dict.fromkeys(number for _, number in self.reasons))


# --- selection ----------------------------------------------------------------------------


def _latest_by(
    provider_id: int, consumer_id: int | None, *extra: Any, group: Any = None
) -> sa.Select[Any]:
    """Max consumer version id per consumer (and ``group``) among the provider's pacts."""
    cols = [sa.func.max(pp.c.consumer_version_id).label("vid")]
    groups: list[Any] = [pp.c.consumer_id]
    if group is not None:
        cols.append(group.label("label"))
        groups.append(group)
    query = sa.select(*cols).where(pp.c.provider_id == provider_id, *extra)
    if consumer_id is not None:
        query = query.where(pp.c.consumer_id == consumer_id)
    return query.group_by(*groups)


def _on_branch(name: Any) -> Any:
    return sa.exists().where(
        branch_versions.c.version_id == pp.c.consumer_version_id,
        branches.c.id == branch_versions.c.branch_id,
        branches.c.name == name,
    )


def _with_tag(name: Any) -> Any:
    return sa.exists().where(tags.c.version_id == pp.c.consumer_version_id, tags.c.name == name)


def _main_branch_of_consumer() -> Any:
    return (
        sa.select(pacticipants.c.main_branch)
        .where(pacticipants.c.id == pp.c.consumer_id)
        .correlate(pp)
        .scalar_subquery()
    )


def _environment_versions(selector: Selector) -> Any:
    env_filter: list[Any] = []
    if selector.environment:
        env_id = (
            sa.select(environments.c.id)
            .where(environments.c.name == selector.environment)
            .scalar_subquery()
        )
        env_filter = [env_id]
    parts = []
    if selector.deployed:
        q = sa.select(deployed_versions.c.version_id).where(
            deployed_versions.c.currently_deployed.is_(True)
        )
        if env_filter:
            q = q.where(deployed_versions.c.environment_id == env_filter[0])
        parts.append(q)
    if selector.released:
        q = sa.select(released_versions.c.version_id).where(
            released_versions.c.support_ended_at.is_(None)
        )
        if env_filter:
            q = q.where(released_versions.c.environment_id == env_filter[0])
        parts.append(q)
    return sa.union(*parts) if len(parts) > 1 else parts[0]


def _ids(conn: Connection, query: sa.Select[Any]) -> list[int]:
    return [int(row.vid) for row in conn.execute(query)]


def select_versions(
    conn: Connection, provider_id: int, consumer_id: int | None, selector: Selector
) -> list[int]:
    """Consumer version ids whose pact with the provider the selector picks."""
    if selector.main_branch:
        return _ids(
            conn, _latest_by(provider_id, consumer_id, _on_branch(_main_branch_of_consumer()))
        )
    if selector.all_branches:
        query = (
            sa.select(sa.func.max(pp.c.consumer_version_id).label("vid"))
            .select_from(
                pp.join(branch_versions, branch_versions.c.version_id == pp.c.consumer_version_id)
            )
            .where(pp.c.provider_id == provider_id)
            .group_by(branch_versions.c.branch_id)
        )
        if consumer_id is not None:
            query = query.where(pp.c.consumer_id == consumer_id)
        return _ids(conn, query)
    if selector.branch:
        found = _ids(conn, _latest_by(provider_id, consumer_id, _on_branch(selector.branch)))
        if selector.fallback_branch:
            found += _fallback(
                conn, provider_id, consumer_id, found, _on_branch(selector.fallback_branch)
            )
        return found
    if selector.tag and selector.latest:
        found = _ids(conn, _latest_by(provider_id, consumer_id, _with_tag(selector.tag)))
        if selector.fallback_tag:
            found += _fallback(
                conn, provider_id, consumer_id, found, _with_tag(selector.fallback_tag)
            )
        return found
    if selector.tag:
        query = sa.select(pp.c.consumer_version_id.label("vid")).where(
            pp.c.provider_id == provider_id, _with_tag(selector.tag)
        )
        if consumer_id is not None:
            query = query.where(pp.c.consumer_id == consumer_id)
        return _ids(conn, query)
    if selector.deployed or selector.released:
        query = sa.select(pp.c.consumer_version_id.label("vid")).where(
            pp.c.provider_id == provider_id,
            pp.c.consumer_version_id.in_(_environment_versions(selector)),
        )
        if consumer_id is not None:
            query = query.where(pp.c.consumer_id == consumer_id)
        return _ids(conn, query)
    return _ids(conn, _latest_by(provider_id, consumer_id))


def _fallback(
    conn: Connection, provider_id: int, consumer_id: int | None, found: list[int], condition: Any
) -> list[int]:
    """The fallback applies only to consumers the primary branch/tag found nothing for."""
    covered = sa.select(pp.c.consumer_id).where(
        pp.c.provider_id == provider_id, pp.c.consumer_version_id.in_(found or [-1])
    )
    return _ids(
        conn, _latest_by(provider_id, consumer_id, condition, ~pp.c.consumer_id.in_(covered))
    )


def default_versions(conn: Connection, provider_id: int) -> list[tuple[int, str]]:
    """The broker's selection when the verifier names none: per consumer, the latest on its
    main branch, else the latest tagged with the main branch's name, else the latest; plus
    everything currently deployed or released."""
    chosen: dict[int, tuple[int, str]] = {}
    candidates = [
        (
            _latest_by(provider_id, None, _on_branch(_main_branch_of_consumer())),
            "latest version from main branch",
        ),
        (
            _latest_by(provider_id, None, _with_tag(_main_branch_of_consumer())),
            "latest version with tag matching the main branch",
        ),
        (_latest_by(provider_id, None), "latest version"),
    ]
    for query, label in candidates:
        query = query.add_columns(pp.c.consumer_id.label("cid"))
        for row in conn.execute(query):
            chosen.setdefault(int(row.cid), (int(row.vid), label))
    out = list(chosen.values())
    live = Selector(deployed=True, released=True)
    out += [
        (vid, "currently deployed or released versions")
        for vid in select_versions(conn, provider_id, None, live)
    ]
    return out


def select(conn: Connection, provider: Row, query: VerificationQuery) -> list[Verifiable]:
    """The pacts to verify, de-duplicated by content, in consumer-name order."""
    picked: list[tuple[int, str]] = []
    if not query.selectors:
        picked = default_versions(conn, provider.id)
    else:
        consumer_ids = _consumer_ids(conn, [s.consumer for s in query.selectors if s.consumer])
        for selector in query.selectors:
            consumer_id = consumer_ids.get(selector.consumer) if selector.consumer else None
            if selector.consumer and consumer_id is None:
                continue
            label = selector.describe()
            picked += [
                (vid, label) for vid in select_versions(conn, provider.id, consumer_id, selector)
            ]
    return _group(conn, provider.id, picked)


def _consumer_ids(conn: Connection, names: list[str]) -> dict[str, int]:
    if not names:
        return {}
    rows = conn.execute(
        sa.select(pacticipants.c.id, pacticipants.c.name).where(
            pacticipants.c.name.in_(sorted(set(names)))
        )
    )
    return {row.name: int(row.id) for row in rows}


def _group(conn: Connection, provider_id: int, picked: list[tuple[int, str]]) -> list[Verifiable]:
    if not picked:
        return []
    ids = sorted({vid for vid, _ in picked})
    rows = conn.execute(
        pacts.pact_select(content=False).where(
            pp.c.provider_id == provider_id, pp.c.consumer_version_id.in_(ids)
        )
    )
    by_version = {int(row.consumer_version_id): row for row in rows}
    grouped: dict[int, Verifiable] = {}
    for vid, label in picked:
        row = by_version.get(vid)
        if row is None:
            continue
        entry = grouped.get(row.pact_version_id)
        if entry is None:
            entry = grouped[row.pact_version_id] = Verifiable(row)
        elif row.consumer_version_id > entry.pact.consumer_version_id:
            entry.pact = row
        if (label, row.consumer_version) not in entry.reasons:
            entry.reasons.append((label, row.consumer_version))
    return sorted(grouped.values(), key=lambda v: (v.pact.consumer, v.pact.consumer_version_id))


# --- pending and WIP ----------------------------------------------------------------------


def _branch_created(
    conn: Connection, provider_id: int, name: str
) -> tuple[int | None, datetime | None]:
    row = conn.execute(
        sa.select(branches.c.id, branches.c.created_at).where(
            branches.c.pacticipant_id == provider_id, branches.c.name == name
        )
    ).first()
    return (int(row.id), row.created_at) if row else (None, None)


def verified_contents(
    conn: Connection,
    provider_id: int,
    pact_version_ids: list[int],
    query: VerificationQuery,
    *,
    exclude_wip: bool,
) -> set[int]:
    """The contents that are *not* pending for the provider branch (or tags) in the query."""
    if not pact_version_ids:
        return set()
    v = verifications
    base = [
        v.c.pact_version_id.in_(pact_version_ids),
        v.c.success.is_(True),
        v.c.provider_id == provider_id,
    ]
    if exclude_wip:
        base.append(v.c.wip.is_(False))

    def ids(*conditions: Any) -> set[int]:
        return {
            int(r[0])
            for r in conn.execute(
                sa.select(v.c.pact_version_id).where(*base, *conditions).distinct()
            )
        }

    if query.provider_branch:
        branch_id, created = _branch_created(conn, provider_id, query.provider_branch)
        if branch_id is None:
            return ids()  # a branch not yet seen inherits every earlier success
        on_branch = sa.exists().where(
            branch_versions.c.version_id == v.c.provider_version_id,
            branch_versions.c.branch_id == branch_id,
        )
        return ids(sa.or_(on_branch, v.c.created_at < created))
    if query.provider_tags:
        verified: set[int] | None = None
        for tag in query.provider_tags:
            first_used = conn.execute(
                sa.select(sa.func.min(tags.c.created_at)).where(
                    tags.c.pacticipant_id == provider_id, tags.c.name == tag
                )
            ).scalar()
            with_tag = sa.exists().where(
                tags.c.version_id == v.c.provider_version_id, tags.c.name == tag
            )
            found = (
                ids() if first_used is None else ids(sa.or_(with_tag, v.c.created_at < first_used))
            )
            verified = found if verified is None else verified & found
        return verified or set()
    return ids()


def wip_candidates(
    conn: Connection, provider: Row, query: VerificationQuery, explicit: set[int]
) -> list[Verifiable]:
    """Head pacts of every consumer branch and tag published since the date, minus those
    already selected and those the provider branch has verified outside WIP mode."""
    if query.wip_since is None or not (query.provider_branch or query.provider_tags):
        return []
    heads: list[tuple[int, str]] = []
    since = pp.c.created_at >= query.wip_since
    by_branch = (
        sa.select(
            sa.func.max(pp.c.consumer_version_id).label("vid"), branches.c.name.label("label")
        )
        .select_from(
            pp.join(branch_versions, branch_versions.c.version_id == pp.c.consumer_version_id).join(
                branches, branches.c.id == branch_versions.c.branch_id
            )
        )
        .where(pp.c.provider_id == provider.id)
        .group_by(branch_versions.c.branch_id, branches.c.name)
    )
    by_tag = (
        sa.select(sa.func.max(pp.c.consumer_version_id).label("vid"), tags.c.name.label("label"))
        .select_from(pp.join(tags, tags.c.version_id == pp.c.consumer_version_id))
        .where(pp.c.provider_id == provider.id)
        .group_by(pp.c.consumer_id, tags.c.name)
    )
    for query_, kind in ((by_branch, "branch"), (by_tag, "tag")):
        heads += [
            (int(r.vid), f"latest version from {kind} '{r.label}' (work in progress)")
            for r in conn.execute(query_)
        ]
    entries = [
        e for e in _group(conn, provider.id, heads) if e.pact.pact_version_id not in explicit
    ]
    # Only heads published since the date count.
    if entries:
        recent = {
            int(r[0])
            for r in conn.execute(
                sa.select(pp.c.consumer_version_id).where(
                    pp.c.provider_id == provider.id,
                    pp.c.consumer_version_id.in_([e.pact.consumer_version_id for e in entries]),
                    since,
                )
            )
        }
        entries = [e for e in entries if e.pact.consumer_version_id in recent]
    done = verified_contents(
        conn, provider.id, [e.pact.pact_version_id for e in entries], query, exclude_wip=True
    )
    result = [e for e in entries if e.pact.pact_version_id not in done]
    for entry in result:
        entry.wip = True
        entry.pending = True
    return result


def pacts_for_verification(
    conn: Connection, provider: Row, query: VerificationQuery
) -> list[Verifiable]:
    selected = select(conn, provider, query)
    verified = verified_contents(
        conn, provider.id, [e.pact.pact_version_id for e in selected], query, exclude_wip=False
    )
    for entry in selected:
        entry.pending = entry.pact.pact_version_id not in verified
    explicit = {e.pact.pact_version_id for e in selected}
    return selected + wip_candidates(conn, provider, query, explicit)


def group_reasons(entry: Verifiable) -> dict[str, list[str]]:
    out: dict[str, list[str]] = defaultdict(list)
    for label, number in entry.reasons:
        if number not in out[label]:
            out[label].append(number)
    return out
