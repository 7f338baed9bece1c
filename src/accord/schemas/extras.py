"""Optional packages, imported only when a pact needs them.

The core stays light: protobuf, gRPC and Avro support come from pip extras. Importing
through :func:`require` turns a missing package into one line that says which extra to
install, instead of an ``ImportError`` from deep inside a comparison.
"""

from __future__ import annotations

import importlib
from typing import Any

from accord.errors import MissingExtraError

_PACKAGES = {"google": "protobuf", "grpc_tools": "grpcio-tools", "grpc": "grpcio"}
"""Import names whose pip package is called something else."""


def require(module: str, *, extra: str, purpose: str) -> Any:
    """Import ``module`` or raise :class:`MissingExtraError` with the install hint."""
    try:
        return importlib.import_module(module)
    except ImportError as exc:
        top = module.split(".", 1)[0]
        package = _PACKAGES.get(top, top)
        raise MissingExtraError(
            f"{purpose} needs the '{package}' package, which is not installed: "
            f"pip install 'accord[{extra}]'"
        ) from exc
