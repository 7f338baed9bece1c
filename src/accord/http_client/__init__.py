"""The core's one HTTP client: pact URLs, the broker, message and state-change endpoints.

Every request accord makes itself (as opposed to replaying a pact's request with httpx, see
:mod:`accord.provider.transports.http_replay`) goes through :class:`HttpClient`, so they all
share one policy:

* **Credentials:** one :class:`Auth` (bearer token, or username and password).
* **One deadline:** ``timeout`` bounds the whole exchange, retries included, not each read:
  a server that trickles a byte at a time cannot hold a run forever. Answers can be capped
  in size (``max_bytes``).
* **Retries only where repeating is harmless:** idempotent methods (GET, HEAD, PUT, DELETE,
  OPTIONS) are tried again after a connection failure or a 502/503/504 answer, honouring
  ``Retry-After`` within bounds. A POST is sent at most once: repeating one could record a
  verification result or a deployment twice.
* **One error:** every failure is an :class:`~accord.errors.HttpError` whose one-line message
  names the method, the URL and the cause.
* **Kept-alive connections:** the standard library's ``http.client`` on pooled connections,
  several times cheaper per call than a general client, which matters for the hundreds of
  state-change POSTs of a verification run. A connection the server closed while it was
  idle is noticed *before* a request is written to it, so nothing needs resending.

The standard library (not httpx) keeps ``import accord`` light and these fixed-shape calls
fast; :meth:`HttpClient.arequest` runs the same code on a worker thread so an ``async``
caller's loop (which may be serving the provider) stays free.
"""

import importlib
from typing import TYPE_CHECKING, Any

from accord.http_client.auth import Auth

if TYPE_CHECKING:
    from accord.http_client.client import (
        IDEMPOTENT,
        MAX_RETRY_WAIT,
        RETRY_STATUSES,
        HttpClient,
        Response,
        summary,
    )

__all__ = [
    "IDEMPOTENT",
    "MAX_RETRY_WAIT",
    "RETRY_STATUSES",
    "Auth",
    "HttpClient",
    "Response",
    "summary",
]

_FROM_CLIENT = frozenset(__all__) - {"Auth"}


def __getattr__(name: str) -> Any:
    """The client itself on first use: ``http.client`` brings ``ssl``, which costs
    ``import accord`` about 10 ms that a consumer test never needs."""
    if name in _FROM_CLIENT:
        value = getattr(importlib.import_module("accord.http_client.client"), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
