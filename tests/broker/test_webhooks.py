"""Webhooks on a real server, on SQLite and PostgreSQL: CRUD and validation, firing on
publications and verifications with templates substituted, retries and their log, test
execution, and the allowlist that keeps webhooks away from internal addresses.

A loopback HTTP receiver (stdlib ``http.server`` in a thread) plays the CI server. Loopback
is refused by default, so the broker under test allowlists 127.0.0.1 and plain http; a
second broker with the default settings shares the database to show the refusals.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import threading
import time
import uuid as uuidlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from accord.broker import BackgroundServer, Settings
from tests.broker.support import BrokerClient, Names, b64, message_pact, q

RETRY_SCHEDULE = (0.2, 0.3)
PACT_BIN = shutil.which("pact", path=str(Path(sys.executable).parent)) or shutil.which("pact")


@dataclass
class Received:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    def json(self) -> Any:
        return json.loads(self.body)


@dataclass
class Receiver:
    """Records every request; answers each path with queued statuses, then 200."""

    port: int = 0
    requests: list[Received] = field(default_factory=list)
    statuses: dict[str, list[int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def at(self, path: str) -> list[Received]:
        with self.lock:
            return [r for r in self.requests if r.path == path]

    def wait_for(self, path: str, count: int, timeout: float = 15.0) -> list[Received]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = self.at(path)
            if len(found) >= count:
                return found
            time.sleep(0.02)
        raise AssertionError(f"{path}: expected {count} requests, got {len(self.at(path))}")


@pytest.fixture(scope="module")
def receiver() -> Iterator[Receiver]:
    state = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def _handle(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            parts = urlsplit(self.path)
            with state.lock:
                state.requests.append(
                    Received(
                        self.command, parts.path, parse_qs(parts.query), dict(self.headers), body
                    )
                )
                queued = state.statuses.get(parts.path) or [200]
                status = queued.pop(0) if len(queued) > 1 else queued[0]
            payload = json.dumps({"received": parts.path, "status": status}).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_POST = do_PUT = do_GET = _handle

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def broker(database_url: str) -> Iterator[BrokerClient]:
    """A broker that may call the loopback receiver (allowlisted), with fast retries."""
    settings = Settings(
        database_url=database_url,
        webhook_host_allowlist=("127.0.0.1", "*.example.test"),
        webhook_scheme_allowlist=("http", "https"),
        webhook_retry_schedule=RETRY_SCHEDULE,
        webhook_timeout=5.0,
    )
    with BackgroundServer(settings) as server:
        client = BrokerClient(server.url, database_url)
        yield client
        client.close()


@pytest.fixture(scope="module")
def strict(database_url: str) -> Iterator[BrokerClient]:
    """A broker with the default webhook policy (https only, public addresses only)."""
    with BackgroundServer(Settings(database_url=database_url)) as server:
        client = BrokerClient(server.url, database_url)
        yield client
        client.close()


def hook(url: str, *events: str, **extra: Any) -> dict[str, Any]:
    body: dict[str, Any] = {"request": {"method": "POST", "url": url}, **extra}
    if events:
        body["events"] = [{"name": e} for e in events]
    return body


def create(broker: BrokerClient, body: dict[str, Any], path: str = "/webhooks") -> dict[str, Any]:
    response = broker.post(path, body)
    assert response.status_code == 201, response.text
    data: dict[str, Any] = response.json()
    return data


def triggered(broker: BrokerClient, webhook: dict[str, Any]) -> list[dict[str, Any]]:
    response = broker.http.get(webhook["_links"]["pb:triggered-webhooks"]["href"])
    assert response.status_code == 200, response.text
    docs: list[dict[str, Any]] = response.json()["_embedded"]["triggeredWebhooks"]
    return docs


def settled(
    broker: BrokerClient,
    webhook: dict[str, Any],
    count: int,
    done: Callable[[dict[str, Any]], bool] = lambda t: t["status"] in ("success", "failure"),
    timeout: float = 15.0,
) -> list[dict[str, Any]]:
    """The webhook's triggered webhooks, once ``count`` of them are done."""
    deadline = time.monotonic() + timeout
    while True:
        docs = triggered(broker, webhook)
        if len([t for t in docs if done(t)]) >= count or time.monotonic() > deadline:
            return docs
        time.sleep(0.05)


def logs(broker: BrokerClient, triggered_doc: dict[str, Any]) -> dict[str, Any]:
    response = broker.http.get(triggered_doc["_links"]["pb:logs"]["href"])
    assert response.status_code == 200, response.text
    data: dict[str, Any] = response.json()
    return data


# --- the API -------------------------------------------------------------------------------


def test_create_read_update_delete(broker: BrokerClient, receiver: Receiver, names: Names) -> None:
    body = hook(
        receiver.url("/crud"),
        description="Trigger the build",
        request={
            "method": "post",
            "url": receiver.url("/crud"),
            "headers": {"Authorization": "Bearer ci-secret", "X-Plain": "visible"},
            "body": {"pact": "${pactbroker.pactUrl}"},
            "username": "ci",
            "password": "hunter2",
        },
    )
    created = create(broker, body)
    assert created["events"] == [{"name": "contract_content_changed"}]  # the default
    assert created["enabled"] is True and "consumer" not in created
    request = created["request"]
    assert request["method"] == "POST"
    assert request["password"] == "**********" and request["username"] == "ci"
    assert request["headers"] == {"Authorization": "**********", "X-Plain": "visible"}
    assert "hunter2" not in json.dumps(created) and "ci-secret" not in json.dumps(created)
    href = created["_links"]["self"]["href"]
    for rel in ("pb:execute", "pb:triggered-webhooks", "pb:webhooks"):
        assert rel in created["_links"]

    fetched = broker.http.get(href).json()
    assert fetched["uuid"] == created["uuid"] and fetched["description"] == "Trigger the build"
    listed = broker.get("/webhooks").json()
    assert created["uuid"] in [w["uuid"] for w in listed["_embedded"]["webhooks"]]
    assert href in [link["href"] for link in listed["_links"]["pb:webhooks"]]

    # read, edit, PUT back: the redacted placeholders keep the stored secrets
    fetched["description"] = "Renamed"
    fetched["events"] = [{"name": "contract_published"}]
    updated = broker.http.put(href, json=fetched)
    assert updated.status_code == 200, updated.text
    assert updated.json()["description"] == "Renamed"
    assert updated.json()["events"] == [{"name": "contract_published"}]
    executed = broker.http.post(created["_links"]["pb:execute"]["href"]).json()
    assert executed["success"] is True
    sent = receiver.wait_for("/crud", 1)[-1]
    assert sent.headers["Authorization"] == "Basic Y2k6aHVudGVyMg=="  # ci:hunter2
    assert "ci-secret" not in json.dumps(executed)

    assert broker.http.delete(href).status_code == 204
    assert broker.http.get(href).status_code == 404
    assert broker.http.delete(href).status_code == 404


def test_put_creates_with_the_given_uuid(broker: BrokerClient, receiver: Receiver) -> None:
    uuid = uuidlib.uuid4().hex
    response = broker.put(f"/webhooks/{uuid}", hook(receiver.url("/put")))
    assert response.status_code == 201, response.text
    assert response.json()["uuid"] == uuid
    assert broker.put(f"/webhooks/{uuid}", hook(receiver.url("/put"))).status_code == 200
    bad = broker.put("/webhooks/short", hook(receiver.url("/put")))
    assert bad.status_code == 400 and "uuid" in bad.json()["errors"]
    assert broker.http.delete(f"/webhooks/{uuid}").status_code == 204  # global: tidy up


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({}, "request"),
        ({"request": {"url": "http://127.0.0.1/x"}}, "request.method"),
        ({"request": {"method": "POST"}}, "request.url"),
        ({"request": {"method": "GET", "url": "http://127.0.0.1/x"}}, "request.method"),
        ({"request": {"method": "POST", "url": "ftp://127.0.0.1/x"}}, "request.url"),
        ({"request": {"method": "POST", "url": "not a url"}}, "request.url"),
        ({"request": {"method": "POST", "url": "http://u:p@127.0.0.1/x"}}, "request.url"),
        ({"request": {"method": "POST", "url": "http://${pactbroker.x}/"}}, "request.url"),
        (
            {"request": {"method": "POST", "url": "http://127.0.0.1/", "headers": {"A": "b\nc"}}},
            "request.headers",
        ),
        (hook("http://127.0.0.1/x", "no_such_event"), "events[0].name"),
        ({**hook("http://127.0.0.1/x"), "events": []}, "events"),
        ({**hook("http://127.0.0.1/x"), "consumer": {"name": "a", "label": "ios"}}, "consumer"),
        ({**hook("http://127.0.0.1/x"), "provider": {"label": " "}}, "provider.label"),
        ({**hook("http://127.0.0.1/x"), "provider": {"name": ""}}, "provider.name"),
        ({**hook("http://127.0.0.1/x"), "enabled": "yes"}, "enabled"),
    ],
)
def test_validation(broker: BrokerClient, body: dict[str, Any], field: str) -> None:
    response = broker.post("/webhooks", body)
    assert response.status_code == 400, response.text
    assert field in response.json()["errors"], response.json()


def test_scoping_and_unknown_pacticipants(
    broker: BrokerClient, receiver: Receiver, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    unknown = broker.post("/webhooks", hook(receiver.url("/s"), consumer={"name": foo}))
    assert unknown.status_code == 400 and "consumer.name" in unknown.json()["errors"]
    assert broker.post(f"/webhooks/provider/{q(bar)}", hook(receiver.url("/s"))).status_code == 404

    broker.publish(foo, "1", [message_pact(foo, bar)])
    in_body = create(broker, hook(receiver.url("/s"), consumer={"name": foo}))
    assert in_body["consumer"] == {"name": foo} and "provider" not in in_body
    pair = create(
        broker, hook(receiver.url("/s")), f"/webhooks/provider/{q(bar)}/consumer/{q(foo)}"
    )
    assert (pair["consumer"], pair["provider"]) == ({"name": foo}, {"name": bar})
    assert pair["_links"]["pb:consumer"]["name"] == foo
    assert "pb:pact-webhooks" in pair["_links"]
    mismatch = broker.post(
        f"/webhooks/provider/{q(bar)}/consumer/{q(foo)}",
        hook(receiver.url("/s"), consumer={"name": bar}),
    )
    assert mismatch.status_code == 400

    scoped = broker.http.get(pair["_links"]["pb:pact-webhooks"]["href"]).json()
    assert [w["uuid"] for w in scoped["_embedded"]["webhooks"]] == [pair["uuid"]]
    for_pact = broker.get(f"/pacts/provider/{q(bar)}/consumer/{q(foo)}/webhooks").json()
    uuids = {w["uuid"] for w in for_pact["_embedded"]["webhooks"]}
    assert {in_body["uuid"], pair["uuid"]} <= uuids


# --- firing ----------------------------------------------------------------------------------

TEMPLATE_BODY = {
    "event": "${pactbroker.eventName}",
    "consumer": "${pactbroker.consumerName}",
    "provider": "${pactbroker.providerName}",
    "consumerVersion": "${pactbroker.consumerVersionNumber}",
    "branch": "${pactbroker.consumerVersionBranch}",
    "tags": "${pactbroker.consumerVersionTags}",
    "pactUrl": "${pactbroker.pactUrl}",
    "build": "${pactbroker.buildUrl}",
    "github": "${pactbroker.githubVerificationStatus}",
    "providerVersion": "${pactbroker.providerVersionNumber}",
    "providerBranch": "${pactbroker.providerVersionBranch}",
    "descriptions": "${pactbroker.providerVersionDescriptions}",
    "deployed": "${pactbroker.currentlyDeployedProviderVersionNumber}",
    "verificationUrl": "${pactbroker.verificationResultUrl}",
    "unknown": "${pactbroker.noSuchThing}",
    "quoted": 'say "${pactbroker.consumerName}"',
}


def test_publication_fires_with_templates_substituted(
    broker: BrokerClient, receiver: Receiver, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    path = f"/publish/{foo}"
    broker.publish(foo, "0", [message_pact(foo, bar, "a")])  # so the pair can be scoped
    webhook = create(
        broker,
        {
            "events": [{"name": "contract_published"}, {"name": "contract_content_changed"}],
            "request": {
                "method": "POST",
                "url": receiver.url(path) + "?pact=${pactbroker.pactUrl}",
                "headers": {"X-Consumer": "${pactbroker.consumerName}"},
                "body": TEMPLATE_BODY,
            },
        },
        f"/webhooks/provider/{q(bar)}/consumer/{q(foo)}",
    )
    response = broker.post(
        "/contracts/publish",
        {
            "pacticipantName": foo,
            "pacticipantVersionNumber": "1",
            "branch": "feat/x",
            "tags": ["dev", "qa"],
            "buildUrl": "https://ci.example.test/builds/1",
            "contracts": [
                {
                    "consumerName": foo,
                    "providerName": bar,
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": b64(message_pact(foo, bar, "b")),
                }
            ],
        },
    )
    assert response.status_code == 200, response.text
    received = receiver.wait_for(path, 2)
    by_event = {r.json()["event"]: r for r in received}
    assert set(by_event) == {"contract_published", "contract_content_changed"}, [
        (r.json(), r.query) for r in received
    ]
    sent = by_event["contract_content_changed"]
    body = sent.json()
    assert body["consumer"] == foo and body["provider"] == bar
    assert body["consumerVersion"] == "1" and body["branch"] == "feat/x"
    assert body["tags"] == "dev, qa" and body["build"] == "https://ci.example.test/builds/1"
    assert body["github"] == "pending" and body["providerVersion"] == ""
    assert body["verificationUrl"] == "" and body["unknown"] == "${pactbroker.noSuchThing}"
    assert body["quoted"] == f'say "{foo}"'
    assert sent.headers["X-Consumer"] == foo
    assert sent.headers["Content-Type"] == "application/json"
    assert sent.query["pact"] == [body["pactUrl"]]  # percent-encoded in the URL, intact here
    pact = broker.http.get(body["pactUrl"])
    assert pact.status_code == 200 and pact.json()["consumer"]["name"] == foo
    assert body["pactUrl"].startswith(broker.url)

    docs = settled(broker, webhook, 2)
    assert {(t["eventName"], t["status"], t["attempts"]) for t in docs} == {
        ("contract_published", "success", 1),
        ("contract_content_changed", "success", 1),
    }
    log = logs(broker, docs[0])
    [execution] = log["executions"]
    assert execution["success"] is True and execution["response"]["status"] == 200
    assert execution["request"]["headers"]["X-Consumer"] == foo
    assert "HTTP 200" in log["logs"]

    # same content again: published, but not changed
    broker.publish(foo, "2", [message_pact(foo, bar, "b")])
    receiver.wait_for(path, 3)
    settled(broker, webhook, 3)
    time.sleep(0.3)
    events = [r.json()["event"] for r in receiver.at(path)]
    assert events.count("contract_content_changed") == 1
    assert events.count("contract_published") == 2

    status = broker.get(f"/pacts/provider/{q(bar)}/consumer/{q(foo)}/webhooks/status").json()
    assert status["summary"]["successful"] == 2 and status["summary"]["failed"] == 0, status


def test_disabled_and_unrelated_webhooks_do_not_fire(
    broker: BrokerClient, receiver: Receiver, names: Names
) -> None:
    foo, bar, other = names("Foo"), names("Bar"), names("Other")
    path = f"/quiet/{foo}"
    broker.publish(foo, "0", [message_pact(foo, bar)])
    broker.publish(other, "0", [message_pact(other, bar)])
    create(broker, hook(receiver.url(path), "contract_published", consumer={"name": other}))
    create(
        broker,
        {
            **hook(receiver.url(path), "contract_published", consumer={"name": foo}),
            "enabled": False,
        },
    )
    loud = f"/loud/{foo}"
    create(broker, hook(receiver.url(loud), "contract_published", consumer={"name": foo}))
    broker.publish(foo, "1", [message_pact(foo, bar)])
    receiver.wait_for(loud, 1)
    time.sleep(0.3)
    assert receiver.at(path) == []


def test_failures_are_retried_and_logged(
    broker: BrokerClient, receiver: Receiver, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    flaky, broken = f"/flaky/{foo}", f"/broken/{foo}"
    receiver.statuses[flaky] = [500, 200]
    receiver.statuses[broken] = [503]
    broker.publish(foo, "0", [message_pact(foo, bar)])
    recovers = create(
        broker, hook(receiver.url(flaky), "contract_published", consumer={"name": foo})
    )
    fails = create(broker, hook(receiver.url(broken), "contract_published", consumer={"name": foo}))
    broker.publish(foo, "1", [message_pact(foo, bar)])

    [ok] = settled(broker, recovers, 1)
    assert (ok["status"], ok["attempts"]) == ("success", 2)
    first, second = logs(broker, ok)["executions"]
    assert (first["attempt"], first["success"], first["response"]["status"]) == (1, False, 500)
    assert (second["attempt"], second["success"], second["response"]["status"]) == (2, True, 200)
    assert len(receiver.at(flaky)) == 2

    [failed] = settled(broker, fails, 1)
    assert (failed["status"], failed["attempts"]) == ("failure", 1 + len(RETRY_SCHEDULE))
    log = logs(broker, failed)
    assert [e["response"]["status"] for e in log["executions"]] == [503, 503, 503]
    assert log["logs"].count("HTTP 503") == 3
    status = broker.get(f"/pacts/provider/{q(bar)}/consumer/{q(foo)}/webhooks/status").json()
    assert status["summary"]["failed"] == 1 and status["summary"]["successful"] == 1


def test_retrying_is_visible_while_it_waits(
    broker: BrokerClient, receiver: Receiver, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    path = f"/slow/{foo}"
    receiver.statuses[path] = [500, 500, 200]
    broker.publish(foo, "0", [message_pact(foo, bar)])
    webhook = create(broker, hook(receiver.url(path), "contract_published", consumer={"name": foo}))
    broker.publish(foo, "1", [message_pact(foo, bar)])
    [waiting] = settled(broker, webhook, 1, done=lambda t: t["status"] != "pending")
    assert waiting["status"] in ("retrying", "success")
    if waiting["status"] == "retrying":
        assert waiting["nextAttemptAt"] is not None
    [done] = settled(broker, webhook, 1)
    assert (done["status"], done["attempts"]) == ("success", 3)


def test_verification_events(broker: BrokerClient, receiver: Receiver, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    path = f"/verified/{foo}"
    broker.publish(foo, "1", [message_pact(foo, bar)], branch="main")
    webhook = create(
        broker,
        hook(
            receiver.url(path),
            "provider_verification_published",
            "provider_verification_succeeded",
            "provider_verification_failed",
            provider={"name": bar},
            request={"method": "POST", "url": receiver.url(path), "body": TEMPLATE_BODY},
        ),
    )
    broker.branch(bar, "7", "main")
    verification = broker.verify(broker.pact(bar, foo, "1"), "7", success=True)
    received = receiver.wait_for(path, 2)
    by_event = {r.json()["event"]: r.json() for r in received}
    assert set(by_event) == {"provider_verification_published", "provider_verification_succeeded"}
    body = by_event["provider_verification_succeeded"]
    assert body["providerVersion"] == "7" and body["providerBranch"] == "main"
    assert body["github"] == "success" and body["consumerVersion"] == "1"
    assert body["verificationUrl"] == verification["_links"]["self"]["href"]
    assert broker.http.get(body["verificationUrl"]).status_code == 200

    broker.verify(broker.pact(bar, foo, "1"), "8", success=False)
    received = receiver.wait_for(path, 4)
    failed = [r.json() for r in received if r.json()["event"] == "provider_verification_failed"]
    assert len(failed) == 1
    assert failed[0]["github"] == "failure" and failed[0]["providerVersion"] == "8"
    assert len(settled(broker, webhook, 4)) == 4


def test_contract_requiring_verification_published(
    broker: BrokerClient, receiver: Receiver, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    path = f"/requiring/{foo}"
    env = names("production")
    env_uuid = broker.environment(env, production=True)
    broker.publish(foo, "1", [message_pact(foo, bar, "a")])
    broker.branch(bar, "head", "main")  # the provider's main branch
    broker.deploy(bar, "live", env_uuid)
    broker.verify(broker.pact(bar, foo, "1"), "live")  # "live" verified the old content
    create(
        broker,
        hook(
            receiver.url(path),
            "contract_requiring_verification_published",
            provider={"name": bar},
            request={"method": "POST", "url": receiver.url(path), "body": TEMPLATE_BODY},
        ),
    )
    broker.publish(foo, "2", [message_pact(foo, bar, "b")])  # new content
    received = receiver.wait_for(path, 2)
    by_version = {r.json()["providerVersion"]: r.json() for r in received}
    assert set(by_version) == {"head", "live"}
    assert by_version["head"]["descriptions"] == "latest from main branch"
    assert by_version["head"]["providerBranch"] == "main" and by_version["head"]["deployed"] == ""
    assert by_version["live"]["descriptions"] == f"deployed in {env}"
    assert by_version["live"]["deployed"] == "live"
    assert by_version["live"]["consumerVersion"] == "2"

    # "head" verified "b": publishing "b" again only needs "live"; then neither for "a"
    broker.verify(broker.pact(bar, foo, "2"), "head")
    broker.publish(foo, "3", [message_pact(foo, bar, "b")])
    third = receiver.wait_for(path, 3)[2].json()
    assert (third["consumerVersion"], third["providerVersion"]) == ("3", "live")
    broker.verify(broker.pact(bar, foo, "1"), "head")
    broker.publish(foo, "4", [message_pact(foo, bar, "a")])
    time.sleep(0.5)
    assert len(receiver.at(path)) == 3


def test_execute_sends_once_now(broker: BrokerClient, receiver: Receiver, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    ok, bad = f"/execute-ok/{foo}", f"/execute-bad/{foo}"
    receiver.statuses[bad] = [500]
    broker.publish(foo, "3", [message_pact(foo, bar)])
    good = create(
        broker,
        hook(
            receiver.url(ok),
            consumer={"name": foo},
            request={"method": "POST", "url": receiver.url(ok), "body": TEMPLATE_BODY},
        ),
    )
    result = broker.http.post(good["_links"]["pb:execute"]["href"])
    assert result.status_code == 200, result.text
    doc = result.json()
    assert doc["success"] is True and doc["response"]["status"] == 200
    assert json.loads(doc["response"]["body"])["received"] == ok
    sent = receiver.wait_for(ok, 1)[0].json()
    assert sent["consumer"] == foo and sent["consumerVersion"] == "3"
    assert doc["_embedded"]["triggeredWebhook"]["triggerType"] == "manual"
    assert "HTTP 200" in doc["logs"]

    failing = create(broker, hook(receiver.url(bad), consumer={"name": foo}))
    result = broker.http.post(failing["_links"]["pb:execute"]["href"])
    assert result.status_code == 200 and result.json()["success"] is False
    time.sleep(RETRY_SCHEDULE[0] + 0.3)
    assert len(receiver.at(bad)) == 1  # a test execution is not retried
    [done] = triggered(broker, failing)
    assert (done["status"], done["attempts"]) == ("failure", 1)
    assert broker.post("/webhooks/no-such-webhook-uuid/execute").status_code == 404


def test_the_official_cli_creates_tests_and_deletes_webhooks(
    broker: BrokerClient, receiver: Receiver, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    path = f"/cli/{foo}"
    broker.publish(foo, "1", [message_pact(foo, bar)])
    pact_cli(
        broker,
        "create-webhook",
        receiver.url(path) + "?c=${pactbroker.consumerName}",
        "-X",
        "POST",
        "-H",
        "Content-Type: application/json",
        "-d",
        '{"p": "${pactbroker.providerName}"}',
        "--user",
        "ci:pw",
        "--consumer",
        foo,
        "--provider",
        bar,
        "--contract-published",
        "--description",
        "from the CLI",
    )
    listed = broker.get(f"/webhooks/provider/{q(bar)}/consumer/{q(foo)}").json()
    [doc] = listed["_embedded"]["webhooks"]
    assert doc["description"] == "from the CLI" and doc["request"]["password"] == "**********"
    assert doc["events"] == [{"name": "contract_published"}]

    tested = pact_cli(broker, "test-webhook", "--uuid", doc["uuid"])
    assert '"success":true' in tested.stdout.replace(" ", "")
    sent = receiver.wait_for(path, 1)[0]
    assert sent.query["c"] == [foo] and sent.json() == {"p": bar}
    assert sent.headers["Authorization"] == "Basic Y2k6cHc="  # ci:pw
    broker.publish(foo, "2", [message_pact(foo, bar)])
    receiver.wait_for(path, 2)

    pact_cli(broker, "delete-webhook", "--uuid", doc["uuid"])
    assert broker.get(f"/webhooks/{doc['uuid']}").status_code == 404


def pact_cli(broker: BrokerClient, *args: str) -> subprocess.CompletedProcess[str]:
    if PACT_BIN is None:
        pytest.fail("the official `pact` CLI is missing: pip install pact-python-cli")
    result = subprocess.run(
        [PACT_BIN, "broker", *args, "-b", broker.url],
        capture_output=True,
        text=True,
        timeout=120,
        env={"PACT_DO_NOT_TRACK": "true", "PATH": "/usr/bin:/bin"},
    )
    assert result.returncode == 0, f"{args}\n{result.stdout}\n{result.stderr}"
    return result


# --- the allowlist -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://93.184.215.14/hook", "scheme 'http' is not allowed"),
        ("https://127.0.0.1/hook", "127.0.0.1, a private, loopback or link-local"),
        ("https://localhost:8080/hook", "loopback"),
        ("https://127.1/hook", "loopback"),
        ("https://10.1.2.3/hook", "private"),
        ("https://192.168.0.1/hook", "private"),
        ("https://169.254.169.254/latest/meta-data", "link-local"),
        ("https://[::1]/hook", "loopback"),
        ("https://[::ffff:127.0.0.1]/hook", "loopback"),
        ("https://[fe80::1]/hook", "link-local"),
        ("https://0.0.0.0/hook", "private"),
    ],
)
def test_private_addresses_and_plain_http_are_refused_by_default(
    strict: BrokerClient, url: str, reason: str
) -> None:
    response = strict.post("/webhooks", hook(url))
    assert response.status_code == 400, response.text
    [message] = response.json()["errors"]["request.url"]
    assert reason in message


def test_public_https_hosts_are_allowed_by_default(strict: BrokerClient) -> None:
    created = create(strict, hook("https://93.184.215.14/hook"))
    assert created["request"]["url"] == "https://93.184.215.14/hook"
    # a name that does not resolve (yet) can be saved: every execution checks it again
    unresolved = create(strict, hook("https://ci.invalid/hook"))
    for doc in (created, unresolved):  # global webhooks: tidy up
        assert strict.http.delete(doc["_links"]["self"]["href"]).status_code == 204


def test_the_allowlist_admits_only_what_it_lists(broker: BrokerClient) -> None:
    assert broker.post("/webhooks", hook("http://10.0.0.1/x")).status_code == 400
    refused = broker.post("/webhooks", hook("https://93.184.215.14/x"))
    assert "not on the webhook host allowlist" in refused.json()["errors"]["request.url"][0]
    # names listed as *.example.test are trusted without resolving them
    listed = create(broker, hook("https://ci.example.test/x"))
    assert broker.http.delete(listed["_links"]["self"]["href"]).status_code == 204


def test_execution_refuses_a_target_the_policy_does_not_allow(
    broker: BrokerClient, strict: BrokerClient, receiver: Receiver, names: Names
) -> None:
    """Saved where loopback was allowed, executed by a process where it is not: nothing is
    sent, and the refusal is logged (once: retrying cannot help)."""
    foo, bar = names("Foo"), names("Bar")
    path = f"/refused/{foo}"
    broker.publish(foo, "0", [message_pact(foo, bar)])
    webhook = create(broker, hook(receiver.url(path), "contract_published", consumer={"name": foo}))
    result = strict.http.post(strict.url + f"/webhooks/{webhook['uuid']}/execute").json()
    assert result["success"] is False and result["response"] is None
    assert "not sent" in result["error"] and "scheme 'http'" in result["error"]

    strict.publish(foo, "1", [message_pact(foo, bar)])
    docs = settled(broker, webhook, 2)
    assert all(t["status"] == "failure" and t["attempts"] == 1 for t in docs)
    for doc in docs:
        [execution] = logs(broker, doc)["executions"]
        assert execution["response"] is None and "not sent" in execution["error"]
    time.sleep(RETRY_SCHEDULE[0] + 0.2)
    assert receiver.at(path) == []


# --- units: no server needed ----------------------------------------------------------------


def test_address_classification() -> None:
    import ipaddress

    from accord.broker.webhooks.allowlist import is_public

    for text in ("8.8.8.8", "93.184.215.14", "2606:4700::1111", "::ffff:8.8.8.8"):
        assert is_public(ipaddress.ip_address(text)), text
    for text in (
        "127.0.0.1",
        "10.0.0.1",
        "172.16.0.1",
        "192.168.1.1",
        "169.254.169.254",
        "100.64.0.1",
        "0.0.0.0",
        "224.0.0.1",
        "255.255.255.255",
        "::1",
        "::",
        "fe80::1",
        "fc00::1",
        "::ffff:169.254.169.254",
        "64:ff9b::a00:1",  # NAT64 of 10.0.0.1
        "2002:7f00:1::1",  # 6to4 of 127.0.0.1
        "ff02::1",
    ):
        assert not is_public(ipaddress.ip_address(text)), text


def test_allowlist_entries() -> None:
    from accord.broker.webhooks.allowlist import Allowlist, Refused, Target

    allow = Allowlist.from_settings(
        Settings(webhook_host_allowlist=("ci.internal", "*.corp.test", "10.0.0.0/8", "::1"))
    )
    assert allow.listed_by_name("CI.internal") and allow.listed_by_name("a.b.corp.test")
    assert not allow.listed_by_name("corp.test.evil") and not allow.listed_by_name("xci.internal")
    allow.check_host(Target("https", "10.2.3.4", 443), 1.0)
    allow.check_host(Target("https", "::1", 443), 1.0)
    with pytest.raises(Refused, match="allowlist"):
        allow.check_host(Target("https", "11.0.0.1", 443), 1.0)


def test_templates_escape_for_where_they_go() -> None:
    from accord.broker.webhooks.model import RequestTemplate
    from accord.broker.webhooks.templates import render_request

    values = {"pactUrl": "http://b/pacts/x y?a=1&b=2", "consumerName": 'Foo "\r\nX-Evil: 1'}
    rendered = render_request(
        RequestTemplate(
            "POST",
            "https://ci/x?u=${pactbroker.pactUrl}",
            {"X-C": "${pactbroker.consumerName}"},
            {"c": "${pactbroker.consumerName}", "${pactbroker.consumerName}": [1, True, None]},
            None,
            None,
        ),
        values,
    )
    assert rendered.url == "https://ci/x?u=http%3A%2F%2Fb%2Fpacts%2Fx%20y%3Fa%3D1%26b%3D2"
    assert "\n" not in rendered.headers["X-C"] and "\r" not in rendered.headers["X-C"]
    assert rendered.content is not None
    assert json.loads(rendered.content) == {
        "c": values["consumerName"],
        values["consumerName"]: [1, True, None],
    }
    text = render_request(
        RequestTemplate("POST", "https://ci/", {}, "name=${pactbroker.consumerName}", "u", None),
        {"consumerName": "Foo"},
    )
    assert text.content == b"name=Foo" and "Content-Type" not in text.headers
