"""A throwaway certificate authority for the mock server's ``tls=True``.

Certificates are made at run time with ``trustme`` (which wraps ``cryptography``), so no key
material ships with accord and none is reused between runs. ``cryptography`` is compiled,
so it lives in the ``accord[tls]`` extra; without it ``tls=True`` says how to install it.
"""

from __future__ import annotations

import ssl
import tempfile
from dataclasses import dataclass
from pathlib import Path

from accord.schemas.extras import require


@dataclass(frozen=True)
class TlsFiles:
    """Where the CA certificate is, and the contexts for the server and for clients."""

    ca_path: Path
    server_context: ssl.SSLContext
    client_context: ssl.SSLContext


def make_tls(directory: Path | None = None) -> TlsFiles:
    """A fresh CA and a certificate for ``127.0.0.1`` and ``localhost`` signed by it."""
    trustme = require("trustme", extra="tls", purpose="the mock server's tls=True")
    ca = trustme.CA()
    certificate = ca.issue_cert("127.0.0.1", "localhost")
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    certificate.configure_cert(server_context)
    client_context = ssl.create_default_context()
    ca.configure_trust(client_context)
    folder = directory or Path(tempfile.mkdtemp(prefix="accord-tls-"))
    ca_path = folder / "accord-mock-ca.pem"
    ca.cert_pem.write_to_path(str(ca_path))
    return TlsFiles(ca_path, server_context, client_context)
