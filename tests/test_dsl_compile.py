"""compile_value splits terms into example, rules and generators on every path shape."""

from __future__ import annotations

import enum
import math

import pytest

from accord import generate, match
from accord._dsl.term import compile_value
from accord.errors import MatcherError


class Colour(enum.StrEnum):
    RED = "red"


def test_terms_in_dicts_lists_tuples_and_terms() -> None:
    value = {
        "id": match.integer(7),
        "price": match.decimal(1.5),
        "ratio": 0.25,
        "seq": match.like(generate.random_int(0, 9, 3)),
        "lines": match.each_like({"sku": match.regex("A1", r"[A-Z]\d"), "n": 2.5}, min=2),
        "pair": (match.like("a"), [1, match.number(2.0)]),
        "odd key": {"x y": match.boolean(True)},
        3: "three",
        Colour.RED: "enum key",
        "when": match.like(generate.datetime("yyyy-MM-dd", example="2024-01-02")),
    }
    compiled = compile_value(value)
    line = {"sku": "A1", "n": 2.5}
    assert compiled.example == {
        "id": 7,
        "price": 1.5,
        "ratio": 0.25,
        "seq": 3,
        "lines": [line, line],
        "pair": ["a", [1, 2.0]],
        "odd key": {"x y": True},
        "3": "three",
        str(Colour.RED): "enum key",
        "when": "2024-01-02",
    }
    rules = {path: (rl.rules, rl.combine) for path, rl in compiled.rules.items()}
    assert rules == {
        "$.id": ([{"match": "integer"}], "AND"),
        "$.price": ([{"match": "decimal"}], "AND"),
        "$.seq": ([{"match": "type"}], "AND"),
        "$.lines": ([{"match": "type", "min": 2}], "AND"),
        "$.lines[*].sku": ([{"match": "regex", "regex": r"[A-Z]\d"}], "AND"),
        "$.pair[0]": ([{"match": "type"}], "AND"),
        "$.pair[1][1]": ([{"match": "number"}], "AND"),
        "$['odd key']['x y']": ([{"match": "boolean"}], "AND"),
        "$.when": ([{"match": "type"}], "AND"),
    }
    assert compiled.generators == {
        "$.seq": {"type": "RandomInt", "min": 0, "max": 9},
        "$.when": {"type": "DateTime", "format": "yyyy-MM-dd"},
    }


def test_non_finite_float_is_refused_with_its_place() -> None:
    with pytest.raises(MatcherError, match=r"\$\.a\[0\]"):
        compile_value({"a": [math.inf]})
    with pytest.raises(MatcherError, match=r"\$\.b"):
        compile_value({"b": match.like(math.nan)})


def test_scalar_matchers_still_refuse_examples_of_another_type() -> None:
    assert match.integer(3).value == 3 and match.decimal(2.5).value == 2.5
    assert match.number(3).value == 3 and match.boolean(False).value is False
    for refused in (
        lambda: match.integer(True),
        lambda: match.integer(1.5),
        lambda: match.decimal(2),
        lambda: match.number(True),
        lambda: match.boolean(1),
    ):
        with pytest.raises(MatcherError, match="does not satisfy its own rule"):
            refused()


def test_validated_remembers_only_what_passed() -> None:
    for _ in range(2):
        term = match.each_key({"abc": 1}, match.regex("abc", "[a-z]+"))
        assert compile_value(term).example == {"abc": 1}
        with pytest.raises(MatcherError, match="each_key"):
            match.each_key({"ABC": 1}, match.regex("abc", "[a-z]+"))
    # equal-looking data of another type is not taken for what passed
    match.each_value({"a": 1}, match.integer(1))
    with pytest.raises(MatcherError, match="each_value"):
        match.each_value({"a": True}, match.integer(1))


def test_parts_hold_the_same_rules_as_compiled() -> None:
    from accord._dsl.term import compile_parts

    value = {"a": match.like(match.integer(1)), "b": match.each_like({"c": match.null()})}
    parts, compiled = compile_parts(value), compile_value(value)
    assert parts.example == compiled.example and parts.generators == compiled.generators
    assert {k: (rl.rules, rl.combine) for k, rl in parts.rule_lists().items()} == {
        k: (rl.rules, rl.combine) for k, rl in compiled.rules.items()
    }
    assert list(compiled.rules) == ["$.a", "$.b", "$.b[*].c"]
    assert compiled.rules["$.a"].rules == [{"match": "integer"}]  # the inner term's rules


def test_combine_follows_the_term_that_set_the_rules() -> None:
    either = match.any_of(match.integer(1), match.null())
    value = {"a": either, "b": match.like(either), "c": match.any_of(match.like(match.integer(1)))}
    compiled = compile_value(value)
    assert compiled.rules["$.a"].combine == "OR"
    assert compiled.rules["$.b"].combine == "OR"  # like(x) keeps x's rules and combine
    assert compiled.rules["$.c"].combine == "AND"  # the inner term's rules replaced the OR
    assert compiled.rules["$.c"].rules == [{"match": "integer"}]


def test_remembered_checks_tell_terms_inside_from_plain_values() -> None:
    # plain data is remembered; a term inside is checked afresh each time
    for _ in range(2):
        match.each_value([1, 2], match.integer(1))
        with pytest.raises(MatcherError, match="each_value"):
            match.each_value([1, match.like("x")], match.integer(1))
        with pytest.raises(MatcherError, match="each_value"):
            match.each_value([1, 1.0], match.integer(1))


def test_regex_remembers_only_examples_that_matched() -> None:
    for _ in range(2):
        assert match.regex("AB12", r"[A-Z]+\d+").value == "AB12"
        with pytest.raises(MatcherError, match="does not satisfy"):
            match.regex("ab12", r"[A-Z]+\d+")
        with pytest.raises(MatcherError, match="not a valid regular expression"):
            match.regex("AB12", r"[A-Z")


def test_terms_stay_frozen_dataclasses() -> None:
    import dataclasses
    import pickle

    from accord._dsl.term import Term

    term = Term("x", ({"match": "type"},), None, "OR", 2)
    assert (term.value, term.rules, term.generator, term.combine, term.repeat) == (
        "x",
        ({"match": "type"},),
        None,
        "OR",
        2,
    )
    assert Term("x") == Term("x", (), None, "AND", None) and Term("x").rules == ()
    assert dataclasses.replace(term, value="y").value == "y"
    assert pickle.loads(pickle.dumps(term)) == term
    assert [f.name for f in dataclasses.fields(Term)] == [
        "value",
        "rules",
        "generator",
        "combine",
        "repeat",
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        term.value = "z"  # type: ignore[misc]
    assert repr(Term(1)) == "Term(value=1, rules=(), generator=None, combine='AND', repeat=None)"
