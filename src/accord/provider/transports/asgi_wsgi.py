"""An ASGI or WSGI app verified in-process: no server, no sockets, the app's own code.

httpx's ``ASGITransport``/``WSGITransport`` hand each request straight to the app, so this
is HTTP replay (:mod:`.http_replay`) with a different httpx transport. ASGI is told from
WSGI by whether the app (or its ``__call__``) is a coroutine function. The ASGI lifespan
is not run: start what the app needs in a state handler or before ``verify``.
"""

from __future__ import annotations

import inspect
from typing import Any

from accord.provider.errors import VerifierSetupError
from accord.provider.transports import TransportOptions
from accord.provider.transports.http_replay import HttpClient

BASE_URL = "http://localhost"
"""The origin requests appear to come to; apps that check ``Host`` see ``localhost``."""


def is_asgi(app: Any) -> bool:
    """ASGI apps are ``async`` callables (``app(scope, receive, send)``); WSGI ones are not."""
    if inspect.iscoroutinefunction(app):
        return True
    call = getattr(app, "__call__", None)  # noqa: B004 - the method itself is inspected
    return call is not None and inspect.iscoroutinefunction(call)


def from_target(app: Any, options: TransportOptions) -> HttpClient:
    import httpx

    if not callable(app):
        raise VerifierSetupError(
            f"app= must be an ASGI or WSGI application, not {type(app).__name__}"
        )
    client: httpx.AsyncClient | httpx.Client
    if is_asgi(app):
        kind = "ASGI"
        client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url=BASE_URL)
    else:
        kind = "WSGI"
        client = httpx.Client(transport=httpx.WSGITransport(app=app), base_url=BASE_URL)
    return HttpClient(
        client,
        describe=f"the {kind} app",
        custom_headers=options.custom_headers,
        request_hook=options.request_hook,
        timeout=options.timeout,
    )
