"""Detect a body's media type from its leading bytes.

Pact's ``contentType`` matcher asserts what a body *is* (``image/jpeg``, ``application/pdf``)
rather than what the ``Content-Type`` header claims, so we need content sniffing. Full-blown
libraries (libmagic, Tika) are heavyweight; the formats that show up in contracts are few and
have unambiguous signatures, so a small ordered table of magic numbers suffices. Binary
signatures are checked before textual heuristics because e.g. a PDF also starts with ASCII.
"""

from __future__ import annotations

import json
from collections.abc import Callable

__all__ = ["detect_content_type", "same_media_type"]

# (offset, signature, media type) for formats identified by a fixed byte string.
_MAGIC: tuple[tuple[int, bytes, str], ...] = (
    (0, b"\xff\xd8\xff", "image/jpeg"),
    (0, b"\x89PNG\r\n\x1a\n", "image/png"),
    (0, b"GIF87a", "image/gif"),
    (0, b"GIF89a", "image/gif"),
    (0, b"II*\x00", "image/tiff"),
    (0, b"MM\x00*", "image/tiff"),
    (0, b"\x00\x00\x01\x00", "image/vnd.microsoft.icon"),
    (0, b"%PDF-", "application/pdf"),
    (0, b"PK\x03\x04", "application/zip"),
    (0, b"PK\x05\x06", "application/zip"),
    (0, b"PK\x07\x08", "application/zip"),
    (0, b"\x1f\x8b", "application/gzip"),
    (0, b"7z\xbc\xaf\x27\x1c", "application/x-7z-compressed"),
    (257, b"ustar", "application/x-tar"),
    (0, b"ID3", "audio/mpeg"),
    (0, b"Obj\x01", "avro/binary"),
    (0, b"PAR1", "application/vnd.apache.parquet"),
    (0, b"\x00asm", "application/wasm"),
)

# ISO base-media ("ftyp") brands that are not plain MP4 video.
_FTYP_BRANDS = {
    b"qt  ": "video/quicktime",
    b"M4A ": "audio/mp4",
    b"M4B ": "audio/mp4",
    b"heic": "image/heic",
    b"heix": "image/heic",
    b"mif1": "image/heif",
    b"avif": "image/avif",
    b"3gp4": "video/3gpp",
    b"3gp5": "video/3gpp",
}

_RIFF_KINDS = {b"WEBP": "image/webp", b"WAVE": "audio/wav", b"AVI ": "video/x-msvideo"}

# Sizes of the BMP DIB headers that exist in the wild; checking one avoids calling any text
# that happens to start with "BM" a bitmap.
_BMP_DIB_SIZES = {12, 40, 52, 56, 64, 108, 124}

_HTML_PREFIXES = (b"<!doctype html", b"<html", b"<head", b"<body", b"<title", b"<script")

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8"),
    (b"\xff\xfe", "utf-16-le"),
    (b"\xfe\xff", "utf-16-be"),
)

# Control characters that legitimately appear in text files.
_TEXT_CONTROLS = frozenset("\t\n\r\x0c")


def detect_content_type(data: bytes) -> str | None:
    """Return the media type ``data`` looks like, or ``None`` if it is not recognised.

    The result has no parameters (no ``charset``); compare it to an expected type with
    :func:`same_media_type`. Empty input is ``None`` because there is nothing to identify.
    """
    if not data:
        return None
    for offset, signature, media_type in _MAGIC:
        if data.startswith(signature, offset):
            return media_type
    for detector in _STRUCTURED_DETECTORS:
        found = detector(data)
        if found is not None:
            return found
    return _detect_text(data)


def same_media_type(a: str, b: str) -> bool:
    """True if two media types have the same ``type/subtype``.

    Parameters such as ``charset`` and letter case do not change what a body *is*, so
    ``"Application/JSON; charset=utf-8"`` and ``"application/json"`` are the same type.
    """
    base_a, base_b = _base_type(a), _base_type(b)
    return bool(base_a) and base_a == base_b


def _base_type(media_type: str) -> str:
    return media_type.split(";", 1)[0].strip().lower()


def _detect_riff(data: bytes) -> str | None:
    if data.startswith(b"RIFF") and len(data) >= 12:
        return _RIFF_KINDS.get(data[8:12])
    return None


def _detect_ftyp(data: bytes) -> str | None:
    if len(data) >= 12 and data[4:8] == b"ftyp":
        return _FTYP_BRANDS.get(data[8:12], "video/mp4")
    return None


def _detect_ogg(data: bytes) -> str | None:
    if not data.startswith(b"OggS"):
        return None
    head = data[:64]
    if b"\x80theora" in head:
        return "video/ogg"
    if b"\x01vorbis" in head or b"OpusHead" in head or b"\x7fFLAC" in head:
        return "audio/ogg"
    return "application/ogg"


def _detect_bmp(data: bytes) -> str | None:
    if not data.startswith(b"BM") or len(data) < 18 or data[6:10] != b"\x00\x00\x00\x00":
        return None
    return "image/bmp" if int.from_bytes(data[14:18], "little") in _BMP_DIB_SIZES else None


def _detect_bzip2(data: bytes) -> str | None:
    # "BZh" + block size digit; requiring the digit keeps text like "BZh..." out.
    if data.startswith(b"BZh") and data[3:4].isdigit() and data[3:4] != b"0":
        return "application/x-bzip2"
    return None


def _detect_mpeg_frame(data: bytes) -> str | None:
    # MPEG-1/2 layer III frame sync without an ID3 tag.
    if len(data) >= 2 and data[0] == 0xFF and data[1] in (0xFB, 0xF3, 0xF2):
        return "audio/mpeg"
    return None


def _decode_text(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            payload, codec = data[len(bom) :], encoding
            break
    else:
        payload, codec = data, "utf-8"
    try:
        return payload.decode(codec)
    except UnicodeDecodeError:
        return None


def _detect_markup_or_json(data: bytes) -> str | None:
    text = _decode_text(data)
    if text is None:
        return None
    stripped = text.lstrip()
    head = stripped[:64].lower().encode("utf-8", "replace")
    if head.startswith(b"<?xml"):
        return "application/xml"
    for prefix in _HTML_PREFIXES:
        following = head[len(prefix) : len(prefix) + 1]
        if head.startswith(prefix) and (following == b">" or following.isspace()):
            return "text/html"
    if stripped[:1] in ("{", "["):
        try:
            json.loads(stripped)
        except ValueError:
            return None
        return "application/json"
    return None


def _detect_text(data: bytes) -> str | None:
    text = _decode_text(data)
    if text is None:
        return None
    if any((ch < " " and ch not in _TEXT_CONTROLS) or ch == "\x7f" for ch in text):
        return None
    return "text/plain"


_STRUCTURED_DETECTORS: tuple[Callable[[bytes], str | None], ...] = (
    _detect_riff,
    _detect_ftyp,
    _detect_ogg,
    _detect_bmp,
    _detect_bzip2,
    _detect_mpeg_frame,
    _detect_markup_or_json,
)
