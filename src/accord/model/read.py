"""Reading pact JSON of every version into the one model.

Be liberal in what you accept: V1 to V4, the legacy key spellings, and the variants other
implementations write. Every problem raises :class:`~accord.errors.PactFileError` naming the
file, the JSON path and what is wrong; no other exception escapes :func:`parse_pact`.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from accord.errors import PactFileError
from accord.limits import MAX_JSON_DEPTH, MAX_PACT_BYTES_ENV, max_pact_bytes
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
    """Read a pact file from disk (a regular file of at most ``max_pact_bytes()``)."""
    return loads_pact(read_pact_bytes(source), source=str(source))


def read_pact_bytes(source: str | Path) -> bytes:
    """The bytes of a pact file, refusing what cannot be a pact before reading it.

    A FIFO or a device (``/dev/zero``) would block or never end, and a huge file would fill
    memory, so only regular files up to the size limit are read (``ACCORD_MAX_PACT_BYTES``
    raises it). The file is opened without blocking and checked again once open, so it
    cannot be swapped for a FIFO in between.
    """
    name = str(source)
    limit = max_pact_bytes()
    try:
        before = os.stat(source)
        _regular_and_small(before, name, limit)
        fd = os.open(source, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(fd, "rb") as handle:
            _regular_and_small(os.fstat(handle.fileno()), name, limit)
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise PactFileError(f"cannot read file: {exc.strerror or exc}", source=name) from exc
    if len(raw) > limit:
        raise PactFileError(_too_large(limit), source=name)
    return raw


def _regular_and_small(info: os.stat_result, name: str, limit: int) -> None:
    if not stat.S_ISREG(info.st_mode):
        if stat.S_ISDIR(info.st_mode):
            raise PactFileError("cannot read file: it is a directory", source=name)
        raise PactFileError(
            "cannot read file: not a regular file (a FIFO, device or socket is never read as "
            "a pact)",
            source=name,
        )
    if info.st_size > limit:
        raise PactFileError(_too_large(limit, info.st_size), source=name)


def _too_large(limit: int, size: int | None = None) -> str:
    found = f"{size} bytes" if size is not None else "more bytes"
    return (
        f"{found} is over the {limit}-byte limit for a pact (set {MAX_PACT_BYTES_ENV} to raise it)"
    )


def loads_pact(raw: bytes | str, *, source: str = "<pact>") -> Pact:
    """Parse pact JSON text."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise PactFileError(
                f"not UTF-8 text (bad byte at offset {exc.start})", source=source
            ) from exc
    # One pause for decoding and building: the collector then looks at the new objects
    # once, not once after each step.
    with collector_paused():
        try:
            data = json.loads(raw)
        except json.JSONDecodeError as exc:
            raise PactFileError(
                f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", source=source
            ) from exc
        except RecursionError as exc:
            raise PactFileError("JSON nested too deeply", source=source) from exc
        except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
            raise PactFileError(f"invalid JSON: {exc}", source=source) from exc
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


@contextlib.contextmanager
def collector_skips_existing_objects() -> Iterator[None]:
    """Let the cyclic collector skip every object that exists now, until the block ends.

    Pacts just loaded are hundreds of thousands of long-lived, acyclic containers. With the
    collector paused while loading (:func:`collector_paused`; enter this block inside that
    one) they are all still "young", so the first collection after the load scans every
    one of them (about 30 ms for a 15 MB pact), and older
    generations do it again later. ``gc.freeze`` moves them out of its way for the run;
    ``gc.unfreeze`` hands them back afterwards as the oldest generation. Freed objects are
    still freed by reference counting meanwhile; only cycles that already exist wait.
    """
    enabled = gc.isenabled()
    gc.disable()  # nothing may collect between the caller's load and the freeze
    gc.freeze()
    if enabled:
        gc.enable()
    try:
        yield
    finally:
        gc.unfreeze()


def parse_pact(data: Any, *, source: str = "<pact>") -> Pact:
    """Build a :class:`Pact` from decoded JSON of any spec version."""
    at = At(source)
    too_deep = _too_deep(data, MAX_JSON_DEPTH)
    if too_deep is not None:
        raise PactFileError(
            f"nested more than {MAX_JSON_DEPTH} levels deep (the limit the Pact reference "
            "reads too)",
            source=source,
            path=too_deep if len(too_deep) <= 100 else f"{too_deep[:60]}...{too_deep[-30:]}",
        )
    try:
        return _parse_pact(data, at)
    except PactFileError:
        raise
    except (RecursionError, ValueError, TypeError, KeyError, AttributeError) as exc:
        # A shape we did not anticipate: still one error type, still a location.
        raise at.fail(f"cannot be read as a pact ({type(exc).__name__}: {exc})") from exc


def _too_deep(data: Any, limit: int) -> str | None:
    """``None``, or the JSON path of a value nested deeper than ``limit`` levels.

    Iterative, so a hostile document cannot exhaust the stack here; everything that walks
    the model recursively later (comparison, generation, writing) can then trust the depth.
    The first pass only measures (it runs on every pact); the path is found on failure.
    """
    if not isinstance(data, dict | list):
        return None
    # Level by level, one comprehension over exact types (json.loads makes no
    # subclasses): this runs on every pact, so it must cost little per value.
    level: list[Any] = [data]
    depth = 0
    while level:
        depth += 1
        if depth > limit:
            break
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) is dict or type(child) is list
        ]
    else:
        return None
    paths: list[tuple[Any, int, str]] = [(data, 1, "$")]
    while paths:
        node, depth, path = paths.pop()
        if depth > limit:
            return path
        items = node.items() if isinstance(node, dict) else enumerate(node)
        for key, child in items:
            if isinstance(child, dict | list) and child:
                step = f"[{key}]" if isinstance(node, list) else f".{key}"
                paths.append((child, depth + 1, path + step))
    return "$"


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
