"""Shared helpers for running the Pact compatibility suite through pytest-bdd.

The suite's features describe requests, responses and messages in Gherkin tables whose cells
follow a few conventions (see ``shared/pact-conformance/README.md``):

- bodies: ``file: NAME`` (a fixture), ``JSON: {...}``, ``XML: <...>``, ``EMPTY`` or plain text;
  ``*-body.xml`` fixtures describe a body (content type, contents, ``eol``, ``encoding``);
- headers: ``'Name: value', 'Other: v'`` (a repeated name means a repeated header line);
- queries: ``a=1&b=2``;
- matching rules and generators: a fixture file name, or ``JSON: {...}``;
- message metadata: ``Key=value; Key2=JSON: {...}``.

Everything here turns those cells into accord model objects; the step modules only wire
Gherkin steps to these helpers and to accord's own matching and generator code.
"""

from __future__ import annotations

import base64
import json
import mimetypes
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

import pytest

from accord.matching import Mismatch
from accord.model import Body, Generators, HttpRequest, HttpResponse, MatchingRules
from accord.model.body import is_json_type, is_text_type
from accord.model.read import At, parse_generators, parse_matching_rules

REPO = Path(__file__).resolve().parents[2]
CONFORMANCE = REPO / "tests" / "data" / "pact-conformance"
SUITE = CONFORMANCE / "compatibility-suite"
FEATURES = SUITE / "features"
FIXTURES = SUITE / "fixtures"

# ------------------------------------------------------------------------------------------
# locating the suite


def require_suite() -> Path:
    """The compatibility suite folder; fails the run loudly when it is missing."""
    if not FEATURES.is_dir() or not FIXTURES.is_dir():
        pytest.fail(
            f"the Pact compatibility suite is missing: expected it at {SUITE}", pytrace=False
        )
    return SUITE


def feature(relative: str) -> str:
    """Absolute path of a feature file, e.g. ``feature("V3/matching_rules.feature")``."""
    path = require_suite() / "features" / relative
    if not path.is_file():
        pytest.fail(f"the compatibility-suite feature {path} is missing", pytrace=False)
    return str(path)


def fixture_path(name: str) -> Path:
    path = require_suite() / "fixtures" / name.strip()
    if not path.is_file():
        pytest.fail(f"the compatibility-suite fixture {path} is missing", pytrace=False)
    return path


@cache
def _fixture_bytes(name: str) -> bytes:
    return fixture_path(name).read_bytes()


def fixture_bytes(name: str) -> bytes:
    return _fixture_bytes(name.strip())


def fixture_json(name: str) -> Any:
    return json.loads(fixture_bytes(name).decode("utf-8"))


# ------------------------------------------------------------------------------------------
# data tables and step arguments


def rows(datatable: list[list[str]]) -> list[dict[str, str]]:
    """A horizontal table (header row first) as one dict per data row."""
    header, *body = datatable
    return [dict(zip(header, row, strict=True)) for row in body]


def vertical(datatable: list[list[str]]) -> dict[str, str]:
    """A two-column key/value table as a dict."""
    return {row[0]: row[1] if len(row) > 1 else "" for row in datatable}


def single_cell(datatable: list[list[str]]) -> str:
    """The text of a one-cell table (used for JSON contexts)."""
    return "\n".join(cell for row in datatable for cell in row)


QUOTED = r'"(?P<{name}>(?:[^"\\]|\\.)*)"'
"""A ``parsers.re`` fragment for a double-quoted step argument that may hold ``\\"``."""


def quoted(name: str) -> str:
    return QUOTED.format(name=name)


def unescape(text: str) -> str:
    """Undo the ``\\"`` escaping of quoted step arguments; other backslashes stay."""
    return text.replace('\\"', '"')


def strip_prefix(cell: str, prefix: str) -> str | None:
    """The rest of ``cell`` after ``prefix`` (case-sensitive), or None."""
    text = cell.strip()
    if text.startswith(prefix):
        return text[len(prefix) :].strip()
    return None


# ------------------------------------------------------------------------------------------
# bodies


def content_type_for_file(name: str) -> str:
    """The content type a plain fixture file implies, from its extension."""
    lowered = name.lower()
    if lowered.endswith(".json"):
        return "application/json"
    if lowered.endswith(".xml"):
        return "application/xml"
    guessed, _ = mimetypes.guess_type(lowered)
    return guessed or "application/octet-stream"


def body_from_bytes(data: bytes, content_type: str | None) -> Body:
    """A body in accord's decoded form: JSON value, ``str`` for text, ``bytes`` otherwise."""
    if is_json_type(content_type):
        try:
            return Body(json.loads(data.decode("utf-8")), content_type)
        except (UnicodeDecodeError, ValueError):
            return Body(data, content_type)
    if content_type and is_text_type(content_type):
        try:
            return Body(data.decode("utf-8"), content_type)
        except UnicodeDecodeError:
            return Body(data, content_type)
    return Body(data, content_type)


def body_from_text(text: str, content_type: str | None) -> Body:
    if is_json_type(content_type):
        try:
            return Body(json.loads(text), content_type)
        except ValueError:
            return Body(text, content_type)
    if content_type and not is_text_type(content_type):
        return Body(text.encode("utf-8"), content_type)
    return Body(text, content_type)


def body_descriptor(name: str) -> Body:
    """A ``*-body.xml`` fixture: ``<body><contentType/><contents eol= encoding=/></body>``."""
    root = ET.fromstring(fixture_bytes(name))
    declared = (root.findtext("contentType") or "").strip() or None
    contents = root.find("contents")
    text = (contents.text or "") if contents is not None else ""
    attrs = contents.attrib if contents is not None else {}
    if attrs.get("encoding", "").lower() == "base64":
        data = base64.b64decode("".join(text.split()))
        return body_from_bytes(data, declared or "application/octet-stream")
    text = text.strip()
    if attrs.get("eol", "").upper() == "CRLF":
        text = text.replace("\r\n", "\n").replace("\n", "\r\n") + "\r\n"
    return body_from_text(text, declared or "text/plain")


def body_from_cell(cell: str | None, content_type: str | None = None) -> Body | None:
    """A body cell; ``content_type`` (e.g. from a ``content type`` column) overrides defaults.

    An empty cell means "no body" (None); ``EMPTY`` means a present, empty body.
    """
    if cell is None or not cell.strip():
        return None
    text = cell.strip()
    content_type = content_type.strip() if content_type and content_type.strip() else None
    if text == "EMPTY":
        binary = content_type is not None and not is_text_type(content_type)
        return Body(b"" if binary else "", content_type)
    if (rest := strip_prefix(text, "JSON:")) is not None:
        return body_from_text(rest, content_type or "application/json")
    if (rest := strip_prefix(text, "XML:")) is not None:
        return body_from_text(rest, content_type or "application/xml")
    if (rest := strip_prefix(text, "file:")) is not None:
        if rest.endswith("-body.xml"):
            body = body_descriptor(rest)
            if content_type:
                body = body_from_bytes(body.to_bytes(), content_type)
            return body
        return body_from_bytes(fixture_bytes(rest), content_type or content_type_for_file(rest))
    return body_from_text(cell, content_type or "text/plain")


# ------------------------------------------------------------------------------------------
# headers, queries, metadata


_QUOTED_HEADER = re.compile(r"'([^']*)'")


def headers_from_cell(cell: str | None) -> dict[str, list[str]] | None:
    """``'X-A: 1', 'X-B: 2'``; a repeated name adds another value for that header."""
    if cell is None or not cell.strip():
        return None
    items = _QUOTED_HEADER.findall(cell) or [cell]
    headers: dict[str, list[str]] = {}
    for item in items:
        name, sep, value = item.partition(":")
        if not sep:
            pytest.fail(f"cannot read the header cell {cell!r}: {item!r} has no ':'")
        name = name.strip()
        existing = next((key for key in headers if key.lower() == name.lower()), name)
        headers.setdefault(existing, []).append(value.strip())
    return headers


def query_from_cell(cell: str | None) -> dict[str, list[str | None]] | None:
    """``a=1&b=2&a=3``: values in order per name; a name with no ``=`` has the value None."""
    if cell is None or not cell.strip():
        return None
    query: dict[str, list[str | None]] = {}
    for part in cell.strip().lstrip("?").split("&"):
        if not part:
            continue
        name, sep, value = part.partition("=")
        query.setdefault(unquote_plus(name), []).append(unquote_plus(value) if sep else None)
    return query


def _split_top_level(text: str, separator: str) -> list[str]:
    """Split on ``separator`` outside JSON brackets and quotes."""
    parts, depth, quote, start = [], 0, "", 0
    for index, char in enumerate(text):
        if quote:
            if char == quote and text[index - 1] != "\\":
                quote = ""
        elif char == '"':
            quote = char
        elif char in "{[":
            depth += 1
        elif char in "}]":
            depth -= 1
        elif char == separator and depth == 0:
            parts.append(text[start:index])
            start = index + 1
    parts.append(text[start:])
    return [part.strip() for part in parts if part.strip()]


def metadata_from_cell(cell: str | None) -> dict[str, Any]:
    """``Key=value; Key2=JSON: {...}``: message metadata (JSON values where marked)."""
    metadata: dict[str, Any] = {}
    if cell is None or not cell.strip():
        return metadata
    for item in _split_top_level(cell.strip(), ";"):
        key, _, value = item.partition("=")
        json_text = strip_prefix(value, "JSON:")
        metadata[key.strip()] = json.loads(json_text) if json_text is not None else value.strip()
    return metadata


# ------------------------------------------------------------------------------------------
# matching rules and generators


def json_cell(cell: str) -> tuple[Any, str]:
    """A cell that names a JSON fixture (with or without ``file:``) or holds ``JSON: ...``."""
    text = cell.strip()
    if (rest := strip_prefix(text, "JSON:")) is not None:
        return json.loads(rest), "inline JSON"
    name = strip_prefix(text, "file:") or text
    return fixture_json(name), name


def rules_from_cell(cell: str | None) -> MatchingRules:
    if cell is None or not cell.strip():
        return MatchingRules()
    value, where = json_cell(cell)
    return parse_matching_rules(value, At(where))


def generators_from_cell(cell: str | None) -> Generators:
    if cell is None or not cell.strip():
        return Generators()
    value, where = json_cell(cell)
    return parse_generators(value, At(where))


# ------------------------------------------------------------------------------------------
# requests and responses


def _with_content_type(
    headers: dict[str, list[str]] | None, body: Body | None
) -> dict[str, list[str]] | None:
    """Add a Content-Type header for the body, as a real client would, unless one is set."""
    if body is None or not body.content_type:
        return headers
    headers = dict(headers or {})
    if not any(name.lower() == "content-type" for name in headers):
        headers["Content-Type"] = [body.content_type]
    return headers


def _header_content_type(headers: dict[str, list[str]] | None) -> str | None:
    for name, values in (headers or {}).items():
        if name.lower() == "content-type" and values:
            return values[0]
    return None


def request_from_row(row: dict[str, str]) -> HttpRequest:
    """An HTTP request from a table row.

    Columns: ``method``, ``path``, ``query``, ``headers``, ``raw headers``, ``body``,
    ``content type``, ``matching rules``, ``generators``. Others are ignored.
    """
    headers = headers_from_cell(row.get("headers"))
    raw = headers_from_cell(row.get("raw headers"))
    if raw:
        headers = {**(headers or {}), **raw}
    content_type = row.get("content type") or _header_content_type(headers)
    body = body_from_cell(row.get("body"), content_type)
    return HttpRequest(
        method=(row.get("method") or "GET").strip(),
        path=(row.get("path") or "/").strip(),
        query=query_from_cell(row.get("query")),
        headers=_with_content_type(headers, body),
        body=body,
        matching_rules=rules_from_cell(row.get("matching rules")),
        generators=generators_from_cell(row.get("generators")),
    )


_RESPONSE_COLUMNS = {
    # field: (standalone column, column in an interaction table)
    "status": ("status", "response"),
    "headers": ("headers", "response headers"),
    "body": ("body", "response body"),
    "content type": ("content type", "response content"),
    "matching rules": ("matching rules", "response matching rules"),
    "generators": ("generators", "response generators"),
}


def response_from_row(row: dict[str, str], *, interaction: bool = False) -> HttpResponse:
    """An HTTP response from a table row.

    A standalone response table uses ``status``, ``headers``, ``body``, ``content type``,
    ``matching rules``, ``generators``; an interaction table (``interaction=True``) uses the
    ``response``, ``response headers``, ``response body``, ``response content`` and
    ``response matching rules`` columns instead.
    """
    column = {key: names[1 if interaction else 0] for key, names in _RESPONSE_COLUMNS.items()}
    status_text = (row.get(column["status"]) or "200").strip()
    headers = headers_from_cell(row.get(column["headers"]))
    content_type = row.get(column["content type"]) or _header_content_type(headers)
    body = body_from_cell(row.get(column["body"]), content_type)
    return HttpResponse(
        status=int(status_text),
        headers=_with_content_type(headers, body),
        body=body,
        matching_rules=rules_from_cell(row.get(column["matching rules"])),
        generators=generators_from_cell(row.get(column["generators"])),
    )


# ------------------------------------------------------------------------------------------
# asserting on mismatches


def error_matches(actual: str, expected: str) -> bool:
    """The suite's rule: the message contains the text, or else matches it as a regex."""
    if expected in actual:
        return True
    try:
        return re.search(expected, actual) is not None
    except re.error:
        return False


def find_mismatch(
    mismatches: list[Mismatch], *, path: str | None, error: str, kind: str | None = None
) -> Mismatch | None:
    """The first mismatch with that path (and kind, if given) whose message fits ``error``."""
    for mismatch in mismatches:
        if path is not None and mismatch.path != path:
            continue
        if kind is not None and mismatch.kind != kind:
            continue
        if error_matches(mismatch.message, error):
            return mismatch
    return None


def describe(mismatches: list[Mismatch]) -> str:
    if not mismatches:
        return "  (no mismatches)"
    return "\n".join(f"  [{m.kind}] {m.path!r}: {m.message}" for m in mismatches)


# ------------------------------------------------------------------------------------------
# scenario state


@dataclass
class World:
    """Per-scenario state shared by the step modules (a function-scoped fixture)."""

    expected_request: HttpRequest | None = None
    received_requests: list[HttpRequest] = field(default_factory=list)
    request_results: list[list[Mismatch]] = field(default_factory=list)
    expected_response: HttpResponse | None = None
    received_response: HttpResponse | None = None
    response_results: list[Mismatch] = field(default_factory=list)
    generator_mode: str = "consumer"
    generator_context: dict[str, Any] = field(default_factory=dict)
    original_request: HttpRequest | None = None
    prepared_request: HttpRequest | None = None
    data: dict[str, Any] = field(default_factory=dict)
    """Free-form room for step modules that need more than the fields above."""


# ------------------------------------------------------------------------------------------
# messages


def metadata_value(cell: str) -> Any:
    """One metadata value cell: ``JSON: ...`` is parsed as JSON, anything else is text."""
    json_text = strip_prefix(cell, "JSON:")
    return json.loads(json_text) if json_text is not None else cell.strip()


def metadata_from_table(datatable: list[list[str]]) -> dict[str, Any]:
    """A ``| key | value |`` table (header row first) as message metadata."""
    return {row["key"].strip(): metadata_value(row["value"]) for row in rows(datatable)}


def metadata_from_any_cell(cell: str | None) -> dict[str, Any]:
    """Metadata written as a JSON object (``{...}`` or ``JSON: {...}``) or ``Key=value; ...``."""
    if cell is None or not cell.strip():
        return {}
    text = strip_prefix(cell, "JSON:")
    if text is None and cell.strip().startswith("{"):
        text = cell.strip()
    if text is not None:
        value = json.loads(text)
        if not isinstance(value, dict):
            pytest.fail(f"the metadata cell {cell!r} is not a JSON object")
        return value
    return metadata_from_cell(cell)


def _concrete_tokens(path: str) -> tuple[str | int, ...]:
    from accord.matching.path import ANY_INDEX, STAR, parse_path

    tokens = parse_path(path)[1:]
    if any(token in (STAR, ANY_INDEX) for token in tokens):
        pytest.fail(f"the harness needs a concrete path here, not {path!r}")
    return tokens


def value_at(content: Any, path: str) -> Any:
    """The value at a concrete body path such as ``$.one`` or ``$.a[0].b``."""
    for token in _concrete_tokens(path):
        in_map = isinstance(content, dict) and token in content
        in_list = isinstance(content, list) and isinstance(token, int) and token < len(content)
        if not (in_map or in_list):
            pytest.fail(f"no value at {path!r} in {content!r}")
        content = content[token]
    return content


def replace_at(content: Any, path: str, wrap: Any) -> Any:
    """A copy of ``content`` with the value at ``path`` replaced by ``wrap(value)``."""

    def walk(value: Any, tokens: tuple[str | int, ...]) -> Any:
        if not tokens:
            return wrap(value)
        token, rest = tokens[0], tokens[1:]
        if isinstance(value, dict) and token in value:
            return {**value, token: walk(value[token], rest)}
        if isinstance(value, list) and isinstance(token, int) and token < len(value):
            return [walk(item, rest) if i == token else item for i, item in enumerate(value)]
        pytest.fail(f"no value at {path!r} in {content!r}")

    return walk(content, _concrete_tokens(path))
