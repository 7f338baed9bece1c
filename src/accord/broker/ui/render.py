"""Templates, links and the HTML reply: everything a page handler needs to answer a browser.

Pages are rendered by Jinja2 with autoescaping on, because nearly every string on them
(names, versions, descriptions, message content) was written by a client of the broker.
Replies carry a Content-Security-Policy that allows no scripts and only the broker's own
stylesheet, so even a template mistake cannot run code from a pact in a reader's browser.
"""

from __future__ import annotations

import hashlib
import shlex
from datetime import datetime
from functools import cache
from importlib.resources import files
from typing import Any
from urllib.parse import urlencode

from jinja2 import Environment, PackageLoader, StrictUndefined

from accord._version import __version__
from accord.broker.clock import iso, now, utc
from accord.broker.http.request import Req
from accord.broker.http.response import Reply
from accord.broker.urls import Urls, seg

HTML = "text/html; charset=utf-8"
CSS_NAME = "broker-ui.css"
SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "base-uri 'none'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
}


@cache
def stylesheet() -> bytes:
    return files("accord.broker.ui").joinpath("static", CSS_NAME).read_bytes()


@cache
def _css_version() -> str:
    return hashlib.sha1(stylesheet()).hexdigest()[:10]


class UiUrls:
    """Every link a page shows, absolute from the broker's base URL like the API's hrefs."""

    def __init__(self, urls: Urls) -> None:
        self.api = urls

    def _ui(self, path: str) -> str:
        return self.api(f"/ui{path}")

    def home(self, pacticipant: str | None = None) -> str:
        suffix = f"?{urlencode({'pacticipant': pacticipant})}" if pacticipant else ""
        return self._ui(suffix)

    def css(self) -> str:
        return self._ui(f"/static/{CSS_NAME}?v={_css_version()}")

    def _pair(self, provider: str, consumer: str) -> str:
        return f"/provider/{seg(provider)}/consumer/{seg(consumer)}"

    def pact(self, provider: str, consumer: str, version: str) -> str:
        return self._ui(f"/pacts{self._pair(provider, consumer)}/version/{seg(version)}")

    def latest_pact(self, provider: str, consumer: str) -> str:
        return self._ui(f"/pacts{self._pair(provider, consumer)}/latest")

    def raw_pact(self, provider: str, consumer: str, version: str) -> str:
        return self.pact(provider, consumer, version) + "/raw"

    def matrix(self, provider: str, consumer: str) -> str:
        return self._ui(f"/matrix{self._pair(provider, consumer)}")

    def can_i_deploy(self, pacticipant: str = "", version: str = "", environment: str = "") -> str:
        if not (pacticipant or version or environment):
            return self._ui("/can-i-deploy")
        query = {"pacticipant": pacticipant, "version": version, "environment": environment}
        return self._ui(f"/can-i-deploy?{urlencode(query)}")

    def network(self) -> str:
        return self._ui("/network")


def ago(value: datetime | None, reference: datetime | None = None) -> str:
    """``3 minutes ago``: how long before now (or ``reference``) the moment was."""
    if value is None:
        return "never"
    seconds = ((reference or now()) - utc(value)).total_seconds()
    if seconds < 45:
        return "just now"
    for size, unit in ((31536000, "year"), (2592000, "month"), (86400, "day"), (3600, "hour")):
        if seconds >= size * 0.9:
            count = max(1, round(seconds / size))
            return f"{count} {unit}{'s' if count != 1 else ''} ago"
    count = max(1, round(seconds / 60))
    return f"{count} minute{'s' if count != 1 else ''} ago"


def exact(value: datetime | None) -> str:
    """The moment in UTC to the second, for a tooltip beside the relative time."""
    return "" if value is None else utc(value).strftime("%Y-%m-%d %H:%M:%S UTC")


@cache
def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("accord.broker.ui", "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["ago"] = ago
    env.filters["iso"] = iso
    env.filters["exact"] = exact
    env.filters["shell"] = shlex.quote
    env.globals["accord_version"] = __version__
    return env


def page(req: Req, template: str, *, status: int = 200, section: str = "", **context: Any) -> Reply:
    """Render ``template`` as a complete HTML reply."""
    body = (
        environment().get_template(template).render(ui=UiUrls(req.urls), section=section, **context)
    )
    return Reply(status, body.encode("utf-8"), HTML, dict(SECURITY_HEADERS))


def not_found(req: Req, message: str) -> Reply:
    return page(req, "error.html", status=404, title="Not found", message=message)
