"""The README's main job runs end to end: pact, inspection, broker, verification, deploy."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from examples.user_events import demo


def test_the_demo_runs_the_whole_flow(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert demo.run(tmp_path) == 0
    out = capsys.readouterr().out
    written = json.loads((tmp_path / "pacts/V3MessageConsumer-V3MessageProvider.json").read_text())
    assert [m["description"] for m in written["messages"]] == ["a user event"]
    assert "no problems found" in out
    assert "Published the pact between V3MessageConsumer (1.0.0) and V3MessageProvider" in out
    assert "1 interactions: 1 passed, 0 failed" in out
    assert "Computer says yes" in out
