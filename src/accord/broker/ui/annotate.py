"""Matching rules and generators, put next to the values they apply to.

A pact keeps its rules apart from its example (``$.items[*].id`` in ``matchingRules``), so a
reader of raw JSON has to match paths by eye. Here every JSON value of a body becomes one
line, and each line carries the rules and generators whose path names exactly that value.
Rules whose path names nothing in the example (an optional field, a longer list) are kept
too, listed with their path, so the page never hides a rule.

Paths are read by :mod:`accord.model.paths`, the reader the matching engine uses (the
broker depends on the model only); a path it cannot read is shown as text, not attached.
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass, field
from typing import Any

from accord.model.body import Body
from accord.model.describe import describe_generator, describe_rule
from accord.model.paths import ANY_INDEX as ANY_INDEX  # re-exported for the page code
from accord.model.paths import STAR, Location, names, to_expression, try_parse_path
from accord.model.rules import Generators, MatchingRules, RuleList

MAX_LINES = 4000
"""A body longer than this is cut short on the page (the raw JSON link has it all)."""

ANY_KEY = STAR
"""``.*``: any key or index."""


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
    """``$.items[*]['a b']`` -> ``("$", "items", ANY_INDEX, "a b")``; None if unreadable.

    The matching engine's own reader, so the page attaches a rule where the engine applies it.
    """
    return try_parse_path(expression)


def expression(location: Location) -> str:
    """The canonical path text for a concrete location (shown as a tooltip)."""
    return to_expression(location)


# --- phrases ---------------------------------------------------------------------------


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
