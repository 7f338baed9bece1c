"""What the consumer needs from the users socket, as a pact."""

from __future__ import annotations

from pathlib import Path

from accord import Pact, match


def lookup_pact(pact_dir: Path) -> Pact:
    pact = Pact("user-dashboard", "user-socket", pact_dir=pact_dir)
    (
        pact.websocket("a lookup of an existing user", path="/ws/users")
        .given("user 127 exists", id=127)
        .with_request({"userId": match.integer(127)})
        .will_respond_with({"userId": match.integer(127), "name": match.like("Ada")})
    )
    (
        pact.websocket("a lookup of a missing user", path="/ws/users")
        .given("no user 404")
        .with_request({"userId": 404})
        .will_respond_with({"error": match.like("no user 404")})
    )
    return pact
