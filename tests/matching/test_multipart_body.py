"""Multipart bodies are compared part by part, each part by its own content type."""

from __future__ import annotations

import base64

from accord.matching import Mismatch
from accord.matching.bodies import compare_bodies
from accord.model import Body, MatchingRules

MIXED = "multipart/mixed; boundary=XyZ"
FORM = "multipart/form-data; boundary=XyZ"


def _multipart(*parts: tuple[str, bytes], boundary: str = "XyZ", names: bool = False) -> bytes:
    out = b""
    for index, (content_type, payload) in enumerate(parts):
        out += f"--{boundary}\r\nContent-Type: {content_type}\r\n".encode()
        if names:
            out += f'Content-Disposition: form-data; name="p{index}"\r\n'.encode()
        if content_type == "application/octet-stream":
            out += b"Content-Transfer-Encoding: base64\r\n\r\n" + base64.b64encode(payload)
        else:
            out += b"\r\n" + payload
        out += b"\r\n"
    return out + f"--{boundary}--\r\n".encode()


def _compare(expected: bytes, actual: bytes, content_type: str = MIXED) -> list[Mismatch]:
    return compare_bodies(
        Body(expected, content_type),
        Body(actual, content_type),
        MatchingRules(),
        allow_unexpected_keys=False,
    )


def test_the_same_parts_with_another_boundary_match() -> None:
    parts = (("text/plain", b"hello"), ("application/json", b'{"a": 1}'))
    other = _multipart(*parts, boundary="AbC").replace(b"AbC", b"XyZ")
    assert _compare(_multipart(*parts), other) == []


def test_a_decoded_binary_part_that_differs_is_reported_as_that_part() -> None:
    want = _multipart(("text/plain", b"hello"), ("application/octet-stream", b"<html/>"))
    got = _multipart(("text/plain", b"hello"), ("application/octet-stream", b"{}"))
    (mismatch,) = _compare(want, got)
    assert mismatch.message.startswith("Actual body [application/octet-stream, 2 bytes")
    assert "expected body [application/octet-stream, 7 bytes" in mismatch.message


def test_a_json_part_is_compared_as_json() -> None:
    want = _multipart(("application/json", b'{"a": 1}'))
    got = _multipart(("application/json", b'{"a": 2}'))
    (mismatch,) = _compare(want, got)
    assert mismatch.path == "$.a"


def test_a_missing_part_is_reported() -> None:
    want = _multipart(("text/plain", b"one"), ("text/plain", b"two"))
    got = _multipart(("text/plain", b"one"))
    assert any("2 parts but received 1" in m.message for m in _compare(want, got))


def test_form_data_parts_are_matched_by_name() -> None:
    want = _multipart(("text/plain", b"one"), ("text/plain", b"two"), names=True)
    got = _multipart(("text/plain", b"one"), names=True)
    (mismatch,) = _compare(want, got, FORM)
    assert mismatch.message == "Expected a part named 'p1' but was missing"
