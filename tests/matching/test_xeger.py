"""Tests for generating example strings from regular expressions."""

from __future__ import annotations

import random
import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from accord.limits import MAX_GENERATED_SIZE
from accord.matching.xeger import example_for_regex

REALISTIC_PATTERNS = [
    r"\d{1,4}",
    r"\d{1,8}",
    r"[0-9\-]+",
    r"\w+@\w+\.com",
    r"(foo|bar)\d?",
    r"[A-Z]{3}-\d{4}",
    r"^\d+$",
    r"application/.*json",
    r"v\d+\.\d+\.\d+",
    r"[^/]+",
    r"[a-f0-9]{8}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{4}-[a-f0-9]{12}",
    r"\d{4}-\d{2}-\d{2}",
    r"(GET|POST|PUT|DELETE)",
    r"/api/v1/users/\d+",
    r"[A-Za-z]+ [A-Za-z]+",
    r"\s*\S+\s*",
    r"\D{2,3}\W",
    r"(?i)hello [^x]",
    r"(\w)\1",
    r"(?P<word>ab)(?P=word)",
    r"a{3}|b{2,}",
    r"colou?r",
    r"https?://[\w.-]+(:\d{2,5})?/?",
    r"[+-]?\d+(\.\d+)?([eE][+-]?\d+)?",
    r"\bword\b",
    r"(?=.*\d)(?=.*[a-z])[a-z0-9]{8,12}",
    r"(?!admin)\w{3,5}",
    r"text/(html|plain);\s?charset=utf-8",
    r"\$\d+\.\d{2}",
    r"[\u00e9-\u00ff]{2}",
    r"[^\x00-\x7f]",
    r"(?>abc|ab)c?",
    r"x*+y",
    r"(a)?(?(1)b|c)",
    r".+?end",
]


@given(pattern=st.sampled_from(REALISTIC_PATTERNS), seed=st.integers(0, 2**32 - 1))
def test_examples_fullmatch(pattern: str, seed: int) -> None:
    result = example_for_regex(pattern, random.Random(seed))
    assert re.fullmatch(pattern, result), (pattern, result)


@pytest.mark.parametrize("pattern", REALISTIC_PATTERNS)
def test_seeded_output_is_stable(pattern: str) -> None:
    first = example_for_regex(pattern, random.Random(0))
    assert example_for_regex(pattern, random.Random(0)) == first


def test_without_rng_still_matches() -> None:
    for pattern in REALISTIC_PATTERNS:
        assert re.fullmatch(pattern, example_for_regex(pattern))


@given(seed=st.integers(0, 2**32 - 1))
def test_prefers_printable_ascii(seed: int) -> None:
    rng = random.Random(seed)
    for pattern in (r".{20}", r"[^a]{20}", r"\W{10}", r"\S{20}", r"\w{20}"):
        result = example_for_regex(pattern, rng)
        assert all(" " <= ch <= "~" for ch in result), (pattern, result)


@given(seed=st.integers(0, 2**32 - 1))
def test_unbounded_repeats_are_capped(seed: int) -> None:
    rng = random.Random(seed)
    assert len(example_for_regex(r"a*", rng)) <= 5
    assert 3 <= len(example_for_regex(r"\d{3,}", rng)) <= 8
    assert 1 <= len(example_for_regex(r"[xy]+", rng)) <= 6


def test_anchors_emit_nothing() -> None:
    assert example_for_regex(r"^abc$", random.Random(1)) == "abc"
    assert example_for_regex(r"\Aabc\Z", random.Random(1)) == "abc"


def test_invalid_regex_raises_value_error() -> None:
    with pytest.raises(ValueError, match=r"invalid regular expression '\[a-'"):
        example_for_regex("[a-")


@pytest.mark.parametrize("pattern", [r"(?=a)b", r"a\bb", r"[^\s\S]"])
def test_impossible_patterns_raise_naming_the_pattern(pattern: str) -> None:
    with pytest.raises(ValueError, match=re.escape(repr(pattern))):
        example_for_regex(pattern, random.Random(0))


def test_errors_are_raised_again_not_cached() -> None:
    for _ in range(2):
        with pytest.raises(ValueError, match="invalid regular expression"):
            example_for_regex("[a-")


def test_size_cap_falls_where_the_tree_walk_put_it() -> None:
    assert example_for_regex(f"(?:ab){{{MAX_GENERATED_SIZE // 2}}}") == "ab" * (
        MAX_GENERATED_SIZE // 2
    )
    assert len(example_for_regex(f"\\d{{{MAX_GENERATED_SIZE}}}")) == MAX_GENERATED_SIZE
    for pattern in (f"a{{{MAX_GENERATED_SIZE + 1}}}", r"(a{1000}){1000}"):
        with pytest.raises(ValueError, match="longer than"):
            example_for_regex(pattern, random.Random(0))


def test_repeated_class_draws_from_the_class_only() -> None:
    rng = random.Random(7)
    for _ in range(50):
        made = example_for_regex(r"(?i)[a-c]{3,6}x", rng)
        assert re.fullmatch(r"[a-cA-C]{3,6}[xX]", made), made


def test_private_generator_varies_between_calls() -> None:
    made = {example_for_regex(r"[a-z]{24}") for _ in range(3)}
    assert len(made) == 3
