"""Rules read from a file are parsed once per distinct set and shared, read-only."""

from __future__ import annotations

import json
from typing import Any

from accord.matching.json_body import shared_index
from accord.model.read import loads_pact
from accord.model.rules import json_fingerprint, shared_fingerprint


def _pact(*rule_sets: dict[str, Any]) -> str:
    interactions = [
        {
            "type": "Asynchronous/Messages",
            "description": f"event {index}",
            "contents": {"content": {"id": index}, "contentType": "application/json"},
            "matchingRules": {"body": rules},
        }
        for index, rules in enumerate(rule_sets)
    ]
    return json.dumps(
        {
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "4.0"}},
        }
    )


def _type_rule(**settings: Any) -> dict[str, Any]:
    return {"$.id": {"combine": "AND", "matchers": [{"match": "type", **settings}]}}


def test_equal_rules_are_one_shared_object_with_a_fingerprint() -> None:
    pact = loads_pact(_pact(_type_rule(min=1), _type_rule(min=1)))
    first, second = (i.message.matching_rules for i in pact.interactions)  # type: ignore[attr-defined]
    assert first is second
    assert shared_fingerprint(first) is not None
    assert shared_fingerprint(first.category("body")) is not None
    assert shared_fingerprint(first) != shared_fingerprint(first.category("body"))


def test_rules_equal_under_python_equality_but_not_in_json_stay_apart() -> None:
    # 1, 1.0 and True compare equal in Python; as rule settings they are not the same.
    pact = loads_pact(_pact(_type_rule(min=1), _type_rule(min=1.0), _type_rule(min=True)))
    rules = [i.message.matching_rules for i in pact.interactions]  # type: ignore[attr-defined]
    assert len({id(r) for r in rules}) == 3
    assert [r.category("body")["$.id"].rules[0]["min"] for r in rules] == [1, 1.0, True]
    assert [type(r.category("body")["$.id"].rules[0]["min"]) for r in rules] == [int, float, bool]


def test_fingerprints_never_collide_with_serialised_rules() -> None:
    pact = loads_pact(_pact(_type_rule()))
    body = pact.interactions[0].message.matching_rules.category("body")  # type: ignore[attr-defined]
    fingerprint = shared_fingerprint(body)
    assert fingerprint is not None and fingerprint.startswith(b"\0")
    serialised = json_fingerprint([(p, r.combine, r.rules) for p, r in body.items()])
    assert serialised is not None and not serialised.startswith(b"\0")


def test_builder_made_rules_have_no_fingerprint_and_still_share_an_index() -> None:
    from accord.model.rules import RuleList

    made = {"$.id": RuleList([{"match": "type"}])}
    again = {"$.id": RuleList([{"match": "type"}])}
    assert shared_fingerprint(made) is None
    assert shared_index(made) is shared_index(again)
