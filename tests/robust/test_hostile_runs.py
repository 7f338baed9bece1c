"""A pathological regex in a pact is a quick mismatch in verify and in inspect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from accord import Verifier
from accord.cli import main
from accord.provider.results import Outcome

from .support import message_doc

EVIL = r"(a+)+$"
EVIL_VALUE = "a" * 34 + "b"


def _evil_pact(folder: Path) -> Path:
    doc = message_doc(
        {"name": "aaa"}, {"$.name": {"matchers": [{"match": "regex", "regex": EVIL}]}}
    )
    second = json.loads(json.dumps(doc["interactions"][0]))
    second["description"] = "a plain event"
    second.pop("matchingRules")
    doc["interactions"].append(second)
    path = folder / "robust-consumer-robust-provider.json"
    path.write_text(json.dumps(doc))
    return path


def test_verify_reports_the_catastrophic_regex_as_a_mismatch(tmp_path: Path) -> None:
    verifier = Verifier("robust-provider")

    @verifier.message("an event")
    def evil() -> dict[str, str]:
        return {"name": EVIL_VALUE}

    @verifier.message("a plain event")
    def plain() -> dict[str, str]:
        return {"name": "aaa"}

    result = verifier.verify(_evil_pact(tmp_path))
    outcomes = {r.description: r.outcome for r in result.results}
    assert outcomes == {"an event": Outcome.FAILED, "a plain event": Outcome.PASSED}
    failed = next(r for r in result.results if r.description == "an event")
    assert "to match '(a+)+$'" in failed.mismatches[0].message


def test_inspect_checks_a_catastrophic_example_and_finishes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _evil_pact(tmp_path)
    doc = json.loads(path.read_text())
    doc["interactions"][0]["contents"]["content"] = {"name": EVIL_VALUE}
    path.write_text(json.dumps(doc))
    assert main(["inspect", str(path), "--quiet"]) == 1
    assert "the example fails its own rule: Expected 'aaaa" in capsys.readouterr().out


def test_inspect_prints_surrogates_and_control_characters_safely(tmp_path: Path) -> None:
    import subprocess
    import sys

    doc = message_doc({"name": "x"}, {"$.name": {"matchers": [{"match": "bogus\x1b[2J"}]}})
    doc["interactions"][0]["description"] = "lone \ud800 and \x1b[2J clear"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc))  # JSON escapes keep the surrogate as \ud800
    code = "import sys; from accord.cli import main; sys.exit(main())"
    run = subprocess.run(
        [sys.executable, "-c", code, "inspect", str(path), "--color", "never"],
        capture_output=True,
        env={"PYTHONPATH": str(Path(__file__).parents[2] / "src"), "PYTHONIOENCODING": "utf-8"},
        timeout=120,
        check=False,
    )
    assert run.returncode == 1, run.stderr
    out = run.stdout.decode("utf-8")
    assert "lone \\ud800 and \\x1b[2J clear" in out
    assert "unknown matcher 'bogus\\x1b[2J'" in out
    assert "\x1b" not in out and not run.stderr
