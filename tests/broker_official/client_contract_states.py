"""Provider states of the official client's contract ("Pact Broker Client V2" -> "Pact
Broker"), set up in accord's broker the way the Pact Broker's own ``TestDataBuilder`` sets
them up (``spec/service_consumers/shared_provider_states.rb`` in pact-foundation/
pact_broker), plus the query-string shim the Pact Broker's own verification uses.

Every setup starts from an empty broker: all tables are wiped, then the state is built
through the broker's HTTP API. Only what the API cannot express goes straight to the
database: the fixed UUID of a deployed version (the API always generates one).
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit

import httpx
import sqlalchemy as sa

from accord.broker.db.schema import deployed_versions, metadata

FOO_SHA = "5556b8149bf8bac76bc30f50a8a2dd4c22c85f30"
ENV_16926 = "16926ef3-590f-4e3f-838e-719717aa88c9"
ENV_CB632 = "cb632df3-0a0d-4227-aac3-60114dd36479"
DEPLOYED_FF3 = "ff3adecf-cfc5-4653-a4e3-f1861092f8e0"
WEBHOOK_UUID = "696c5f93-1b7f-44bc-8d03-59440fcaa9a0"
PRICING_SERVICE_REPO = "git@git.realestate.com.au:business-systems/pricing-service"


def q(value: str) -> str:
    return quote(value, safe="")


class Seed:
    """Builds broker data over HTTP (and wipes it directly in the database)."""

    def __init__(self, http: httpx.Client, engine: sa.Engine) -> None:
        self.http = http
        self.engine = engine
        self._content = itertools.count(1)

    def _ok(self, response: httpx.Response) -> Any:
        assert response.status_code < 300, (
            f"{response.request.method} {response.request.url}: "
            f"{response.status_code} {response.text}"
        )
        return response.json() if response.content else None

    def wipe(self) -> None:
        with self.engine.begin() as conn:
            for table in reversed(metadata.sorted_tables):
                conn.execute(table.delete())

    def pacticipant(self, name: str, **fields: Any) -> None:
        self._ok(self.http.patch(f"/pacticipants/{q(name)}", json=fields))

    def version(self, name: str, number: str, *, branch: str | None = None) -> None:
        self._ok(self.http.put(f"/pacticipants/{q(name)}/versions/{q(number)}", json={}))
        if branch is not None:
            self._ok(
                self.http.put(
                    f"/pacticipants/{q(name)}/branches/{q(branch)}/versions/{q(number)}", json={}
                )
            )

    def tag(self, name: str, number: str, tag: str) -> None:
        self._ok(self.http.put(f"/pacticipants/{q(name)}/versions/{q(number)}/tags/{q(tag)}"))

    def pact(self, consumer: str, number: str, provider: str, *, empty: bool = False) -> None:
        """A V2 pact; ``empty`` gives ``interactions: []``, otherwise unique content."""
        interactions = []
        if not empty:
            n = next(self._content)
            interactions = [
                {
                    "description": f"a request {n}",
                    "request": {"method": "GET", "path": f"/things/{n}"},
                    "response": {"status": 200, "body": {"n": n}},
                }
            ]
        doc = {
            "consumer": {"name": consumer},
            "provider": {"name": provider},
            "interactions": interactions,
            "metadata": {"pactSpecification": {"version": "2.0.0"}},
        }
        self._ok(
            self.http.put(
                f"/pacts/provider/{q(provider)}/consumer/{q(consumer)}/version/{q(number)}",
                json=doc,
            )
        )

    def verify(
        self, consumer: str, number: str, provider: str, provider_version: str, success: bool = True
    ) -> None:
        doc = self._ok(
            self.http.get(
                f"/pacts/provider/{q(provider)}/consumer/{q(consumer)}/version/{q(number)}"
            )
        )
        # hrefs are absolute for the broker's public URL; follow them on the real address
        href = urlsplit(doc["_links"]["pb:publish-verification-results"]["href"]).path
        self._ok(
            self.http.post(
                href, json={"success": success, "providerApplicationVersion": provider_version}
            )
        )

    def environment(
        self,
        name: str,
        uuid: str | None = None,
        *,
        contacts: list[dict[str, Any]] | None = None,
        display_name: str | None = None,
        production: bool = False,
    ) -> str:
        body: dict[str, Any] = {"name": name, "production": production}
        if uuid is not None:
            body["uuid"] = uuid
        if contacts is not None:
            body["contacts"] = contacts
        if display_name is not None:
            body["displayName"] = display_name
        return str(self._ok(self.http.post("/environments", json=body))["uuid"])

    def deploy(
        self, name: str, number: str, env_uuid: str, *, uuid: str, instance: str | None = None
    ) -> None:
        body = {"applicationInstance": instance} if instance else {}
        created = self._ok(
            self.http.post(
                f"/pacticipants/{q(name)}/versions/{q(number)}"
                f"/deployed-versions/environment/{env_uuid}",
                json=body,
            )
        )
        with self.engine.begin() as conn:
            conn.execute(
                sa.update(deployed_versions)
                .where(deployed_versions.c.uuid == created["uuid"])
                .values(uuid=uuid)
            )

    def webhook(self, uuid: str, consumer: str, provider: str) -> None:
        self._ok(
            self.http.put(
                f"/webhooks/{uuid}",
                json={
                    "description": "a webhook",
                    "consumer": {"name": consumer},
                    "provider": {"name": provider},
                    "events": [{"name": "contract_content_changed"}],
                    "request": {"method": "POST", "url": "https://webhook", "body": {"a": 1}},
                },
            )
        )


# --- the states --------------------------------------------------------------------------


def _verified_by_456(foo: str) -> Callable[[Seed], None]:
    def build(s: Seed) -> None:
        s.pact(foo, "1.2.3", "Bar")
        s.verify(foo, "1.2.3", "Bar", "4.5.6")
        s.verify(foo, "1.2.3", "Bar", "7.8.9")
        s.version(foo, "2.0.0")
        s.pact(foo, "2.0.0", "Bar")
        s.verify(foo, "2.0.0", "Bar", "4.5.6")

    return build


def _ok_456_failed_999(*, tag_prod: bool) -> Callable[[Seed], None]:
    def build(s: Seed) -> None:
        s.pact("Foo", "1.2.3", "Bar")
        s.verify("Foo", "1.2.3", "Bar", "4.5.6")
        if tag_prod:
            s.tag("Bar", "4.5.6", "prod")
        s.pact("Foo", "1.2.4", "Bar")
        s.verify("Foo", "1.2.4", "Bar", "9.9.9", success=False)

    return build


def _foo_123_and_124_by_456(s: Seed) -> None:
    s.pact("Foo", "1.2.3", "Bar")
    s.verify("Foo", "1.2.3", "Bar", "4.5.6")
    s.pact("Foo", "1.2.4", "Bar")
    s.verify("Foo", "1.2.4", "Bar", "4.5.6")


def _by_456_and_567(*, tag_prod: bool) -> Callable[[Seed], None]:
    def build(s: Seed) -> None:
        s.pact("Foo", "1.2.3", "Bar")
        s.verify("Foo", "1.2.3", "Bar", "4.5.6")
        if tag_prod:
            s.tag("Bar", "4.5.6", "prod")
        s.verify("Foo", "1.2.3", "Bar", "5.6.7")

    return build


def _ignore_345(s: Seed) -> None:
    s.pacticipant("Foo")
    s.pacticipant("Bar")
    s.tag("Foo", "1.2.3", "prod")
    s.pact("Foo", "1.2.3", "Bar")
    s.verify("Foo", "1.2.3", "Bar", "4.5.6")
    s.tag("Foo", "3.4.5", "prod")
    s.pact("Foo", "3.4.5", "Bar")
    s.verify("Foo", "3.4.5", "Bar", "4.5.6", success=False)


def _condor_pact(*, tag: str | None = None) -> Callable[[Seed], None]:
    def build(s: Seed) -> None:
        s.version("Condor", "1.3.0")
        if tag is not None:
            s.tag("Condor", "1.3.0", tag)
        s.pacticipant("Pricing Service", repositoryUrl=PRICING_SERVICE_REPO)
        s.pact("Condor", "1.3.0", "Pricing Service", empty=True)

    return build


def _both_exist(s: Seed) -> None:
    s.pacticipant("Condor")
    s.pacticipant("Pricing Service")


def _pricing_service(s: Seed) -> None:
    s.pacticipant("Pricing Service", repositoryUrl=PRICING_SERVICE_REPO)
    s.version("Pricing Service", "1.3.0")


def _condor_with_version(s: Seed) -> None:
    s.version("Condor", "1.3.0")


def _condor_tagged_prod(s: Seed) -> None:
    s.tag("Condor", "1.3.0", "prod")


def _condor_latest_production_123(s: Seed) -> None:
    s.tag("Condor", "1.2.3", "production")
    s.version("Condor", "2.0.0")


def _condor_latest_123(s: Seed) -> None:
    s.version("Condor", "1.0.0")
    s.version("Condor", "1.2.3")


def _foo(s: Seed) -> None:
    s.pacticipant("Foo")


def _foo_branch_main(s: Seed) -> None:
    s.version("Foo", "1", branch="main")


def _env_test_16926(s: Seed) -> None:
    s.environment("test", ENV_16926)


def _env_test(s: Seed) -> None:
    s.environment("test")


def _env_with_contacts(s: Seed) -> None:
    s.environment("test", contacts=[{"name": "foo", "details": {"emailAddress": "foo@bar.com"}}])


def _foo_sha_with_test_env(uuid: str) -> Callable[[Seed], None]:
    def build(s: Seed) -> None:
        s.version("Foo", FOO_SHA)
        s.environment("test", uuid)

    return build


def _foo_sha_with_prod_and_dev(s: Seed) -> None:
    s.version("Foo", FOO_SHA)
    s.environment("prod")
    s.environment("dev")


def _deployed_customer_1(s: Seed) -> None:
    s.environment("test", ENV_16926)
    s.version("Foo", FOO_SHA)
    s.deploy("Foo", FOO_SHA, ENV_16926, uuid=DEPLOYED_FF3, instance="customer-1")


def _currently_deployed(s: Seed) -> None:
    s.environment("test", ENV_CB632)
    s.version("Foo", FOO_SHA)
    s.deploy("Foo", FOO_SHA, ENV_CB632, uuid=DEPLOYED_FF3)


def _webhook(s: Seed) -> None:
    _both_exist(s)
    s.webhook(WEBHOOK_UUID, "Condor", "Pricing Service")


def _nothing(s: Seed) -> None:
    pass


STATES: dict[str, Callable[[Seed], None]] = {
    # index relations and "does not exist" states: an empty broker is the state
    "": _nothing,
    "the pacticipant relations are present": _nothing,
    "the pb:environments relation exists in the index resource": _nothing,
    "the pb:latest-tagged-version relation exists in the index resource": _nothing,
    "the pb:latest-version relation exists in the index resource": _nothing,
    "the pb:pacticipant-branch relation exists in the index resource": _nothing,
    "the pb:pacticipant-version and pb:environments relations exist in the index resource": (
        _nothing
    ),
    "the pb:publish-contracts relations exists in the index resource": _nothing,
    "'Condor' does not exist in the pact-broker": _nothing,
    "the 'Pricing Service' does not exist in the pact-broker": _nothing,
    "no pact between Condor and the Pricing Service exists": _nothing,
    # the matrix
    "the pact for Foo Thing version 1.2.3 has been verified by Bar version 4.5.6": (
        _verified_by_456("Foo Thing")
    ),
    "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6": _verified_by_456(
        "Foo"
    ),
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 with "
    "tag prod, and 1.2.4 unsuccessfully by 9.9.9": _ok_456_failed_999(tag_prod=True),
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6, and "
    "1.2.4 unsuccessfully by 9.9.9": _ok_456_failed_999(tag_prod=False),
    "the pact for Foo version 1.2.3 has been successfully verified by Bar version 4.5.6 "
    "(tagged prod) and version 5.6.7": _by_456_and_567(tag_prod=True),
    "the pact for Foo version 1.2.3 has been verified by Bar version 4.5.6 and version 5.6.7": (
        _by_456_and_567(tag_prod=False)
    ),
    "the pact for Foo version 1.2.3 and 1.2.4 has been verified by Bar version 4.5.6": (
        _foo_123_and_124_by_456
    ),
    "provider Bar version 4.5.6 has a successful verification for Foo version 1.2.3 tagged prod "
    "and a failed verification for version 3.4.5 tagged prod": _ignore_345,
    # pacts
    "a latest pact between Condor and the Pricing Service exists": _condor_pact(),
    "a pact between Condor and the Pricing Service exists": _condor_pact(),
    "the 'Pricing Service' and 'Condor' already exist in the pact-broker, and Condor already "
    "has a pact published for version 1.3.0": _condor_pact(),
    "tagged as prod pact between Condor and the Pricing Service exists": _condor_pact(tag="prod"),
    "a pact between Condor and the Pricing Service exists for the production version of "
    "Condor": _condor_pact(tag="prod"),
    # pacticipants, versions, tags, branches
    "the 'Pricing Service' and 'Condor' already exist in the pact-broker": _both_exist,
    "the 'Pricing Service' already exists in the pact-broker": _pricing_service,
    "'Condor' exists in the pact-broker": _condor_with_version,
    "'Condor' exists in the pact-broker with version 1.3.0, tagged with 'prod'": (
        _condor_tagged_prod
    ),
    "'Condor' exists in the pact-broker with the latest tagged 'production' version 1.2.3": (
        _condor_latest_production_123
    ),
    "'Condor' exists in the pact-broker with the latest version 1.2.3": _condor_latest_123,
    "a pacticipant with name Foo exists": _foo,
    "a branch named main exists for pacticipant Foo": _foo_branch_main,
    # environments, deployments, releases
    f"an environment with name test and UUID {ENV_16926} exists": _env_test_16926,
    "an environment with name test exists": _env_test,
    "an environment exists": _env_with_contacts,
    f"version {FOO_SHA} of pacticipant Foo exists with a test environment available for "
    "deployment": _foo_sha_with_test_env(ENV_CB632),
    f"version {FOO_SHA} of pacticipant Foo exists with a test environment available for "
    "release": _foo_sha_with_test_env(ENV_16926),
    f"version {FOO_SHA} of pacticipant Foo exists with 2 environments that aren't test "
    "available for deployment": _foo_sha_with_prod_and_dev,
    f"an version is deployed to environment with UUID {ENV_16926} with target customer-1": (
        _deployed_customer_1
    ),
    "a currently deployed version exists": _currently_deployed,
    # webhooks
    f"a webhook with the uuid {WEBHOOK_UUID} exists": _webhook,
}


# --- the matrix query-string shim ----------------------------------------------------------

# The pact stores each /matrix query with its keys sorted (and the Rust verifier may reorder
# keys again), which loses which version belongs to which pacticipant. The Pact Broker's own
# verification of this pact restores the intended order with a fixed table
# (QUERY_STRING_REPLACEMENTS in spec/service_consumers/hal_relation_proxy_app.rb); this is
# the same table, keyed by the multiset of (key, value) pairs so key order does not matter.
_P, _V, _L, _T = "q[][pacticipant]", "q[][version]", "q[][latest]", "q[][tag]"
_INTENDED: list[list[tuple[str, str]]] = [
    [(_P, "Foo Thing"), (_V, "1.2.3"), (_P, "Bar"), (_V, "4.5.6"), ("latestby", "cvpv")],
    [(_P, "Foo"), (_V, "1.2.3"), (_P, "Bar"), (_V, "4.5.6"), ("latestby", "cvpv")],
    [(_P, "Foo"), (_V, "1.2.3"), (_P, "Bar"), (_V, "9.9.9"), ("latestby", "cvpv")],
    [(_P, "Wiffle"), (_V, "1.2.3"), (_P, "Meep"), (_V, "9.9.9"), ("latestby", "cvpv")],
    [
        (_P, "Foo"),
        (_V, "1.2.3"),
        (_P, "Bar"),
        (_L, "true"),
        (_T, "prod"),
        ("latestby", "cvpv"),
    ],
    [(_P, "Foo"), (_V, "1.2.4"), (_P, "Bar"), (_L, "true"), ("latestby", "cvpv")],
    [
        (_P, "Bar"),
        (_V, "4.5.6"),
        (_P, "Foo"),
        (_T, "prod"),
        ("latestby", "cvpv"),
        ("ignore[][pacticipant]", "Foo"),
        ("ignore[][version]", "3.4.5"),
    ],
]
QUERY_REORDERING: dict[tuple[tuple[str, str], ...], list[tuple[str, str]]] = {
    tuple(sorted(pairs)): pairs for pairs in _INTENDED
}


def reorder_matrix_query(app: Any) -> Any:
    """ASGI middleware: give the key-sorted /matrix queries of the pact their intended order."""

    async def middleware(scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] == "http" and scope.get("path") == "/matrix":
            raw = scope.get("query_string", b"").decode("latin-1")
            pairs = parse_qsl(raw, keep_blank_values=True)
            intended = QUERY_REORDERING.get(tuple(sorted(pairs)))
            if intended is not None:
                scope = dict(scope, query_string=urlencode(intended).encode("latin-1"))
        await app(scope, receive, send)

    return middleware
