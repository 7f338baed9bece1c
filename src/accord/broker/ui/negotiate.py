"""Deciding whether a request to ``/`` comes from a person's browser or from an API client.

The HAL index must stay JSON for every Pact client, including ones that send ``*/*`` or
nothing at all; only a client that names ``text/html`` explicitly, and prefers it to every
JSON type it names, gets the HTML page. Ties go to JSON: breaking a client is worse than
showing JSON to a person.
"""

from __future__ import annotations

JSON_TYPES = ("application/hal+json", "application/json")


def _quality(params: list[str]) -> float:
    for param in params:
        name, _, value = param.partition("=")
        if name.strip().lower() == "q":
            try:
                return max(0.0, min(1.0, float(value.strip())))
            except ValueError:
                return 0.0
    return 1.0


def wants_html(accept: str) -> bool:
    """True when ``accept`` explicitly prefers ``text/html`` to JSON."""
    html = 0.0
    json_q = 0.0
    for item in accept.split(","):
        media, *params = item.split(";")
        media = media.strip().lower()
        if media == "text/html" or media == "application/xhtml+xml":
            html = max(html, _quality(params))
        elif media in JSON_TYPES:
            json_q = max(json_q, _quality(params))
    return html > 0 and html > json_q
