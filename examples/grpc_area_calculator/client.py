"""The consumer: a small client of the Calculator service, as an application would have."""

from __future__ import annotations

import grpc

from examples.grpc_area_calculator.stubs import protos, services


class UnsupportedShape(Exception):
    """The calculator cannot work out the area of this shape."""


class AreaClient:
    """Asks the Calculator service for areas over one channel to ``target`` (host:port)."""

    def __init__(self, target: str) -> None:
        self.channel = grpc.insecure_channel(target)
        self.stub = services.CalculatorStub(self.channel)

    def rectangle(self, length: float, width: float) -> float:
        shape = protos.ShapeMessage(rectangle=protos.Rectangle(length=length, width=width))
        return self._one(shape)

    def circle(self, radius: float) -> float:
        return self._one(protos.ShapeMessage(circle=protos.Circle(radius=radius)))

    def _one(self, shape: object) -> float:
        try:
            reply = self.stub.calculateOne(shape, timeout=10)
        except grpc.RpcError as exc:
            if exc.code() is grpc.StatusCode.UNIMPLEMENTED:
                raise UnsupportedShape(exc.details()) from exc
            raise
        if not reply.value:
            raise ValueError("the calculator returned no area")
        return float(reply.value[0])

    def close(self) -> None:
        self.channel.close()
