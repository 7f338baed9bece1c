"""The pact-directory lock works without fcntl (Windows) and keeps parallel writers apart."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

SRC = Path(__file__).resolve().parents[2] / "src"

# ``fcntl`` and ``msvcrt`` made unimportable: the last-resort lock file must do.
PROGRAM = textwrap.dedent(
    """
    import sys
    sys.modules["fcntl"] = None
    sys.modules["msvcrt"] = None
    import accord
    from accord import Pact, match

    directory, name = sys.argv[1], sys.argv[2]
    for n in range(20):
        pact = Pact("Lock", "Writers")
        pact.expects_to_receive(f"{name} {n}").with_content({"n": match.integer(n)})
        pact.verify(lambda message: None)
        pact.write(directory)
    """
)


def test_accord_imports_and_parallel_writers_merge_without_fcntl(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(SRC)}
    writers = [
        subprocess.Popen(
            [sys.executable, "-c", PROGRAM, str(tmp_path), f"writer{w}"],
            env=env,
            stderr=subprocess.PIPE,
            text=True,
        )
        for w in range(3)
    ]
    for writer in writers:
        _, err = writer.communicate(timeout=120)
        assert writer.returncode == 0, err
    from accord.model import load_pact

    pact = load_pact(tmp_path / "Lock-Writers.json")
    assert len(pact.interactions) == 60
    assert not (tmp_path / ".accord-pact.lock").exists()
