"""``GET /pacts/provider/{provider}/provider-states``: the states the provider must support.

Collected from the latest pact of each consumer's main branch (falling back to the latest
pact when a consumer has no main branch pacts), as the Rust ``provider-states list`` reads.
"""

from __future__ import annotations

import json
from typing import Any

from sqlalchemy.engine import Connection

from accord.broker.http.request import Req
from accord.broker.http.response import Reply, hal
from accord.broker.http.routing import Router
from accord.broker.store import pacticipants, pacts
from accord.broker.urls import link


def _states(item: Any) -> list[dict[str, Any]]:
    if not isinstance(item, dict):
        return []
    if isinstance(item.get("providerStates"), list):
        return [s for s in item["providerStates"] if isinstance(s, dict) and "name" in s]
    if isinstance(item.get("providerState"), str):
        return [{"name": item["providerState"]}]
    return []


def provider_states(req: Req, conn: Connection) -> Reply:
    provider = pacticipants.require(conn, req.params["provider"])
    rows = pacts.publications(conn, provider.id, main_branch=True, latest=True)
    covered = {row.consumer_id for row in rows}
    rows += [
        row
        for row in pacts.publications(conn, provider.id, latest=True)
        if row.consumer_id not in covered
    ]
    found: dict[str, dict[str, Any]] = {}
    for row in rows:
        doc = json.loads(pacts.content_by_id(conn, row.pact_version_id))
        for key in ("interactions", "messages"):
            for item in doc.get(key) or []:
                for state in _states(item):
                    entry = found.setdefault(
                        json.dumps([state["name"], state.get("params")], sort_keys=True),
                        {"name": state["name"], "consumers": []},
                    )
                    if state.get("params") is not None:
                        entry["params"] = state["params"]
                    if row.consumer not in entry["consumers"]:
                        entry["consumers"].append(row.consumer)
    states = sorted(found.values(), key=lambda s: str(s["name"]))
    return hal(
        {
            "providerStates": states,
            "_links": {"self": link(req.urls(req.path), title="Provider states")},
        }
    )


def register(router: Router) -> None:
    router.get("/pacts/provider/{provider}/provider-states", provider_states)
