"""Regexes from a pact run in bounded time, with Python's syntax and meaning."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from accord.errors import RuleError
from accord.inspection import lint
from accord.matching.message import compare_message
from accord.matching.safe_regex import _Compiler, _parser, _run, safe_pattern
from accord.model import AsyncMessage, Body, MessageContents

from .support import message_pact

EVIL = r"(a+)+$"
EVIL_VALUE = "a" * 34 + "b"


def _produced(value: object) -> MessageContents:
    return MessageContents(Body({"name": value}, "application/json"), {})


def _expected(pattern: str) -> MessageContents:
    pact = message_pact(
        {"name": "aaa"}, {"$.name": {"matchers": [{"match": "regex", "regex": pattern}]}}
    )
    interaction = pact.interactions[0]
    assert isinstance(interaction, AsyncMessage)
    return interaction.message


def test_the_classic_catastrophic_pattern_is_a_plain_mismatch() -> None:
    mismatches = compare_message(_expected(EVIL), _produced(EVIL_VALUE))
    assert [m.path for m in mismatches] == ["$.name"]
    assert "to match '(a+)+$'" in mismatches[0].message
    assert compare_message(_expected(EVIL), _produced("a" * 34)) == []


def test_nested_repetition_goes_to_the_linear_engine() -> None:
    assert safe_pattern(EVIL).why_slow == "a repetition inside a repetition"
    assert safe_pattern(r"(foo|bar)*").why_slow == "an alternation inside a repetition"
    assert safe_pattern(r"[a-z]+@[a-z]+\.com").why_slow == ""
    assert not safe_pattern(r"(x+x+)+y").fullmatch("x" * 5000)


def test_a_dangerous_pattern_with_lookaround_errors_with_its_place() -> None:
    with pytest.raises(RuleError) as info:
        compare_message(_expected(r"((?=a)a+)+$"), _produced(EVIL_VALUE))
    assert info.value.path == "matchingRules.body $.name"
    assert "exponential time" in str(info.value)


def test_several_open_repeats_with_lookaround_refuse_only_long_values() -> None:
    pattern = r"(?=\w)\w*a\w*b\w*c"
    assert safe_pattern(pattern).fullmatch("xaybzc")
    with pytest.raises(RuleError, match="too long"):
        compare_message(_expected(pattern), _produced("a" * 5000))


def test_a_regex_that_unrolls_too_far_is_refused() -> None:
    with pytest.raises(RuleError, match="unrolls"):
        safe_pattern(r"(a{1,100}b?){1,500}")


def test_inspect_reports_a_dangerous_regex_instead_of_hanging() -> None:
    pact = message_pact(
        {"name": EVIL_VALUE}, {"$.name": {"match": "regex", "regex": r"((?=a)a+)+$"}}
    )
    findings = lint(pact)
    assert any("exponential time" in f.message and f.level == "error" for f in findings)


PATTERNS = [
    r"(a+)+$",
    r"(a|b)*c",
    r"(\d{1,3}\.){3}\d{1,3}",
    r"(?i)(ab|c)+",
    r"\bfoo\b(x|y)*",
    r"^(a*)*$",
    r"(?s)(.|\n)*",
    r"[^a-c\d]+(z|\w)*",
    r"(a{2,3}){2,}",
    r"(?m)^(a|b)*$\n?",
    r"(?a)(\w|\s)+",
    r"(x|[^x])*?\Z",
]


@settings(derandomize=True, max_examples=400, deadline=None)
@given(st.sampled_from(PATTERNS), st.text(alphabet="abcxyz019.\n _ABCé", max_size=10))
def test_the_linear_engine_agrees_with_python(pattern: str, text: str) -> None:
    tree = _parser.parse(pattern)
    program = _Compiler(tree.state.flags).build(tree)
    assert _run(program, text) == (re.fullmatch(pattern, text) is not None)
