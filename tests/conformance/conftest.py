"""Where the Pact Foundation's conformance data lives (read in place, never edited)."""

from __future__ import annotations

from pathlib import Path

import pytest

CONFORMANCE = Path(__file__).resolve().parents[1] / "data" / "pact-conformance"


def require_conformance() -> Path:
    if not CONFORMANCE.is_dir():
        pytest.fail(f"the Pact conformance data is missing: expected it at {CONFORMANCE}")
    return CONFORMANCE
