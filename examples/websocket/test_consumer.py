"""Consumer test: the real lookup client against accord's WebSocket mock server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.websocket.consumer import User, UserLookup, UserNotFound
from examples.websocket.contract import lookup_pact


def test_the_client_reads_users_and_reports_missing_ones(tmp_path: Path) -> None:
    pact = lookup_pact(tmp_path)
    with pact.serve(transport="websocket") as server:
        lookup = UserLookup(server.url)
        assert lookup.find(127) == User(127, "Ada")
        with pytest.raises(UserNotFound, match="no user 404"):
            lookup.find(404)
    written = json.loads(pact.write().read_text())
    assert {i["comments"]["websocket"]["path"] for i in written["interactions"]} == {"/ws/users"}
