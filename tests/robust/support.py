"""Small pact documents for the robustness tests."""

from __future__ import annotations

import copy
from typing import Any

from accord.model import Pact
from accord.model.read import parse_pact


def message_doc(content: Any, rules: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
    """A V4 pact with one asynchronous message holding ``content`` under ``rules``."""
    interaction: dict[str, Any] = {
        "type": "Asynchronous/Messages",
        "description": "an event",
        "contents": {"content": content, "contentType": "application/json", "encoded": False},
    }
    if rules is not None:
        interaction["matchingRules"] = {"body": rules}
    interaction.update(extra)
    return {
        "consumer": {"name": "robust-consumer"},
        "provider": {"name": "robust-provider"},
        "interactions": [interaction],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


def message_pact(content: Any, rules: dict[str, Any] | None = None, **extra: Any) -> Pact:
    return parse_pact(copy.deepcopy(message_doc(content, rules, **extra)), source="test.json")
