"""The broker's web UI: server-rendered pages for people, beside the HAL API for clients.

Pages live under ``/ui`` (integrations, a pact, the matrix of a pair, can-i-deploy, the
network graph); a browser asking for ``/`` with ``Accept: text/html`` gets the integrations
page, while API clients keep getting the HAL index there. The UI only reads: every page runs
in a read transaction through the same store and matrix modules as the API.
"""

from __future__ import annotations

from accord.broker.http.routing import Router
from accord.broker.ui.pages import register_pages


def register(router: Router) -> None:
    """Mount the pages; call after the API's routes, since it wraps the API's ``GET /``."""
    register_pages(router)
