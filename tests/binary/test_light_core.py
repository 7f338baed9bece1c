"""The core stays light: protobuf, gRPC and Avro load only when a binary body needs them."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import accord, accord.matching, accord.schemas
from accord.matching import compare
assert compare({"contents": {"a": 1}}, {"contents": {"a": 2}}, part="message")
heavy = [m for m in sys.modules if m.split(".")[0] in ("google", "grpc", "grpc_tools", "fastavro")]
print(",".join(heavy))
"""


def test_matching_json_imports_none_of_the_binary_extras() -> None:
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""
