"""Realistic broker data for the UI tests and the screenshots, published over real HTTP.

The pacts are written the way users write them: message interactions with accord's consumer
DSL (``Pact(...).expects_to_receive(...)``, matchers and generators, a handler that must
accept the example), HTTP and synchronous-message interactions built from
:mod:`accord.model`. They are published with ``POST /contracts/publish``, verified through
the pact's ``pb:publish-verification-results`` link, and one provider version is deployed,
so every page has something true to show:

==========================  ==========  ==============================================
pair                        consumer    latest verification
==========================  ==========  ==============================================
billing-worker → user-svc   1.0.0/1.1.0 1.0.0 passed by 2.3.0; 1.1.0 (new content) none
billing-worker → payments   1.0.0/1.1.0 passed by 7.1.0 (1.1.0 republished it as is)
web-app → user-service      5.0.0       failed by 2.3.0
email-sender → billing      0.9.0       none
==========================  ==========  ==============================================
"""

from __future__ import annotations

import base64
import json
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx

from accord import Message, Pact, generate, match
from accord.consumer.builder import message_contents
from accord.model import (
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    ProviderState,
    SyncMessage,
    pact_to_json,
)

BILLING = "billing-worker"
USERS = "user-service"
PAYMENTS = "payments-api"
WEB = "web-app"
EMAIL = "email-sender"
PRODUCTION = "production"


def q(value: str) -> str:
    return quote(value, safe="")


def _accept(message: Message) -> None:
    """The consumer's handler: it must be able to use the example message."""
    assert isinstance(message.content, dict)
    assert message.content["id"]


def _user_event(pact: Pact) -> None:
    (
        pact.expects_to_receive("a user created event")
        .given("User with id 127 exists", id=127, plan="gold")
        .with_metadata(
            {
                "contentType": "application/json",
                "topic": match.regex("users.v1", r"users\.v\d+"),
            }
        )
        .with_content(
            {
                "id": match.integer(127),
                "name": match.like("Billy"),
                "email": match.regex("billy@example.com", r"^[^@]+@[^@]+$"),
                "createdAt": match.datetime("2024-05-01T10:00:00Z", "yyyy-MM-dd'T'HH:mm:ssX"),
                "roles": match.each_like("admin", min=1),
                "traceId": generate.uuid(),
            }
        )
        .test_name("test_billing_handles_user_created")
    )


def _http_user(request_id: int = 127) -> HttpInteraction:
    """``GET /users/127``: path, header and body matchers, as an HTTP consumer test makes."""
    response = message_contents(
        {
            "id": match.integer(request_id),
            "name": match.like("Billy"),
            "plan": match.regex("gold", "gold|silver|bronze"),
            "addresses": match.each_like({"city": match.like("Berlin"), "zip": "10115"}),
        },
        None,
        {},
    )
    request = HttpRequest(
        method="GET",
        path=f"/users/{request_id}",
        query={"fields": ["name,plan"]},
        headers={"Accept": ["application/json"]},
    )
    request.matching_rules.add("path", "", [{"match": "regex", "regex": r"^/users/\d+$"}])
    return HttpInteraction(
        description="a request for user 127",
        provider_states=[ProviderState("User with id 127 exists", {"id": request_id})],
        request=request,
        response=HttpResponse(
            status=200,
            headers={"Content-Type": ["application/json; charset=utf-8"]},
            body=response.contents,
            matching_rules=response.matching_rules,
            generators=response.generators,
        ),
    )


def billing_users_pact(version: str) -> dict[str, Any]:
    """billing-worker's V4 pact with user-service: a message and an HTTP request; 1.1.0 adds
    a second message."""
    pact = Pact(BILLING, USERS)
    _user_event(pact)
    if version != "1.0.0":
        (
            pact.expects_to_receive("a user deleted event")
            .given("User with id 127 exists", id=127)
            .with_content({"id": match.integer(127), "deletedAt": match.date("2024-06-01")})
        )
    pact.verify(_accept)
    model = pact.model()
    model.interactions.append(_http_user())
    return pact_to_json(model)


def billing_payments_pact() -> dict[str, Any]:
    """A synchronous request/response message (V4), built from the model."""
    request = message_contents({"invoiceId": match.like("INV-1"), "amount": 12.5}, None, {})
    reply = message_contents(
        {"id": match.like("PAY-9"), "status": match.regex("accepted", "accepted|rejected")},
        None,
        {"contentType": "application/json"},
    )
    model = Pact(BILLING, PAYMENTS).model()
    model.interactions.append(
        SyncMessage(
            description="a payment request",
            provider_states=[ProviderState("the payment gateway is up")],
            request=request,
            response=[reply],
        )
    )
    return pact_to_json(model)


def web_users_pact() -> dict[str, Any]:
    model = Pact(WEB, USERS).model()
    model.interactions.append(_http_user())
    return pact_to_json(model)


def email_billing_pact() -> dict[str, Any]:
    """A V3 message pact, as older Pact tools write it."""
    pact = Pact(EMAIL, BILLING, spec="V3")
    (
        pact.expects_to_receive("an invoice issued event")
        .given("an invoice exists", invoiceId="INV-1")
        .with_content({"id": match.like("INV-1"), "total": match.decimal(99.95)})
    )
    pact.verify(_accept)
    return pact_to_json(pact.model(), spec="V3")


@dataclass(frozen=True, slots=True)
class Seeded:
    url: str
    environment: str = PRODUCTION


class Publisher:
    """Just enough of a broker client: publish, verify, branch, environment, deploy."""

    def __init__(self, url: str) -> None:
        self.http = httpx.Client(base_url=url, timeout=30)

    def close(self) -> None:
        self.http.close()

    def _ok(self, response: httpx.Response) -> Any:
        assert response.status_code < 300, f"{response.request.url}: {response.text}"
        return response.json() if response.content else None

    def publish(
        self, consumer: str, version: str, branch: str, *pacts: dict[str, Any], tag: str = ""
    ) -> None:
        contracts = [
            {
                "consumerName": consumer,
                "providerName": pact["provider"]["name"],
                "specification": "pact",
                "contentType": "application/json",
                "content": base64.b64encode(json.dumps(pact).encode()).decode(),
            }
            for pact in pacts
        ]
        body = {
            "pacticipantName": consumer,
            "pacticipantVersionNumber": version,
            "branch": branch,
            "tags": [tag] if tag else [],
            "contracts": contracts,
        }
        self._ok(self.http.post("/contracts/publish", json=body))

    def verify(
        self, provider: str, consumer: str, version: str, provider_version: str, success: bool
    ) -> None:
        pact = self._ok(
            self.http.get(
                f"/pacts/provider/{q(provider)}/consumer/{q(consumer)}/version/{q(version)}"
            )
        )
        href = pact["_links"]["pb:publish-verification-results"]["href"]
        body = {"success": success, "providerApplicationVersion": provider_version}
        self._ok(self.http.post(href, json=body))

    def branch(self, pacticipant: str, version: str, branch: str) -> None:
        path = f"/pacticipants/{q(pacticipant)}/branches/{q(branch)}/versions/{q(version)}"
        self._ok(self.http.put(path, json={}))

    def environment(self, name: str) -> str:
        created = self._ok(self.http.post("/environments", json={"name": name, "production": True}))
        return str(created["uuid"])

    def deploy(self, pacticipant: str, version: str, env_uuid: str) -> None:
        path = (
            f"/pacticipants/{q(pacticipant)}/versions/{q(version)}"
            f"/deployed-versions/environment/{q(env_uuid)}"
        )
        self._ok(self.http.post(path, json={}))


def seed(url: str) -> Seeded:
    """Publish, verify and deploy the data in the module docstring on the broker at ``url``."""
    client = Publisher(url)
    try:
        client.publish(
            BILLING,
            "1.0.0",
            "main",
            billing_users_pact("1.0.0"),
            billing_payments_pact(),
            tag="release-candidate",
        )
        client.publish(WEB, "5.0.0", "main", web_users_pact())
        client.publish(EMAIL, "0.9.0", "main", email_billing_pact())
        client.branch(USERS, "2.3.0", "main")
        client.branch(PAYMENTS, "7.1.0", "main")
        client.verify(USERS, BILLING, "1.0.0", "2.3.0", True)
        client.verify(PAYMENTS, BILLING, "1.0.0", "7.1.0", True)
        client.verify(USERS, WEB, "5.0.0", "2.3.0", False)
        env = client.environment(PRODUCTION)
        client.deploy(USERS, "2.3.0", env)
        client.deploy(PAYMENTS, "7.1.0", env)
        client.publish(
            BILLING,
            "1.1.0",
            "feat/user-deletion",
            billing_users_pact("1.1.0"),
            billing_payments_pact(),
        )
    finally:
        client.close()
    return Seeded(url)
