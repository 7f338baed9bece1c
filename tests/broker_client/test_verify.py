"""The verifier's broker flow: pacts for verification with selectors, pending and WIP
pacts, results published back, and can-i-deploy reading them."""

from __future__ import annotations

from pathlib import Path

import pytest

from accord.broker_client import BrokerClient
from accord.broker_client import operations as ops
from accord.broker_client.verification import pacts_for_verification
from accord.errors import AccordError
from accord.provider.results import Outcome
from tests.broker_client.support import Cli, Names, Remote, order_pact, order_verifier

MAIN = [{"mainBranch": True}]


class Team:
    def __init__(self, broker_url: str, cli: Cli, names: Names, tmp_path: Path) -> None:
        self.broker_url = broker_url
        self.cli = cli
        self.tmp = tmp_path
        self.consumer, self.provider = names("Billing"), names("Orders")
        self.environment = names("production")

    def publish(self, version: str, *descriptions: str, branch: str = "main") -> None:
        order_pact(self.tmp / version, self.consumer, self.provider, *descriptions)
        run = self.cli("publish", str(self.tmp / version), "-a", version, "--branch", branch)
        assert run.code == 0, run.err


@pytest.fixture
def team(broker_url: str, cli: Cli, names: Names, tmp_path: Path) -> Team:
    return Team(broker_url, cli, names, tmp_path)


def test_verify_from_the_broker_publish_and_can_i_deploy(team: Team, remote: Remote) -> None:
    team.publish("1.0.0")
    verifier = order_verifier(team.provider)

    result = verifier.verify(
        broker=team.broker_url,
        selectors=MAIN,
        provider_version="2.0.0",
        provider_branch="main",
        provider_tags=["prod"],
        publish=True,
        enable_pending=True,
        build_url="https://ci.example/provider/1",
    )

    assert result.ok, result.report()
    [outcome] = result.results
    assert (outcome.consumer, outcome.outcome, outcome.pending) == (
        team.consumer, Outcome.PASSED, True,  # the first pact is pending until verified
    )  # fmt: skip
    [row] = remote.verifications(team.provider, team.consumer)
    assert row["provider"]["version"]["number"] == "2.0.0"
    assert row["verificationResult"]["success"] is True
    assert remote.branches(team.provider, "2.0.0") == ["main"]
    assert remote.tags(team.provider, "2.0.0") == ["prod"]

    # the deploy gate reads the published result, both ways
    assert team.cli("create-environment", "--name", team.environment).code == 0
    for who, version in ((team.provider, "2.0.0"), (team.consumer, "1.0.0")):
        args = ("record-deployment", "-a", who, "-e", version, "--environment", team.environment)
        assert team.cli(*args).code == 0
    for who, version in ((team.consumer, "1.0.0"), (team.provider, "2.0.0")):
        run = team.cli(
            "can-i-deploy", "-a", who, "-e", version, "--to-environment", team.environment
        )
        assert run.code == 0, run.out
        assert "Computer says yes" in run.out

    # verified once on main, the same content is no longer pending
    again = order_verifier(team.provider).verify(
        broker=team.broker_url, selectors=MAIN, provider_branch="main", enable_pending=True
    )
    assert [r.pending for r in again.results] == [False]


def test_a_pending_failure_does_not_fail_the_verification(team: Team, remote: Remote) -> None:
    team.publish("1.0.0")
    broken = order_verifier(team.provider, status="CANCELLED")

    result = broken.verify(
        broker=team.broker_url,
        selectors=MAIN,
        provider_version="2.0.0",
        provider_branch="main",
        publish=True,
        enable_pending=True,
    )

    assert result.ok, "a pending pact's failure is reported but does not fail the build"
    [outcome] = result.results
    assert (outcome.outcome, outcome.pending) == (Outcome.FAILED, True)
    assert outcome.mismatches
    [row] = remote.verifications(team.provider, team.consumer)
    assert row["verificationResult"]["success"] is False, "the failure is still published"


def test_without_enable_pending_the_same_failure_fails(team: Team) -> None:
    team.publish("1.0.0")
    result = order_verifier(team.provider, status="CANCELLED").verify(
        broker=team.broker_url, selectors=MAIN, provider_branch="main"
    )
    assert not result.ok
    assert [r.pending for r in result.results] == [False]


def test_can_i_deploy_says_no_after_a_published_failure(team: Team) -> None:
    team.publish("1.0.0")
    order_verifier(team.provider, status="CANCELLED").verify(
        broker=team.broker_url,
        selectors=MAIN,
        provider_version="2.0.0",
        provider_branch="main",
        publish=True,
        enable_pending=True,
    )
    run = team.cli("can-i-deploy", "-a", team.consumer, "-e", "1.0.0", "--to", "main")
    assert run.code == 1
    assert "Computer says no" in run.out


def test_a_failure_on_a_verified_pact_fails_the_verification(team: Team) -> None:
    team.publish("1.0.0")
    good = order_verifier(team.provider).verify(
        broker=team.broker_url,
        selectors=MAIN,
        provider_version="2.0.0",
        provider_branch="main",
        publish=True,
        enable_pending=True,
    )
    assert good.ok
    broken = order_verifier(team.provider, status="CANCELLED").verify(
        broker=team.broker_url,
        selectors=MAIN,
        provider_version="2.1.0",
        provider_branch="main",
        publish=True,
        enable_pending=True,
    )
    assert not broken.ok
    assert [(r.outcome, r.pending) for r in broken.results] == [(Outcome.FAILED, False)]


def test_wip_pacts_are_verified_without_failing_the_build(team: Team) -> None:
    team.publish("1.0.0")  # on main
    team.publish(
        "1.1.0-feat", "an order created event", "an order refunded event", branch="feat/refunds"
    )
    verifier = order_verifier(team.provider)  # knows nothing of refunds yet

    without = verifier.verify(
        broker=team.broker_url, selectors=MAIN, provider_branch="main", enable_pending=True
    )
    assert {r.description for r in without.results} == {"an order created event"}

    with_wip = order_verifier(team.provider).verify(
        broker=team.broker_url,
        selectors=MAIN,
        provider_version="2.0.0",
        provider_branch="main",
        publish=True,
        enable_pending=True,
        include_wip_since="2020-01-01",
    )

    assert with_wip.ok, with_wip.report()
    refunds = [r for r in with_wip.results if r.description == "an order refunded event"]
    assert [(r.outcome, r.pending) for r in refunds] == [(Outcome.ERROR, True)]

    found = pacts_for_verification(
        BrokerClient(team.broker_url),
        team.provider,
        selectors=MAIN,
        provider_branch="main",
        enable_pending=True,
        include_wip_since="2020-01-01",
    )
    assert sorted((p.wip, p.pending, "feat/refunds" in p.description) for p in found) == [
        (False, False, False),  # main: verified by the run above, no longer pending
        (True, True, True),  # the feature branch's pact: WIP, so pending
    ]
    assert all(p.notices for p in found), "the broker's reasons reach the verifier"


def test_accord_verify_command_line(
    team: Team, remote: Remote, monkeypatch: pytest.MonkeyPatch
) -> None:
    team.publish("1.0.0")
    monkeypatch.chdir(Path(__file__).resolve().parents[2])  # --app imports from the cwd

    run = team.cli(
        "verify", "--provider", team.provider,
        "--app", "tests.broker_client.provider_app:make_verifier",
        "--consumer-version-selectors", '{"mainBranch": true}',
        "--consumer-version-selectors", '{"deployedOrReleased": true}',
        "--provider-version", "3.0.0", "--provider-branch", "main", "--publish",
        "--enable-pending", "--include-wip-pacts-since", "2020-01-01", "--color", "never",
    )  # fmt: skip

    assert run.code == 0, run.out + run.err
    assert f"{team.consumer}: 'an order created event'" in run.out
    [row] = remote.verifications(team.provider, team.consumer)
    assert row["provider"]["version"]["number"] == "3.0.0"
    decision = ops.can_i_deploy(
        BrokerClient(team.broker_url), team.consumer, version="1.0.0", to_tag=None
    )
    assert decision.deployable is True


def test_publishing_needs_a_provider_version(team: Team) -> None:
    team.publish("1.0.0")
    with pytest.raises(AccordError, match="provider_version"):
        order_verifier(team.provider).verify(broker=team.broker_url, selectors=MAIN, publish=True)


def test_no_pacts_for_an_unknown_provider_is_a_clear_error(team: Team, names: Names) -> None:
    run = team.cli(
        "verify", "--provider", names("Nobody"), "--message-url", "http://127.0.0.1:9/",
        "--consumer-version-selectors", '{"mainBranch": true}',
    )  # fmt: skip
    assert run.code == 2
    assert run.err == f"accord: error: the broker knows no provider named {names('Nobody')!r}\n"


def test_an_invalid_selector_is_a_one_line_400_error(team: Team) -> None:
    team.publish("1.0.0")
    run = team.cli(
        "verify", "--provider", team.provider, "--message-url", "http://127.0.0.1:9/",
        "--consumer-version-selectors", '{"bogus": true}',
    )  # fmt: skip
    assert run.code == 2
    [line] = run.err.splitlines()
    assert line.startswith("accord: error: POST ") and "HTTP 400" in line
    assert "consumerVersionSelectors[0]" in line


def test_names_with_spaces_plus_signs_and_slashes_survive_the_round_trip(
    broker_url: str, cli: Cli, remote: Remote, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("Order UI"), names("Order Service")
    env = names("eu-prod")
    order_pact(tmp_path, consumer, provider)
    run = cli("publish", str(tmp_path), "-a", "1.0.0+build.5", "--branch", "feat/eu", "-t", "a b")
    assert run.code == 0, run.err
    result = order_verifier(provider).verify(
        broker=broker_url,
        selectors=[{"branch": "feat/eu"}],
        provider_version="2.0.0+sha.abc",
        provider_branch="release/2.0",
        provider_tags=["x/y"],
        publish=True,
    )
    assert result.ok and len(result.results) == 1
    assert remote.branches(provider, "2.0.0+sha.abc") == ["release/2.0"]
    assert remote.tags(provider, "2.0.0+sha.abc") == ["x/y"]
    assert remote.tags(consumer, "1.0.0+build.5") == ["a b"]

    assert cli("create-environment", "--name", env).code == 0
    deploy = ("record-deployment", "-a", provider, "-e", "2.0.0+sha.abc", "--environment", env)
    assert cli(*deploy).code == 0
    run = cli("can-i-deploy", "-a", consumer, "-e", "1.0.0+build.5", "--to-environment", env)
    assert run.code == 0, run.out + run.err
    assert cli("record-undeployment", "-a", provider, "--environment", env).code == 0


@pytest.mark.parametrize(
    ("status", "reply", "reason"),
    [
        (200, b'{"consumer": {"name": "x"}, "provider": {"name": "y"}, "interactions": 7}', "7"),
        (500, b'{"error": "disk on fire"}', "500"),
    ],
)
def test_a_broker_pact_that_cannot_be_read_is_reported_and_the_others_verified(
    broker_url: str,
    cli: Cli,
    names: Names,
    tmp_path: Path,
    status: int,
    reply: bytes,
    reason: str,
) -> None:
    from tests.broker_client.support import Recorder

    provider, good, bad = names("Orders"), names("Billing"), names("Audit")
    for consumer in (good, bad):
        order_pact(tmp_path / consumer, consumer, provider)
        run = cli("publish", str(tmp_path / consumer), "-a", "1.0.0", "--branch", "main")
        assert run.code == 0, run.err

    with Recorder(
        broker_url, fail=10, status=status, only="GET", path_contains=f"/consumer/{bad}/",
        reply=reply,
    ) as proxy:  # fmt: skip
        result = order_verifier(provider).verify(broker=proxy.url, selectors=MAIN)

    assert [(r.consumer, r.outcome) for r in result.results] == [(good, Outcome.PASSED)]
    [failure] = result.source_errors
    assert f"/consumer/{bad}/" in failure.source
    assert reason in failure.error
    assert not result.ok and not result.complete  # the CLI exits 2: no verdict on every pact
    assert (
        result.report()
        .splitlines()[0]
        .startswith(f"Verifying provider {provider!r}: could not load a pact: ")
    )
