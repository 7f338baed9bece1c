"""Run a matrix query and decide: deployable (true), not (false) or unknown (null), and why.

The rules are the Pact Broker's (``reference/broker-api.md`` §3.3): a named version that does
not exist is a "no"; an unverified pact in scope is "unknown"; otherwise every considered
row must have succeeded. Rows matching an ignore selector are listed but not counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from accord.broker.db.schema import integrations, pacticipants, versions
from accord.broker.matrix.query import IgnoreSelector, MatrixQuery
from accord.broker.matrix.resolve import (
    Resolved,
    require_pacticipants,
    resolve_inferred,
    resolve_specified,
)
from accord.broker.matrix.rows import MatrixRow, Scope, consumer_rows, provider_rows

SUCCESS = "All required verification results are published and successful"
NO_DEPENDENCIES = "There are no missing dependencies"
RECOMMEND_TARGET = (
    "WARNING: It is recommended to specify the environment into which you are deploying "
    "(eg. --to-environment production) so that the versions it will be compatible with can "
    "be determined."
)
RECOMMEND_VERSION = (
    "WARNING: It is recommended to specify the version number (rather than latest, a tag or a "
    "branch) of the pacticipant you wish to deploy to avoid race conditions."
)


@dataclass(slots=True)
class Decision:
    rows: list[MatrixRow]
    ignored: set[tuple[int, int | None]]
    names: dict[int, str]
    numbers: dict[int, str]
    specified: list[Resolved]
    inferred: dict[int, Resolved]
    deployable: bool | None = None
    reasons: list[tuple[str, str]] = field(default_factory=list)
    """(notice type, text)"""
    counts: dict[str, int] = field(default_factory=dict)

    def selector_for(self, pacticipant_id: int, version_id: int | None) -> Resolved | None:
        for resolved in self.specified:
            if resolved.pacticipant_id == pacticipant_id and (
                resolved.versions is None or version_id is None or version_id in resolved.versions
            ):
                return resolved
        return self.inferred.get(pacticipant_id)

    def describe(self, pacticipant_id: int, version_id: int | None) -> str:
        number = self.numbers.get(version_id) if version_id is not None else None
        resolved = self.selector_for(pacticipant_id, version_id)
        if resolved is None:
            name = self.names[pacticipant_id]
            return f"version {number} of {name}" if number else f"any version of {name}"
        if number is None and resolved.versions:
            # An unverified row: name the version(s) the selector stands for.
            number = ", ".join(resolved.versions[k] for k in sorted(resolved.versions))
        return resolved.describe(number)

    def between(self, row: MatrixRow) -> str:
        """ "<consumer side> and <provider side>" for a reason's text."""
        consumer = self.describe(row.consumer_id, row.consumer_version_id)
        return f"{consumer} and {self.describe(row.provider_id, row.provider_version_id)}"

    @property
    def summary_reason(self) -> str:
        return "\n".join(text for _, text in self.reasons)


def _scope(selectors: list[Resolved]) -> Scope:
    ids: set[int] = set()
    any_of: set[int] = set()
    for s in selectors:
        if s.versions is None:
            any_of.add(s.pacticipant_id)
        else:
            ids.update(s.versions)
    return Scope(frozenset(ids), frozenset(any_of))


def _merge(specified: list[Resolved]) -> dict[int, list[Resolved]]:
    by_id: dict[int, list[Resolved]] = {}
    for s in specified:
        by_id.setdefault(s.pacticipant_id, []).append(s)
    return by_id


def run(conn: Connection, query: MatrixQuery) -> Decision:
    found = require_pacticipants(conn, [s.pacticipant for s in query.selectors])
    specified = [resolve_specified(conn, s, found[s.pacticipant]) for s in query.selectors]
    by_id = _merge(specified)
    spec_ids = frozenset(by_id)
    only_between_specified = len(spec_ids) > 1 and not query.has_target
    inferred: dict[int, Resolved] = {}
    if not only_between_specified:
        partners = _partners(conn, spec_ids)
        inferred = resolve_inferred(conn, query, partners)
    everyone = _scope(specified + list(inferred.values()))
    rows = consumer_rows(
        conn,
        _scope(specified),
        everyone,
        provider_ids=spec_ids if only_between_specified else None,
        latestby=query.latestby,
    )
    if not only_between_specified:
        other_side = _scope(list(inferred.values()))
        for pid, selectors in by_id.items():
            rows += provider_rows(
                conn,
                pid,
                _scope(selectors),
                other_side,
                exclude_consumers=spec_ids,
                latestby=query.latestby,
            )
    rows = list({row.key: row for row in rows}.values())
    if query.success is not None:
        rows = [r for r in rows if r.success in query.success]
    rows.sort(
        key=lambda r: (
            r.consumer_id,
            -r.consumer_version_id,
            r.provider_id,
            -(r.provider_version_id or 0),
        )
    )
    names, numbers = _labels(conn, rows, specified, inferred)
    decision = Decision(rows, set(), names, numbers, specified, inferred)
    _decide(conn, decision, query)
    return decision


def _partners(conn: Connection, spec_ids: frozenset[int]) -> dict[int, str]:
    ids = sorted(spec_ids)
    rows = conn.execute(
        sa.select(integrations.c.consumer_id, integrations.c.provider_id).where(
            sa.or_(integrations.c.consumer_id.in_(ids), integrations.c.provider_id.in_(ids))
        )
    )
    partner_ids = {pid for row in rows for pid in row if pid not in spec_ids}
    if not partner_ids:
        return {}
    named = conn.execute(
        sa.select(pacticipants.c.id, pacticipants.c.name).where(
            pacticipants.c.id.in_(sorted(partner_ids))
        )
    )
    return {int(r.id): str(r.name) for r in named}


def _labels(
    conn: Connection,
    rows: list[MatrixRow],
    specified: list[Resolved],
    inferred: dict[int, Resolved],
) -> tuple[dict[int, str], dict[int, str]]:
    pids = {r.consumer_id for r in rows} | {r.provider_id for r in rows}
    names = {s.pacticipant_id: s.pacticipant for s in specified} | {
        i.pacticipant_id: i.pacticipant for i in inferred.values()
    }
    missing = sorted(pids - set(names))
    if missing:
        names |= {
            int(r.id): str(r.name)
            for r in conn.execute(
                sa.select(pacticipants.c.id, pacticipants.c.name).where(
                    pacticipants.c.id.in_(missing)
                )
            )
        }
    vids = {r.consumer_version_id for r in rows} | {
        r.provider_version_id for r in rows if r.provider_version_id
    }
    numbers: dict[int, str] = {}
    if vids:
        numbers = {
            int(r.id): str(r.number)
            for r in conn.execute(
                sa.select(versions.c.id, versions.c.number).where(versions.c.id.in_(sorted(vids)))
            )
        }
    return names, numbers


def _ignores(rule: IgnoreSelector, name: str, number: str | None) -> bool:
    return rule.pacticipant == name and (rule.version is None or rule.version == number)


def _decide(conn: Connection, d: Decision, query: MatrixQuery) -> None:
    def ignored_side(pid: int, vid: int | None) -> bool:
        name = d.names.get(pid, "")
        number = d.numbers.get(vid) if vid is not None else None
        return any(_ignores(rule, name, number) for rule in query.ignore)

    for row in d.rows:
        if ignored_side(row.consumer_id, row.consumer_version_id) or ignored_side(
            row.provider_id, row.provider_version_id
        ):
            d.ignored.add(row.key)
    considered = [r for r in d.rows if r.key not in d.ignored]
    ignored = [r for r in d.rows if r.key in d.ignored]
    d.rows = considered + ignored  # the broker lists ignored rows after the considered ones

    def spec_ignored(s: Resolved) -> bool:
        return any(_ignores(rule, s.pacticipant, s.number) for rule in query.ignore)

    missing = [s for s in d.specified if not s.exists]
    errors: list[tuple[str, str]] = []
    for s in missing:
        errors.append(
            ("warning", f"Ignoring: {s.missing()}") if spec_ignored(s) else ("error", s.missing())
        )
    considered_missing = [s for s in missing if not spec_ignored(s)]
    if not considered_missing:
        for rows, prefix, kind in ((considered, "", "error"), (ignored, "Ignoring: ", "warning")):
            for row in rows:
                if row.success is False:
                    text = f"The verification for the pact between {d.between(row)} failed"
                    errors.append((kind, prefix + text))
        for rows, prefix, kind in ((considered, "", "error"), (ignored, "Ignoring: ", "warning")):
            for row in rows:
                if row.success is None:
                    text = f"There is no verified pact between {d.between(row)}"
                    errors.append((kind, prefix + text))
    errors = list(dict.fromkeys(errors))
    warnings = [("warning", w) for w in _warnings(conn, d, query)]
    if considered_missing:
        d.deployable = False
    elif any(r.success is None for r in considered):
        d.deployable = None
    else:
        d.deployable = all(r.success for r in considered)
    if any(kind == "error" for kind, _ in errors):
        d.reasons = errors + warnings
    else:
        success = ("success", SUCCESS if considered else NO_DEPENDENCIES)
        d.reasons = [success, *errors, *warnings]
    d.counts = {
        "success": sum(1 for r in considered if r.success is True),
        "failed": sum(1 for r in considered if r.success is False),
        "unknown": sum(1 for r in considered if r.success is None),
    }
    if query.ignore:
        d.counts["ignored"] = len(ignored)


def _warnings(conn: Connection, d: Decision, query: MatrixQuery) -> list[str]:
    out = []
    if len(d.specified) == 1 and not (query.environment or query.tag or query.main_branch):
        out.append(RECOMMEND_TARGET)
    if d.specified and not any(s.gives_version for s in d.specified):
        out.append(RECOMMEND_VERSION)
    for rule in query.ignore:
        pid = next((p for p, n in d.names.items() if n == rule.pacticipant), None)
        if pid is None:
            row = conn.execute(
                sa.select(pacticipants.c.id).where(pacticipants.c.name == rule.pacticipant)
            ).first()
            pid = None if row is None else int(row.id)
        exists = pid is not None
        if exists and rule.version is not None:
            exists = (
                conn.execute(
                    sa.select(versions.c.id).where(
                        versions.c.pacticipant_id == pid, versions.c.number == rule.version
                    )
                ).first()
                is not None
            )
        if not exists:
            what = (
                f"version {rule.version} of {rule.pacticipant}"
                if rule.version
                else rule.pacticipant
            )
            out.append(f"WARNING: Cannot ignore {what} (it does not exist)")
    return out
