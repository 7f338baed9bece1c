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


def test_import_accord_leaves_the_http_client_and_mime_parser_for_later() -> None:
    """A consumer test never makes an HTTP call or parses multipart: neither is loaded until
    something needs it (the broker client, a pact URL, a multipart body)."""
    probe = (
        "import sys, accord; "
        "print(','.join(m for m in ('http.client', 'urllib.request', 'email.parser', "
        "'accord.http_client.client') if m in sys.modules))"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, timeout=60, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == ""


def test_the_lazy_names_still_resolve() -> None:
    import accord
    import accord.http_client as http_client

    assert http_client.HttpClient.__name__ == "HttpClient"
    assert accord.BrokerClient("http://127.0.0.1:9").http.__class__ is http_client.HttpClient
