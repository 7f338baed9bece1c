"""The rule trie chooses exactly what weighing every expression would choose."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from accord.matching.path import Location, parse_path, to_expression, weight
from accord.matching.rule_index import RuleIndex
from accord.model.rules import RuleList

NAMES = st.sampled_from(["a", "b", "items", "id"])
TOKENS = st.one_of(NAMES, st.integers(0, 2), st.just("*"), st.just("[*]"))


def _expression(tokens: list[object]) -> str:
    out = "$"
    for token in tokens:
        if token == "*":
            out += ".*"
        elif token == "[*]":
            out += "[*]"
        elif isinstance(token, int):
            out += f"[{token}]"
        else:
            out += f".{token}"
    return out


def _brute_force(rules: dict[str, RuleList], location: Location) -> tuple[RuleList | None, bool]:
    best, best_score, exact = None, 0, False
    for expression, rule_list in rules.items():
        tokens = parse_path(expression)
        w = weight(tokens, location)
        if w and w * len(tokens) > best_score:
            best, best_score, exact = rule_list, w * len(tokens), len(tokens) == len(location)
    return best, exact


@settings(max_examples=300)
@given(
    expressions=st.lists(st.lists(TOKENS, max_size=4), max_size=12),
    location=st.lists(st.one_of(NAMES, st.integers(0, 2)), max_size=5),
)
def test_the_trie_agrees_with_weighing_every_expression(
    expressions: list[list[object]], location: list[str | int]
) -> None:
    rules = {
        _expression(tokens): RuleList([{"match": "type", "n": n}])
        for n, tokens in enumerate(expressions)
    }
    index = RuleIndex(rules)
    where: Location = ("$", *location)
    assert index.select(where) == _brute_force(rules, where)
    node = index.root()
    for segment in location:
        node = node.child(segment)
    expected = _brute_force(rules, index_location(index, where))
    assert (node.rules, node.exact) == expected


def index_location(index: RuleIndex, location: Location) -> Location:
    """Locations as a node sees them: indices shared when no rule names one."""
    if index.index_sensitive:
        return location
    return tuple(-1 if isinstance(s, int) else s for s in location)


def test_plugin_keys_are_not_paths() -> None:
    index = RuleIndex({"column:1": RuleList([{"match": "type"}])})
    assert not index
    assert index.select(("$", "column:1")) == (None, False)


def test_canonical_expressions_round_trip() -> None:
    location: Location = ("$", "items", 3, "two words")
    assert parse_path(to_expression(location)) == location
