"""Consumer test: the real client against accord's gRPC mock server."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.grpc_area_calculator.client import AreaClient, UnsupportedShape
from examples.grpc_area_calculator.contract import area_pact


def test_the_client_reads_areas_and_reports_unsupported_shapes(tmp_path: Path) -> None:
    pact = area_pact(tmp_path)
    with pact.serve(transport="grpc") as server:
        client = AreaClient(server.target)
        assert client.rectangle(5, 2) == 12.0  # the mock answers with the pact's example
        with pytest.raises(UnsupportedShape, match="circles are not supported"):
            client.circle(2)
        client.close()
    written = json.loads(pact.write().read_text())
    assert {i["transport"] for i in written["interactions"]} == {"grpc"}
    assert written["metadata"]["plugins"][0]["name"] == "protobuf"
