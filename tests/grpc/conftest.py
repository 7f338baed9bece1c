"""grpcio logs connection shutdowns at INFO on stderr; keep test output to what matters."""

from __future__ import annotations

import os

os.environ.setdefault("GRPC_VERBOSITY", "ERROR")  # read when grpc first loads
