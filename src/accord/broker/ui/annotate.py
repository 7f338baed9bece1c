"""Matching rules and generators, put next to the values they apply to.

A pact keeps its rules apart from its example (``$.items[*].id`` in ``matchingRules``), so a
reader of raw JSON has to match paths by eye. Here every JSON value of a body becomes one
line, and each line carries the rules and generators whose path names exactly that value.
Rules whose path names nothing in the example (an optional field, a longer list) are kept
too, listed with their path, so the page never hides a rule.

The path reader is deliberately small and local: the broker depends on :mod:`accord.model`
only, and a path it cannot read is simply shown as text rather than attached.
"""

from __future__ import annotations

import base64
import json
import re
from dataclasses import dataclass, field
from typing import Any

from accord.model.body import Body
from accord.model.rules import Generators, MatchingRules, RuleList

MAX_LINES = 4000
"""A body longer than this is cut short on the page (the raw JSON link has it all)."""

ANY_KEY = "\ue000*"
"""``.*``: any key or index (a private-use prefix, so no real key can clash)."""
ANY_INDEX = "\ue000[*]"
"""``[*]``: any index."""

Token = str | int
Location = tuple[Token, ...]

_NAME = re.compile(r"[^.\[\]'\s]+")


@dataclass(frozen=True, slots=True)
class Note:
    """One rule or generator as a short phrase, and the path it was written for."""

    kind: str
    """``rule`` or ``generator``."""
    text: str
    path: str = ""
    raw: str = ""
    """The rule or generator as the pact file has it, for a tooltip."""


@dataclass(frozen=True, slots=True)
class Line:
    """One line of a pretty-printed JSON body."""

    indent: int
    key: str
    """The JSON-quoted key and colon (``"id": ``), or empty for list items and closers."""
    value: str
    """A literal, or an opening/closing bracket."""
    kind: str
    """``string``, ``number``, ``bool``, ``null`` or ``punct``: for colouring only."""
    comma: bool
    path: str
    notes: tuple[Note, ...] = ()


@dataclass(slots=True)
class BodyView:
    """A body ready to show: JSON lines, or text, or a note about binary data."""

    kind: str
    """``json``, ``text``, ``binary`` or ``empty``."""
    content_type: str | None
    lines: list[Line] = field(default_factory=list)
    text: str = ""
    truncated: bool = False
    size: int = 0
    """Bytes of a binary body (only the start of it is shown)."""
    unattached: list[Note] = field(default_factory=list)
    decoded: str = ""
    """For a protobuf or Avro body: how it was decoded for display (or why it was not)."""


# --- paths --------------------------------------------------------------------------------


def parse_path(expression: str) -> Location | None:
    """``$.items[*]['a b']`` -> ``("$", "items", ANY_INDEX, "a b")``; None if unreadable."""
    text = expression.strip()
    if text.startswith("$"):
        pos = 1
    else:
        pos = 0
        if text and text[0] not in ".[":
            text = "." + text
    tokens: list[Token] = ["$"]
    while pos < len(text):
        char = text[pos]
        if char == ".":
            pos += 1
            if text.startswith("*", pos):
                tokens.append(ANY_KEY)
                pos += 1
                continue
            found = _NAME.match(text, pos)
            if not found:
                return None
            tokens.append(found.group())
            pos = found.end()
        elif char == "[":
            end = text.find("]", pos)
            if end < 0:
                return None
            inner = text[pos + 1 : end]
            pos = end + 1
            if inner == "*":
                tokens.append(ANY_INDEX)
            elif inner.isdigit():
                tokens.append(int(inner))
            elif len(inner) >= 2 and inner[0] == inner[-1] and inner[0] in "'\"":
                tokens.append(inner[1:-1])
            else:
                return None
        else:
            return None
    return tuple(tokens)


def names(pattern: Location, location: Location) -> bool:
    """Does the rule path ``pattern`` name exactly the value at ``location``?"""
    if len(pattern) != len(location):
        return False
    for token, segment in zip(pattern, location, strict=True):
        if token == ANY_KEY:
            continue
        if token == ANY_INDEX:
            if not isinstance(segment, int):
                return False
        elif token != segment or type(token) is not type(segment):
            return False
    return True


def expression(location: Location) -> str:
    """The canonical path text for a concrete location (shown as a tooltip)."""
    out = ["$"]
    for segment in location[1:]:
        if isinstance(segment, int):
            out.append(f"[{segment}]")
        elif re.fullmatch(r"[A-Za-z_][A-Za-z0-9_]*", segment):
            out.append(f".{segment}")
        else:
            out.append(f"['{segment}']")
    return "".join(out)


# --- phrases ------------------------------------------------------------------------------


def _literal(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


_FORMAT_KEYS = ("format", "date", "time", "datetime", "timestamp")


_TYPE_PHRASES = {
    "string": "any string",
    "number": "any number",
    "bool": "any boolean",
    "object": "same shape",
    "array": "each item alike",
}


def describe_rule(rule: dict[str, Any], value_kind: str | None = None) -> str:
    """A matcher as a short phrase: ``integer``, ``regex ^\\d+$``, ``any string``.

    ``value_kind`` (``string``, ``number``, ``bool``, ``object``, ``array``) is the kind of
    the example value the rule sits on; it turns Pact's bare ``type`` into words.
    """
    kind = str(rule.get("match", "type"))
    rest = {key: value for key, value in rule.items() if key != "match"}
    if kind == "type" and value_kind in _TYPE_PHRASES:
        parts = [_TYPE_PHRASES[value_kind]]
        parts += [f"{key} {_literal(rest[key])}" for key in ("min", "max") if key in rest]
        return " · ".join(parts)
    if kind in ("eachKey", "eachValue") and isinstance(rest.get("rules"), list):
        inner = ", ".join(describe_rule(r) for r in rest["rules"] if isinstance(r, dict))
        return f"{'each key' if kind == 'eachKey' else 'each value'}: {inner or 'any'}"
    if kind == "arrayContains" and isinstance(rest.get("variants"), list):
        count = len(rest["variants"])
        return f"array contains {count} variant{'s' if count != 1 else ''}"
    if kind == "regex" and "regex" in rest:
        return f"regex {_literal(rest['regex'])}"
    if kind in ("date", "time", "datetime", "timestamp"):
        fmt = next((rest[k] for k in _FORMAT_KEYS if isinstance(rest.get(k), str)), None)
        return f"{kind} {fmt}" if fmt else kind
    if kind == "include" and "value" in rest:
        return f"includes {json.dumps(rest['value'], ensure_ascii=False)}"
    if kind == "contentType" and "value" in rest:
        return f"content type {_literal(rest['value'])}"
    if kind == "statusCode" and "status" in rest:
        return f"status {_literal(rest['status'])}"
    parts = [kind]
    for key in ("min", "max"):
        if key in rest:
            parts.append(f"{key} {_literal(rest.pop(key))}")
    parts += [f"{key} {_literal(value)}" for key, value in rest.items()]
    return " · ".join(parts)


def describe_generator(generator: dict[str, Any]) -> str:
    """A generator as a short phrase: ``uuid``, ``random int 0–10``, ``from state ${id}``."""
    kind = str(generator.get("type", "?"))
    rest = {key: value for key, value in generator.items() if key != "type"}
    if kind == "ProviderState" and "expression" in rest:
        return f"from provider state {_literal(rest['expression'])}"
    if kind == "RandomInt":
        return f"random int {rest.get('min', 0)}–{rest.get('max', 2147483647)}"
    if kind == "MockServerURL":
        return "mock server URL"
    if kind == "Uuid" and rest.get("format", "lower-case-hyphenated") == "lower-case-hyphenated":
        return "uuid"
    words = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", kind).lower()
    parts = [words] + [f"{key} {_literal(value)}" for key, value in rest.items()]
    return " · ".join(parts)


def _raw(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def rule_notes(
    rule_list: RuleList | None, path: str = "", value_kind: str | None = None
) -> list[Note]:
    """One note per matcher; matchers combined with OR become one "any of" note."""
    if rule_list is None or not rule_list.rules:
        return []
    phrases = [describe_rule(rule, value_kind) for rule in rule_list.rules]
    if rule_list.combine.upper() == "OR" and len(phrases) > 1:
        return [Note("rule", "any of: " + " | ".join(phrases), path, _raw(rule_list.rules))]
    return [
        Note("rule", phrase, path, _raw(rule))
        for phrase, rule in zip(phrases, rule_list.rules, strict=True)
    ]


def generator_note(generator: dict[str, Any] | None, path: str = "") -> list[Note]:
    if not generator:
        return []
    return [Note("generator", describe_generator(generator), path, _raw(generator))]


def value_kind(value: Any) -> str:
    """``string``, ``number``, ``bool``, ``null``, ``object`` or ``array``."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, dict):
        return "object"
    if isinstance(value, list):
        return "array"
    return "string"


# --- bodies -------------------------------------------------------------------------------


class _Annotator:
    """Hands out each body rule and generator to the lines whose location it names."""

    def __init__(self, rules: MatchingRules, generators: Generators) -> None:
        self.rules = [
            (text, parse_path(text), rule_list)
            for text, rule_list in rules.category("body").items()
        ]
        self.generators = [
            (text, parse_path(text), generator)
            for text, generator in generators.category("body").items()
        ]
        self.used: set[str] = set()
        self.used_generators: set[str] = set()

    def notes(self, location: Location, kind: str) -> tuple[Note, ...]:
        out: list[Note] = []
        for text, pattern, rule_list in self.rules:
            if pattern is not None and names(pattern, location):
                self.used.add(text)
                out += rule_notes(rule_list, text, kind)
        for text, pattern, generator in self.generators:
            if pattern is not None and names(pattern, location):
                self.used_generators.add(text)
                out += generator_note(generator, text)
        return tuple(out)

    def unattached(self) -> list[Note]:
        out: list[Note] = []
        for text, _, rule_list in self.rules:
            if text not in self.used:
                out += rule_notes(rule_list, text)
        for text, _, generator in self.generators:
            if text not in self.used_generators:
                out += generator_note(generator, text)
        return out


def _walk(
    value: Any,
    location: Location,
    key: str,
    indent: int,
    comma: bool,
    out: list[Line],
    annotator: _Annotator,
) -> None:
    path = expression(location)
    notes = annotator.notes(location, value_kind(value))
    if isinstance(value, dict) and value:
        out.append(Line(indent, key, "{", "punct", False, path, notes))
        items = list(value.items())
        for position, (name, item) in enumerate(items):
            label = json.dumps(str(name), ensure_ascii=False) + ": "
            last = position == len(items) - 1
            _walk(item, (*location, str(name)), label, indent + 1, not last, out, annotator)
        out.append(Line(indent, "", "}", "punct", comma, path))
    elif isinstance(value, list) and value:
        out.append(Line(indent, key, "[", "punct", False, path, notes))
        for position, item in enumerate(value):
            last = position == len(value) - 1
            _walk(item, (*location, position), "", indent + 1, not last, out, annotator)
        out.append(Line(indent, "", "]", "punct", comma, path))
    else:
        text = json.dumps(value, ensure_ascii=False)
        kind = "punct" if isinstance(value, dict | list) else value_kind(value)
        out.append(Line(indent, key, text, kind, comma, path, notes))


def body_view(body: Body | None, rules: MatchingRules, generators: Generators) -> BodyView | None:
    """The body as annotated JSON lines, or as text; None when there is no body."""
    annotator = _Annotator(rules, generators)
    if body is None:
        if not annotator.rules and not annotator.generators:
            return None
        return BodyView("empty", None, unattached=annotator.unattached())
    content_type = body.content_type
    if body.is_json:
        lines: list[Line] = []
        _walk(body.content, ("$",), "", 0, False, lines, annotator)
        view = BodyView("json", content_type, lines=lines[:MAX_LINES])
        view.truncated = len(lines) > MAX_LINES
    elif isinstance(body.content, bytes):
        try:
            view = BodyView("text", content_type, text=body.content.decode("utf-8"))
        except UnicodeDecodeError:
            encoded = base64.b64encode(body.content[:3072]).decode("ascii")
            view = BodyView("binary", content_type, text=encoded, size=len(body.content))
            view.truncated = len(body.content) > 3072
    elif body.is_empty:
        view = BodyView("empty", content_type)
    else:
        view = BodyView("text", content_type, text=body.to_text())
    view.unattached = annotator.unattached()
    return view
