"""uvicorn's h11 protocol with a deadline for each request's line and headers.

uvicorn closes idle keep-alive connections, but any byte received cancels that timer, and a
fresh connection has no timer at all: a client that connects and sends nothing, or trickles
a header a byte at a time ("slowloris"), holds its connection open forever. This protocol
starts a deadline when a connection opens and whenever it waits for the next request, and
does not extend it as bytes arrive. If the head of the request is not complete in time, the
client gets ``408 Request Timeout`` and the connection is closed. (The body has its own
deadline in :mod:`accord.broker.app`; h11 bounds the head's size.)
"""

from __future__ import annotations

import asyncio

import h11
from uvicorn.protocols.http.h11_impl import H11Protocol

_TIMEOUT_BODY = b"The request headers were not sent in time.\n"
_TIMEOUT_RESPONSE = (
    b"HTTP/1.1 408 Request Timeout\r\n"
    b"content-type: text/plain; charset=utf-8\r\n"
    b"connection: close\r\n"
    b"content-length: " + str(len(_TIMEOUT_BODY)).encode() + b"\r\n\r\n" + _TIMEOUT_BODY
)


class HeadDeadlineProtocol(H11Protocol):
    """Set :attr:`head_timeout` on a subclass (see :func:`with_head_timeout`)."""

    head_timeout: float = 10.0
    _head_deadline: asyncio.TimerHandle | None = None

    def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
        super().connection_made(transport)
        self._watch_head()

    def data_received(self, data: bytes) -> None:
        super().data_received(data)
        self._watch_head()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        self._watch_head()

    def connection_lost(self, exc: Exception | None) -> None:
        self._clear_head_deadline()
        super().connection_lost(exc)

    def _watch_head(self) -> None:
        """Arm the deadline while waiting for a request's head; disarm once it is in."""
        waiting = self.conn.their_state is h11.IDLE and (
            self.cycle is None or self.cycle.response_complete
        )
        if not waiting:
            self._clear_head_deadline()
        elif self._head_deadline is None and not self.transport.is_closing():
            self._head_deadline = self.loop.call_later(self.head_timeout, self._head_too_slow)

    def _clear_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_too_slow(self) -> None:
        self._head_deadline = None
        if self.transport.is_closing():
            return
        if self.conn.their_state is h11.IDLE and (
            self.cycle is None or self.cycle.response_complete
        ):
            self.transport.write(_TIMEOUT_RESPONSE)
            self.transport.close()


def with_head_timeout(seconds: float) -> type[HeadDeadlineProtocol]:
    """The protocol class for uvicorn's ``http=`` setting, with this head deadline."""
    return type("HeadDeadlineProtocol", (HeadDeadlineProtocol,), {"head_timeout": seconds})
