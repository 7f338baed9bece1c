"""The repository's copy of the conformance data is the shared one, byte for byte."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest

from tests.conformance_paths import CONFORMANCE, SHARED_CONFORMANCE


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_the_repository_carries_the_conformance_data() -> None:
    digests = _digests(CONFORMANCE)
    assert len(digests) > 800, f"only {len(digests)} files under {CONFORMANCE}"
    assert "compatibility-suite/LICENSE" in digests
    assert "specification/LICENSE" in digests


def test_the_copy_matches_the_shared_data_when_it_is_there() -> None:
    if not SHARED_CONFORMANCE.is_dir():
        pytest.fail(
            f"no shared conformance data at {SHARED_CONFORMANCE} to compare with; "
            "this check needs the workspace's shared/ folder beside the checkout",
            pytrace=False,
        )
    assert _digests(CONFORMANCE) == _digests(SHARED_CONFORMANCE)
