"""The generated gRPC code for ``area_calculator.proto``, made at import time.

A real project runs ``python -m grpc_tools.protoc`` in its build; this example asks grpcio
to do the same at runtime (``grpc.protos_and_services``), so no generated files sit in the
repository. Consumer and provider use these classes; accord itself needs none of them.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import grpc

PROTO = Path(__file__).with_name("area_calculator.proto")

if str(PROTO.parent) not in sys.path:
    sys.path.append(str(PROTO.parent))

protos: Any
services: Any
protos, services = grpc.protos_and_services(PROTO.name)  # type: ignore[attr-defined]
