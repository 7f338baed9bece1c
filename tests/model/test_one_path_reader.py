"""One path reader and one rule wording, shared by matching, ``inspect`` and the broker UI."""

from __future__ import annotations

import pytest

from accord.broker.ui import annotate
from accord.inspection import describe
from accord.matching import path as engine
from accord.model import paths
from accord.model.read import parse_pact


@pytest.mark.parametrize(
    "expression",
    ["$.items[-1]", "$.items[*].id", "$['two words'][0]", "$.*", "a.b", "$.a['it''s']"],
)
def test_the_ui_reads_paths_as_the_engine_does(expression: str) -> None:
    assert annotate.parse_path(expression) == paths.try_parse_path(expression)
    assert engine.parse_path is paths.parse_path


def test_a_negative_index_is_read_by_the_ui_too() -> None:
    assert annotate.parse_path("$.items[-1]") == ("$", "items", -1)


def test_inspect_and_the_ui_word_rules_alike() -> None:
    pact = parse_pact(
        {
            "consumer": {"name": "c"},
            "provider": {"name": "p"},
            "metadata": {"pactSpecification": {"version": "3.0.0"}},
            "messages": [
                {
                    "description": "m",
                    "contents": {"id": "A-1"},
                    "matchingRules": {
                        "body": {"$.id": {"matchers": [{"match": "regex", "regex": "A-\\d"}]}}
                    },
                    "generators": {"body": {"$.id": {"type": "RandomInt", "min": 1, "max": 5}}},
                }
            ],
        }
    )
    text = describe(pact)
    wording = annotate.describe_rule({"match": "regex", "regex": "A-\\d"})
    assert wording == "regex A-\\d"
    assert f"rule body $.id: {wording}" in text
    assert "generator body $.id: random int 1–5" in text
