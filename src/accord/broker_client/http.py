"""HAL over HTTP: links, templates, credentials, retries and one-line errors."""

from __future__ import annotations

import base64
import json
import os
import time
import urllib.error
import urllib.parse
import urllib.request
from typing import Any

from accord.errors import BrokerError

_RETRY_STATUSES = frozenset({408, 429, 500, 502, 503, 504})


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
    return BrokerClient(
        url,
        token=token or os.environ.get("PACT_BROKER_TOKEN"),
        username=username or os.environ.get("PACT_BROKER_USERNAME"),
        password=password or os.environ.get("PACT_BROKER_PASSWORD"),
    )


class BrokerClient:
    """Talks to one broker. Methods return decoded JSON documents."""

    def __init__(
        self,
        base_url: str,
        *,
        token: str | None = None,
        username: str | None = None,
        password: str | None = None,
        timeout: float = 30.0,
        retries: int = 3,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.timeout = timeout
        self.retries = retries
        self._auth: str | None = None
        if token:
            self._auth = f"Bearer {token}"
        elif username:
            raw = f"{username}:{password or ''}".encode()
            self._auth = "Basic " + base64.b64encode(raw).decode("ascii")
        self._index: dict[str, Any] | None = None

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
        data = None if body is None else json.dumps(body).encode()
        headers = {"Accept": "application/hal+json, application/json"}
        if data is not None:
            headers["Content-Type"] = content_type
        if self._auth:
            headers["Authorization"] = self._auth
        attempt = 0
        while True:
            attempt += 1
            request = urllib.request.Request(url, data=data, method=method, headers=headers)
            try:
                with urllib.request.urlopen(request, timeout=self.timeout) as response:
                    payload = response.read()
                    return json.loads(payload) if payload.strip() else {}
            except urllib.error.HTTPError as exc:
                detail = _decode(exc.read())
                if exc.code == 404 and missing_ok:
                    return None
                if exc.code in _RETRY_STATUSES and attempt < self.retries:
                    time.sleep(min(0.2 * 2**attempt, 2.0))
                    continue
                raise BrokerError(
                    f"{method} {url} answered HTTP {exc.code}: {_summary(detail)}",
                    exc.code,
                    detail,
                ) from exc
            except (urllib.error.URLError, OSError) as exc:
                if attempt < self.retries and not isinstance(
                    getattr(exc, "reason", None), ConnectionRefusedError
                ):
                    time.sleep(min(0.2 * 2**attempt, 2.0))
                    continue
                reason = getattr(exc, "reason", exc)
                raise BrokerError(
                    f"cannot reach the broker at {self.base_url}: {reason} (is it running?)"
                ) from exc
            except ValueError as exc:
                raise BrokerError(f"{method} {url} did not answer JSON: {exc}") from exc


def fill_template(href: str, params: dict[str, str]) -> str:
    """Fill ``{name}`` placeholders, URL-encoding each value as the official clients do."""
    for key, value in params.items():
        href = href.replace("{" + key + "}", urllib.parse.quote(str(value), safe=""))
    return href


def _decode(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _summary(detail: Any) -> str:
    """The most useful short text from an error body."""
    if isinstance(detail, dict):
        errors = detail.get("errors")
        if isinstance(errors, dict):
            parts = [
                f"{k}: {'; '.join(map(str, v)) if isinstance(v, list) else v}"
                for k, v in errors.items()
            ]
            return ", ".join(parts)
        if isinstance(errors, list):
            return "; ".join(str(e) for e in errors)
        for key in ("error", "message", "title"):
            if key in detail:
                value = detail[key]
                return value.get("message", str(value)) if isinstance(value, dict) else str(value)
        return json.dumps(detail)[:300]
    text = str(detail).strip()
    return text[:300] or "(empty body)"
