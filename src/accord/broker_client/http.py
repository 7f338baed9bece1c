"""HAL over a broker's HTTP API: links, templates and one-line broker errors.

The HTTP itself (credentials, the retry policy, the deadline, error wording) is the core's
one client, :class:`accord.http_client.HttpClient`.
"""

from __future__ import annotations

import os
import urllib.parse
from typing import TYPE_CHECKING, Any

from accord.errors import BrokerError, HttpError
from accord.http_client import Auth

if TYPE_CHECKING:
    pass

_ACCEPT = {"Accept": "application/hal+json, application/json"}


def client_from_env(
    base_url: str | None = None,
    *,
    token: str | None = None,
    username: str | None = None,
    password: str | None = None,
) -> BrokerClient:
    """A client configured like the official CLIs: arguments, else ``PACT_BROKER_*``."""
    url = base_url or os.environ.get("PACT_BROKER_BASE_URL")
    if not url:
        raise BrokerError("no broker URL: pass --broker-url or set PACT_BROKER_BASE_URL")
    return BrokerClient(url, auth=Auth.from_env(token=token, username=username, password=password))


class BrokerClient:
    """Talks to one broker. Methods return decoded JSON documents.

    Credentials are an :class:`~accord.Auth` (or, as before, ``token`` or ``username`` and
    ``password``). ``retries`` is how many times an idempotent request (GET, PUT, DELETE)
    is tried in all; a POST or PATCH is sent once, so results and deployments are never
    recorded twice.
    """

    def __init__(
        self,
        base_url: str,
        *,
        auth: Auth | None = None,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        if auth is None and (token or username):
            auth = Auth(token or None, username, password)
        self.auth = auth
        from accord.http_client.client import HttpClient

        self.http = HttpClient(auth=auth, timeout=timeout, attempts=retries, headers=_ACCEPT)
        self._index: dict[str, Any] | None = None

    def close(self) -> None:
        self.http.close()

    def __enter__(self) -> BrokerClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- HAL -------------------------------------------------------------------------------

    def index(self) -> dict[str, Any]:
        if self._index is None:
            self._index = self.get("/")
        return self._index

    def link(self, rel: str, document: dict[str, Any] | None = None, **params: str) -> str:
        """The href of ``rel`` in ``document`` (the index by default), template filled in."""
        doc = self.index() if document is None else document
        links = doc.get("_links", {})
        found = links.get(rel)
        if isinstance(found, list):
            found = found[0] if found else None
        if not isinstance(found, dict) or "href" not in found:
            raise BrokerError(f"the broker at {self.base_url} has no {rel!r} link")
        return fill_template(str(found["href"]), params)

    # -- verbs -----------------------------------------------------------------------------

    def get(self, path: str, *, missing_ok: bool = False) -> Any:
        return self.request("GET", path, missing_ok=missing_ok)

    def post(self, path: str, body: Any) -> Any:
        return self.request("POST", path, body)

    def put(self, path: str, body: Any) -> Any:
        return self.request("PUT", path, body)

    def patch(self, path: str, body: Any) -> Any:
        return self.request("PATCH", path, body, content_type="application/merge-patch+json")

    def delete(self, path: str) -> Any:
        return self.request("DELETE", path)

    def url(self, path: str) -> str:
        if path.startswith(("http://", "https://")):
            return path
        return self.base_url + "/" + path.lstrip("/")

    def request(
        self,
        method: str,
        path: str,
        body: Any = None,
        *,
        content_type: str = "application/json",
        missing_ok: bool = False,
    ) -> Any:
        url = self.url(path)
        try:
            if body is None:
                response = self.http.request(method, url)
            else:
                headers = {"Content-Type": content_type}
                response = self.http.request(method, url, json=body, headers=headers)
            if response.status == 404 and missing_ok:
                return None
            return response.raise_for_status().json()
        except HttpError as exc:
            if exc.connect_failed:
                raise BrokerError(
                    f"cannot reach the broker at {self.base_url}: {exc.cause} (is it running?)"
                ) from exc
            raise BrokerError(str(exc), exc.status, exc.body) from exc


def fill_template(href: str, params: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders, URL-encoding each value as the official clients do."""
    for key, value in params.items():
        href = href.replace("{" + key + "}", urllib.parse.quote(str(value), safe=""))
    return href
