"""Helpers for broker tests: building pacts, publishing, verifying, reading the database."""

from __future__ import annotations

import base64
import json
import uuid
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote

import httpx
import sqlalchemy as sa


def q(value: str) -> str:
    """One path segment, percent-encoded the way clients fill templated links."""
    return quote(value, safe="")


class Names:
    """Unique names per test, so tests sharing a database never see each other's data."""

    def __init__(self) -> None:
        self.suffix = uuid.uuid4().hex[:8]

    def __call__(self, base: str) -> str:
        return f"{base}-{self.suffix}"


def message_pact(
    consumer: str, provider: str, *descriptions: str, content: Any = None
) -> dict[str, Any]:
    """A V3 message pact with one message per description."""
    return {
        "consumer": {"name": consumer},
        "provider": {"name": provider},
        "messages": [
            {
                "description": d,
                "providerStates": [{"name": "a user exists", "params": {"id": 1}}],
                "contents": content if content is not None else {"id": 1, "event": d},
                "metadata": {"contentType": "application/json"},
            }
            for d in (descriptions or ("an event",))
        ],
        "metadata": {"pactSpecification": {"version": "3.0.0"}},
    }


def b64(doc: dict[str, Any]) -> str:
    return base64.b64encode(json.dumps(doc).encode()).decode()


class BrokerClient:
    def __init__(self, url: str, database_url: str) -> None:
        self.url = url
        self.database_url = database_url
        self.http = httpx.Client(base_url=url, timeout=60)
        self._engine: sa.Engine | None = None

    def close(self) -> None:
        self.http.close()
        if self._engine is not None:
            self._engine.dispose()

    # --- HTTP shortcuts -------------------------------------------------------------------

    def get(self, path: str, **kwargs: Any) -> httpx.Response:
        return self.http.get(path, **kwargs)

    def post(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.http.post(path, json=body, **kwargs)

    def put(self, path: str, body: Any = None, **kwargs: Any) -> httpx.Response:
        return self.http.put(path, json=body, **kwargs)

    def publish(
        self,
        consumer: str,
        version: str,
        pacts: Iterable[dict[str, Any]],
        *,
        branch: str | None = None,
        tags: Iterable[str] = (),
        merge: bool = False,
        expect: int = 200,
    ) -> dict[str, Any]:
        body: dict[str, Any] = {
            "pacticipantName": consumer,
            "pacticipantVersionNumber": version,
            "tags": list(tags),
            "contracts": [
                {
                    "consumerName": consumer,
                    "providerName": p["provider"]["name"],
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": b64(p),
                    **({"onConflict": "merge"} if merge else {}),
                }
                for p in pacts
            ],
        }
        if branch:
            body["branch"] = branch
        response = self.post("/contracts/publish", body)
        assert response.status_code == expect, response.text
        data: dict[str, Any] = response.json()
        return data

    def pact(self, provider: str, consumer: str, version: str) -> dict[str, Any]:
        response = self.get(
            f"/pacts/provider/{q(provider)}/consumer/{q(consumer)}/version/{q(version)}"
        )
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def verify(
        self, pact_doc: dict[str, Any], provider_version: str, success: bool = True
    ) -> dict[str, Any]:
        href = pact_doc["_links"]["pb:publish-verification-results"]["href"]
        response = self.http.post(
            href, json={"success": success, "providerApplicationVersion": provider_version}
        )
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    def environment(self, name: str, production: bool = False) -> str:
        response = self.post("/environments", {"name": name, "production": production})
        assert response.status_code == 201, response.text
        return str(response.json()["uuid"])

    def deploy(
        self, pacticipant: str, version: str, env_uuid: str, instance: str | None = None
    ) -> dict[str, Any]:
        body = {"applicationInstance": instance} if instance else {}
        self.put(f"/pacticipants/{q(pacticipant)}/versions/{q(version)}", {})
        response = self.post(
            f"/pacticipants/{q(pacticipant)}/versions/{q(version)}/deployed-versions/environment/{q(env_uuid)}",
            body,
        )
        assert response.status_code == 201, response.text
        data: dict[str, Any] = response.json()
        return data

    def release(self, pacticipant: str, version: str, env_uuid: str) -> dict[str, Any]:
        self.put(f"/pacticipants/{q(pacticipant)}/versions/{q(version)}", {})
        response = self.post(
            f"/pacticipants/{q(pacticipant)}/versions/{q(version)}/released-versions/environment/{q(env_uuid)}",
            {},
        )
        assert response.status_code in (200, 201), response.text
        data: dict[str, Any] = response.json()
        return data

    def tag(self, pacticipant: str, version: str, tag: str) -> None:
        response = self.put(
            f"/pacticipants/{q(pacticipant)}/versions/{q(version)}/tags/{q(tag)}", {}
        )
        assert response.status_code in (200, 201), response.text

    def branch(self, pacticipant: str, version: str, branch: str) -> None:
        response = self.put(
            f"/pacticipants/{q(pacticipant)}/branches/{q(branch)}/versions/{q(version)}", {}
        )
        assert response.status_code in (200, 201), response.text

    def for_verification(
        self, provider: str, body: dict[str, Any], expect: int = 200
    ) -> dict[str, Any]:
        response = self.post(f"/pacts/provider/{q(provider)}/for-verification", body)
        assert response.status_code == expect, response.text
        data: dict[str, Any] = response.json()
        return data

    def can_i_deploy(self, pacticipant: str, version: str, environment: str) -> dict[str, Any]:
        response = self.get(
            "/can-i-deploy",
            params={"pacticipant": pacticipant, "version": version, "environment": environment},
        )
        assert response.status_code == 200, response.text
        data: dict[str, Any] = response.json()
        return data

    def matrix(self, query: str) -> httpx.Response:
        return self.get(f"/matrix?{query}")

    # --- the database, to check what was (not) written --------------------------------------

    def scalar(self, sql: str, **params: Any) -> Any:
        from accord.broker.db.engine import make_engine

        if self._engine is None:
            self._engine = make_engine(self.database_url)
        with self._engine.connect() as conn:
            return conn.execute(sa.text(sql), params).scalar()

    def count_rows(self, table: str, pacticipant_like: str) -> int:
        """Rows in ``table`` belonging to pacticipants whose names contain the text."""
        column = {
            "versions": "pacticipant_id",
            "pact_publications": "consumer_id",
            "pact_versions": "consumer_id",
            "tags": "pacticipant_id",
            "branches": "pacticipant_id",
            "integrations": "consumer_id",
            "verifications": "consumer_id",
        }[table]
        return int(
            self.scalar(
                f"SELECT count(*) FROM {table} t JOIN pacticipants p ON p.id = t.{column} "
                "WHERE p.name LIKE :pattern",
                pattern=f"%{pacticipant_like}%",
            )
        )


def hrefs(links: Any) -> list[str]:
    if isinstance(links, list):
        return [str(link["href"]) for link in links]
    return [str(links["href"])]
