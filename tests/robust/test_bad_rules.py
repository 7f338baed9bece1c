"""A broken rule or generator fails its own interaction with a one-line reason and place."""

from __future__ import annotations

import json
from typing import Any

import pytest

from accord.errors import AccordError, PactFileError, RuleError
from accord.inspection import lint
from accord.limits import MAX_GENERATED_SIZE, MAX_JSON_DEPTH
from accord.matching.generators import PROVIDER, generate_message, generate_value
from accord.matching.message import compare_message
from accord.model import AsyncMessage, Body, MessageContents
from accord.model.read import loads_pact

from .support import message_doc, message_pact


def _expected(rules: dict[str, Any], content: Any = None, **extra: Any) -> MessageContents:
    pact = message_pact(content if content is not None else {"items": [1, 2]}, rules, **extra)
    interaction = pact.interactions[0]
    assert isinstance(interaction, AsyncMessage)
    return interaction.message


def _compare_error(rules: dict[str, Any], actual: Any = None) -> RuleError:
    produced = MessageContents(Body(actual or {"items": [1, 2]}, "application/json"), {})
    with pytest.raises(RuleError) as info:
        compare_message(_expected(rules), produced)
    return info.value


@pytest.mark.parametrize(
    ("rule", "reason"),
    [
        ({"match": "type", "min": "lots"}, "'min' must be a whole number, not 'lots'"),
        ({"match": "type", "max": float("inf")}, "'max' must be a whole number, not inf"),
        ({"match": "type", "min": float("nan")}, "'min' must be a whole number, not nan"),
        ({"match": "type", "min": 1.5}, "'min' must be a whole number, not 1.5"),
        ({"match": "type", "max": [3]}, "'max' must be a whole number, not 'list'"),
        ({"match": "date", "format": "yyyy-MM-dd'T"}, "unterminated quoted literal"),
        ({"match": "datetime", "format": "yyyy-MM-dd HH:mm ppp"}, "unknown pattern letter"),
        ({"match": "fuzzy"}, "unknown matcher 'fuzzy'"),
        ({"match": "arrayContains", "variants": {"index": 0}}, "'variants' must be a list"),
        ({"match": "arrayContains", "variants": [7]}, "a variant must be an object"),
        ({"match": "arrayContains", "variants": [{"index": "x"}]}, "'index' must be a whole"),
        (
            {
                "match": "arrayContains",
                "variants": [{"index": 0, "rules": {"$": [{"match": "?"}]}}],
            },
            "unknown matcher '?'",
        ),
        ({"match": "regex", "regex": {"not": "text"}}, "'regex' must be a string"),
        ({"match": "eachValue", "rules": "type"}, "'rules' of eachValue must be a list"),
    ],
)
def test_each_broken_rule_is_a_rule_error_with_its_path(rule: dict[str, Any], reason: str) -> None:
    error = _compare_error({"$.items": {"matchers": [rule]}})
    assert error.path is not None and error.path.startswith("matchingRules.body $.items")
    assert reason in str(error)
    assert "\n" not in str(error)


def test_rules_nested_inside_rules_have_a_depth_limit() -> None:
    rule: dict[str, Any] = {"match": "type"}
    for _ in range(40):
        rule = {"match": "eachValue", "rules": [rule]}
    error = _compare_error({"$.items": {"matchers": [rule]}})
    assert "nested more than" in str(error)


def test_only_the_interaction_with_the_bad_rule_fails() -> None:
    doc = message_doc({"id": 1}, {"$.id": {"matchers": [{"match": "integer"}]}})
    bad = json.loads(json.dumps(doc["interactions"][0]))
    bad["description"] = "a broken event"
    bad["matchingRules"] = {"body": {"$.id": {"matchers": [{"match": "nope"}]}}}
    doc["interactions"].append(bad)
    pact = loads_pact(json.dumps(doc))
    produced = MessageContents(Body({"id": 2}, "application/json"), {})
    outcomes = []
    for interaction in pact.interactions:
        assert isinstance(interaction, AsyncMessage)
        try:
            outcomes.append(compare_message(interaction.message, produced))
        except AccordError as exc:
            outcomes.append(str(exc))
    assert outcomes[0] == []
    assert "unknown matcher 'nope'" in str(outcomes[1])


def test_inspect_reports_broken_rules_as_findings() -> None:
    pact = message_pact(
        {"items": [1]},
        {
            "$.items": {"matchers": [{"match": "type", "min": float("inf")}]},
            "$.other": {"matchers": [{"match": "whatever"}]},
        },
    )
    messages = [str(f) for f in lint(pact)]
    assert any("'min' must be a whole number, not inf" in m for m in messages)
    assert any("unknown matcher 'whatever'" in m for m in messages)


def test_deep_nesting_is_refused_when_the_pact_is_read() -> None:
    content: Any = 1
    for _ in range(MAX_JSON_DEPTH + 5):
        content = {"k": content}
    with pytest.raises(PactFileError) as info:
        loads_pact(json.dumps(message_doc(content)), source="deep.json")
    assert "nested more than 128 levels" in str(info.value)
    assert info.value.path.startswith("$.interactions[0].contents.content.k.k")


def test_very_deep_json_text_is_a_pact_file_error() -> None:
    text = '{"a":' * 100_000 + "1" + "}" * 100_000
    with pytest.raises(PactFileError):
        loads_pact(text)


# -- generators ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("generator", "reason"),
    [
        ({"type": "RandomString", "size": 10**9}, f"between 0 and {MAX_GENERATED_SIZE}"),
        ({"type": "RandomHexadecimal", "digits": -4}, f"between 0 and {MAX_GENERATED_SIZE}"),
        ({"type": "RandomDecimal", "digits": "many"}, "'digits' must be a whole number"),
        ({"type": "RandomInt", "min": 0, "max": 2**80}, "does not fit in 64 bits"),
        ({"type": "RandomInt", "min": float("-inf")}, "'min' must be a whole number"),
        ({"type": "Regex", "regex": "(a{1000}){1000}"}, "longer than"),
        ({"type": "Regex", "regex": "(unclosed"}, "invalid regular expression"),
        ({"type": "Regex", "regex": 42}, "'regex' must be a string"),
        ({"type": "Date", "format": "yyyy-MM-dd'T"}, "unterminated quoted literal"),
        ({"type": "DateTime", "expression": "today + 99999999999999 days"}, "too large"),
        ({"type": "Time", "format": 5}, "'format' must be a string"),
    ],
)
def test_each_broken_generator_is_a_rule_error(generator: dict[str, Any], reason: str) -> None:
    with pytest.raises(RuleError) as info:
        generate_value(generator, mode=PROVIDER)
    assert reason in str(info.value)


def test_generation_errors_name_the_generator_place() -> None:
    message = _expected(
        {}, {"id": 1}, generators={"body": {"$.id": {"type": "RandomString", "size": "x"}}}
    )
    with pytest.raises(RuleError) as info:
        generate_message(message, mode=PROVIDER)
    assert info.value.path == "generators.body $.id"


def test_sizes_at_the_cap_still_generate() -> None:
    made = generate_value({"type": "RandomString", "size": MAX_GENERATED_SIZE})
    assert isinstance(made, str) and len(made) == MAX_GENERATED_SIZE
