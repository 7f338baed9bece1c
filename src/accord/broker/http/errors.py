"""HTTP errors as exceptions, so a handler deep in a transaction can stop with a status.

Raising one of these rolls the request's transaction back: nothing a failed request wrote
survives. The bodies follow the Pact Broker's shapes, which the official clients parse:
``{"errors": {"field": ["message", ...]}}`` for validation problems, ``{"error": ...}``
otherwise.
"""

from __future__ import annotations

from typing import Any


class HttpError(Exception):
    """Stop the request with ``status`` and a JSON ``body``."""

    def __init__(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None):
        super().__init__(f"{status}: {body}")
        self.status = status
        self.body = body
        self.headers = headers or {}


class BadRequest(HttpError):
    """Validation failed: every problem, by field, in the broker's ``errors`` shape."""

    def __init__(self, errors: dict[str, list[str]] | str) -> None:
        if isinstance(errors, str):
            errors = {"base": [errors]}
        super().__init__(400, {"errors": errors})
        self.errors = errors


class NotFound(HttpError):
    def __init__(
        self, message: str = "The requested document was not found on this server."
    ) -> None:
        super().__init__(404, {"error": message})


class Conflict(HttpError):
    def __init__(self, message: str, *, field: str = "base", notices: list[Any] | None = None):
        body: dict[str, Any] = {
            "errors": {field: [message]},
            "notices": notices if notices is not None else [{"type": "error", "text": message}],
        }
        super().__init__(409, body)


class MethodNotAllowed(HttpError):
    def __init__(self, allowed: list[str]) -> None:
        super().__init__(
            405, {"error": "Method not allowed"}, headers={"Allow": ", ".join(sorted(allowed))}
        )


class PayloadTooLarge(HttpError):
    def __init__(self, limit: int) -> None:
        super().__init__(413, {"error": f"Request body is larger than the limit of {limit} bytes"})


class UnsupportedMediaType(HttpError):
    def __init__(self, content_type: str) -> None:
        super().__init__(
            415, {"error": f"Unsupported Content-Type {content_type!r}; send application/json"}
        )


class RequestTimeout(HttpError):
    """The client took longer than allowed to send its request; the connection is closed."""

    def __init__(self, seconds: float) -> None:
        super().__init__(
            408,
            {"error": f"The request body was not received within {seconds:g} seconds"},
            headers={"Connection": "close"},
        )


class ServiceUnavailable(HttpError):
    """The database cannot take this request now; ``Retry-After`` says when to try again."""

    def __init__(self, reason: str, retry_after: int) -> None:
        super().__init__(503, {"error": reason}, headers={"Retry-After": str(retry_after)})
