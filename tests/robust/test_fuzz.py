"""Hostile-input fuzzer: 0 unclassified exceptions over 5,700 hostile inputs.

Every input is a real document (see :mod:`tests.robust.fuzz_support`) with one to four
hostile mutations, run through load, lint, describe, generate and compare. The seed is
fixed (``derandomize=True``), so a run is repeatable, and the database is off, so the
examples never depend on earlier runs. Any exception that is not an ``AccordError`` fails.
"""

from __future__ import annotations

import contextlib
import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accord.errors import PactFileError
from accord.model.read import loads_pact
from tests.robust import fuzz_support as fz

MUTATIONS = st.lists(
    st.tuples(
        st.integers(0, 8),
        st.integers(0, 10**6),
        st.integers(0, 10**6),
        st.integers(0, 10**6),
    ),
    min_size=1,
    max_size=4,
)

FUZZ = settings(
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=1300,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)


@FUZZ
@given(st.integers(0, 10**6), MUTATIONS)
def test_fuzzed_pacts_raise_only_accord_errors(seed: int, mutations: list[tuple[int, ...]]) -> None:
    seeds = fz.pact_seeds()
    doc = fz.mutate(json.loads(seeds[seed % len(seeds)]), mutations)  # type: ignore[arg-type]
    fz.run_pact(fz.dumps(doc))


@FUZZ
@given(st.integers(0, 10**6), st.integers(0, 10**6), MUTATIONS)
def test_fuzzed_pacts_with_a_second_seed_raise_only_accord_errors(
    seed: int, offset: int, mutations: list[tuple[int, ...]]
) -> None:
    seeds = fz.pact_seeds()
    doc = fz.mutate(json.loads(seeds[(seed + offset) % len(seeds)]), mutations)  # type: ignore[arg-type]
    fz.mutate(doc, [(2, offset, seed, offset)])  # always one rule or generator block
    fz.run_pact(fz.dumps(doc))


@FUZZ
@given(st.integers(0, 10**6), MUTATIONS)
def test_fuzzed_specification_cases_raise_only_accord_errors(
    seed: int, mutations: list[tuple[int, ...]]
) -> None:
    cases = fz.case_seeds()
    part, spec, text = cases[seed % len(cases)]
    fz.run_case(part, spec, fz.mutate(json.loads(text), mutations))  # type: ignore[arg-type]


@FUZZ
@given(st.sampled_from(fz.HOSTILE_RULES + fz.HOSTILE_GENERATORS), st.integers(0, 10**6))
def test_every_hostile_rule_in_every_seed_raises_only_accord_errors(
    hostile: object, seed: int
) -> None:
    seeds = fz.pact_seeds()
    doc = json.loads(seeds[seed % len(seeds)])
    for interaction in doc["interactions"]:
        key = "generators" if isinstance(hostile, dict) and "type" in hostile else "matchingRules"
        target = interaction.get("request", interaction) if seed % 2 else interaction
        target[key] = {"body": {"$": hostile, "$.a": hostile}, "header": {"X": hostile}}
    fz.run_pact(fz.dumps(doc))


@settings(FUZZ, max_examples=500)
@given(st.binary(max_size=300) | st.text(max_size=300).map(lambda t: t.encode("utf-8", "replace")))
def test_arbitrary_bytes_raise_only_pact_file_errors(raw: bytes) -> None:
    with contextlib.suppress(PactFileError):
        loads_pact(raw, source="noise.json")


def test_the_fuzzer_runs_at_least_5000_inputs() -> None:
    assert FUZZ.max_examples * 4 + 500 >= 5000
