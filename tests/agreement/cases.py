"""Cases for the agreement test: the bodies of real pact files, and mutations of them.

A pact's body (an HTTP request or response, a message, a V4 synchronous message's request
or responses) is lifted, with its body rules and metadata, into one V3 message document.
Both engines read that same document, so the test compares matching, not file reading (the
round-trip test covers reading and writing). Each body is checked as it is (both must
pass it) and under mutations that a provider really makes: a value of another type, a
changed value, a dropped or an extra key, a longer, shorter or empty array, an extra XML
element or attribute.
"""

from __future__ import annotations

import contextlib
import copy
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REAL_PACTS = Path(__file__).resolve().parent.parent / "data" / "real-pacts"
MAX_NODES = 40
"""Mutations are made at the first nodes of a body, depth first (enough for every rule)."""


@dataclass
class Part:
    """One body of one interaction, with what governs it."""

    where: str
    body: Any
    content_type: str | None
    body_rules: dict[str, Any]
    metadata: dict[str, Any] = field(default_factory=dict)
    metadata_rules: dict[str, Any] = field(default_factory=dict)

    def expected(self) -> dict[str, Any]:
        """The V3 message document both engines compare against."""
        metadata = dict(self.metadata)
        if self.content_type and not any(
            k.lower() in ("contenttype", "content-type") for k in metadata
        ):
            metadata["contentType"] = self.content_type
        rules: dict[str, Any] = {}
        if self.body_rules:
            rules["body"] = self.body_rules
        if self.metadata_rules:
            rules["metadata"] = self.metadata_rules
        doc: dict[str, Any] = {"description": self.where, "contents": self.body}
        doc["metadata"] = metadata
        if rules:
            doc["matchingRules"] = rules
        return doc

    def actual(self, body: Any) -> dict[str, Any]:
        """A produced message with ``body`` and the expected metadata."""
        expected = self.expected()
        return {"description": self.where, "contents": body, "metadata": expected["metadata"]}


def real_pact_files() -> list[Path]:
    files = sorted(REAL_PACTS.glob("*.json"))
    if len(files) < 40:
        raise AssertionError(f"expected 40 or more real pact files in {REAL_PACTS}")
    return files


# ---------------------------------------------------------------------------------------
# lifting bodies out of a pact document


def _header(headers: Any, name: str) -> str | None:
    if not isinstance(headers, dict):
        return None
    for key, value in headers.items():
        if key.lower() == name:
            if isinstance(value, list):
                return str(value[0]) if value else None
            return str(value)
    return None


def _wrap(rule: Any) -> Any:
    if isinstance(rule, dict) and "matchers" not in rule:
        return {"matchers": [rule]}
    return rule


def _body_rules(rules: Any) -> dict[str, Any]:
    """The body category of V3/V4 rules, or the ``$.body`` keys of V2 flat rules."""
    if not isinstance(rules, dict) or not rules:
        return {}
    if any(key.startswith("$") for key in rules):
        out = {}
        for key, rule in rules.items():
            if key == "$.body" or key.startswith(("$.body.", "$.body[")):
                out["$" + key[len("$.body") :]] = _wrap(rule)
        return out
    body = rules.get("body", rules.get("content"))
    return {k: _wrap(v) for k, v in body.items()} if isinstance(body, dict) else {}


def _metadata_rules(rules: Any) -> dict[str, Any]:
    if isinstance(rules, dict) and isinstance(rules.get("metadata"), dict):
        return {k: _wrap(v) for k, v in rules["metadata"].items()}
    return {}


def _v4_body(value: Any, fallback: str | None) -> tuple[Any, str | None] | None:
    """The content of a V4 body object, or ``None`` for binary or absent content."""
    if not isinstance(value, dict) or "content" not in value:
        return None
    if value.get("encoded") not in (None, False):
        return None
    return value["content"], value.get("contentType") or fallback


def _textual(content_type: str | None) -> bool:
    """JSON, XML or text: what the harness mutates (binary and multipart bodies are not)."""
    if content_type is None:
        return True
    base = content_type.split(";", 1)[0].strip().lower()
    return base.startswith("text/") or "json" in base or "xml" in base or base.endswith("thrift")


def _http_part(where: str, part: Any, v4: bool, legacy_key: str) -> Part | None:
    if not isinstance(part, dict) or part.get("body") is None:
        return None
    content_type = _header(part.get("headers"), "content-type")
    if v4:
        found = _v4_body(part["body"], content_type)
        if found is None:
            return None
        body, content_type = found
    else:
        body = part["body"]
        if content_type is None:
            content_type = "application/json" if not isinstance(body, str) else None
    if not _textual(content_type):
        return None
    rules = part.get("matchingRules", part.get(legacy_key))
    return Part(where, body, content_type, _body_rules(rules))


def _message_part(where: str, item: Any, v4: bool) -> Part | None:
    if not isinstance(item, dict) or item.get("contents") is None:
        return None
    metadata = item.get("metadata", item.get("metaData")) or {}
    fallback = _header(metadata, "contenttype") or _header(metadata, "content-type")
    if v4:
        found = _v4_body(item["contents"], fallback)
        if found is None:
            return None
        body, content_type = found
    else:
        body, content_type = item["contents"], fallback
    if not _textual(content_type):
        return None
    if isinstance(body, str) and content_type and "json" in content_type:
        with contextlib.suppress(ValueError):
            body = json.loads(body)
    rules = item.get("matchingRules")
    return Part(
        where,
        body,
        content_type,
        _body_rules(rules),
        {k: v for k, v in metadata.items() if k.lower() not in ("contenttype", "content-type")},
        _metadata_rules(rules),
    )


def parts_of(document: dict[str, Any]) -> list[Part]:
    """Every body of every interaction in a pact document, in file order."""
    out: list[Part | None] = []
    items = document.get("interactions") or document.get("messages") or []
    for index, item in enumerate(items):
        kind = item.get("type", "")
        at = f"interactions[{index}]"
        if kind in ("Synchronous/HTTP", ""):
            if "request" in item or "response" in item:
                v4 = bool(kind)
                request, response = item.get("request"), item.get("response")
                out.append(_http_part(at + ".request", request, v4, "requestMatchingRules"))
                out.append(_http_part(at + ".response", response, v4, "responseMatchingRules"))
            else:
                out.append(_message_part(at, item, v4=False))
        elif kind == "Asynchronous/Messages":
            out.append(_message_part(at, item, v4=True))
        elif kind == "Synchronous/Messages":
            out.append(_message_part(at + ".request", item.get("request"), v4=True))
            for n, response in enumerate(item.get("response") or []):
                out.append(_message_part(f"{at}.response[{n}]", response, v4=True))
    return [part for part in out if part is not None]


# ---------------------------------------------------------------------------------------
# mutations


def _nodes(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], Any]]:
    yield path, value
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _nodes(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _nodes(item, (*path, index))


def _replace(root: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    out = copy.deepcopy(root)
    target = out
    for step in path[:-1]:
        target = target[step]
    target[path[-1]] = value
    return out


def _drop(root: Any, path: tuple[Any, ...]) -> Any:
    out = copy.deepcopy(root)
    target = out
    for step in path[:-1]:
        target = target[step]
    del target[path[-1]]
    return out


def _variants(value: Any) -> Iterator[tuple[str, Any]]:
    if isinstance(value, bool):
        yield "bool as string", str(value).lower()
        yield "bool flipped", not value
    elif isinstance(value, int):
        yield "int as string", str(value)
        yield "int changed", value + 1
        yield "int as decimal", value + 0.5
        yield "int negated", -value - 1
    elif isinstance(value, float):
        yield "decimal as string", str(value)
        yield "decimal changed", value + 1.25
        yield "decimal as int", int(value) + 1
    elif isinstance(value, str):
        yield "string as number", 12345
        yield "string broken", "~" + value[::-1] + "!"
        yield "string emptied", ""
        if value[:1].isdigit():
            yield "string digits changed", value.replace(value[0], "9" if value[0] != "9" else "1")
    elif value is None:
        yield "null as string", "null"
    elif isinstance(value, dict):
        yield "extra key", {**value, "unexpectedKey": "x"}
        yield "object as list", [value]
        yield "object emptied", {}
    elif isinstance(value, list):
        if value:
            yield "array extended", [*value, copy.deepcopy(value[-1])]
            yield "array with odd item", [*value, "odd-one-out"]
            yield "array shortened", value[:-1]
        yield "array emptied", []
        yield "array as object", {"items": value}


def _xml_variants(text: str) -> Iterator[tuple[str, str]]:
    try:
        root = ET.fromstring(text)
    except ET.ParseError:
        return
    declaration = '<?xml version="1.0" encoding="UTF-8"?>'

    def show(tree: ET.Element) -> str:
        return declaration + ET.tostring(tree, encoding="unicode")

    extra = copy.deepcopy(root)
    ET.SubElement(extra, "unexpectedChild").text = "x"
    yield "xml extra element", show(extra)
    attr = copy.deepcopy(root)
    attr.set("unexpectedAttribute", "x")
    yield "xml extra attribute", show(attr)
    if len(root):
        dropped = copy.deepcopy(root)
        dropped.remove(dropped[0])
        yield "xml child dropped", show(dropped)
        renamed = copy.deepcopy(root)
        renamed[0].tag = renamed[0].tag + "Renamed"
        yield "xml child renamed", show(renamed)
    texts = [e for e in root.iter() if e.text and e.text.strip()]
    if texts:
        changed = copy.deepcopy(root)
        for element in changed.iter():
            if element.text and element.text.strip():
                element.text = "~" + element.text.strip()[::-1] + "!"
                break
        yield "xml text changed", show(changed)


def mutations(part: Part) -> Iterator[tuple[str, Any]]:
    """``(label, body)`` pairs: the body itself first, then mutated ones."""
    body = part.body
    yield "as written", body
    if isinstance(body, str):
        if (part.content_type and "xml" in part.content_type) or body.lstrip().startswith("<"):
            yield from _xml_variants(body)
        else:
            yield "text changed", body + " and more"
            yield "text emptied", ""
        return
    for count, (path, value) in enumerate(_nodes(body)):
        if count >= MAX_NODES:
            break
        where = "$" + "".join(f"[{step!r}]" for step in path)
        for label, variant in _variants(value):
            yield f"{label} at {where}", _replace(body, path, variant)
        if path and isinstance(path[-1], str):
            yield f"key dropped at {where}", _drop(body, path)
