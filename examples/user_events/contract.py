"""The consumer's expectations, shared by its test and by the demo."""

from __future__ import annotations

from accord import Pact, match

CONSUMER = "V3MessageConsumer"
PROVIDER = "V3MessageProvider"


def user_event_pact(spec: str = "V3") -> Pact:
    pact = Pact(CONSUMER, PROVIDER, spec=spec)
    (
        pact.expects_to_receive("a user event")
        .given("User with id 127 exists", id=127)
        .with_metadata({"Content-Type": "application/json"})
        .with_content(
            {
                "datetime": match.regex("2020-01-01", r"[0-9\-]+"),
                "name": match.like("Billy"),
                "lastName": match.like("Sampson"),
                "id": match.integer(12),
            }
        )
    )
    return pact
