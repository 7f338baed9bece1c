"""Steps for the ``http_provider`` features (V1-V4): accord's ``Verifier`` over real HTTP.

"A provider" is a real HTTP server on loopback (:class:`~tests.compat.loopback.ReplayServer`)
answering with the responses of the chosen interactions; accord's verifier replays each pact
request against it (``verify(..., base_url=...)``). Pact files are accord models written to
disk. A "Pact broker" is the same kind of server playing the broker client's own contract
(``pact-broker_cN.json``) plus the pact document itself, so accord's broker client and
result publishing run for real and must satisfy that contract. The "provider state
callback" is a real state-change endpoint, called through the official verifier's
``--state-change-url`` protocol.

Test modules define an ``http_spec`` fixture and import these steps with
``from tests.compat.steps_http_provider import *``.
"""

from __future__ import annotations

import contextlib
import io
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest
from pytest_bdd import given, parsers, then, when

from accord import Verifier
from accord.cli.output import Painter
from accord.cli.verify_cmd import ConsoleReporter
from accord.model import (
    Body,
    HttpInteraction,
    HttpRequest,
    HttpResponse,
    Pact,
    ProviderState,
    dumps_pact,
    load_pact,
    write_pact,
)
from accord.model.rules import Generators, MatchingRules
from accord.provider.results import InteractionResult, Outcome, VerificationResult
from tests.compat.http_tables import Row, defined_interactions, interaction
from tests.compat.loopback import ReplayServer, StateChangeServer
from tests.compat.support import (
    SUITE,
    World,
    body_from_cell,
    headers_from_cell,
    quoted,
    rows,
    unescape,
)

PROVIDER = "p"
PROVIDER_VERSION = "1.2.3"

ERROR_CATEGORIES: dict[str, Callable[[InteractionResult], bool]] = {
    "Response status did not match": lambda r: any(m.kind == "status" for m in r.mismatches),
    "Headers had differences": lambda r: any(m.kind == "header" for m in r.mismatches),
    "Body had differences": lambda r: any(m.kind in ("body", "body-type") for m in r.mismatches),
    "State change request failed": lambda r: (
        r.outcome is Outcome.ERROR and "state change for" in (r.error or "")
    ),
}
"""The suite's verifier error categories, in terms of accord's mismatch kinds and errors."""


@dataclass
class Broker:
    number: int
    server: ReplayServer


@dataclass
class HttpProviderTest:
    spec: str
    pact_dir: Path
    rows: dict[int, Row] = field(default_factory=dict)
    provider: ReplayServer | None = None
    pact_files: list[Path] = field(default_factory=list)
    brokers: list[Broker] = field(default_factory=list)
    publish: bool = False
    states: StateChangeServer | None = None
    filter_headers: dict[str, list[str]] = field(default_factory=dict)
    results: list[VerificationResult] = field(default_factory=list)
    console: str = ""
    servers: list[Any] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    """What the provider and the state endpoint received, in order."""

    def interaction(self, number: int) -> HttpInteraction:
        if number not in self.rows:
            pytest.fail(f"the scenario defines no interaction {number}")
        return interaction(self.rows[number], number)

    def verified(self) -> list[VerificationResult]:
        assert self.results, "the verification was never run"
        return self.results

    def interaction_results(self) -> list[InteractionResult]:
        return [r for result in self.verified() for r in result.results]

    def report(self) -> str:
        return "\n".join(result.report() for result in self.verified())


@pytest.fixture
def http_provider(world: World, http_spec: str, tmp_path: Path) -> Iterator[HttpProviderTest]:
    test = world.data.get("http provider")
    if test is None:
        test = world.data["http provider"] = HttpProviderTest(http_spec, tmp_path / "pacts")
    assert isinstance(test, HttpProviderTest)
    yield test
    for server in test.servers:
        server.close()
    test.servers.clear()


# ------------------------------------------------------------------------------------------
# the provider


@given("the following HTTP interactions have been defined:")
def interactions_defined(http_provider: HttpProviderTest, datatable: list[list[str]]) -> None:
    http_provider.rows = defined_interactions(datatable)


def _numbers(text: str) -> list[int]:
    return [int(part) for part in text.replace('"', "").split(",") if part.strip()]


def _start_provider(test: HttpProviderTest, interactions: list[HttpInteraction]) -> None:
    test.provider = ReplayServer(interactions, test.log, "provider")
    test.servers.append(test.provider)


@given(
    parsers.re(
        r"a provider is started that returns the responses? from interactions? "
        r"\"?(?P<numbers>[\d, ]+)\"?$"
    )
)
def provider_started(http_provider: HttpProviderTest, numbers: str) -> None:
    test = http_provider
    _start_provider(test, [test.interaction(n) for n in _numbers(numbers)])


@given(
    parsers.re(
        r"a provider is started that returns the response from interaction (?P<number>\d+), "
        r"with the following changes:"
    )
)
def provider_started_with_changes(
    http_provider: HttpProviderTest, number: str, datatable: list[list[str]]
) -> None:
    test = http_provider
    found = test.interaction(int(number))
    (changes,) = rows(datatable)
    response = found.response
    for column, cell in changes.items():
        if column == "response":
            response.status = int(cell)
        elif column == "response headers":
            # New header values are added to the ones the interaction already has.
            headers = dict(response.headers or {})
            for name, values in (headers_from_cell(cell) or {}).items():
                key = next((k for k in headers if k.lower() == name.lower()), name)
                headers[key] = [*headers.get(key, []), *values]
            response.headers = headers
        elif column == "response body":
            body = body_from_cell(cell)
            response.body = body
            headers = {
                k: v for k, v in (response.headers or {}).items() if k.lower() != "content-type"
            }
            if body is not None and body.content_type:
                headers["Content-Type"] = [body.content_type]
            response.headers = headers
        else:
            pytest.fail(f"the harness cannot change {column!r} of a provider's response")
    _start_provider(test, [found])


# ------------------------------------------------------------------------------------------
# the pact files


def _write(test: HttpProviderTest, number: int, found: HttpInteraction) -> Path:
    pact = Pact(f"c_{number}", PROVIDER, [found])
    path = write_pact(pact, test.pact_dir / f"c_{number}", spec=test.spec, overwrite=True)
    test.pact_files.append(path)
    return path


_PACT_FOR = r"a Pact file for interaction (?P<number>\d+) is to be verified"


@given(parsers.re(_PACT_FOR + "$"))
def pact_file(http_provider: HttpProviderTest, number: str) -> None:
    test = http_provider
    _write(test, int(number), test.interaction(int(number)))


@given(parsers.re(_PACT_FOR + r" with a provider state " + quoted("state") + r" defined"))
def pact_file_with_state(http_provider: HttpProviderTest, number: str, state: str) -> None:
    test = http_provider
    found = test.interaction(int(number))
    found.provider_states.append(ProviderState(unescape(state)))
    _write(test, int(number), found)


@given(parsers.re(_PACT_FOR + r" with the following provider states defined:"))
def pact_file_with_states(
    http_provider: HttpProviderTest, number: str, datatable: list[list[str]]
) -> None:
    test = http_provider
    found = test.interaction(int(number))
    for row in rows(datatable):
        params = json.loads(row["Parameters"]) if row.get("Parameters") else {}
        found.provider_states.append(ProviderState(row["State Name"].strip(), params))
    _write(test, int(number), found)


@given(parsers.re(_PACT_FOR + r", but is marked pending"))
def pact_file_pending(http_provider: HttpProviderTest, number: str) -> None:
    test = http_provider
    found = test.interaction(int(number))
    found.pending = True
    _write(test, int(number), found)


@given(parsers.re(_PACT_FOR + r" with the following comments:"))
def pact_file_with_comments(
    http_provider: HttpProviderTest, number: str, datatable: list[list[str]]
) -> None:
    test = http_provider
    found = test.interaction(int(number))
    for row in rows(datatable):
        kind, text = row["type"].strip(), row["comment"].strip()
        if kind == "text":
            found.comments.setdefault("text", []).append(text)
        elif kind == "testname":
            found.comments["testname"] = text
        else:
            pytest.fail(f"unknown comment type {kind!r}")
    _write(test, int(number), found)


# ------------------------------------------------------------------------------------------
# a Pact broker


def _pact_document(test: HttpProviderTest, number: int, found: HttpInteraction) -> HttpInteraction:
    """The broker's answer to GET /pacts/provider/p/consumer/c_N: the pact, with its links."""
    found.id = f"interaction-{number}"
    document = json.loads(dumps_pact(Pact(f"c_{number}", PROVIDER, [found]), spec=test.spec))
    publish = f"/pacts/provider/{PROVIDER}/consumer/c_{number}/verification-results"
    document["_links"] = {
        "pb:publish-verification-results": {
            "title": "Publish verification results",
            "href": f"http://localhost:9876{publish}",
        }
    }
    where = "$._links.pb:publish-verification-results.href"
    regex = ".*(" + publish.replace("/", "\\/") + ")$"
    return HttpInteraction(
        description=f"the pact for c_{number}",
        request=HttpRequest("GET", f"/pacts/provider/{PROVIDER}/consumer/c_{number}"),
        response=HttpResponse(
            status=200,
            headers={"Content-Type": ["application/json"]},
            body=Body(document, "application/json"),
            matching_rules=MatchingRules({"body": {}}),
            generators=Generators(
                {
                    "body": {
                        where: {
                            "type": "MockServerURL",
                            "example": document["_links"]["pb:publish-verification-results"][
                                "href"
                            ],
                            "regex": regex,
                        }
                    }
                }
            ),
        ),
    )


@given(parsers.re(_PACT_FOR + r" from a Pact broker"))
def pact_from_broker(http_provider: HttpProviderTest, number: str) -> None:
    test = http_provider
    n = int(number)
    fixture = SUITE / "fixtures" / f"pact-broker_c{n}.json"
    if not fixture.is_file():
        pytest.fail(f"the compatibility-suite fixture {fixture} is missing")
    contract = load_pact(fixture)
    served = [i for i in contract.interactions if isinstance(i, HttpInteraction)]
    served.append(_pact_document(test, n, test.interaction(n)))
    server = ReplayServer(served, name=f"broker {n}")
    test.servers.append(server)
    test.brokers.append(Broker(n, server))


@given("publishing of verification results is enabled")
def publishing_enabled(http_provider: HttpProviderTest) -> None:
    http_provider.publish = True


# ------------------------------------------------------------------------------------------
# state callback and request filter


def _state_server(test: HttpProviderTest, fail: bool) -> None:
    test.states = StateChangeServer(fail=fail, log=test.log)
    test.servers.append(test.states)


@given("a provider state callback is configured")
def state_callback(http_provider: HttpProviderTest) -> None:
    _state_server(http_provider, fail=False)


@given("a provider state callback is configured, but will return a failure")
def failing_state_callback(http_provider: HttpProviderTest) -> None:
    _state_server(http_provider, fail=True)


@given("a request filter is configured to make the following changes:")
def request_filter(http_provider: HttpProviderTest, datatable: list[list[str]]) -> None:
    (changes,) = rows(datatable)
    unknown = set(changes) - {"headers"}
    if unknown:
        pytest.fail(f"the harness's request filter cannot change {sorted(unknown)}")
    http_provider.filter_headers = headers_from_cell(changes["headers"]) or {}


# ------------------------------------------------------------------------------------------
# verifying


@when("the verification is run")
def run_verification(http_provider: HttpProviderTest) -> None:
    test = http_provider
    assert test.provider is not None, "no provider was started"
    verifier = Verifier(
        PROVIDER,
        state_change_url=test.states.url if test.states else None,
        missing_state="warn",
        timeout=30,
    )
    verifier.on_event(ConsoleReporter(Painter(False), verbose=False))

    def request_hook(request: httpx.Request) -> None:
        for name, values in test.filter_headers.items():
            request.headers[name] = ", ".join(values)

    options: dict[str, Any] = {"base_url": test.provider.url}
    if test.filter_headers:
        options["request_hook"] = request_hook
    # accord's verify() takes one broker; a scenario with several brokers verifies each in
    # its own run (with the same verifier), the local pact files in the first.
    runs: list[tuple[list[Path], dict[str, Any]]] = []
    for broker in test.brokers:
        extra: dict[str, Any] = {"broker": broker.server.url}
        if test.publish:
            extra.update(publish=True, provider_version=PROVIDER_VERSION)
        runs.append(([], extra))
    if not runs:
        runs.append(([], {}))
    runs[0][0].extend(test.pact_files)
    console = io.StringIO()
    with contextlib.redirect_stdout(console):
        for files, extra in runs:
            test.results.append(verifier.verify(*files, **options, **extra))
    test.console = console.getvalue()


@then("the verification will be successful")
def verification_ok(http_provider: HttpProviderTest) -> None:
    results = http_provider.verified()
    assert all(r.ok for r in results), "the verification failed:\n" + http_provider.report()
    assert http_provider.interaction_results(), "nothing was verified"


@then("the verification will NOT be successful")
def verification_not_ok(http_provider: HttpProviderTest) -> None:
    results = http_provider.verified()
    assert not all(r.ok for r in results), "the verification passed:\n" + http_provider.report()


def _category(error: str) -> Callable[[InteractionResult], bool]:
    found = ERROR_CATEGORIES.get(error)
    if found is None:
        pytest.fail(f"the harness does not know the error category {error!r}")
    return found


@then(parsers.re(r"the verification results will contain a " + quoted("error") + r" error"))
def verification_error(http_provider: HttpProviderTest, error: str) -> None:
    matches = _category(unescape(error))
    failed = [r for r in http_provider.interaction_results() if r.outcome is not Outcome.PASSED]
    assert any(matches(r) for r in failed), f"no {error!r} error in:\n{http_provider.report()}"


@then(parsers.re(r"there will be a pending " + quoted("error") + r" error"))
def pending_error(http_provider: HttpProviderTest, error: str) -> None:
    matches = _category(unescape(error))
    pending = [
        r
        for r in http_provider.interaction_results()
        if r.pending and r.outcome is not Outcome.PASSED
    ]
    assert any(matches(r) for r in pending), f"no pending {error!r} in:\n{http_provider.report()}"
    assert "PEND" in http_provider.console, http_provider.console


@then(parsers.re(r"the request to the provider will contain the header " + quoted("header")))
def provider_got_header(http_provider: HttpProviderTest, header: str) -> None:
    test = http_provider
    assert test.provider is not None
    name, _, value = unescape(header).partition(":")
    seen = [r.header(name.strip()) for r in test.provider.received]
    assert seen and all(value.strip() in values for values in seen), f"headers seen: {seen}"


# ------------------------------------------------------------------------------------------
# results published to the broker


def _publications(test: HttpProviderTest, number: int) -> list[dict[str, Any]]:
    """The result documents the broker accepted (they matched its contract) for c_N."""
    path = f"/pacts/provider/{PROVIDER}/consumer/c_{number}/verification-results"
    accepted = []
    for broker in test.brokers:
        for request, _ in broker.server.matched:
            if request.method == "POST" and request.path == path:
                accepted.append(request.json())
    return accepted


def _all_publications(test: HttpProviderTest) -> list[str]:
    return [
        f"{r.method} {r.path}"
        for b in test.brokers
        for r in b.server.received
        if r.path.endswith("/verification-results")
    ]


@then("a verification result will NOT be published back")
def not_published(http_provider: HttpProviderTest) -> None:
    http_provider.verified()
    assert _all_publications(http_provider) == []


@then(
    parsers.re(
        r"a (?P<verdict>successful|failed) verification result will be published back "
        r"for (the )?interaction \{(?P<number>\d+)\}"
    )
)
def published(http_provider: HttpProviderTest, verdict: str, number: str) -> None:
    test = http_provider
    test.verified()
    documents = _publications(test, int(number))
    shown = _all_publications(test)
    assert documents, f"no accepted result for c_{number}; the broker received {shown}"
    assert documents[-1]["success"] is (verdict == "successful"), documents[-1]


# ------------------------------------------------------------------------------------------
# provider state callback


def _calls(test: HttpProviderTest, action: str) -> list[Any]:
    test.verified()
    assert test.states is not None, "no provider state callback was configured"
    return [c for c in test.states.calls if c.action == action]


def _first(test: HttpProviderTest, prefix: str) -> int:
    return next((i for i, line in enumerate(test.log) if line.startswith(prefix)), -1)


def _last(test: HttpProviderTest, prefix: str) -> int:
    found = [i for i, line in enumerate(test.log) if line.startswith(prefix)]
    return found[-1] if found else -1


@then("the provider state callback will be called before the verification is run")
def callback_before(http_provider: HttpProviderTest) -> None:
    test = http_provider
    assert _calls(test, "setup"), "the state callback never got a setup call"
    setup, request = _first(test, "state setup"), _first(test, "provider ")
    # A failing setup means the request is never sent at all.
    assert request == -1 or setup < request, "\n".join(test.log)


@then("the provider state callback will be called after the verification is run")
def callback_after(http_provider: HttpProviderTest) -> None:
    test = http_provider
    assert _calls(test, "teardown"), "the state callback never got a teardown call"
    teardown, request = _last(test, "state teardown"), _last(test, "provider ")
    assert request != -1 and teardown > request, "\n".join(test.log)


def _called(test: HttpProviderTest, action: str, state: str, params: dict | None) -> None:
    calls = _calls(test, action)
    found = [c for c in calls if c.state == state and (params is None or c.params == params)]
    assert found, (
        f"no {action} call for {state!r} {params or ''} in {test.states and test.states.calls}"
    )


@then(
    parsers.re(
        r"the provider state callback will receive a setup call with "
        + quoted("state")
        + r" as the provider state parameter"
    )
)
def callback_setup(http_provider: HttpProviderTest, state: str) -> None:
    _called(http_provider, "setup", unescape(state), None)


@then(
    parsers.re(
        r"the provider state callback will receive a teardown call "
        + quoted("state")
        + r" as the provider state parameter"
    )
)
def callback_teardown(http_provider: HttpProviderTest, state: str) -> None:
    _called(http_provider, "teardown", unescape(state), None)


def _params(datatable: list[list[str]]) -> dict[str, Any]:
    (row,) = rows(datatable)
    return {key: json.loads(value) for key, value in row.items()}


@then(
    parsers.re(
        r"the provider state callback will receive a setup call with "
        + quoted("state")
        + r" and the following parameters:"
    )
)
def callback_setup_params(
    http_provider: HttpProviderTest, state: str, datatable: list[list[str]]
) -> None:
    _called(http_provider, "setup", unescape(state), _params(datatable))


@then(
    parsers.re(
        r"the provider state callback will receive a teardown call "
        + quoted("state")
        + r" and the following parameters:"
    )
)
def callback_teardown_params(
    http_provider: HttpProviderTest, state: str, datatable: list[list[str]]
) -> None:
    _called(http_provider, "teardown", unescape(state), _params(datatable))


@then("the provider state callback will NOT receive a teardown call")
def no_teardown(http_provider: HttpProviderTest) -> None:
    assert _calls(http_provider, "teardown") == []


@then(
    parsers.re(
        r"a warning will be displayed that there was no provider state callback configured "
        r"for provider state " + quoted("state")
    )
)
def missing_state_warning(http_provider: HttpProviderTest, state: str) -> None:
    test = http_provider
    name = unescape(state)
    warnings = [w for r in test.interaction_results() for w in r.warnings]
    assert any(repr(name) in w for w in warnings), f"warnings: {warnings}"
    assert any("warning:" in line and repr(name) in line for line in test.console.splitlines()), (
        test.console
    )


# ------------------------------------------------------------------------------------------
# comments


@then(parsers.re(r"the comment " + quoted("text") + r" will have been printed to the console"))
def comment_printed(http_provider: HttpProviderTest, text: str) -> None:
    test = http_provider
    test.verified()
    lines = [line.strip() for line in test.console.splitlines()]
    assert f"comment: {unescape(text)}" in lines, f"the console showed:\n{test.console}"


@then(parsers.re(r"the " + quoted("name") + r" will displayed as the original test name"))
def original_test_name(http_provider: HttpProviderTest, name: str) -> None:
    test = http_provider
    test.verified()
    lines = [line.strip() for line in test.console.splitlines()]
    assert f"test name: {unescape(name)}" in lines, f"the console showed:\n{test.console}"
