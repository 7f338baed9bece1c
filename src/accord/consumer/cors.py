"""CORS for the mock server's ``cors=True``: browsers' preflight, answered automatically.

A browser client asks ``OPTIONS`` with ``Access-Control-Request-Method`` before a
cross-origin call. That request is not part of the contract, so with ``cors=True`` the mock
server answers it itself (unless an interaction declares that ``OPTIONS``), and adds
``Access-Control-Allow-Origin`` to every response that lacks it.
"""

from __future__ import annotations

from accord.model.pact import HttpRequest


def header(request: HttpRequest, name: str) -> str | None:
    lowered = name.lower()
    for key, values in (request.headers or {}).items():
        if key.lower() == lowered and values:
            return ", ".join(values)
    return None


def is_preflight(request: HttpRequest) -> bool:
    return (
        request.method == "OPTIONS" and header(request, "Access-Control-Request-Method") is not None
    )


def preflight_headers(request: HttpRequest) -> list[tuple[str, str]]:
    """The headers that allow what the preflight asked for, from the origin that asked."""
    out = [
        ("Access-Control-Allow-Origin", header(request, "Origin") or "*"),
        (
            "Access-Control-Allow-Methods",
            header(request, "Access-Control-Request-Method")
            or "GET, HEAD, POST, PUT, PATCH, DELETE",
        ),
        ("Access-Control-Allow-Credentials", "true"),
        ("Access-Control-Max-Age", "3600"),
        ("Vary", "Origin"),
    ]
    asked = header(request, "Access-Control-Request-Headers")
    if asked:
        out.append(("Access-Control-Allow-Headers", asked))
    return out


def allow_origin(request: HttpRequest) -> tuple[str, str]:
    return ("Access-Control-Allow-Origin", header(request, "Origin") or "*")
