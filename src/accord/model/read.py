"""Reading pact JSON of every version into the one model.

Be liberal in what you accept: V1 to V4, the legacy key spellings, and the variants other
implementations write. Every problem raises :class:`~accord.errors.PactFileError` naming the
file, the JSON path and what is wrong; no other exception escapes :func:`parse_pact`.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import gc
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

from accord.errors import PactFileError
from accord.model.body import Body, decode_json_text, is_json_type, is_text_type
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
from accord.model.rules import SINGLE_VALUE, Generators, MatchingRules, Rule, category_name


class At:
    """Where we are in the document, so an error can say exactly where."""

    __slots__ = ("path", "source")

    def __init__(self, source: str, path: str = "$") -> None:
        self.source = source
        self.path = path

    def __truediv__(self, part: str | int) -> At:
        if isinstance(part, int):
            return At(self.source, f"{self.path}[{part}]")
        if part.isidentifier():
            return At(self.source, f"{self.path}.{part}")
        return At(self.source, f"{self.path}['{part}']")

    def fail(self, problem: str) -> PactFileError:
        return PactFileError(problem, source=self.source, path=self.path)

    def obj(self, value: Any, what: str = "an object") -> dict[str, Any]:
        if not isinstance(value, dict):
            raise self.fail(f"expected {what}, found {_kind(value)}")
        return value

    def lst(self, value: Any, what: str = "a list") -> list[Any]:
        if not isinstance(value, list):
            raise self.fail(f"expected {what}, found {_kind(value)}")
        return value

    def string(self, value: Any, what: str = "a string") -> str:
        if not isinstance(value, str):
            raise self.fail(f"expected {what}, found {_kind(value)}")
        return value


def _kind(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, str):
        text = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {text!r}"
    if isinstance(value, list):
        return "a list"
    return "an object"


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
        with _collector_paused():
            data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise PactFileError(
            f"invalid JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}", source=source
        ) from exc
    except RecursionError as exc:
        raise PactFileError("JSON nested too deeply", source=source) from exc
    except ValueError as exc:  # e.g. an integer literal beyond Python's digit limit
        raise PactFileError(f"invalid JSON: {exc}", source=source) from exc
    with _collector_paused():
        return parse_pact(data, source=source)


@contextlib.contextmanager
def _collector_paused() -> Iterator[None]:
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
        raise (at / "pending").fail(f"expected true or false, found {_kind(pending)}")
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
    rules = parse_matching_rules(req.get("matchingRules"), at / "matchingRules")
    generators = parse_generators(req.get("generators"), at / "generators")
    body = _http_body(req, headers, major, at)
    known = ("method", "path", "query", "headers", "body", "matchingRules", "generators")
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
            raise (at / "status").fail(f"expected an HTTP status code, found {_kind(status)}")
    headers = _headers(res.get("headers"), at / "headers")
    rules = parse_matching_rules(res.get("matchingRules"), at / "matchingRules")
    generators = parse_generators(res.get("generators"), at / "generators")
    body = _http_body(res, headers, major, at)
    known = ("status", "headers", "body", "matchingRules", "generators")
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
            raise (at / name).fail(f"expected a header value, found {_kind(raw)}")
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
            raise (at / name).fail(f"expected query values, found {_kind(raw)}")
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


# ---------------------------------------------------------------------------------------
# bodies

_BODY_ATTRIBUTES = frozenset({"content", "contentType", "encoded", "contentTypeHint"})


def legacy_body(value: Any, content_type: str | None) -> Body:
    """A V1-V3 body: the raw value, interpreted by the content type."""
    if isinstance(value, str):
        if is_json_type(content_type):
            return Body(decode_json_text(value), content_type)
        if content_type and not is_text_type(content_type):
            try:
                return Body(base64.b64decode(value, validate=True), content_type)
            except (binascii.Error, ValueError):
                return Body(value, content_type)
        if content_type is None and _looks_like_xml(value):
            return Body(value, "application/xml")
        return Body(value, content_type)
    if value is None:
        return Body(None, content_type)
    return Body(value, content_type or "application/json")


def _looks_like_xml(text: str) -> bool:
    head = text.lstrip()
    return head.startswith("<?xml") or (head.startswith("<") and head.rstrip().endswith(">"))


def parse_v4_body(value: Any, at: At, fallback_type: str | None = None) -> Body | None:
    """The V4 ``{content, contentType, encoded, contentTypeHint}`` object."""
    if value is None:
        return Body(None, fallback_type)
    if not isinstance(value, dict) or not set(value) <= _BODY_ATTRIBUTES:
        # pact-python issue 1103: an object with foreign keys is itself the body.
        return Body(value, fallback_type or "application/json")
    if "content" not in value:
        return None
    content_type = value.get("contentType") or fallback_type
    if content_type is not None:
        content_type = (at / "contentType").string(content_type)
    hint = value.get("contentTypeHint")
    encoded = value.get("encoded", False)
    content = value["content"]
    if (isinstance(encoded, str) and encoded.lower() == "base64") or encoded is True:
        text = (at / "content").string(content, "base64 text")
        try:
            raw = base64.b64decode(text, validate=True)
        except (binascii.Error, ValueError) as exc:
            raise (at / "content").fail(f"not valid base64: {exc}") from exc
        if is_json_type(content_type) and hint != "BINARY":
            try:
                return Body(json.loads(raw), content_type, hint)
            except ValueError:
                pass
        if content_type and is_text_type(content_type) and hint != "BINARY":
            try:
                return Body(raw.decode("utf-8"), content_type, hint)
            except UnicodeDecodeError:
                pass
        return Body(raw, content_type, hint)
    if isinstance(encoded, str) and encoded.lower() == "json":
        text = (at / "content").string(content, "JSON text")
        return Body(decode_json_text(text), content_type or "application/json", hint)
    if encoded not in (False, None) and not isinstance(encoded, str):
        raise (at / "encoded").fail(f"expected false, 'base64' or 'json', found {_kind(encoded)}")
    if isinstance(content, str):
        if is_json_type(content_type):
            return Body(decode_json_text(content), content_type, hint)
        return Body(content, content_type, hint)
    if content_type is None and content is not None:
        content_type = "application/json"
    return Body(content, content_type, hint)


# ---------------------------------------------------------------------------------------
# matching rules and generators

_LEGACY_MATCH_KEYS = ("timestamp", "date", "time")


def normalise_rule(raw: Any, at: At) -> Rule:
    """A rule object, with the legacy forms that lack ``match`` given one."""
    rule = at.obj(raw, "a matching rule object")
    if "match" in rule:
        (at / "match").string(rule["match"], "a matcher name")
        return rule
    if "regex" in rule:
        return {"match": "regex", **rule}
    for key in _LEGACY_MATCH_KEYS:
        if key in rule:
            rest = {k: v for k, v in rule.items() if k != key}
            return {"match": key, "format": rule[key], **rest}
    if "min" in rule or "max" in rule:
        return {"match": "type", **rule}
    raise at.fail("a matching rule needs a 'match' name")


def _rule_list(raw: Any, at: At) -> tuple[list[Rule], str]:
    if isinstance(raw, list):
        return [normalise_rule(r, at / i) for i, r in enumerate(raw)], "AND"
    data = at.obj(raw, "a rule list object")
    if "matchers" not in data:
        return [normalise_rule(data, at)], "AND"
    combine = data.get("combine", "AND")
    if combine not in ("AND", "OR"):
        raise (at / "combine").fail(f"expected 'AND' or 'OR', found {_kind(combine)}")
    matchers = (at / "matchers").lst(data["matchers"])
    return [normalise_rule(r, at / "matchers" / i) for i, r in enumerate(matchers)], combine


def parse_matching_rules(value: Any, at: At) -> MatchingRules:
    """The V2 flat form or the V3/V4 category form."""
    rules = MatchingRules()
    if value is None:
        return rules
    data = at.obj(value)
    if not data:
        return rules
    if next(iter(data)).startswith("$"):
        for key, raw in data.items():
            category, name = _v2_target(key)
            rules.add(category, name, [normalise_rule(raw, at / key)])
        return rules
    for raw_category, bucket in data.items():
        category = category_name(raw_category)
        where = at / raw_category
        if category in SINGLE_VALUE:
            block = where.obj(bucket)
            if "matchers" not in block and len(block) == 1 and "$" in block:
                block = block["$"]
            if block:
                found, combine = _rule_list(block, where)
                rules.add(category, "", found, combine)
            continue
        for key, raw in where.obj(bucket).items():
            found, combine = _rule_list(raw, where / key)
            name = _body_key(key) if category == "body" else key
            rules.add(category, name, found, combine)
    return rules


def _body_key(key: str) -> str:
    if key.startswith("$"):
        return key
    return "$." + key if not key.startswith("[") else "$" + key


def _v2_target(key: str) -> tuple[str, str]:
    """Split a V2 path such as ``$.body.a`` or ``$.headers.X`` into category and key."""
    rest = key[1:]
    for prefix, category in (
        (".body", "body"),
        (".headers.", "header"),
        (".header.", "header"),
        (".query.", "query"),
        (".path", "path"),
        (".method", "method"),
        (".status", "status"),
    ):
        if rest.startswith(prefix):
            remainder = rest[len(prefix) :]
            if category == "body":
                return "body", "$" + remainder
            if category in SINGLE_VALUE:
                return category, ""
            if remainder.startswith("['") and remainder.endswith("']"):
                remainder = remainder[2:-2]
            return category, remainder
    return "body", key


def parse_generators(value: Any, at: At) -> Generators:
    generators = Generators()
    if value is None:
        return generators
    for raw_category, bucket in at.obj(value).items():
        category = category_name(raw_category)
        where = at / raw_category
        block = where.obj(bucket)
        if category in SINGLE_VALUE:
            if "type" in block:
                generators.add(category, "", block)
            elif len(block) == 1 and "$" in block:
                generators.add(category, "", where.obj(block["$"]))
            continue
        for key, raw in block.items():
            entry = (where / key).obj(raw, "a generator object")
            (where / key / "type").string(entry.get("type"), "a generator type")
            generators.add(category, _body_key(key) if category == "body" else key, entry)
    return generators
