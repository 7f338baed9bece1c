"""A builder's precompiled content gives the same message as compiling it afresh."""

from __future__ import annotations

from accord import generate, match
from accord._dsl.term import compile_parts
from accord.consumer.builder import MessageBuilder, message_contents


def _content() -> dict[str, object]:
    return {
        "id": match.integer(1),
        "when": match.like(generate.date("yyyy-MM-dd", example="2024-01-02")),
        "lines": match.each_like({"sku": match.regex("A1", r"[A-Z]\d")}, min=2),
        "plain": [1, 2.5, None],
    }


def test_precompiled_content_gives_the_same_message() -> None:
    metadata = {"topic": match.regex("orders", "[a-z]+"), "kind": "event"}
    fresh = message_contents(_content(), None, dict(metadata))
    reused = message_contents(_content(), None, dict(metadata), compile_parts(_content()))
    assert reused.contents == fresh.contents
    assert reused.metadata == fresh.metadata
    assert reused.matching_rules.to_json() == fresh.matching_rules.to_json()
    assert reused.generators.to_json() == fresh.generators.to_json()
    assert list(reused.matching_rules.categories) == ["body", "metadata"]


def test_building_twice_gives_independent_rule_lists() -> None:
    builder = MessageBuilder("an event").with_content(_content())
    first, second = builder.build(), builder.build()
    first.message.matching_rules.add("body", "$.id", [{"match": "number"}])
    assert second.message.matching_rules.to_json()["body"]["$.id"]["matchers"] == [
        {"match": "integer"}
    ]


def test_content_without_terms_has_no_rule_categories() -> None:
    built = MessageBuilder("plain").with_content({"a": 1}).build()
    assert not built.message.matching_rules.categories
    assert not built.message.generators.categories
