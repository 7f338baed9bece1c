"""A broker's ``_id`` on an interaction survives a load and a V3 write, as it does in V4."""

from __future__ import annotations

import json

from accord.model import (
    AsyncMessage,
    HttpInteraction,
    HttpRequest,
    MessageContents,
    Pact,
    dumps_pact,
    loads_pact,
)


def test_v3_http_and_message_writers_keep_the_interaction_id() -> None:
    http = Pact("c", "p", [HttpInteraction(description="a", id="abc", request=HttpRequest())])
    message = Pact("c", "p", [AsyncMessage(description="m", id="def", message=MessageContents())])
    for pact, key, wanted in ((http, "interactions", "abc"), (message, "messages", "def")):
        written = json.loads(dumps_pact(pact, spec="V3"))
        assert written[key][0]["_id"] == wanted
        assert loads_pact(dumps_pact(pact, spec="V3")).interactions[0].id == wanted
