"""Every test case of the Pact specification (V1 to V4), run through ``compare``.

Each file holds ``expected``, ``actual`` and ``match``; the verdict of ``compare`` must equal
``match``. The folder says which part (request, response, message) and which version.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.matching import compare
from tests.conformance.conftest import CONFORMANCE, require_conformance

ROOT = CONFORMANCE / "specification"
CASES = sorted(ROOT.glob("version-*/testcases/*/*/*.json"))

# Cases that truly cannot pass, with the reason. Listed in the README next to the counts.
XFAIL: dict[str, str] = {}


def _case_id(path: Path) -> str:
    return str(path.relative_to(ROOT)).replace("/testcases/", "/")


def _spec(path: Path) -> str:
    return path.relative_to(ROOT).parts[0].removeprefix("version-")


def test_the_specification_cases_are_all_found() -> None:
    require_conformance()
    assert len(CASES) == 76 + 97 + 178 + 226 + 226


@pytest.mark.parametrize("path", CASES, ids=_case_id)
def test_specification_case(path: Path) -> None:
    case: dict[str, Any] = json.loads(path.read_text(encoding="utf-8-sig"))
    part = path.relative_to(ROOT).parts[2]
    reason = XFAIL.get(_case_id(path))
    if reason:
        pytest.xfail(reason)
    mismatches = compare(case["expected"], case["actual"], part=part, spec=_spec(path))  # type: ignore[arg-type]
    detail = "\n".join(str(m) for m in mismatches) or "no mismatches"
    assert (not mismatches) == case["match"], f"{case.get('comment')}: {detail}"
