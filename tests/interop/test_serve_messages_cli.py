"""``accord serve-messages``: the printed ``pact verifier`` command really verifies."""

from __future__ import annotations

import os
import queue
import shlex
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from accord.cli import build_parser
from tests.interop.support import (
    PLACED,
    VERIFIER_TIMEOUT,
    official_verifier,
    run_command,
    write_accord_pact,
)

APP = """
from accord import Message, Verifier

verifier = Verifier("Orders")
orders = {}


@verifier.state("an order exists")
def order_exists(id, currency):
    orders[id] = currency
    yield
    del orders[id]
    print(f"app: teardown {id}", flush=True)


@verifier.message("an order was placed")
def placed(id):
    return Message(
        {"id": id, "total": 1.0, "currency": orders[id], "items": [{"sku": "S", "qty": 1}]},
        metadata={"topic": "orders"},
    )


@verifier.message("an order was cancelled")
def cancelled():
    return Message({"id": 3, "reason": "lost"}, metadata={"topic": "orders"})


@verifier.message("a plain-text note")
def note():
    return "thanks for your order"
"""

STARTUP_TIMEOUT = 60.0


def _lines(stream: object, into: queue.Queue[str]) -> None:
    for line in stream:  # type: ignore[attr-defined]
        into.put(line)


def _wait_for(lines: queue.Queue[str], seen: list[str], predicate: str, timeout: float) -> str:
    """The first line containing ``predicate``; the server announces itself when bound."""
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"no line with {predicate!r} within {timeout:g} s; got {seen!r}")
        try:
            line = lines.get(timeout=left)
        except queue.Empty:
            continue
        seen.append(line)
        if predicate in line:
            return line


def test_serve_messages_prints_a_working_pact_verifier_command(tmp_path: Path) -> None:
    official_verifier()  # fail early and clearly when the official CLI is missing
    pact_file = write_accord_pact(tmp_path)
    (tmp_path / "orders_app.py").write_text(APP)
    command = [
        sys.executable,
        "-c",
        "import sys; from accord.cli import main; sys.exit(main())",
        "serve-messages",
        "--app",
        "orders_app:verifier",
        str(pact_file),
    ]
    proc = subprocess.Popen(
        command,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    lines: queue.Queue[str] = queue.Queue()
    reader = threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True)
    reader.start()
    seen: list[str] = []
    try:
        _wait_for(lines, seen, "Verify it with the official Pact CLI", STARTUP_TIMEOUT)
        printed = _wait_for(lines, seen, "--state-change-url", 5).strip()
        argv = shlex.split(printed)
        assert argv[argv.index("--file") + 1] == str(pact_file)
        done = run_command([*argv, "--no-colour"])
        assert done.code == 0, done
        assert done.output.count("has a matching body (OK)") == 3, done
        _wait_for(lines, seen, "app: teardown 42", 10)
    finally:
        proc.terminate()  # SIGTERM: the command stops cleanly and says so
        try:
            code = proc.wait(timeout=VERIFIER_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            raise
        reader.join(timeout=5)
    while not lines.empty():
        seen.append(lines.get())
    output = "".join(seen)
    assert code == 0, output
    assert f"message {PLACED!r} produced" in output
    assert "stopped" in output


def test_serve_messages_is_a_subcommand() -> None:
    parser = build_parser()
    args = parser.parse_args(["serve-messages", "--app", "m:v", "--port", "8123"])
    assert args.port == 8123 and args.host == "127.0.0.1" and callable(args.handler)
