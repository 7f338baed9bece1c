"""Provider test: the real Calculator server satisfies the consumer's gRPC pact."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from examples.grpc_area_calculator import provider
from examples.grpc_area_calculator.client import AreaClient, UnsupportedShape
from examples.grpc_area_calculator.contract import area_pact


@pytest.fixture
def pact_file(tmp_path: Path) -> Iterator[Path]:
    pact = area_pact(tmp_path)
    with pact.serve(transport="grpc") as server:
        client = AreaClient(server.target)
        client.rectangle(3, 4)
        with pytest.raises(UnsupportedShape):
            client.circle(1)
        client.close()
    yield pact.write()


def test_the_calculator_satisfies_the_consumer(pact_file: Path) -> None:
    server, target = provider.start(provider.Calculator())
    try:
        result = provider.verifier.verify(pact_file, transports={"grpc": target})
    finally:
        server.stop(grace=None)
    assert result.ok, result.report()
    assert [r.kind for r in result.results] == ["gRPC", "gRPC"]


def test_a_calculator_that_answers_circles_breaks_the_contract(pact_file: Path) -> None:
    server, target = provider.start(provider.Calculator(circles=True))
    try:
        result = provider.verifier.verify(pact_file, transports={"grpc": target})
    finally:
        server.stop(grace=None)
    assert not result.ok
    [failed] = [r for r in result.results if not r.ok]
    assert failed.description == "the area of a circle"
    assert "Expected gRPC status UNIMPLEMENTED but the call succeeded" in result.report()
