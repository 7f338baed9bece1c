"""Steps for the V3/V4 ``message_provider`` features: accord's ``Verifier`` end to end.

The "provider" is a set of in-process producer functions; each "Pact file" the scenario
describes is built as an accord pact model and written to disk with ``write_pact`` (as the
test module's ``message_spec``, V3 or V4). The verifier then loads those files, calls the
producers and state callback, and the steps check its ``VerificationResult``. Console output
is what accord's own CLI reporter prints for the verification's events.

Test modules must define a ``message_spec`` fixture (``"V3"`` or ``"V4"``) and import these
steps with ``from tests.compat.steps_message_provider import *``.
"""

from __future__ import annotations

import contextlib
import io
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
from pytest_bdd import given, parsers, then, when

from accord import Message, Verifier
from accord.cli.output import Painter
from accord.cli.verify_cmd import ConsoleReporter
from accord.model import (
    AsyncMessage,
    Body,
    MatchingRules,
    MessageContents,
    Pact,
    ProviderState,
    write_pact,
)
from accord.provider.results import InteractionResult, Outcome, VerificationResult
from tests.compat.support import (
    World,
    body_from_cell,
    metadata_from_cell,
    metadata_from_table,
    quoted,
    rows,
    rules_from_cell,
    unescape,
    vertical,
)

PROVIDER = "compat-message-provider"

ERROR_CATEGORIES: dict[str, Callable[[InteractionResult], bool]] = {
    "Body had differences": lambda r: any(m.kind in ("body", "body-type") for m in r.mismatches),
    "Metadata had differences": lambda r: any(m.kind == "metadata" for m in r.mismatches),
    "Headers had differences": lambda r: any(m.kind == "header" for m in r.mismatches),
    "Response status did not match": lambda r: any(m.kind == "status" for m in r.mismatches),
    "State change request failed": lambda r: (
        r.outcome is Outcome.ERROR and (r.error or "").startswith("state handler for")
    ),
}
"""The suite's verifier error categories, in terms of accord's mismatch kinds and errors."""


@dataclass
class ProviderTest:
    spec: str
    pact_dir: Path
    producers: dict[str, Callable[[], Message]] = field(default_factory=dict)
    pact_files: list[Path] = field(default_factory=list)
    calls: list[tuple[str, str, dict[str, Any]]] = field(default_factory=list)
    """``("setup" | "teardown", state, params)`` and ``("produce", description, {})``."""
    state_callback: bool = False
    result: VerificationResult | None = None
    console: str = ""

    def verified(self) -> VerificationResult:
        assert self.result is not None, "the verification was never run"
        return self.result


@pytest.fixture
def provider_test(world: World, message_spec: str, tmp_path: Path) -> ProviderTest:
    test = world.data.get("provider")
    if test is None:
        test = world.data["provider"] = ProviderTest(message_spec, tmp_path / "pacts")
    return test


def _body(cell: str) -> Body:
    body = body_from_cell(unescape(cell))
    if body is None:
        pytest.fail(f"the body cell {cell!r} describes no body")
    return body


# ------------------------------------------------------------------------------------------
# the provider


def _start_producer(test: ProviderTest, description: str, body: Body, metadata: dict) -> None:
    def produce() -> Message:
        test.calls.append(("produce", description, {}))
        return Message(
            content=body.content, metadata=dict(metadata), content_type=body.content_type
        )

    test.producers[description] = produce


@given(
    parsers.re(
        r"a provider is started that can generate the "
        + quoted("description")
        + r" message with "
        + quoted("body")
    )
)
def producer(provider_test: ProviderTest, description: str, body: str) -> None:
    _start_producer(provider_test, unescape(description), _body(body), {})


@given(
    parsers.re(
        r"a provider is started that can generate the "
        + quoted("description")
        + r" message with "
        + quoted("body")
        + r" and the following metadata:"
    )
)
def producer_with_metadata(
    provider_test: ProviderTest, description: str, body: str, datatable: list[list[str]]
) -> None:
    metadata = metadata_from_table(datatable)
    _start_producer(provider_test, unescape(description), _body(body), metadata)


@given("a provider state callback is configured")
def state_callback(provider_test: ProviderTest) -> None:
    provider_test.state_callback = True


def _callback(test: ProviderTest) -> Callable[..., Iterator[None]]:
    def callback(state: str, **params: Any) -> Iterator[None]:
        test.calls.append(("setup", state, params))
        yield
        test.calls.append(("teardown", state, params))

    return callback


# ------------------------------------------------------------------------------------------
# the pact files


def _add_pact(
    test: ProviderTest,
    description: str,
    body: Body | None,
    *,
    metadata: dict[str, Any] | None = None,
    rules: MatchingRules | None = None,
    states: list[ProviderState] | None = None,
    pending: bool = False,
    comments: dict[str, Any] | None = None,
) -> None:
    interaction = AsyncMessage(
        description=description,
        provider_states=states or [],
        pending=pending,
        comments=comments or {},
        message=MessageContents(body, metadata or {}, rules or MatchingRules()),
    )
    consumer = f"compat-message-consumer-{len(test.pact_files) + 1}"
    pact = Pact(consumer, PROVIDER, [interaction])
    path = write_pact(pact, test.pact_dir, spec=test.spec, overwrite=True)
    assert path not in test.pact_files
    test.pact_files.append(path)


_PACT_FOR = (
    r"a Pact file for " + quoted("description") + ":" + quoted("body") + " is to be verified"
)


@given(parsers.re(_PACT_FOR))
def pact_file(provider_test: ProviderTest, description: str, body: str) -> None:
    _add_pact(provider_test, unescape(description), _body(body))


@given(parsers.re(_PACT_FOR + r" with provider state " + quoted("state")))
def pact_file_with_state(
    provider_test: ProviderTest, description: str, body: str, state: str
) -> None:
    states = [ProviderState(unescape(state))]
    _add_pact(provider_test, unescape(description), _body(body), states=states)


@given(parsers.re(_PACT_FOR + r" with the following metadata:"))
def pact_file_with_metadata(
    provider_test: ProviderTest, description: str, body: str, datatable: list[list[str]]
) -> None:
    metadata = metadata_from_table(datatable)
    _add_pact(provider_test, unescape(description), _body(body), metadata=metadata)


@given(parsers.re(_PACT_FOR + r", but is marked pending"))
def pact_file_pending(provider_test: ProviderTest, description: str, body: str) -> None:
    _add_pact(provider_test, unescape(description), _body(body), pending=True)


@given(parsers.re(_PACT_FOR + r" with the following comments:"))
def pact_file_with_comments(
    provider_test: ProviderTest, description: str, body: str, datatable: list[list[str]]
) -> None:
    comments: dict[str, Any] = {}
    for row in rows(datatable):
        kind, text = row["type"].strip(), row["comment"].strip()
        if kind == "text":
            comments.setdefault("text", []).append(text)
        elif kind == "testname":
            comments["testname"] = text
        else:
            pytest.fail(f"unknown comment type {kind!r}")
    _add_pact(provider_test, unescape(description), _body(body), comments=comments)


@given(
    parsers.re(
        r"a Pact file for " + quoted("description") + r" is to be verified with the following:"
    )
)
def pact_file_with_table(
    provider_test: ProviderTest, description: str, datatable: list[list[str]]
) -> None:
    table = vertical(datatable)
    unknown = set(table) - {"body", "matching rules", "metadata"}
    if unknown:
        pytest.fail(f"the harness does not know the rows {sorted(unknown)}")
    _add_pact(
        provider_test,
        unescape(description),
        body_from_cell(table.get("body")),
        metadata=metadata_from_cell(table.get("metadata")),
        rules=rules_from_cell(table.get("matching rules")),
    )


# ------------------------------------------------------------------------------------------
# verifying


@when("the verification is run")
def run_verification(provider_test: ProviderTest) -> None:
    test = provider_test
    assert test.pact_files, "no pact file to verify"
    verifier = Verifier(PROVIDER, producers=dict(test.producers), timeout=30)
    if test.state_callback:
        verifier.fallback_state(_callback(test))
    verifier.on_event(ConsoleReporter(Painter(False), verbose=False))
    console = io.StringIO()
    with contextlib.redirect_stdout(console):
        test.result = verifier.verify(*test.pact_files)
    test.console = console.getvalue()
    assert len(test.result.results) == len(test.pact_files), test.result.report()


@then("the verification will be successful")
def verification_ok(provider_test: ProviderTest) -> None:
    result = provider_test.verified()
    assert result.ok, "the verification failed:\n" + result.report()


@then("the verification will NOT be successful")
def verification_not_ok(provider_test: ProviderTest) -> None:
    result = provider_test.verified()
    assert not result.ok, "the verification passed:\n" + result.report()


def _category(error: str) -> Callable[[InteractionResult], bool]:
    found = ERROR_CATEGORIES.get(error)
    if found is None:
        pytest.fail(f"the harness does not know the error category {error!r}")
    return found


@then(parsers.re(r"the verification results will contain a " + quoted("error") + r" error"))
def verification_error(provider_test: ProviderTest, error: str) -> None:
    result = provider_test.verified()
    matches = _category(unescape(error))
    failed = [r for r in result.results if r.outcome is not Outcome.PASSED and not r.pending]
    assert any(matches(r) for r in failed), f"no {error!r} error in:\n{result.report()}"


@then(parsers.re(r"there will be a pending " + quoted("error") + r" error"))
def pending_error(provider_test: ProviderTest, error: str) -> None:
    result = provider_test.verified()
    matches = _category(unescape(error))
    pending = [r for r in result.results if r.pending and r.outcome is not Outcome.PASSED]
    assert any(matches(r) for r in pending), f"no pending {error!r} in:\n{result.report()}"
    assert "PENDING" in result.report(), result.report()


# ------------------------------------------------------------------------------------------
# provider state callback


def _index(test: ProviderTest, kind: str, name: str | None = None) -> int:
    for index, (what, who, _) in enumerate(test.calls):
        if what == kind and (name is None or who == name):
            return index
    pytest.fail(f"no {kind} call{f' for {name!r}' if name else ''} in {test.calls}")


@then("the provider state callback will be called before the verification is run")
def callback_before(provider_test: ProviderTest) -> None:
    test = provider_test
    test.verified()
    assert _index(test, "setup") < _index(test, "produce"), test.calls


@then("the provider state callback will be called after the verification is run")
def callback_after(provider_test: ProviderTest) -> None:
    test = provider_test
    test.verified()
    assert _index(test, "teardown") > _index(test, "produce"), test.calls


@then(
    parsers.re(
        r"the provider state callback will receive a setup call with "
        + quoted("state")
        + r" as the provider state parameter"
    )
)
def callback_setup(provider_test: ProviderTest, state: str) -> None:
    _index(provider_test, "setup", unescape(state))


@then(
    parsers.re(
        r"the provider state callback will receive a teardown call "
        + quoted("state")
        + r" as the provider state parameter"
    )
)
def callback_teardown(provider_test: ProviderTest, state: str) -> None:
    _index(provider_test, "teardown", unescape(state))


# ------------------------------------------------------------------------------------------
# comments


@then(parsers.re(r"the comment " + quoted("text") + r" will have been printed to the console"))
def comment_printed(provider_test: ProviderTest, text: str) -> None:
    test = provider_test
    test.verified()
    lines = [line.strip() for line in test.console.splitlines()]
    assert f"comment: {unescape(text)}" in lines, f"the console showed:\n{test.console}"


@then(parsers.re(r"the " + quoted("name") + r" will displayed as the original test name"))
def original_test_name_shown(provider_test: ProviderTest, name: str) -> None:
    test = provider_test
    result = test.verified()
    lines = [line.strip() for line in test.console.splitlines()]
    assert f"test name: {unescape(name)}" in lines, f"the console showed:\n{test.console}"
    assert f"test name: {unescape(name)}" in result.report()
