"""The body-format registry: a media type picks the comparison; a new type is a new module."""

from __future__ import annotations

import json

import pytest

from accord.matching.bodies import (
    BodyContext,
    BodyFormat,
    BodyRules,
    compare_bodies,
    format_for,
    formats,
    register,
    same_family,
)
from accord.matching.bodies import registry as registry_module
from accord.matching.bodies.kafka_framing import schema_id, unframe, unframe_protobuf
from accord.matching.mismatch import Mismatch
from accord.model.body import Body
from accord.model.rules import MatchingRules


def test_formats_are_tried_schema_formats_first_and_binary_last() -> None:
    assert [f.name for f in formats()] == [
        "protobuf",
        "avro",
        "json",
        "xml",
        "form",
        "multipart",
        "text",
        "binary",
    ]


@pytest.mark.parametrize(
    ("content_type", "content", "name"),
    [
        ("application/protobuf; message=.a.B", b"", "protobuf"),
        ("application/x-protobuf;message=B", b"", "protobuf"),
        ("application/grpc", b"", "protobuf"),
        ("avro/binary;record=User", b"", "avro"),
        ("application/vnd.api+json", {"a": 1}, "json"),
        (None, [1, 2], "json"),
        ("text/xml", "<a/>", "xml"),
        ("application/x-www-form-urlencoded", "a=1", "form"),
        ("multipart/form-data; boundary=x", b"--x--", "multipart"),
        ("text/plain", "hello", "text"),
        ("image/png", b"\x89PNG", "binary"),
        (None, b"\x00", "binary"),
    ],
)
def test_the_media_type_picks_the_format(
    content_type: str | None, content: object, name: str
) -> None:
    assert format_for(Body(content, content_type)).name == name


def test_related_media_types_are_one_family() -> None:
    assert same_family("application/json", "application/hal+json")
    assert same_family("application/protobuf", "application/grpc")
    assert same_family("avro/binary", "application/avro")
    assert not same_family("application/protobuf", "application/json")
    assert not same_family("text/xml", "application/xml")


def test_a_new_content_type_is_a_new_format(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_module, "_FORMATS", list(registry_module._FORMATS))

    def compare_csv(
        expected: Body, actual: Body, rules: BodyRules, context: BodyContext
    ) -> list[Mismatch]:
        want = expected.to_text().splitlines()[0].split(",")
        got = actual.to_text().splitlines()[0].split(",")
        return [Mismatch("body", "$.header", f"columns {got} != {want}")] if want != got else []

    register(
        BodyFormat(
            "csv", lambda body: (body.content_type or "").startswith("text/csv"), compare_csv
        ),
        before="text",
    )
    assert [f.name for f in formats()][-3:] == ["csv", "text", "binary"]
    expected = Body("a,b\n1,2\n", "text/csv")
    assert (
        compare_bodies(
            expected, Body("a,b\n9,9\n", "text/csv"), MatchingRules(), allow_unexpected_keys=True
        )
        == []
    )
    mismatches = compare_bodies(
        expected, Body("a,c\n1,2\n", "text/csv"), MatchingRules(), allow_unexpected_keys=True
    )
    assert [m.path for m in mismatches] == ["$.header"]


def test_registering_a_format_again_replaces_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry_module, "_FORMATS", list(registry_module._FORMATS))
    calls: list[str] = []

    def loud(
        expected: Body, actual: Body, rules: BodyRules, context: BodyContext
    ) -> list[Mismatch]:
        calls.append("form")
        return []

    register(
        BodyFormat("form", lambda b: b.content_type == "application/x-www-form-urlencoded", loud)
    )
    assert len(formats()) == 8
    body = Body("a=1", "application/x-www-form-urlencoded")
    compare_bodies(
        body,
        Body("a=2", "application/x-www-form-urlencoded"),
        MatchingRules(),
        allow_unexpected_keys=False,
    )
    assert calls == ["form"]


def test_json_in_a_kafka_schema_registry_frame_is_compared_as_json() -> None:
    expected = Body({"id": 1, "name": "Ada"}, "application/json")
    framed = b"\x00\x00\x00\x01\x2c" + json.dumps({"id": 1, "name": "Bo"}).encode()
    mismatches = compare_bodies(
        expected, Body(framed, "application/json"), MatchingRules(), allow_unexpected_keys=True
    )
    assert [m.path for m in mismatches] == ["$.name"]


def test_the_framing_adapter_reads_the_schema_id_and_message_indexes() -> None:
    frame = b"\x00" + (300).to_bytes(4, "big")
    assert schema_id(frame + b"x") == 300
    assert unframe(frame + b"payload") == b"payload"
    assert unframe(b"{}") == b"{}"
    assert unframe_protobuf(frame + b"\x00" + b"msg") == b"msg"  # [0] written as one zero
    assert unframe_protobuf(frame + b"\x04\x02\x06" + b"msg") == b"msg"  # two indexes: [1, 3]
