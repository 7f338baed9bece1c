"""A large, realistic broker database built with bulk inserts, for ``benchmarks/broker.py``.

100 pacticipants, 10,000 versions (100 each, all on ``main``), pacts from every consumer
version to three providers (content changing every fifth version), 100,000 verification
results, and two environments with one deployed version of each pacticipant. Rows go in
through SQLAlchemy's multi-row inserts after the broker's own migrations, so the schema is
exactly the one the broker runs on.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import sqlalchemy as sa

from accord.broker.db import schema as t
from accord.broker.db.engine import make_engine
from accord.broker.db.migrate import migrate

PACTICIPANTS = 100
VERSIONS_EACH = 100
VERIFICATIONS = 100_000
PROVIDER_OFFSETS = (1, 7, 13)
CONTENT_EVERY = 5


def name(i: int) -> str:
    return f"Service{i:03d}"


def providers_of(i: int) -> list[int]:
    return [(i + k) % PACTICIPANTS for k in PROVIDER_OFFSETS]


def seed(database_url: str) -> dict[str, Any]:
    engine = make_engine(database_url)
    migrate(engine=engine)
    base = datetime(2024, 1, 1, tzinfo=UTC)
    with engine.begin() as conn:
        conn.execute(
            sa.insert(t.pacticipants),
            [
                {
                    "id": i + 1,
                    "name": name(i),
                    "main_branch": "main",
                    "created_at": base,
                    "updated_at": base,
                }
                for i in range(PACTICIPANTS)
            ],
        )
        version_rows = []
        branch_rows = [
            {"id": i + 1, "pacticipant_id": i + 1, "name": "main", "created_at": base}
            for i in range(PACTICIPANTS)
        ]
        bv_rows = []
        vid = 0
        version_id: dict[tuple[int, int], int] = {}
        # interleave pacticipants so creation order mixes them, like real CI traffic
        for n in range(VERSIONS_EACH):
            for i in range(PACTICIPANTS):
                vid += 1
                version_id[(i, n)] = vid
                stamp = base + timedelta(minutes=vid)
                version_rows.append(
                    {
                        "id": vid,
                        "pacticipant_id": i + 1,
                        "number": f"1.0.{n}",
                        "created_at": stamp,
                        "updated_at": stamp,
                    }
                )
                bv_rows.append(
                    {
                        "branch_id": i + 1,
                        "version_id": vid,
                        "pacticipant_id": i + 1,
                        "created_at": stamp,
                    }
                )
        conn.execute(sa.insert(t.versions), version_rows)
        conn.execute(sa.insert(t.branches), branch_rows)
        conn.execute(sa.insert(t.branch_versions), bv_rows)
        conn.execute(
            sa.insert(t.tags),
            [
                {
                    "version_id": version_id[(i, n)],
                    "pacticipant_id": i + 1,
                    "name": "prod",
                    "created_at": base,
                }
                for i in range(PACTICIPANTS)
                for n in range(0, VERSIONS_EACH, 10)
            ],
        )

        pv_rows = []
        pv_id: dict[tuple[int, int, int], int] = {}
        pub_rows = []
        for i in range(PACTICIPANTS):
            for p in providers_of(i):
                for n in range(VERSIONS_EACH):
                    key = (i, p, n // CONTENT_EVERY)
                    if key not in pv_id:
                        pv_id[key] = len(pv_rows) + 1
                        doc = {
                            "consumer": {"name": name(i)},
                            "provider": {"name": name(p)},
                            "messages": [
                                {
                                    "description": f"event {k} rev {n // CONTENT_EVERY}",
                                    "contents": {"id": k},
                                }
                                for k in range(5)
                            ],
                            "metadata": {"pactSpecification": {"version": "3.0.0"}},
                        }
                        text = json.dumps(doc)
                        pv_rows.append(
                            {
                                "id": pv_id[key],
                                "consumer_id": i + 1,
                                "provider_id": p + 1,
                                "sha": hashlib.sha1(text.encode()).hexdigest(),
                                "content": text,
                                "interactions_count": 5,
                                "created_at": base,
                            }
                        )
                    stamp = base + timedelta(minutes=version_id[(i, n)])
                    pub_rows.append(
                        {
                            "consumer_id": i + 1,
                            "provider_id": p + 1,
                            "consumer_version_id": version_id[(i, n)],
                            "pact_version_id": pv_id[key],
                            "revision": 1,
                            "created_at": stamp,
                            "updated_at": stamp,
                        }
                    )
        conn.execute(sa.insert(t.pact_versions), pv_rows)
        conn.execute(sa.insert(t.pact_publications), pub_rows)
        conn.execute(
            sa.insert(t.integrations),
            [
                {
                    "consumer_id": i + 1,
                    "provider_id": p + 1,
                    "created_at": base,
                    "contract_data_updated_at": base,
                }
                for i in range(PACTICIPANTS)
                for p in providers_of(i)
            ],
        )

        # Each provider version verifies the content its consumers had at about that time,
        # and a few older contents, until there are VERIFICATIONS results.
        consumers_of: dict[int, list[int]] = {p: [] for p in range(PACTICIPANTS)}
        for i in range(PACTICIPANTS):
            for p in providers_of(i):
                consumers_of[p].append(i)
        ver_rows = []
        per_version = VERIFICATIONS // (PACTICIPANTS * VERSIONS_EACH)
        for n in range(VERSIONS_EACH):
            for p in range(PACTICIPANTS):
                for k in range(per_version):
                    c = consumers_of[p][k % len(consumers_of[p])]
                    rev = max(0, n // CONTENT_EVERY - k // len(consumers_of[p]))
                    stamp = base + timedelta(minutes=version_id[(p, n)], seconds=k)
                    ver_rows.append(
                        {
                            "pact_version_id": pv_id[(c, p, rev)],
                            "provider_version_id": version_id[(p, n)],
                            "consumer_id": c + 1,
                            "provider_id": p + 1,
                            "success": (n + k) % 17 != 0,
                            "wip": False,
                            "created_at": stamp,
                        }
                    )
        conn.execute(sa.insert(t.verifications), ver_rows)

        envs = []
        for e, env_name in enumerate(("production", "staging")):
            envs.append(
                {
                    "id": e + 1,
                    "uuid": str(uuid.uuid4()),
                    "name": env_name,
                    "production": e == 0,
                    "created_at": base,
                    "updated_at": base,
                }
            )
        conn.execute(sa.insert(t.environments), envs)
        deployed = []
        for i in range(PACTICIPANTS):
            for e, n in ((1, VERSIONS_EACH - 10), (2, VERSIONS_EACH - 1)):
                deployed.append(
                    {
                        "uuid": str(uuid.uuid4()),
                        "version_id": version_id[(i, n)],
                        "pacticipant_id": i + 1,
                        "environment_id": e,
                        "instance_key": "",
                        "currently_deployed": True,
                        "created_at": base,
                        "updated_at": base,
                    }
                )
        conn.execute(sa.insert(t.deployed_versions), deployed)
        if conn.dialect.name == "postgresql":
            for table in ("pacticipants", "versions", "branches", "pact_versions", "environments"):
                conn.execute(
                    sa.text(f"SELECT setval('{table}_id_seq', (SELECT max(id) FROM {table}))")
                )
            conn.execute(sa.text("ANALYZE"))
        else:
            conn.execute(sa.text("ANALYZE"))
    engine.dispose()
    return {
        "versions": vid,
        "verifications": len(ver_rows),
        "publications": len(pub_rows),
        "pact_versions": len(pv_rows),
    }
