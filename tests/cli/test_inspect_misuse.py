"""``accord inspect`` on files that need a word of warning, and in a pipe."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from accord.cli import main


def _write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def _pact(version: str, interactions: list[dict[str, Any]]) -> dict[str, Any]:
    return {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "metadata": {"pactSpecification": {"version": version}},
        "interactions": interactions,
    }


def test_an_unknown_spec_version_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "v9.json", _pact("9.0", []))
    assert main(["inspect", str(path), "--color", "never"]) == 1
    assert "unknown spec version '9.0'" in capsys.readouterr().out


def test_an_unknown_interaction_type_is_an_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _write(tmp_path / "odd.json", _pact("4.0", [{"type": "Odd/Thing", "description": "x"}]))
    assert main(["inspect", str(path), "--color", "never"]) == 1
    assert "unknown interaction type 'Odd/Thing'" in capsys.readouterr().out


def test_quiet_names_the_file_on_every_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    odd = _write(
        tmp_path / "odd.json",
        _pact("9.0", [{"type": "Odd/Thing", "description": "x"}]),
    )
    fine = _write(tmp_path / "fine.json", _pact("4.0", []))
    assert main(["inspect", "-q", str(odd), str(fine), "--color", "never"]) == 1
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 3
    assert all(line.startswith((str(odd), str(fine))) for line in lines), lines


def test_old_pact_ffi_header_keys_are_reported(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rules = {"header": {"$.Authorization[0]": {"matchers": [{"match": "type"}]}}}
    interaction = {
        "description": "d",
        "request": {"method": "GET", "path": "/", "headers": {"Authorization": "x"}},
        "response": {"status": 200, "matchingRules": rules},
    }
    path = _write(tmp_path / "ffi.json", _pact("3.0.0", [interaction]))
    assert main(["inspect", "-q", str(path), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "header $.Authorization[0]" in out
    assert "as the rule for 'Authorization'" in out


def test_a_closed_pipe_ends_inspect_quietly(tmp_path: Path) -> None:
    path = _write(
        tmp_path / "many.json",
        _pact(
            "4.0",
            [
                {
                    "type": "Asynchronous/Messages",
                    "description": f"message {n}",
                    "contents": {"content": {"n": n}, "contentType": "application/json"},
                }
                for n in range(3000)
            ],
        ),
    )
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    code = "import sys; from accord.cli import main; sys.exit(main())"
    pipeline = f"{sys.executable} -c '{code}' inspect {path} | head -1"
    done = subprocess.run(
        ["bash", "-o", "pipefail", "-c", pipeline],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert done.stderr == "", done.stderr
    assert done.returncode == 0
    assert done.stdout.count("\n") == 1
