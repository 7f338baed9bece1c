"""``accord broker serve`` without the broker extra: the install hint, no traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[2] / "src"

# Runs the CLI with one of the extra's modules made unimportable, as on an install
# without ``accord[broker]``.
PROGRAM = """
import sys
sys.modules[{module!r}] = None
from accord.cli import main
sys.exit(main(["broker", {command!r}, "--database", "sqlite:///unused.sqlite3"]))
"""


@pytest.mark.parametrize("module", ["uvicorn", "sqlalchemy", "starlette"])
@pytest.mark.parametrize("command", ["serve", "migrate"])
def test_a_missing_extra_prints_the_install_hint(tmp_path: Path, module: str, command: str) -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROGRAM.format(module=module, command=command)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
        env={**os.environ, "PYTHONPATH": str(SRC)},
        check=False,
    )
    assert done.returncode == 2
    assert "Traceback" not in done.stderr, done.stderr
    assert done.stderr.strip() == (
        "accord: error: the broker needs its extra: pip install 'accord[broker]' "
        f"({module} is missing)"
    )
