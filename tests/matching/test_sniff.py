"""Tests for magic-byte content-type detection."""

from __future__ import annotations

import gzip
import io
import json
import struct
import tarfile
import zipfile

import pytest

from accord.matching.sniff import detect_content_type, same_media_type
from tests.conformance_paths import FIXTURES as CONFORMANCE_FIXTURES

FIXTURES = CONFORMANCE_FIXTURES


def _fixture(name: str) -> bytes:
    path = FIXTURES / name
    assert path.exists(), f"conformance fixture {path} is missing (tests/data/pact-conformance)"
    return path.read_bytes()


@pytest.mark.parametrize(
    ("name", "expected"),
    [("rat.jpg", "image/jpeg"), ("spider.jpg", "image/jpeg"), ("sample.pdf", "application/pdf")],
)
def test_real_fixtures(name: str, expected: str) -> None:
    assert detect_content_type(_fixture(name)) == expected


def test_json_fixture_is_json() -> None:
    assert detect_content_type(_fixture("basic.json")) == "application/json"


def _bmp() -> bytes:
    # 1x1 24-bit bitmap: file header + BITMAPINFOHEADER + one padded pixel row.
    pixels = b"\x00\x00\xff\x00"
    info = struct.pack("<IiiHHIIiiII", 40, 1, 1, 1, 24, 0, len(pixels), 2835, 2835, 0, 0)
    size = 14 + len(info) + len(pixels)
    return b"BM" + struct.pack("<IHHI", size, 0, 0, 14 + len(info)) + info + pixels


def _zip() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("a.txt", "hello")
    return buffer.getvalue()


def _tar() -> bytes:
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w", format=tarfile.USTAR_FORMAT) as archive:
        info = tarfile.TarInfo("a.txt")
        info.size = 5
        archive.addfile(info, io.BytesIO(b"hello"))
    return buffer.getvalue()


def _riff(kind: bytes) -> bytes:
    return b"RIFF" + struct.pack("<I", 4 + 8) + kind + b"fmt \x00\x00\x00\x00"


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"\xff\xd8\xff\xdb\x00\x43", "image/jpeg"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
        (b"GIF89a\x01\x00\x01\x00", "image/gif"),
        (b"GIF87a\x01\x00\x01\x00", "image/gif"),
        (_riff(b"WEBP"), "image/webp"),
        (_bmp(), "image/bmp"),
        (b"II*\x00\x08\x00\x00\x00", "image/tiff"),
        (b"MM\x00*\x00\x00\x00\x08", "image/tiff"),
        (b"\x00\x00\x01\x00\x01\x00\x10\x10", "image/vnd.microsoft.icon"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3", "application/pdf"),
        (_zip(), "application/zip"),
        (gzip.compress(b"hello", mtime=0), "application/gzip"),
        (b"BZh91AY&SY", "application/x-bzip2"),
        (b"7z\xbc\xaf\x27\x1c\x00\x04", "application/x-7z-compressed"),
        (_tar(), "application/x-tar"),
        (b"ID3\x04\x00\x00\x00\x00\x00\x00", "audio/mpeg"),
        (b"\xff\xfb\x90\x64\x00", "audio/mpeg"),
        (b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00", "video/mp4"),
        (b"\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00", "video/quicktime"),
        (b"\x00\x00\x00\x1cftypM4A \x00\x00\x00\x00", "audio/mp4"),
        (b"OggS\x00\x02" + b"\x00" * 22 + b"\x01vorbis", "audio/ogg"),
        (b"OggS\x00\x02" + b"\x00" * 22, "application/ogg"),
        (_riff(b"WAVE"), "audio/wav"),
        (b"Obj\x01\x04\x14avro.codec", "avro/binary"),
        (b"PAR1\x15\x04\x15", "application/vnd.apache.parquet"),
        (b"\x00asm\x01\x00\x00\x00", "application/wasm"),
        (b'<?xml version="1.0"?><a/>', "application/xml"),
        (b"\xef\xbb\xbf  <?xml version='1.0'?><a/>", "application/xml"),
        (b"<!DOCTYPE html><html></html>", "text/html"),
        (b"\n  <html lang='en'><body></body></html>", "text/html"),
        (b"<HEAD>\n<title>x</title>", "text/html"),
        (b'  {"a": [1, 2, {"b": null}]}  ', "application/json"),
        (b"[1, 2, 3]", "application/json"),
        (json.dumps({"name": "Zoë"}).encode(), "application/json"),
        (b"hello world\n\tindented\r\n", "text/plain"),
        ("naïve café — ünïcode".encode(), "text/plain"),
        ("text with BOM".encode("utf-16"), "text/plain"),
        (b"{not json at all", "text/plain"),
        (b"<htmlish but not html", "text/plain"),
        (b"BMW is a car maker", "text/plain"),
        (b"BZh is not bzip2 without a digit", "text/plain"),
    ],
)
def test_detects_signatures(data: bytes, expected: str) -> None:
    assert detect_content_type(data) == expected


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x00\x01\x02\x03\x04\x05",
        b"hello\x00world",
        b"\x80\x81\xfe invalid utf-8",
        b"text with a bell \x07",
        _riff(b"XYZW"),
        bytes(range(256)),
    ],
)
def test_unknown_content_is_none(data: bytes) -> None:
    assert detect_content_type(data) is None


@pytest.mark.parametrize(
    ("a", "b", "expected"),
    [
        ("image/jpeg", "image/jpeg", True),
        ("IMAGE/JPEG", "image/jpeg", True),
        ("application/json; charset=utf-8", "application/json", True),
        (" text/plain ;charset=UTF-8", "Text/Plain", True),
        ("image/jpeg", "image/png", False),
        ("application/json", "application/json-patch+json", False),
        ("", "", False),
    ],
)
def test_same_media_type(a: str, b: str, expected: bool) -> None:
    assert same_media_type(a, b) is expected
    assert same_media_type(b, a) is expected
