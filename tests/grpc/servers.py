"""gRPC providers for the tests: real grpcio servers on loopback, built from descriptors.

No generated stubs: each method gets a generic handler that decodes the request with the
schema, calls the test's function with the decoded dict and the grpcio context (to abort
with a status or send metadata), and encodes what it returns.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent import futures
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import grpc

from accord.schemas.protobuf import ProtoMethod, ProtoSchema

PROTOS = Path(__file__).parent / "protos"
USERS_PROTO = PROTOS / "users.proto"

Handler = Callable[[dict[str, Any], grpc.ServicerContext], dict[str, Any]]


@contextmanager
def grpc_server(methods: dict[ProtoMethod, Handler]) -> Iterator[str]:
    """Serve ``methods`` on 127.0.0.1; yields ``"127.0.0.1:PORT"``."""
    by_service: dict[str, dict[str, grpc.RpcMethodHandler]] = {}
    for method, handler in methods.items():

        def unary(
            request: bytes,
            context: grpc.ServicerContext,
            m: ProtoMethod = method,
            h: Handler = handler,
        ) -> bytes:
            return m.output.encode(h(m.input.decode(request), context))

        by_service.setdefault(method.service, {})[method.name] = (
            grpc.unary_unary_rpc_method_handler(unary)
        )
    server = grpc.server(futures.ThreadPoolExecutor(max_workers=2))
    for service, handlers in by_service.items():
        server.add_generic_rpc_handlers((grpc.method_handlers_generic_handler(service, handlers),))
    port = server.add_insecure_port("127.0.0.1:0")
    server.start()
    try:
        yield f"127.0.0.1:{port}"
    finally:
        server.stop(grace=None).wait()


def call(target: str, method: ProtoMethod, request: dict[str, Any], **kwargs: Any) -> Any:
    """One unary call with a dict request; returns the decoded reply."""
    with grpc.insecure_channel(target) as channel:
        reply = channel.unary_unary(method.path)(method.input.encode(request), timeout=10, **kwargs)
        return method.output.decode(reply)


def users_schema() -> ProtoSchema:
    return ProtoSchema.from_proto_file(USERS_PROTO)
