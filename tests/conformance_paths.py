"""Where the Pact Foundation's conformance data lives inside this repository.

The repository carries its own unedited copy under ``tests/data/pact-conformance`` so a fresh
clone tests itself; ``tests/conformance/test_data_copy.py`` checks it against the shared copy
beside the checkout when that exists.
"""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
CONFORMANCE = REPO / "tests" / "data" / "pact-conformance"
SHARED_CONFORMANCE = REPO.parent / "shared" / "pact-conformance"
FIXTURES = CONFORMANCE / "compatibility-suite" / "fixtures"
