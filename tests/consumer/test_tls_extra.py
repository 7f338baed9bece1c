"""Without the tls extra, ``serve(tls=True)`` says how to install it."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from accord import Pact
from accord.errors import MissingExtraError


def test_tls_without_trustme_names_the_extra(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "trustme", None)  # import trustme now raises ImportError
    pact = Pact("tls-consumer", "tls-provider", pact_dir=tmp_path)
    pact.upon_receiving("a ping").with_request("GET", "/ping").will_respond_with(204)
    hint = r"tls=True.*pip install 'accord\[tls\]'"
    with pytest.raises(MissingExtraError, match=hint), pact.serve(tls=True):
        pass
