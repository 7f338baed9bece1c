"""The command line: exit codes, one-line errors, reports in files."""

from __future__ import annotations

import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from accord import Pact, match
from accord.cli import main

APP = Path(__file__).with_name("provider_app.py")


@pytest.fixture
def pact_file(tmp_path: Path) -> Path:
    pact = Pact("cli-consumer", "cli-provider", pact_dir=tmp_path)
    pact.expects_to_receive("good").given("ready", n=1).with_content({"n": match.integer(1)})
    pact.expects_to_receive("bad").with_content({"n": match.integer(1)})
    pact.verify(lambda m: None)
    return pact.write()


def test_inspect_explains_a_pact_and_finds_no_problem(
    pact_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["inspect", str(pact_file), "--color", "never"]) == 0
    out = capsys.readouterr().out
    assert "cli-consumer -> cli-provider, 2 interactions" in out
    assert "given 'ready' {\"n\": 1}" in out
    assert "rule body $.n: integer" in out
    assert "no problems found" in out


def test_inspect_reports_problems_with_exit_status_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {
        "consumer": {"name": "c"},
        "provider": {"name": "p"},
        "messages": [
            {
                "description": "m",
                "contents": {"id": "abc"},
                "matchingRules": {
                    "body": {
                        "$.id": {"matchers": [{"match": "integer"}]},
                        "$.nothing": {"matchers": [{"match": "type"}]},
                        "$.bad": {"matchers": [{"match": "regex", "regex": "(unclosed"}]},
                    }
                },
            }
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }
    path = tmp_path / "problems.json"
    path.write_text(json.dumps(doc))
    assert main(["inspect", str(path), "--quiet"]) == 1
    out = capsys.readouterr().out
    assert "example $.id: the example fails its own rule" in out
    assert "rule body $.nothing: matches nothing in the example" in out
    assert "does not compile" in out


def test_inspect_of_a_malformed_file_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "broken.json"
    path.write_text('{"consumer": {"name": "c"}, "provider": ')
    assert main(["inspect", str(path)]) == 2
    out = capsys.readouterr().out.strip()
    assert out.count("\n") == 0
    assert out.startswith(f"error: {path}: $: invalid JSON at line 1")


def test_verify_writes_json_and_junit_and_exits_1_on_failure(
    pact_file: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.syspath_prepend(str(APP.parent))
    code = main(
        [
            "verify",
            str(pact_file),
            "--provider",
            "cli-provider",
            "--app",
            "provider_app:verifier",
            "--json",
            str(tmp_path / "out.json"),
            "--junit",
            str(tmp_path / "out.xml"),
            "--color",
            "never",
        ]
    )
    out = capsys.readouterr().out
    assert code == 1
    assert "ok   cli-consumer: 'good' given 'ready'" in out
    assert "FAIL cli-consumer: 'bad'" in out
    assert "producer for 'bad' raised RuntimeError: broker unavailable (at provider_app.py" in out
    report = json.loads((tmp_path / "out.json").read_text())
    assert [i["outcome"] for i in report["interactions"]] == ["passed", "error"]
    junit = ET.parse(tmp_path / "out.xml").getroot()
    assert junit.find("testsuite/testcase/error") is not None


def test_verify_filters_and_succeeds(
    pact_file: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.syspath_prepend(str(APP.parent))
    args = [
        "verify",
        str(pact_file),
        "--provider",
        "cli-provider",
        "--app",
        "provider_app:verifier",
    ]
    assert main([*args, "--filter-description", "good"]) == 0
    assert "1 interactions: 1 passed, 0 failed" in capsys.readouterr().out


def test_usage_errors_are_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["verify", "x.json", "--provider", "p"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (
        "accord: error: say how to reach the provider: --app module:verifier, "
        "--provider-base-url URL or --message-url URL"
    )
    assert main(["verify", "x.json", "--provider", "p", "--app", "no_such_module:v"]) == 2
    assert "cannot import 'no_such_module'" in capsys.readouterr().err


def test_the_installed_entry_point_runs(pact_file: Path) -> None:
    accord = Path(sys.executable).with_name("accord")
    done = subprocess.run(
        [str(accord), "inspect", str(pact_file), "--quiet"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "no problems found" in done.stdout
