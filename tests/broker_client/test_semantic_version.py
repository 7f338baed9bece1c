"""Results name accord's version as SemVer: the official broker client's contract checks it."""

from __future__ import annotations

import pytest

from accord._version import __version__
from accord.broker_client.verification import semantic_version
from accord.matching.values import check_all


@pytest.mark.parametrize(
    ("python", "semver"),
    [
        ("0.1.0.dev0", "0.1.0-dev0"),
        ("1.2.3", "1.2.3"),
        ("1.2", "1.2.0"),
        ("1.0.0rc1", "1.0.0-rc1"),
        ("2.0.0+local.1", "2.0.0+local.1"),
        ("not a version", "not a version"),
    ],
)
def test_python_versions_become_semantic_versions(python: str, semver: str) -> None:
    assert semantic_version(python) == semver


def test_accords_own_version_passes_a_semver_matcher() -> None:
    rule = {"match": "semver"}
    assert check_all([rule], "AND", "1.0.0", semantic_version(__version__)) == []
