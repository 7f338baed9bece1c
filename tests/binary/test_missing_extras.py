"""Without the extras, binary contents fail with one line naming what to install.

The packages are installed here, so their absence is simulated by hiding them from the
import system (a ``None`` entry in ``sys.modules`` makes ``import`` fail).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from accord.errors import AccordError, MissingExtraError
from accord.matching.bodies import compare_bodies
from accord.model.body import Body
from accord.model.rules import MatchingRules
from accord.schemas import AvroSchema, GivenSchemas, ProtoSchema
from accord.schemas import avro as avro_module
from accord.schemas import protobuf as protobuf_module

SCHEMAS = Path(__file__).parent / "schemas"


def _hide(monkeypatch: pytest.MonkeyPatch, *modules: str) -> None:
    for name in modules:
        monkeypatch.setitem(sys.modules, name, None)


def test_protobuf_without_the_grpc_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    data = ProtoSchema.from_proto_file(SCHEMAS / "shop.proto").descriptor_set
    protobuf_module._cached_schema.cache_clear()
    _hide(monkeypatch, "google.protobuf.descriptor_pb2")
    with pytest.raises(MissingExtraError) as raised:
        ProtoSchema.from_descriptor_set(data)
    assert str(raised.value) == (
        "protobuf content needs the 'protobuf' package, which is not installed: "
        "pip install 'accord[grpc]'"
    )
    assert isinstance(raised.value, AccordError) and isinstance(raised.value, ImportError)
    assert isinstance(raised.value.__cause__, ImportError)


def test_compiling_a_proto_without_grpcio_tools_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    _hide(monkeypatch, "grpc_tools.protoc", "grpc_tools")
    with pytest.raises(
        MissingExtraError,
        match=r"a \.proto file needs the 'grpcio-tools' package.*pip install 'accord\[grpc\]'",
    ):
        protobuf_module.compile_proto(SCHEMAS / "shop.proto")


def test_avro_without_the_avro_extra_says_how_to_install_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    avro_module._cached_schema.cache_clear()
    _hide(monkeypatch, "fastavro")
    with pytest.raises(
        MissingExtraError,
        match=r"Avro content needs the 'fastavro' package.*pip install 'accord\[avro\]'",
    ):
        AvroSchema.from_file(SCHEMAS / "user.avsc")


def test_a_missing_extra_stops_the_comparison_rather_than_passing_as_a_mismatch(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    users = AvroSchema.from_file(SCHEMAS / "user.avsc")
    body = Body(b"\x02", "avro/binary;record=User")
    _hide(monkeypatch, "fastavro")
    with pytest.raises(MissingExtraError, match=r"pip install 'accord\[avro\]'"):
        compare_bodies(
            body,
            body,
            MatchingRules(),
            allow_unexpected_keys=True,
            schemas=GivenSchemas(avro=users),
        )
