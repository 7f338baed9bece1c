"""Every feature of the compatibility suite is bound by a test module here: none left out.

The suite's scenarios run through ``scenarios(feature(...))`` in the ``test_v*_*.py``
modules beside this one. This check fails when a feature file has no module binding it (a
new feature in an updated suite, say), so the count the README reports stays true.
"""

from __future__ import annotations

import re
from pathlib import Path

from tests.compat.support import require_suite

HERE = Path(__file__).parent
EXPECTED_SCENARIOS = 190


def _bound() -> set[str]:
    found: set[str] = set()
    for module in HERE.glob("test_v*.py"):
        found.update(re.findall(r'feature\("([^"]+\.feature)"\)', module.read_text("utf-8")))
    return found


def test_every_feature_is_bound_by_a_test_module() -> None:
    features = require_suite() / "features"
    on_disk = {str(p.relative_to(features)) for p in features.rglob("*.feature")}
    missing = sorted(on_disk - _bound())
    assert not missing, f"compatibility-suite features no test module binds: {missing}"


def test_the_suite_holds_the_scenarios_the_readme_counts() -> None:
    features = require_suite() / "features"
    count = sum(
        len(re.findall(r"^\s*Scenario( Outline)?:", p.read_text("utf-8"), re.MULTILINE))
        for p in features.rglob("*.feature")
    )
    assert count == EXPECTED_SCENARIOS
