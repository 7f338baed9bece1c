"""Pacts for the provider tests, written as V4 JSON and read with accord's own reader.

Built by hand on purpose: accord's HTTP builder is developed elsewhere, and these tests are
about the provider side only. ``mixed_pact`` holds every interaction kind in one file.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from accord.model.pact import Pact
from accord.model.read import parse_pact

CONSUMER = "UsersUI"
PROVIDER = "Users"
USER_EXISTS = "a user exists"
UUID = r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"


def _rules(**paths: dict[str, Any]) -> dict[str, Any]:
    return {path: {"combine": "AND", "matchers": [rule]} for path, rule in paths.items()}


def get_user() -> dict[str, Any]:
    """GET /users/{id}: the id comes from the state (a ProviderState generator in the path)."""
    return {
        "type": "Synchronous/HTTP",
        "description": "a request for a user",
        "providerStates": [{"name": USER_EXISTS, "params": {"id": 7, "name": "Ada"}}],
        "request": {
            "method": "GET",
            "path": "/users/1",
            "headers": {"Accept": ["application/json"]},
            "generators": {
                "path": {"type": "ProviderState", "expression": "/users/${id}"},
            },
        },
        "response": {
            "status": 200,
            "headers": {"Content-Type": ["application/json"]},
            "body": {
                "contentType": "application/json",
                "encoded": False,
                "content": {
                    "id": 1,
                    "name": "Ada",
                    "requestId": "00000000-0000-4000-8000-000000000000",
                },
            },
            "matchingRules": {
                "body": {
                    "$.name": {"combine": "AND", "matchers": [{"match": "type"}]},
                    "$.requestId": {
                        "combine": "AND",
                        "matchers": [{"match": "regex", "regex": UUID}],
                    },
                }
            },
            "generators": {
                "body": {
                    "$.id": {"type": "ProviderState", "expression": "${id}", "dataType": "INTEGER"},
                    "$.requestId": {"type": "Uuid"},
                }
            },
        },
    }


def create_user() -> dict[str, Any]:
    return {
        "type": "Synchronous/HTTP",
        "description": "a request to create a user",
        "request": {
            "method": "POST",
            "path": "/users",
            "headers": {"Content-Type": ["application/json"]},
            "body": {"contentType": "application/json", "content": {"name": "Bob"}},
        },
        "response": {
            "status": 201,
            "headers": {"Location": ["/users/1"]},
            "body": {"contentType": "application/json", "content": {"id": 1, "name": "Bob"}},
            "matchingRules": {
                "header": {
                    "Location": {
                        "combine": "AND",
                        "matchers": [{"match": "regex", "regex": r"/users/\d+"}],
                    }
                },
                "body": {"$.id": {"combine": "AND", "matchers": [{"match": "integer"}]}},
            },
        },
    }


def whoami() -> dict[str, Any]:
    return {
        "type": "Synchronous/HTTP",
        "description": "a request for the current user",
        "request": {
            "method": "GET",
            "path": "/whoami",
            "headers": {"Authorization": ["Bearer recorded-by-the-consumer"]},
        },
        "response": {
            "status": 200,
            "body": {"contentType": "application/json", "content": {"user": "ada"}},
        },
    }


def user_event() -> dict[str, Any]:
    return {
        "type": "Asynchronous/Messages",
        "description": "a user created event",
        "providerStates": [{"name": USER_EXISTS, "params": {"id": 7, "name": "Ada"}}],
        "contents": {
            "contentType": "application/json",
            "content": {"id": 1, "event": "created", "eventId": "fixed"},
        },
        "matchingRules": {"body": {"$.id": {"combine": "AND", "matchers": [{"match": "integer"}]}}},
        # No matcher on eventId: a generator run on the expected side would make a random
        # value that the provider's "fixed" could never equal.
        "generators": {"body": {"$.eventId": {"type": "Uuid"}}},
    }


def user_lookup() -> dict[str, Any]:
    return {
        "type": "Synchronous/Messages",
        "description": "a user lookup",
        "providerStates": [{"name": USER_EXISTS, "params": {"id": 7, "name": "Ada"}}],
        "request": {
            "contents": {"contentType": "application/json", "content": {"userId": 7}},
        },
        "response": [
            {
                "contents": {
                    "contentType": "application/json",
                    "content": {"userId": 7, "name": "Ada"},
                },
                "matchingRules": {
                    "body": {"$.name": {"combine": "AND", "matchers": [{"match": "type"}]}}
                },
            }
        ],
    }


def document(*interactions: dict[str, Any], consumer: str = CONSUMER) -> dict[str, Any]:
    return {
        "consumer": {"name": consumer},
        "provider": {"name": PROVIDER},
        "interactions": list(interactions),
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }


def mixed_pact() -> Pact:
    """Every kind in one V4 pact: three HTTP interactions, an async and a sync message."""
    doc = document(get_user(), create_user(), whoami(), user_event(), user_lookup())
    return parse_pact(doc, source="<mixed>")


def write(directory: Path, doc: dict[str, Any], name: str = "pact.json") -> Path:
    path = directory / name
    path.write_text(json.dumps(doc, indent=2), encoding="utf-8")
    return path
