"""The provider: the Calculator service on a real grpcio server, and its pact verifier."""

from __future__ import annotations

import math
from concurrent import futures
from typing import Any

import grpc

from accord import Verifier
from examples.grpc_area_calculator.stubs import protos, services


class Calculator(services.CalculatorServicer):  # type: ignore[misc]
    """Areas of rectangles and squares; circles only when ``circles`` is on."""

    def __init__(self, circles: bool = False) -> None:
        self.circles = circles

    def area(self, shape: Any, context: grpc.ServicerContext) -> float:
        kind = shape.WhichOneof("shape")
        if kind == "rectangle":
            return float(shape.rectangle.length * shape.rectangle.width)
        if kind == "square":
            return float(shape.square.edge_length**2)
        if kind == "circle" and self.circles:
            return math.pi * shape.circle.radius**2
        context.abort(grpc.StatusCode.UNIMPLEMENTED, f"{kind}s are not supported")
        raise AssertionError("abort raises")

    def calculateOne(self, request: Any, context: grpc.ServicerContext) -> Any:
        return protos.AreaResponse(value=[self.area(request, context)])

    def calculateMulti(self, request: Any, context: grpc.ServicerContext) -> Any:
        return protos.AreaResponse(value=[self.area(s, context) for s in request.shapes])


def start(calculator: Calculator, port: int = 0) -> tuple[grpc.Server, str]:
    """Serve ``calculator`` on 127.0.0.1; returns the server and its target."""
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=4))
    services.add_CalculatorServicer_to_server(calculator, server)
    bound = server.add_insecure_port(f"127.0.0.1:{port}")
    server.start()
    return server, f"127.0.0.1:{bound}"


verifier = Verifier("area-calculator-provider")


@verifier.state("circles are not supported")
def no_circles() -> None:
    """Nothing to set up: this calculator never supports circles."""
