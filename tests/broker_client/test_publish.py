"""``accord publish`` and ``operations.publish``: branch, tags, build URL, merged files."""

from __future__ import annotations

import json
from pathlib import Path

from accord.broker_client import BrokerClient
from accord.broker_client import operations as ops
from tests.broker_client.support import Cli, Names, Remote, order_pact


def descriptions(pact: dict[str, object]) -> list[str]:
    interactions = pact.get("interactions") or pact.get("messages") or []
    assert isinstance(interactions, list)
    return sorted(str(i["description"]) for i in interactions)


def test_cli_publishes_with_branch_tags_and_build_url(
    cli: Cli, remote: Remote, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("OrderUi"), names("OrderService")
    order_pact(tmp_path, consumer, provider)

    run = cli(
        "publish", str(tmp_path), "-a", "1.0.0", "--branch", "main",
        "-t", "dev", "--tag", "candidate", "--build-url", "https://ci.example/builds/7",
    )  # fmt: skip

    assert run.code == 0, run.err
    assert run.out.strip() == f"Published the pact between {consumer} (1.0.0) and {provider}"
    assert remote.branches(consumer, "1.0.0") == ["main"]
    assert remote.tags(consumer, "1.0.0") == ["candidate", "dev"]
    assert remote.version(consumer, "1.0.0")["buildUrl"] == "https://ci.example/builds/7"
    assert remote.get(f"/pacticipants/{consumer}")["mainBranch"] == "main"
    pact = remote.pact(provider, consumer, "1.0.0")
    assert descriptions(pact) == ["an order created event"]
    assert pact["metadata"]["pactSpecification"]["version"] == "4.0"


def test_several_files_for_one_pair_are_merged_into_one_pact(
    cli: Cli, remote: Remote, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("Merger"), names("Events")
    first = order_pact(tmp_path / "unit", consumer, provider, "order created")
    second = order_pact(tmp_path / "integration", consumer, provider, "order paid", "order shipped")

    run = cli("publish", str(first), str(second), "-a", "2.0.0", "--branch", "main")

    assert run.code == 0, run.err
    assert run.out.count("Published the pact") == 1, "one pair, one publication"
    assert descriptions(remote.pact(provider, consumer, "2.0.0")) == [
        "order created",
        "order paid",
        "order shipped",
    ]


def test_a_directory_with_pacts_for_several_providers(
    cli: Cli, remote: Remote, names: Names, tmp_path: Path
) -> None:
    consumer = names("Hub")
    providers = [names("Billing"), names("Shipping")]
    for provider in providers:
        order_pact(tmp_path, consumer, provider)

    run = cli("publish", str(tmp_path), "-a", "3.1.0")

    assert run.code == 0, run.err
    assert sorted(run.out.splitlines()) == sorted(
        f"Published the pact between {consumer} (3.1.0) and {p}" for p in providers
    )
    for provider in providers:
        assert descriptions(remote.pact(provider, consumer, "3.1.0")) == ["an order created event"]
    assert remote.branches(consumer, "3.1.0") == []


def test_python_api_publishes_v3_files_and_returns_what_it_did(
    broker_url: str, remote: Remote, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("ApiConsumer"), names("ApiProvider")
    order_pact(tmp_path, consumer, provider, "a", spec="V3")
    order_pact(tmp_path / "more", consumer, provider, "b", spec="V3")

    published = ops.publish(
        BrokerClient(broker_url),
        [tmp_path / f"{consumer}-{provider}.json", tmp_path / "more"],
        consumer_version="4.0.0",
        branch="feat/x",
        tags=["feat-x"],
        build_url="https://ci.example/9",
    )

    assert [(p.consumer, p.provider, p.version) for p in published] == [
        (consumer, provider, "4.0.0")
    ]
    assert published[0].notices, "the broker's notices are passed on"
    pact = remote.pact(provider, consumer, "4.0.0")
    assert descriptions(pact) == ["a", "b"]
    assert pact["metadata"]["pactSpecification"]["version"] == "3.0.0"
    assert remote.branches(consumer, "4.0.0") == ["feat/x"]
    assert remote.tags(consumer, "4.0.0") == ["feat-x"]


def test_republishing_the_same_content_is_fine_but_changed_content_is_refused(
    cli: Cli, names: Names, tmp_path: Path
) -> None:
    consumer, provider = names("Strict"), names("Target")
    order_pact(tmp_path / "v1", consumer, provider, "first")
    order_pact(tmp_path / "v2", consumer, provider, "first", "second")

    assert cli("publish", str(tmp_path / "v1"), "-a", "1.0.0").code == 0
    assert cli("publish", str(tmp_path / "v1"), "-a", "1.0.0").code == 0
    run = cli("publish", str(tmp_path / "v2"), "-a", "1.0.0")

    assert run.code == 2
    assert run.out == ""
    [line] = run.err.splitlines()
    assert line.startswith("accord: error: ")
    assert "409" in line


def test_publishing_nothing_is_a_one_line_error(cli: Cli, tmp_path: Path) -> None:
    run = cli("publish", str(tmp_path), "-a", "1.0.0")
    assert (run.code, run.err) == (2, "accord: error: no pact files to publish\n")
    run = cli("publish", str(tmp_path / "missing.json"), "-a", "1.0.0")
    assert run.code == 2
    assert run.err == f"accord: error: {tmp_path / 'missing.json'}: no such file or directory\n"


def test_a_malformed_pact_file_is_named_in_a_one_line_error(cli: Cli, tmp_path: Path) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"consumer": {"name": "x"}}))
    run = cli("publish", str(bad), "-a", "1.0.0")
    assert run.code == 2
    [line] = run.err.splitlines()
    assert str(bad) in line
