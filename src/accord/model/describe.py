"""Rules and generators as short phrases: one wording for ``accord inspect`` and the broker UI.

``{"match": "regex", "regex": "\\d+"}`` reads ``regex \\d+``; a bare ``type`` on a string
reads ``any string``. Both the command line and the broker's pages describe rules with these
functions, so a rule reads the same wherever it is shown.
"""

from __future__ import annotations

import json
import re
from typing import Any


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
