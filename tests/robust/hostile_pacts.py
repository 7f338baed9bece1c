"""A pact with one broken rule per interaction, its provider, and what each must report.

Used through ``Verifier.verify`` and through ``accord verify``/``accord inspect`` in a
subprocess (``--app tests.robust.hostile_pacts:verifier``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accord import Verifier

CONSUMER = "hostile-consumer"
PROVIDER = "hostile-provider"
EVIL_REGEX = r"(a+)+$"
EVIL_VALUE = "a" * 34 + "b"


def _nested_rule(depth: int) -> dict[str, Any]:
    rule: dict[str, Any] = {"match": "type"}
    for _ in range(depth):
        rule = {"match": "eachValue", "rules": [rule]}
    return rule


CASES: list[tuple[str, Any, str, dict[str, Any]]] = [
    # description, content (also what the provider sends), rule path, rule
    ("a good event", {"id": 1}, "$.id", {"match": "integer"}),
    ("min is text", {"items": [1, 2]}, "$.items", {"match": "type", "min": "lots"}),
    ("max is infinite", {"items": [1, 2]}, "$.items", {"match": "type", "max": float("inf")}),
    ("min is NaN", {"items": [1, 2]}, "$.items", {"match": "type", "min": float("nan")}),
    (
        "an unterminated date pattern",
        {"when": "2020-01-01"},
        "$.when",
        {"match": "date", "format": "yyyy-MM-dd'T"},
    ),
    (
        "arrayContains variants in an object",
        {"items": [1, 2]},
        "$.items",
        {"match": "arrayContains", "variants": {"index": 0}},
    ),
    (
        "an arrayContains variant that is a number",
        {"items": [1, 2]},
        "$.items",
        {"match": "arrayContains", "variants": [7]},
    ),
    ("an unknown matcher", {"id": 1}, "$.id", {"match": "fuzzy"}),
    ("rules nested very deep", {"items": {"a": 1}}, "$.items", _nested_rule(40)),
    (
        "a catastrophic regex",
        {"name": "aaa"},
        "$.name",
        {"match": "regex", "regex": EVIL_REGEX},
    ),
]

SENT: dict[str, Any] = {description: content for description, content, _, _ in CASES}
SENT["a catastrophic regex"] = {"name": EVIL_VALUE}

EXPECTED: dict[str, tuple[str, str]] = {
    # description: (outcome, a piece of the one-line reason, which names the rule's path)
    "a good event": ("passed", ""),
    "min is text": ("error", "matchingRules.body $.items: 'min' must be a whole number"),
    "max is infinite": ("error", "matchingRules.body $.items: 'max' must be a whole number"),
    "min is NaN": ("error", "matchingRules.body $.items: 'min' must be a whole number, not nan"),
    "an unterminated date pattern": (
        "error",
        "matchingRules.body $.when: unterminated quoted literal",
    ),
    "arrayContains variants in an object": (
        "error",
        "matchingRules.body $.items: arrayContains 'variants' must be a list",
    ),
    "an arrayContains variant that is a number": (
        "error",
        "matchingRules.body $.items variants[0]: a variant must be an object, not int",
    ),
    "an unknown matcher": ("error", "matchingRules.body $.id: unknown matcher 'fuzzy'"),
    "rules nested very deep": (
        "error",
        "matchingRules.body $.items eachValue[0] x33: rules nested more than 32 deep",
    ),
    "a catastrophic regex": (
        "failed",
        f"body $.name: Expected '{EVIL_VALUE}' to match '{EVIL_REGEX}'",
    ),
}


def document() -> dict[str, Any]:
    interactions = [
        {
            "type": "Asynchronous/Messages",
            "description": description,
            "contents": {"content": content, "contentType": "application/json"},
            "matchingRules": {"body": {path: {"matchers": [rule]}}},
        }
        for description, content, path, rule in CASES
    ]
    return {
        "consumer": {"name": CONSUMER},
        "provider": {"name": PROVIDER},
        "interactions": interactions,
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


def write(folder: Path) -> Path:
    """The pact file; ``Infinity`` and ``NaN`` are written as Python's JSON writes them."""
    path = folder / f"{CONSUMER}-{PROVIDER}.json"
    path.write_text(json.dumps(document(), indent=1))
    return path


verifier = Verifier(PROVIDER)
for _description, _content in SENT.items():
    verifier.message(_description)(lambda content=_content: content)
