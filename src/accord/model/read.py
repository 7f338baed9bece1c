"""Reading pact JSON of every version into the one model.

Be liberal in what you accept: V1 to V4, the legacy key spellings, and the variants other
implementations write. Every problem raises :class:`~accord.errors.PactFileError` naming the
file, the JSON path and what is wrong; no other exception escapes :func:`parse_pact`.
"""

from __future__ import annotations

import contextlib
import gc
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from accord.errors import PactFileError
from accord.model.at import At, describe_value
from accord.model.body import Body
from accord.model.pact import (
    ASYNC_MESSAGE,
    HTTP,
    SYNC_MESSAGE,
    AsyncMessage,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Interaction,
    MessageContents,
    Pact,
    ProviderState,
    SyncMessage,
    UnknownInteraction,
    metadata_content_type,
    spec_major,
)
from accord.model.read_body import legacy_body, parse_v4_body
from accord.model.read_rules import normalise_rule, parse_generators, parse_matching_rules

__all__ = [
    "At",
    "header_value",
    "legacy_body",
    "load_pact",
    "loads_pact",
    "normalise_rule",
    "parse_generators",
    "parse_matching_rules",
    "parse_message",
    "parse_pact",
    "parse_request",
    "parse_response",
    "parse_v4_body",
]


# ---------------------------------------------------------------------------------------
# files and documents


def load_pact(source: str | Path) -> Pact:
    """Read a pact file from disk."""
    name = str(source)
    try:
        raw = Path(source).read_bytes()
    except OSError as exc:
        raise PactFileError(f"cannot read file: {exc.strerror or exc}", source=name) from exc
    return loads_pact(raw, source=name)


def loads_pact(raw: bytes | str, *, source: str = "<pact>") -> Pact:
    """Parse pact JSON text."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PactFileError(
                f"not UTF-8 text (bad byte at offset {exc.start})", source=source
            ) from exc
    try:
        with collector_paused():
            data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PactFileError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", source=source
        ) from exc
    except RecursionError as exc:
        raise PactFileError("JSON nested too deeply", source=source) from exc
    except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
        raise PactFileError(f"invalid JSON: {exc}", source=source) from exc
    with collector_paused():
        return parse_pact(data, source=source)


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while building a large, acyclic document.

    Loading allocates hundreds of thousands of containers and none of them can form a
    cycle; without this, full collections make loading 10,000 interactions 20 times slower
    than 1,000 instead of 10.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def parse_pact(data: Any, *, source: str = "<pact>") -> Pact:
    """Build a :class:`Pact` from decoded JSON of any spec version."""
    at = At(source)
    try:
        return _parse_pact(data, at)
    except PactFileError:
        raise
    except (RecursionError, ValueError, TypeError, KeyError, AttributeError) as exc:
        # A shape we did not anticipate: still one error type, still a location.
        raise at.fail(f"cannot be read as a pact ({type(exc).__name__}: {exc})") from exc


def _parse_pact(data: Any, at: At) -> Pact:
    doc = at.obj(data, "a pact (a JSON object)")
    consumer = _pacticipant(doc.get("consumer"), at / "consumer")
    provider = _pacticipant(doc.get("provider"), at / "provider")
    metadata = (at / "metadata").obj(doc.get("metadata") or {})
    version = _spec_version(metadata, doc)
    major = spec_major(version)
    interactions: list[Interaction] = []
    if "messages" in doc and major < 4:
        messages = (at / "messages").lst(doc["messages"])
        for index, item in enumerate(messages):
            interactions.append(_v3_message(item, at / "messages" / index, major))
    if "interactions" in doc:
        items = (at / "interactions").lst(doc["interactions"])
        for index, item in enumerate(items):
            where = at / "interactions" / index
            if major >= 4 or (isinstance(item, dict) and "type" in item):
                interactions.append(_v4_interaction(item, where))
            else:
                interactions.append(_legacy_http(item, where, major))
    extra = {
        k: v
        for k, v in doc.items()
        if k not in ("consumer", "provider", "metadata", "messages", "interactions")
    }
    return Pact(consumer, provider, interactions, dict(metadata), version, extra)


def _pacticipant(value: Any, at: At) -> str:
    if value is None:
        raise at.fail("missing (every pact names its consumer and provider)")
    name = (at / "name").string(at.obj(value).get("name"), "a name")
    if not name.strip():
        raise (at / "name").fail("the name is empty")
    return name


def _spec_version(metadata: dict[str, Any], doc: dict[str, Any]) -> str:
    for key in ("pactSpecification", "pact-specification", "pact_specification"):
        block = metadata.get(key)
        if isinstance(block, dict) and isinstance(block.get("version"), str):
            return str(block["version"])
    legacy = metadata.get("pactSpecificationVersion")
    if isinstance(legacy, str):
        return legacy
    interactions = doc.get("interactions")
    if isinstance(interactions, list) and any(
        isinstance(i, dict) and "type" in i for i in interactions
    ):
        return "4.0"
    if "messages" in doc:
        return "3.0.0"
    return "2.0.0"


# ---------------------------------------------------------------------------------------
# interactions


_COMMON = frozenset(
    {
        "type",
        "description",
        "providerState",
        "providerStates",
        "provider_state",
        "key",
        "pending",
        "comments",
        "pluginConfiguration",
        "interactionMarkup",
        "transport",
        "_id",
    }
)


def _common(item: dict[str, Any], at: At) -> dict[str, Any]:
    description = (at / "description").string(item.get("description"), "a description")
    pending = item.get("pending", False)
    if not isinstance(pending, bool):
        raise (at / "pending").fail(f"expected true or false, found {describe_value(pending)}")
    key = item.get("key")
    if key is not None:
        key = (at / "key").string(key)
    transport = item.get("transport")
    if transport is not None:
        transport = (at / "transport").string(transport)
    interaction_id = item.get("_id")
    return {
        "description": description,
        "provider_states": _provider_states(item, at),
        "key": key,
        "pending": pending,
        "comments": (at / "comments").obj(item.get("comments") or {}),
        "plugin_config": (at / "pluginConfiguration").obj(item.get("pluginConfiguration") or {}),
        "markup": (at / "interactionMarkup").obj(item.get("interactionMarkup") or {}),
        "transport": transport,
        "id": str(interaction_id) if interaction_id is not None else None,
    }


def _provider_states(item: dict[str, Any], at: At) -> list[ProviderState]:
    if "providerStates" in item and item["providerStates"] is not None:
        where = at / "providerStates"
        states = []
        for index, raw in enumerate(where.lst(item["providerStates"])):
            entry = (where / index).obj(raw, "a provider state object")
            name = (where / index / "name").string(entry.get("name"), "a state name")
            params = entry.get("params") or {}
            states.append(ProviderState(name, (where / index / "params").obj(params)))
        return states
    for key in ("providerState", "provider_state"):
        if key in item and item[key] is not None:
            name = (at / key).string(item[key])
            return [ProviderState(name)] if name else []
    return []


def _legacy_http(item: Any, at: At, major: int) -> HttpInteraction:
    data = at.obj(item, "an interaction object")
    common = _common(data, at)
    request = parse_request(data.get("request", {}), major, at / "request")
    response = parse_response(data.get("response", {}), major, at / "response")
    extra = {k: v for k, v in data.items() if k not in _COMMON and k not in ("request", "response")}
    return HttpInteraction(request=request, response=response, extra=extra, **common)


def _v3_message(item: Any, at: At, major: int) -> AsyncMessage:
    data = at.obj(item, "a message object")
    if data.get("description") is None:
        # The Rust core reads a V3 message without a description as one with an empty one.
        data = {**data, "description": ""}
    common = _common(data, at)
    message = parse_message(data, major, at)
    extra = message.extra
    message.extra = {}
    return AsyncMessage(message=message, extra=extra, **common)


def _v4_interaction(item: Any, at: At) -> Interaction:
    data = at.obj(item, "an interaction object")
    kind = data.get("type")
    if kind == HTTP:
        common = _common(data, at)
        request = parse_request(data.get("request", {}), 4, at / "request")
        response = parse_response(data.get("response", {}), 4, at / "response")
        extra = {
            k: v for k, v in data.items() if k not in _COMMON and k not in ("request", "response")
        }
        return HttpInteraction(request=request, response=response, extra=extra, **common)
    if kind == ASYNC_MESSAGE:
        common = _common(data, at)
        message = parse_message(data, 4, at)
        extra, message.extra = message.extra, {}
        return AsyncMessage(message=message, extra=extra, **common)
    if kind == SYNC_MESSAGE:
        common = _common(data, at)
        message_request = parse_message(data.get("request", {}), 4, at / "request")
        responses = [
            parse_message(raw, 4, at / "response" / index)
            for index, raw in enumerate((at / "response").lst(data.get("response", [])))
        ]
        extra = {
            k: v for k, v in data.items() if k not in _COMMON and k not in ("request", "response")
        }
        return SyncMessage(request=message_request, response=responses, extra=extra, **common)
    description = data.get("description")
    return UnknownInteraction(
        description=description if isinstance(description, str) else "",
        raw=data,
    )


# ---------------------------------------------------------------------------------------
# requests, responses, messages


def parse_request(data: Any, major: int, at: At) -> HttpRequest:
    """One HTTP request in the format of spec ``major``."""
    req = at.obj(data, "a request object")
    method = (at / "method").string(req.get("method", "GET"), "an HTTP method")
    path = (at / "path").string(req.get("path", "/"), "a path")
    headers = _headers(req.get("headers"), at / "headers")
    query, raw_query = _query(req.get("query"), at / "query")
    rules_key = "matchingRules" if "matchingRules" in req else "requestMatchingRules"
    rules = parse_matching_rules(req.get(rules_key), at / rules_key)
    generators = parse_generators(req.get("generators"), at / "generators")
    body = _http_body(req, headers, major, at)
    known = (
        "method",
        "path",
        "query",
        "headers",
        "body",
        "matchingRules",
        "requestMatchingRules",
        "generators",
    )
    extra = {k: v for k, v in req.items() if k not in known}
    return HttpRequest(
        method.upper() if major >= 4 else method,
        path,
        query,
        headers,
        body,
        rules,
        generators,
        raw_query,
        extra,
    )


def parse_response(data: Any, major: int, at: At) -> HttpResponse:
    """One HTTP response in the format of spec ``major``."""
    res = at.obj(data, "a response object")
    status = res.get("status")
    if status is not None and (isinstance(status, bool) or not isinstance(status, int)):
        if isinstance(status, str) and status.isascii() and status.isdigit():
            status = int(status)
        else:
            raise (at / "status").fail(
                f"expected an HTTP status code, found {describe_value(status)}"
            )
    headers = _headers(res.get("headers"), at / "headers")
    rules_key = "matchingRules" if "matchingRules" in res else "responseMatchingRules"
    rules = parse_matching_rules(res.get(rules_key), at / rules_key)
    generators = parse_generators(res.get("generators"), at / "generators")
    body = _http_body(res, headers, major, at)
    known = ("status", "headers", "body", "matchingRules", "responseMatchingRules", "generators")
    extra = {k: v for k, v in res.items() if k not in known}
    return HttpResponse(status, headers, body, rules, generators, extra)


def parse_message(data: Any, major: int, at: At) -> MessageContents:
    """Message contents: a V3 message, a V4 asynchronous message, or one side of a sync one."""
    msg = at.obj(data, "a message object")
    meta_key = "metadata" if "metadata" in msg else "metaData"
    metadata = (at / meta_key).obj(msg.get(meta_key) or {})
    rules = parse_matching_rules(msg.get("matchingRules"), at / "matchingRules")
    generators = parse_generators(msg.get("generators"), at / "generators")
    body: Body | None = None
    if "contents" in msg:
        raw = msg["contents"]
        if major >= 4:
            body = parse_v4_body(raw, at / "contents", metadata_content_type(metadata))
        else:
            body = legacy_body(raw, metadata_content_type(metadata))
    known = {"contents", "metadata", "metaData", "matchingRules", "generators"} | _COMMON
    extra = {k: v for k, v in msg.items() if k not in known}
    return MessageContents(body, dict(metadata), rules, generators, extra)


def _headers(value: Any, at: At) -> dict[str, list[str]] | None:
    if value is None:
        return None
    out: dict[str, list[str]] = {}
    for name, raw in at.obj(value).items():
        if isinstance(raw, list):
            out[name] = [str(v) for v in raw]
        elif isinstance(raw, str | int | float):
            out[name] = [str(raw)]
        else:
            raise (at / name).fail(f"expected a header value, found {describe_value(raw)}")
    return out


def _query(value: Any, at: At) -> tuple[dict[str, list[str | None]] | None, str | None]:
    if value is None:
        return None, None
    if isinstance(value, str):
        parsed: dict[str, list[str | None]] = {}
        for key, item in parse_qsl(value, keep_blank_values=True):
            parsed.setdefault(key, []).append(item)
        return parsed, value
    out: dict[str, list[str | None]] = {}
    for name, raw in at.obj(value, "a query map or string").items():
        if isinstance(raw, list):
            out[name] = [None if v is None else str(v) for v in raw]
        elif raw is None or isinstance(raw, str | int | float):
            out[name] = [None if raw is None else str(raw)]
        else:
            raise (at / name).fail(f"expected query values, found {describe_value(raw)}")
    return out, None


def header_value(headers: dict[str, list[str]] | None, name: str) -> str | None:
    """The first value of a header, looked up ignoring case."""
    if not headers:
        return None
    lowered = name.lower()
    for key, values in headers.items():
        if key.lower() == lowered and values:
            return ", ".join(values)
    return None


def _http_body(part: dict[str, Any], headers: Any, major: int, at: At) -> Body | None:
    if "body" not in part:
        return None
    content_type = header_value(headers, "Content-Type")
    if major >= 4:
        return parse_v4_body(part["body"], at / "body", content_type)
    return legacy_body(part["body"], content_type)
