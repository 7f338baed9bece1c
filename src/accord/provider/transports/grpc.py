"""The ``grpc`` transport: call a running gRPC server, method by method, with raw bytes.

``verify(..., transports={"grpc": "127.0.0.1:50051"})`` (CLI ``--transport
grpc=HOST:PORT``). No generated stubs: each call goes to the method's HTTP/2 path with the
request already encoded from the pact, and the reply comes back as bytes with its initial
and trailing metadata and status, which :mod:`accord.provider.kinds.grpc_call` matches.
Blocking grpcio calls run on a worker thread so the run loop stays responsive.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from accord.provider.errors import VerifierSetupError
from accord.provider.transports import TransportOptions
from accord.schemas.extras import require


@dataclass(slots=True)
class GrpcReply:
    """What one call returned: a message, or an error status; metadata either way."""

    data: bytes | None
    status: str = "OK"
    details: str = ""
    metadata: dict[str, str] = field(default_factory=dict)


class GrpcTransport:
    """Unary calls on one channel to ``target`` (``host:port``)."""

    def __init__(self, target: str, timeout: float | None = 30.0) -> None:
        self.grpc = require("grpc", extra="grpc", purpose="verifying gRPC interactions")
        self.target = _target(target)
        self.timeout = timeout
        self._channel: Any = None

    def _call(self, path: str, data: bytes, metadata: tuple[tuple[str, str], ...]) -> GrpcReply:
        grpc = self.grpc
        if self._channel is None:
            self._channel = grpc.insecure_channel(self.target)
        stub = self._channel.unary_unary(path)
        try:
            reply, call = stub.with_call(data, metadata=metadata or None, timeout=self.timeout)
        except grpc.RpcError as exc:
            code = exc.code() if callable(getattr(exc, "code", None)) else None
            seen = _metadata(exc.initial_metadata(), exc.trailing_metadata())
            return GrpcReply(
                None,
                code.name if code is not None else "UNKNOWN",
                str(exc.details() or ""),
                seen,
            )
        return GrpcReply(
            bytes(reply), metadata=_metadata(call.initial_metadata(), call.trailing_metadata())
        )

    async def call(
        self, path: str, data: bytes, metadata: tuple[tuple[str, str], ...] = ()
    ) -> GrpcReply:
        """Call ``path`` (``/pkg.Service/Method``) with ``data``; errors come back as data."""
        return await asyncio.to_thread(self._call, path, data, metadata)

    async def aclose(self) -> None:
        channel, self._channel = self._channel, None
        if channel is not None:
            channel.close()


def _metadata(*groups: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for group in groups:
        for key, value in group or ():
            out[key] = value if isinstance(value, str) else bytes(value).decode("latin-1")
    return out


def _target(target: str) -> str:
    text = str(target).strip()
    for scheme in ("grpc://", "http://", "dns:///"):
        if text.startswith(scheme):
            text = text[len(scheme) :]
    host, colon, port = text.rstrip("/").rpartition(":")
    if not colon or not host or not port.isdigit():
        raise VerifierSetupError(
            f"the grpc transport needs HOST:PORT (e.g. 127.0.0.1:50051), not {target!r}"
        )
    return f"{host}:{port}"


def from_target(target: Any, options: TransportOptions) -> GrpcTransport:
    return GrpcTransport(str(target), options.timeout)
