"""``accord can-i-deploy``: yes, no and unknown; environments and tags; retries; JSON;
exit codes; the table; one-line errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from accord.broker_client import BrokerClient
from accord.broker_client import operations as ops
from tests.broker_client.support import Cli, Names, order_pact, order_verifier


class Pair:
    """A consumer and a provider, published and verified through accord's client."""

    def __init__(self, broker_url: str, cli: Cli, names: Names, tmp_path: Path) -> None:
        self.broker_url = broker_url
        self.cli = cli
        self.tmp = tmp_path
        self.consumer, self.provider = names("Checkout"), names("Orders")
        self.environment = names("production")
        ops.create_environment(BrokerClient(broker_url), self.environment, production=True)

    def publish(self, version: str, *descriptions: str) -> None:
        order_pact(self.tmp / version, self.consumer, self.provider, *descriptions)
        run = self.cli("publish", str(self.tmp / version), "-a", version, "--branch", "main")
        assert run.code == 0, run.err

    def verify(
        self, provider_version: str, *, status: str = "NEW", tags: tuple[str, ...] = ()
    ) -> None:
        verifier = order_verifier(
            self.provider,
            status=status,
            descriptions=("an order created event", "an order paid event"),
        )
        verifier.verify(
            broker=self.broker_url,
            selectors=[{"mainBranch": True}],
            provider_version=provider_version,
            provider_branch="main",
            provider_tags=tags,
            publish=True,
        )

    def deploy_provider(self, version: str) -> None:
        run = self.cli(
            "record-deployment", "-a", self.provider, "-e", version,
            "--environment", self.environment,
        )  # fmt: skip
        assert run.code == 0, run.err

    def can_i_deploy(self, version: str, *extra: str) -> Any:
        return self.cli(
            "can-i-deploy", "-a", self.consumer, "-e", version,
            "--to-environment", self.environment, "--color", "never", *extra,
        )  # fmt: skip


@pytest.fixture
def pair(broker_url: str, cli: Cli, names: Names, tmp_path: Path) -> Pair:
    return Pair(broker_url, cli, names, tmp_path)


def table_lines(out: str) -> list[str]:
    return [line for line in out.splitlines() if " | " in line or line.startswith("CONSUMER")]


def assert_aligned(lines: list[str]) -> None:
    bars = {tuple(i for i, ch in enumerate(line) if ch == "|") for line in lines}
    assert len(bars) == 1, "\n".join(lines)


def test_yes_when_the_deployed_provider_verified_the_pact(pair: Pair) -> None:
    pair.publish("1.0.0")
    pair.verify("2.0.0")
    pair.deploy_provider("2.0.0")

    run = pair.can_i_deploy("1.0.0")

    assert run.code == 0, run.out + run.err
    header, row = table_lines(run.out)
    assert header.split(" | ")[0].strip() == "CONSUMER"
    assert [c.strip() for c in row.split("|")] == [
        pair.consumer, "1.0.0", pair.provider, "2.0.0", "true",
    ]  # fmt: skip
    assert_aligned([header, row])
    assert "Computer says yes \\o/" in run.out
    assert "All required verification results are published and successful" in run.out
    assert run.err == ""


def test_no_when_the_verification_failed(pair: Pair) -> None:
    pair.publish("1.0.0")
    pair.verify("2.0.0", status="CANCELLED")  # the consumer's regex is NEW|PAID
    pair.deploy_provider("2.0.0")

    run = pair.can_i_deploy("1.0.0")

    assert run.code == 1
    [_, row] = table_lines(run.out)
    assert row.rstrip().endswith("false")
    assert "Computer says no" in run.out
    assert "failed" in run.out


def test_unknown_when_nothing_verified_the_pact(pair: Pair) -> None:
    pair.publish("1.0.0")
    pair.verify("2.0.0")
    pair.deploy_provider("2.0.0")
    pair.publish("1.1.0", "an order created event", "an order paid event")  # new content

    run = pair.can_i_deploy("1.1.0")

    assert run.code == 1
    [_, row] = table_lines(run.out)
    assert [c.strip() for c in row.split("|")][1:] == ["1.1.0", pair.provider, "???", "???"]
    assert "Computer says no" in run.out
    assert "no verified pact" in run.out.lower(), run.out
    assert "(2.0.0)" in run.out, "the reason names the deployed provider version"


def test_json_output_is_the_broker_answer(pair: Pair) -> None:
    pair.publish("1.0.0")
    pair.verify("2.0.0")
    pair.deploy_provider("2.0.0")

    run = pair.can_i_deploy("1.0.0", "--output", "json")

    assert run.code == 0
    answer = json.loads(run.out)
    assert answer["summary"]["deployable"] is True
    assert answer["summary"]["success"] == 1
    assert answer["summary"]["failed"] == 0
    [row] = answer["matrix"]
    assert row["provider"]["version"]["number"] == "2.0.0"
    assert row["verificationResult"]["success"] is True

    unknown = pair.cli(
        "can-i-deploy", "-a", pair.consumer, "-e", "9.9.9", "--to-environment",
        pair.environment, "-o", "json",
    )  # fmt: skip
    assert unknown.code == 1
    assert json.loads(unknown.out)["summary"]["deployable"] is not True


def test_to_a_tag(pair: Pair) -> None:
    pair.publish("1.0.0")
    pair.verify("2.0.0", tags=("prod",))
    pair.verify("2.1.0", status="CANCELLED")  # newer, failing, but not tagged prod

    run = pair.cli("can-i-deploy", "-a", pair.consumer, "-e", "1.0.0", "--to", "prod")

    assert run.code == 0, run.out + run.err
    [_, row] = table_lines(run.out)
    assert [c.strip() for c in row.split("|")][-2:] == ["2.0.0", "true"]

    latest = pair.cli("can-i-deploy", "-a", pair.consumer, "--latest")
    assert latest.code == 1, "the latest provider version (2.1.0) failed"
    assert [c.strip() for c in table_lines(latest.out)[1].split("|")][-2:] == ["2.1.0", "false"]


def count_matrix_requests(monkeypatch: pytest.MonkeyPatch, after_first: Any = None) -> list[str]:
    """Record every GET of /matrix the client makes; run ``after_first`` once the first
    answer is in (to change the broker's answer between two attempts)."""
    seen: list[str] = []
    real_get = BrokerClient.get

    def get(self: BrokerClient, path: str, *, missing_ok: bool = False) -> Any:
        answer = real_get(self, path, missing_ok=missing_ok)
        if "/matrix" in path:
            seen.append(path)
            if len(seen) == 1 and after_first is not None:
                after_first()
        return answer

    monkeypatch.setattr(BrokerClient, "get", get)
    return seen


def test_retry_while_unknown_asks_again_until_the_verification_arrives(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair.publish("1.0.0")
    pair.verify("2.0.0")
    pair.deploy_provider("2.0.0")
    pair.publish("1.1.0", "an order created event", "an order paid event")
    seen = count_matrix_requests(monkeypatch, after_first=lambda: pair.verify("2.0.0"))

    run = pair.can_i_deploy("1.1.0", "--retry-while-unknown", "5", "--retry-interval", "0.01")

    assert run.code == 0, run.out
    assert len(seen) == 2
    assert "Computer says yes" in run.out


def test_retry_while_unknown_gives_up_after_the_given_number_of_retries(
    pair: Pair, monkeypatch: pytest.MonkeyPatch
) -> None:
    pair.publish("1.0.0")
    seen = count_matrix_requests(monkeypatch)

    run = pair.can_i_deploy("1.0.0", "--retry-while-unknown", "2", "--retry-interval", "0.001")

    assert run.code == 1
    assert len(seen) == 3


def test_a_known_answer_is_not_retried(pair: Pair, monkeypatch: pytest.MonkeyPatch) -> None:
    pair.publish("1.0.0")
    pair.verify("2.0.0", status="CANCELLED")
    pair.deploy_provider("2.0.0")
    seen = count_matrix_requests(monkeypatch)

    run = pair.can_i_deploy("1.0.0", "--retry-while-unknown", "4", "--retry-interval", "0.001")

    assert run.code == 1
    assert len(seen) == 1


def test_python_api_retries_with_the_given_sleep(broker_url: str, pair: Pair) -> None:
    pair.publish("1.0.0")
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        if len(slept) == 2:
            pair.verify("2.0.0")
            pair.deploy_provider("2.0.0")

    decision = ops.can_i_deploy(
        BrokerClient(broker_url),
        pair.consumer,
        version="1.0.0",
        to_environment=pair.environment,
        retry_while_unknown=5,
        retry_interval=7.5,
        sleep=sleep,
    )

    assert decision.deployable is True
    assert slept == [7.5, 7.5]
    assert decision.table().splitlines()[0].startswith("CONSUMER")


def test_needs_a_version_or_latest(cli: Cli, names: Names) -> None:
    run = cli("can-i-deploy", "-a", names("Anyone"))
    assert (run.code, run.err) == (2, "accord: error: can-i-deploy needs --version or --latest\n")


def test_an_unknown_pacticipant_is_a_one_line_error(cli: Cli, names: Names) -> None:
    run = cli("can-i-deploy", "-a", names("Ghost"), "-e", "1.0.0")
    assert run.code == 2
    assert run.out == ""
    [line] = run.err.splitlines()
    assert line.startswith("accord: error: ")
    assert f"Pacticipant {names('Ghost')} not found" in line


def test_an_unknown_environment_is_a_one_line_error(pair: Pair, names: Names) -> None:
    pair.publish("1.0.0")
    run = pair.cli(
        "can-i-deploy", "-a", pair.consumer, "-e", "1.0.0", "--to-environment", names("nowhere")
    )
    assert run.code == 2
    [line] = run.err.splitlines()
    assert f"Environment with name '{names('nowhere')}' does not exist" in line
