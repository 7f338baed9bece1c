"""What the consumer needs from the Calculator, as a pact."""

from __future__ import annotations

from pathlib import Path

from accord import Pact, match

PROTO = Path(__file__).with_name("area_calculator.proto")
SERVICE = "area_calculator.Calculator/calculateOne"


def area_pact(pact_dir: Path) -> Pact:
    pact = Pact("area-calculator-consumer", "area-calculator-provider", pact_dir=pact_dir)
    (
        pact.grpc("the area of a rectangle", proto=PROTO, service=SERVICE)
        .with_request({"rectangle": {"length": match.number(3), "width": match.number(4)}})
        .will_respond_with({"value": match.each_like(match.number(12))})
    )
    (
        pact.grpc("the area of a circle", proto=PROTO, service=SERVICE)
        .given("circles are not supported")
        .with_request({"circle": {"radius": match.number(1)}})
        .will_respond_with_status("UNIMPLEMENTED", message=match.like("circles are not supported"))
    )
    return pact
