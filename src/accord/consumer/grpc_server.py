"""The gRPC mock server behind ``pact.serve(transport="grpc")``: a real grpcio server.

No generated stubs: one generic handler takes every call as raw bytes, finds the declared
interactions for the method, decodes the request with the pact's descriptors and compares
it by field with Pact's rules (as the protobuf plugin's mock server does). A matching call
is answered with the interaction's reply, generators applied, and its response metadata;
an expected error status is returned as that status. A call that matches nothing is
answered ``FAILED_PRECONDITION`` (a mismatch) or ``UNIMPLEMENTED`` (an unknown method) and
remembered: on leaving the block :class:`~accord.errors.MockServerMismatch` names the
method of every unexpected, mismatched or missing call.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from concurrent import futures
from dataclasses import dataclass, replace
from typing import Any

from accord.consumer.serving import MockServerRecord
from accord.errors import AccordError
from accord.matching.generators import CONSUMER
from accord.matching.message import compare_message
from accord.matching.mismatch import Mismatch
from accord.matching.protobuf_generators import generate_protobuf
from accord.model.body import Body
from accord.model.pact import MessageContents, SyncMessage, without_content_type
from accord.schemas.extras import require
from accord.schemas.in_pact import GivenSchemas
from accord.schemas.protobuf import ProtoMethod, ProtoSchema
from accord.wire.grpc_status import MESSAGE_KEY, expected_status, sent_metadata

_WORKERS = 4


@dataclass(frozen=True)
class GrpcExpectation:
    """One declared call: the interaction, its method and the schema it was built with."""

    interaction: SyncMessage
    method: ProtoMethod
    schema: ProtoSchema


def _grpc() -> Any:
    return require("grpc", extra="grpc", purpose="the gRPC mock server")


class GrpcMockServer(MockServerRecord[SyncMessage]):
    """A running gRPC mock server; use it as a context manager (``with`` or ``async with``).

    ``target`` is ``127.0.0.1:PORT``, what ``grpc.insecure_channel`` takes.
    """

    def __init__(
        self,
        expectations: Sequence[GrpcExpectation],
        *,
        host: str = "127.0.0.1",
        port: int = 0,
        on_success: Callable[[list[SyncMessage]], None] | None = None,
    ) -> None:
        super().__init__(on_success)
        self.expectations = list(expectations)
        self.host = host
        self.port = port
        self._by_path: dict[str, list[GrpcExpectation]] = {}
        for expectation in self.expectations:
            self._by_path.setdefault(expectation.method.path, []).append(expectation)
        self._server: Any = None

    @property
    def target(self) -> str:
        return f"{self.host}:{self.port}"

    @property
    def url(self) -> str:
        """The target as a URL (``grpc://127.0.0.1:PORT``), for symmetry with other servers."""
        return f"grpc://{self.target}"

    # -- lifecycle -----------------------------------------------------------------------

    def start(self) -> GrpcMockServer:
        if self._server is not None:
            raise AccordError("this gRPC mock server is already running")
        grpc = _grpc()
        server = grpc.server(
            futures.ThreadPoolExecutor(max_workers=_WORKERS, thread_name_prefix="accord-grpc")
        )
        server.add_generic_rpc_handlers((_Router(self, grpc),))
        try:
            port = server.add_insecure_port(f"{self.host}:{self.port}")
        except RuntimeError as exc:
            raise AccordError(
                f"the gRPC mock server could not listen on {self.target}: {exc}"
            ) from exc
        if not port:
            raise AccordError(f"the gRPC mock server could not listen on {self.target}")
        self.port = port
        server.start()
        self._server = server
        return self

    def stop(self) -> None:
        server, self._server = self._server, None
        if server is not None:
            server.stop(grace=None).wait()

    @property
    def address(self) -> str:
        return self.target

    def missing(self, matched: set[int]) -> list[str]:
        return [
            f"missing call: {e.method.path} ({e.interaction.description!r}) was never made"
            for e in self.expectations
            if id(e.interaction) not in matched
        ]

    # -- answering calls -----------------------------------------------------------------

    def answer(self, path: str, data: bytes, metadata: dict[str, str], context: Any) -> bytes:
        """The reply to one call, or an abort through ``context``; runs on a server thread.

        The outcome is decided first and applied after, so a bug in matching or generating
        fails the test with its reason (and the client gets ``INTERNAL``) instead of
        vanishing into grpcio's handler.
        """
        grpc = _grpc()
        try:
            outcome = self._decide(path, data, metadata)
        except Exception as exc:
            self.record_problem(f"accord could not answer {path}: {exc!r}")
            outcome = _Outcome(status="INTERNAL", details=f"accord mock server error: {exc!r}")
        if outcome.status is not None:
            if outcome.metadata:
                context.set_trailing_metadata(outcome.metadata)
            context.abort(grpc.StatusCode[outcome.status], outcome.details)
        if outcome.metadata:
            context.send_initial_metadata(outcome.metadata)
        return outcome.reply

    def _decide(self, path: str, data: bytes, metadata: dict[str, str]) -> _Outcome:
        candidates = self._by_path.get(path)
        if not candidates:
            self.record_problem(f"unexpected call: {path} (no interaction declares this method)")
            return _Outcome(
                status="UNIMPLEMENTED", details=f"accord mock server: unexpected {path}"
            )
        chosen, nearest = self._choose(candidates, data, metadata)
        if chosen is None:
            expectation, found = nearest
            details = "; ".join(str(m) for m in found)
            text = f"{path} did not match {expectation.interaction.description!r}: {details}"
            self.record_problem(f"call {text}")
            return _Outcome(status="FAILED_PRECONDITION", details=f"accord mock server: {text}")
        self.record_match(chosen.interaction)
        return _reply(chosen)

    def _choose(
        self, candidates: list[GrpcExpectation], data: bytes, metadata: dict[str, str]
    ) -> tuple[GrpcExpectation | None, tuple[GrpcExpectation, list[Mismatch]]]:
        already = self.used()
        scored = [(c, _compare_request(c, data, metadata)) for c in candidates]
        perfect = [c for c, found in scored if not found]
        if perfect:
            fresh = [c for c in perfect if id(c.interaction) not in already]
            return (fresh or perfect)[0], (perfect[0], [])
        return None, min(scored, key=lambda item: len(item[1]))


def _compare_request(
    expectation: GrpcExpectation, data: bytes, metadata: dict[str, str]
) -> list[Mismatch]:
    expected = expectation.interaction.request
    expected = replace(expected, metadata=without_content_type(expected.metadata))
    body_type = expected.contents.content_type if expected.contents is not None else None
    actual = MessageContents(Body(data, body_type), dict(metadata))
    return compare_message(
        expected,
        actual,
        schemas=GivenSchemas(proto=expectation.schema, message=expectation.method.input.full_name),
        part="request",
    )


@dataclass(frozen=True)
class _Outcome:
    """What to answer: reply bytes with metadata, or an error status."""

    reply: bytes = b""
    metadata: tuple[tuple[str, str], ...] = ()
    status: str | None = None
    details: str = ""


def _reply(expectation: GrpcExpectation) -> _Outcome:
    """The interaction's reply, generators applied (body fields and metadata)."""
    response = generate_protobuf(
        expectation.method.output,
        expectation.interaction.response[0],
        mode=CONSUMER,
        context={},
    )
    sent = sent_metadata(response.metadata)
    status = expected_status(response.metadata)
    if status is not None:
        message = response.metadata.get(MESSAGE_KEY)
        return _Outcome(metadata=sent, status=status, details=_text(message or ""))
    data = response.contents.to_bytes() if response.contents is not None else b""
    return _Outcome(reply=data, metadata=sent)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else str(value)


class _Router:
    """A grpcio generic handler that sends every method to :meth:`GrpcMockServer.answer`."""

    def __init__(self, server: GrpcMockServer, grpc: Any) -> None:
        self._server = server
        self._grpc = grpc

    def service(self, details: Any) -> Any:
        path: str = details.method
        server = self._server

        def unary(request: bytes, context: Any) -> bytes:
            metadata = {key: _text(value) for key, value in context.invocation_metadata()}
            return server.answer(path, request, metadata, context)

        return self._grpc.unary_unary_rpc_method_handler(unary)
