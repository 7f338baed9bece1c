"""End to end: a pact with one broken rule per interaction, through ``Verifier.verify``,
``accord verify`` and ``accord inspect`` in a subprocess.

Each broken rule errors only its own interaction, with one line naming the rule's path; the
others pass; the JSON and JUnit reports are written and valid. Exit status 1 means a
contract failed (a broken rule included); 2 means the run could not verify everything
(a source that could not be loaded).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
import xml.sax
from pathlib import Path
from typing import Any

import pytest

from accord.limits import MAX_PACT_BYTES_ENV
from accord.provider.results import Outcome

from . import hostile_pacts
from .hostile_pacts import EXPECTED, PROVIDER

ROOT = Path(__file__).parents[2]
APP = "tests.robust.hostile_pacts:verifier"
_XML_CHAR = re.compile(r"[\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]*")


def accord(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """Run the ``accord`` command line in a fresh process, from the repository root."""
    code = "import sys; from accord.cli import main; sys.exit(main())"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        cwd=ROOT,
        env={
            **os.environ,
            "PYTHONPATH": f"{ROOT / 'src'}{os.pathsep}{ROOT}",
            "PYTHONIOENCODING": "utf-8",
            **(env or {}),
        },
        timeout=120,
        check=False,
    )


def strictly_valid_xml(text: str) -> ET.Element:
    """Parse with ElementTree and with SAX, and check every character is XML 1.0's."""
    assert _XML_CHAR.fullmatch(text), "a character XML 1.0 forbids"
    xml.sax.parseString(text.encode("utf-8"), xml.sax.ContentHandler())
    return ET.fromstring(text.encode("utf-8"))


def test_verify_errors_each_broken_rule_only_in_its_interaction(tmp_path: Path) -> None:
    result = hostile_pacts.verifier.verify(hostile_pacts.write(tmp_path))
    found = {r.description: r for r in result.results}
    assert set(found) == set(EXPECTED)
    for description, (outcome, reason) in EXPECTED.items():
        got = found[description]
        assert got.outcome.value == outcome, (description, got.reason)
        assert reason in got.reason, (description, got.reason)
        assert "\n" not in got.reason
        if outcome == "error":
            assert got.reason.startswith("the pact has a rule that cannot be applied: ")
    assert not result.ok and result.complete  # a contract problem, not an incomplete run


def test_accord_verify_writes_both_reports_and_exits_1(tmp_path: Path) -> None:
    pact = hostile_pacts.write(tmp_path)
    report, junit = tmp_path / "report.json", tmp_path / "report.xml"
    run = accord(
        "verify", str(pact), "--provider", PROVIDER, "--app", APP, "--color", "never",
        "--json", str(report), "--junit", str(junit),
    )  # fmt: skip
    assert run.returncode == 1, run.stderr.decode()
    out = run.stdout.decode()
    for description, (_, reason) in EXPECTED.items():
        assert f"'{description}'" in out
        assert reason in out
    data = json.loads(report.read_text())
    outcomes = {i["description"]: i["outcome"] for i in data["interactions"]}
    assert outcomes == {d: outcome for d, (outcome, _) in EXPECTED.items()}
    assert data["ok"] is False and data["sourceErrors"] == []
    cases = strictly_valid_xml(junit.read_text()).findall("testsuite/testcase")
    assert len(cases) == len(EXPECTED)
    errors = [c for c in cases if c.find("error") is not None]
    assert len(errors) == sum(1 for o, _ in EXPECTED.values() if o == "error")
    assert all("matchingRules.body $." in c.find("error").get("message", "") for c in errors)  # type: ignore[union-attr]


def test_accord_inspect_reports_each_broken_rule_with_its_path(tmp_path: Path) -> None:
    run = accord("inspect", str(hostile_pacts.write(tmp_path)), "--color", "never", "--quiet")
    assert run.returncode == 1, run.stderr.decode()
    out = run.stdout.decode()
    for description, (outcome, reason) in EXPECTED.items():
        if outcome != "error":
            continue
        path, problem = reason.removeprefix("matchingRules.body ").split(": ", 1)
        line = next(x for x in out.splitlines() if f"({description!r})" in x)
        assert f"rule body {path.split(' ')[0]}: " in line, line
        assert problem in line, line


@pytest.mark.parametrize("kind", ["fifo", "device", "oversized"])
def test_accord_inspect_refuses_what_cannot_be_a_pact_file(tmp_path: Path, kind: str) -> None:
    env: dict[str, str] = {}
    if kind == "fifo":
        target = tmp_path / "pact.json"
        os.mkfifo(target)
        expected = "not a regular file"
    elif kind == "device":
        target = Path("/dev/zero")
        expected = "not a regular file"
    else:
        target = hostile_pacts.write(tmp_path)
        env[MAX_PACT_BYTES_ENV] = "1000"
        expected = "over the 1000-byte limit for a pact"
    run = accord("inspect", str(target), "--color", "never", env=env)
    assert run.returncode == 2
    out = run.stdout.decode()
    assert f"error: {target}: $: cannot read file: {expected}" in out or expected in out
    assert len(out.strip().splitlines()) == 1, out  # one clear line, no traceback
    assert not run.stderr


# -- a source that cannot be loaded among good ones --------------------------------------


def _good_and_bad(folder: Path, deep: bool = False) -> tuple[Path, Path]:
    good = hostile_pacts.write(folder)
    doc = json.loads(good.read_text())
    doc["interactions"] = doc["interactions"][:1]
    good.write_text(json.dumps(doc))
    bad = folder / "broken.json"
    if deep:  # deeper than the reference (serde_json) reads: the whole file is refused
        content: Any = 1
        for _ in range(200):
            content = {"k": content}
        doc["interactions"][0]["contents"]["content"] = content
        bad.write_text(json.dumps(doc))
    else:
        bad.write_text('{"consumer": {"name": "x"}, "provider": ')
    return good, bad


@pytest.mark.parametrize(
    ("deep", "problem"),
    [
        (False, ": $: invalid JSON at line 1"),
        (True, ": $.interactions[0].contents.content.k.k"),
    ],
)
def test_a_broken_file_among_good_ones_is_reported_and_the_rest_verified(
    tmp_path: Path, deep: bool, problem: str
) -> None:
    _, bad = _good_and_bad(tmp_path, deep)
    result = hostile_pacts.verifier.verify(tmp_path)
    assert [r.outcome for r in result.results] == [Outcome.PASSED]
    assert [f.source for f in result.source_errors] == [str(bad)]
    assert result.source_errors[0].error.startswith(f"{bad}{problem}")
    assert not result.ok and not result.complete
    first = result.report().splitlines()[0]
    assert first.startswith(f"Verifying provider '{PROVIDER}': could not load a pact: {bad}")


def test_accord_verify_exits_2_when_a_source_could_not_be_loaded(tmp_path: Path) -> None:
    good, bad = _good_and_bad(tmp_path)
    report, junit = tmp_path / "out" / "r.json", tmp_path / "out" / "r.xml"
    run = accord(
        "verify", str(good), str(bad), "--provider", PROVIDER, "--app", APP,
        "--color", "never", "--json", str(report), "--junit", str(junit),
    )  # fmt: skip
    assert run.returncode == 2, run.stderr.decode()
    assert f"ERROR could not load a pact: {bad}: $: invalid JSON" in run.stdout.decode()
    data = json.loads(report.read_text())
    assert [i["outcome"] for i in data["interactions"]] == ["passed"]
    assert data["sourceErrors"][0]["source"] == str(bad)
    root = strictly_valid_xml(junit.read_text())
    sources = root.find("testsuite[@name='pact sources']")
    assert sources is not None
    error = sources.find("testcase/error")
    assert error is not None and "invalid JSON" in error.get("message", "")


# -- hostile text in names, reasons and values --------------------------------------------

HOSTILE = "lone \ud800 then \x1b[31mred\x00"


def _hostile_result(tmp_path: Path) -> Any:
    from accord import Verifier

    doc = hostile_pacts.document()
    doc["interactions"] = doc["interactions"][:2]
    doc["interactions"][0]["description"] = f"event {HOSTILE}"
    path = tmp_path / "hostile.json"
    path.write_text(json.dumps(doc))  # JSON escapes carry the surrogate as \ud800
    verifier = Verifier(PROVIDER)

    @verifier.message(f"event {HOSTILE}")
    def fails() -> None:
        raise ValueError(f"bad value {HOSTILE}")

    verifier.message("min is text")(lambda: {"items": [HOSTILE]})
    return verifier, path


@pytest.mark.parametrize("encoding", ["ascii", "utf-8"])
def test_the_console_reporter_and_report_survive_hostile_text(
    tmp_path: Path, encoding: str
) -> None:
    import io

    from accord.cli.output import Painter
    from accord.cli.verify_cmd import ConsoleReporter

    verifier, path = _hostile_result(tmp_path)
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding=encoding, errors="strict")
    verifier.on_event(ConsoleReporter(Painter(True), verbose=True, stream=stream))
    result = verifier.verify(path)
    print(result.report(encoding=encoding), file=stream)
    stream.flush()
    shown = raw.getvalue().decode(encoding)
    assert "\\ud800" in shown and "\\x1b[31mred\\x00" in shown
    assert "\x1b[31mred" not in shown  # the pact's escape never reaches the terminal
    assert "\x1b[31mFAIL" in shown  # colour is still the reporter's own
    result.report().encode("utf-8")  # always encodable, even without an encoding


def test_junit_with_hostile_text_is_valid_xml(tmp_path: Path) -> None:
    verifier, path = _hostile_result(tmp_path)
    text = verifier.verify(path).to_junit()
    root = strictly_valid_xml(text)
    names = [case.get("name", "") for case in root.iter("testcase")]
    assert any("\\ud800 then \\x1b[31mred\\x00" in name for name in names)
