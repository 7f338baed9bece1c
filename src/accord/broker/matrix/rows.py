"""The matrix rows: every pact publication in scope joined to the verifications of its
content by the provider versions in scope, collapsed by ``latestby`` inside the database.

Two set-based queries cover any query: one from the specified *consumer* versions (LEFT
JOIN, so an unverified pact is a row with no provider version) and one from the specified
*provider* versions towards the consumers on the other side. Version constraints arrive as
id lists; a provider or consumer "with any version" is matched by pacticipant id instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.db.schema import pact_publications, pact_versions, verifications

pp = pact_publications
v = verifications


@dataclass(frozen=True, slots=True)
class MatrixRow:
    publication_id: int
    consumer_id: int
    consumer_version_id: int
    provider_id: int
    pact_version_id: int
    sha: str
    pact_created_at: datetime
    provider_version_id: int | None
    verification_id: int | None
    success: bool | None
    verified_at: datetime | None

    @property
    def key(self) -> tuple[int, int | None]:
        return (self.publication_id, self.verification_id)


@dataclass(frozen=True, slots=True)
class Scope:
    """Which versions are in play: explicit ids, plus pacticipants with any version."""

    version_ids: frozenset[int] = frozenset()
    any_of: frozenset[int] = frozenset()

    def condition(self, version_col: Any, pacticipant_col: Any) -> Any:
        parts = []
        if self.version_ids:
            parts.append(version_col.in_(sorted(self.version_ids)))
        if self.any_of:
            parts.append(pacticipant_col.in_(sorted(self.any_of)))
        return sa.or_(*parts) if parts else sa.false()

    @property
    def empty(self) -> bool:
        return not self.version_ids and not self.any_of


def _query(
    where: list[Any], verification_scope: Scope, *, outer: bool, latestby: str | None
) -> sa.Select[Any]:
    on = sa.and_(
        v.c.pact_version_id == pp.c.pact_version_id,
        verification_scope.condition(v.c.provider_version_id, v.c.provider_id),
    )
    joined = (pp.outerjoin(v, on) if outer else pp.join(v, on)).join(
        pact_versions, pact_versions.c.id == pp.c.pact_version_id
    )
    columns: list[Any] = [
        pp.c.id.label("publication_id"),
        pp.c.consumer_id,
        pp.c.consumer_version_id,
        pp.c.provider_id,
        pp.c.pact_version_id,
        pact_versions.c.sha,
        pp.c.created_at.label("pact_created_at"),
        v.c.provider_version_id,
        v.c.id.label("verification_id"),
        v.c.success,
        v.c.created_at.label("verified_at"),
    ]
    if latestby is None:
        return sa.select(*columns).select_from(joined).where(*where)
    partition = [pp.c.id, v.c.provider_version_id] if latestby == "cvpv" else [pp.c.id]
    rank = sa.func.row_number().over(
        partition_by=partition, order_by=[v.c.provider_version_id.desc(), v.c.id.desc()]
    )
    inner = sa.select(*columns, rank.label("rank")).select_from(joined).where(*where).subquery()
    return sa.select(*[inner.c[c.key] for c in columns]).where(inner.c.rank == 1)


def _rows(conn: Connection, query: sa.Select[Any]) -> list[MatrixRow]:
    return [
        MatrixRow(
            int(r.publication_id),
            int(r.consumer_id),
            int(r.consumer_version_id),
            int(r.provider_id),
            int(r.pact_version_id),
            str(r.sha),
            r.pact_created_at,
            None if r.provider_version_id is None else int(r.provider_version_id),
            None if r.verification_id is None else int(r.verification_id),
            None if r.success is None else bool(r.success),
            r.verified_at,
        )
        for r in conn.execute(query)
    ]


def consumer_rows(
    conn: Connection,
    consumers: Scope,
    providers: Scope,
    *,
    provider_ids: frozenset[int] | None,
    latestby: str | None,
) -> list[MatrixRow]:
    """Rows for the given consumer versions, against provider versions in ``providers``."""
    if consumers.empty:
        return []
    where = [consumers.condition(pp.c.consumer_version_id, pp.c.consumer_id)]
    if provider_ids is not None:
        where.append(pp.c.provider_id.in_(sorted(provider_ids)))
    return _rows(conn, _query(where, providers, outer=True, latestby=latestby))


def provider_rows(
    conn: Connection,
    provider_id: int,
    provider_versions: Scope,
    consumers: Scope,
    *,
    exclude_consumers: frozenset[int],
    latestby: str | None,
) -> list[MatrixRow]:
    """Rows for one provider's versions against the consumers on the other side.

    Consumer versions named by id get a row even when unverified (the provider must prove
    it supports them); consumers with "any version" only show rows that were verified.
    """
    out: list[MatrixRow] = []
    base = [pp.c.provider_id == provider_id]
    if exclude_consumers:
        base.append(~pp.c.consumer_id.in_(sorted(exclude_consumers)))
    if consumers.version_ids:
        where = [*base, pp.c.consumer_version_id.in_(sorted(consumers.version_ids))]
        out += _rows(conn, _query(where, provider_versions, outer=True, latestby=latestby))
    if consumers.any_of:
        where = [*base, pp.c.consumer_id.in_(sorted(consumers.any_of))]
        out += _rows(conn, _query(where, provider_versions, outer=False, latestby=latestby))
    return out
