"""accord's verdicts equal the Rust core's on real pact files from other Pact projects.

The files (tests/data/real-pacts, provenance in its README) come from pact-jvm, pact-js,
pact-net and pact-reference. For every body in them, the body as written and its mutations
are judged by accord and by the Rust core (pact_ffi inside pact-python, test-only); the two
verdicts must be equal. A file accord reads and writes back must be judged by the Rust core
exactly as the original was.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.agreement.cases import REAL_PACTS, parts_of, real_pact_files
from tests.agreement.verdicts import round_trip_differences, verdicts

FILES = real_pact_files()


def test_there_are_forty_or_more_real_pacts_with_their_sources() -> None:
    assert len(FILES) >= 40
    listed = (REAL_PACTS / "SOURCES.tsv").read_text(encoding="utf-8").splitlines()[1:]
    named = {line.split("\t", 1)[0] for line in listed}
    assert named == {path.name for path in FILES}


def test_most_files_give_bodies_to_judge() -> None:
    import json

    with_bodies = [f for f in FILES if parts_of(json.loads(f.read_text(encoding="utf-8")))]
    assert len(with_bodies) >= 40


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_accord_and_the_rust_core_agree(path: Path) -> None:
    found = list(verdicts(path))
    disagreements = [str(v) for v in found if v.accord != v.rust]
    assert not disagreements, "\n".join(disagreements[:20])


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_round_trip_is_lossless_for_the_rust_core(path: Path) -> None:
    problems = round_trip_differences(path)
    assert not problems, "\n".join(problems[:20])
