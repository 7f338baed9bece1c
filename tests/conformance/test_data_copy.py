"""The repository's copy of the conformance data is unedited.

``tests/data/pact-conformance.sha256`` records every file of the copy as it was taken (the
``sha256sum`` format). The copy must match it, so a fresh clone with nothing beside it
proves its own data; where the workspace's shared copy sits beside the checkout, that copy
must match the same record, so the two cannot drift apart.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from tests.conformance_paths import CONFORMANCE, SHARED_CONFORMANCE

MANIFEST = CONFORMANCE.parent / "pact-conformance.sha256"


def _recorded() -> dict[str, str]:
    entries = {}
    for line in MANIFEST.read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        entries[name.removeprefix("pact-conformance/")] = digest
    return entries


def _digests(root: Path) -> dict[str, str]:
    return {
        str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(root.rglob("*"))
        if path.is_file()
    }


def test_the_repository_carries_the_conformance_data_unedited() -> None:
    recorded = _recorded()
    assert len(recorded) > 800, f"only {len(recorded)} files recorded in {MANIFEST}"
    assert "compatibility-suite/LICENSE" in recorded
    assert "specification/LICENSE" in recorded
    assert _digests(CONFORMANCE) == recorded


def test_the_shared_copy_beside_the_checkout_is_the_same_data() -> None:
    """Only this test reads outside the repository, and only where the shared copy exists."""
    if SHARED_CONFORMANCE.is_dir():
        assert _digests(SHARED_CONFORMANCE) == _recorded()
    else:
        assert not SHARED_CONFORMANCE.exists(), f"{SHARED_CONFORMANCE} is not a folder"
