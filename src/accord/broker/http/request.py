"""The request as a handler sees it: decoded path values, query pairs, body, base URL.

The body has already been read (and size-limited) by the app before the handler runs, so a
handler never blocks on the network while it holds a database transaction.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from accord.broker.http import safe_json
from accord.broker.http.errors import BadRequest, UnsupportedMediaType

if TYPE_CHECKING:
    from accord.broker.events import BrokerEvent
    from accord.broker.settings import Settings
    from accord.broker.urls import Urls


@dataclass(slots=True)
class Req:
    method: str
    path: str
    params: dict[str, str]
    query: list[tuple[str, str]]
    headers: dict[str, str]
    body: bytes
    urls: Urls
    settings: Settings
    events: list[BrokerEvent] = field(default_factory=list)

    def arg(self, name: str) -> str | None:
        """The first query value for ``name``, or None."""
        for key, value in self.query:
            if key == name:
                return value
        return None

    def json(self) -> Any:
        """The body as JSON; an empty body is ``{}`` (clients PUT ``{}`` or nothing)."""
        content_type = self.headers.get("content-type", "")
        if self.body.strip() == b"":
            return {}
        if content_type and "json" not in content_type.lower():
            raise UnsupportedMediaType(content_type)
        try:
            return safe_json.loads(self.body)
        except safe_json.JsonRefused as exc:
            raise BadRequest({"body": [str(exc)]}) from exc

    def json_object(self) -> dict[str, Any]:
        data = self.json()
        if not isinstance(data, dict):
            raise BadRequest({"body": ["expected a JSON object"]})
        return data
