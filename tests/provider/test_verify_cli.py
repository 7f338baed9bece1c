"""``accord verify`` for HTTP and mixed pacts: flags, exit codes 0/1/2, reports, publishing."""

from __future__ import annotations

import json
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest

from accord.cli import main
from tests.provider import mixed_provider
from tests.provider.apps import UserService, serve
from tests.provider.pacts import (
    PROVIDER,
    create_user,
    document,
    get_user,
    user_event,
    user_lookup,
    whoami,
    write,
)

APP = "tests.provider.mixed_provider:verifier"


@pytest.fixture
def mixed_file(tmp_path: Path) -> Path:
    return write(tmp_path, document(get_user(), create_user(), user_event(), user_lookup()))


@pytest.fixture
def provider_url() -> Iterator[str]:
    mixed_provider.service.users.clear()
    with serve(mixed_provider.service.app()) as url:
        yield url


def verify(*args: str) -> int:
    return main(["verify", "--color", "never", *args])


def test_a_mixed_pact_passes_with_app_and_base_url_and_shows_kinds(
    mixed_file: Path, provider_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = verify(
        str(mixed_file),
        "--provider",
        PROVIDER,
        "--app",
        APP,
        "--provider-base-url",
        provider_url,
        "--json",
        str(tmp_path / "out.json"),
        "--junit",
        str(tmp_path / "out.xml"),
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "ok   UsersUI: 'a request for a user' given 'a user exists' (HTTP)" in out
    assert "ok   UsersUI: 'a user lookup' given 'a user exists' (sync message)" in out
    assert "4 interactions: 4 passed, 0 failed" in out
    report = json.loads((tmp_path / "out.json").read_text())
    assert [i["kind"] for i in report["interactions"]] == [
        "HTTP",
        "HTTP",
        "async message",
        "sync message",
    ]
    cases = ET.parse(tmp_path / "out.xml").getroot().iter("testcase")
    assert next(c.get("name") for c in cases) == "HTTP: a request for a user"


def test_a_provider_in_another_language_through_the_state_change_url(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = UserService()
    path = write(tmp_path, document(get_user(), create_user()))
    with serve(service.app()) as url:
        code = verify(
            str(path),
            "--provider",
            PROVIDER,
            "--provider-base-url",
            url,
            "--state-change-url",
            f"{url}/_pact/state",
        )
    assert code == 0, capsys.readouterr().out
    # the official verifier's body: {"state", "params", "action"}; a stateless interaction
    # gets an empty state, as the official verifier sends it
    assert service.state_calls == [
        {"state": "a user exists", "params": {"id": 7, "name": "Ada"}, "action": "setup"},
        {"state": "a user exists", "params": {"id": 7, "name": "Ada"}, "action": "teardown"},
        {"state": "", "params": {}, "action": "setup"},
        {"state": "", "params": {}, "action": "teardown"},
    ]
    assert service.seen[0]["path"] == "/users/7", "the state's values reached the request"


def test_custom_headers_and_a_malformed_one(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = UserService()
    path = write(tmp_path, document(whoami()))
    with serve(service.app()) as url:
        base = [str(path), "--provider", PROVIDER, "--provider-base-url", url]
        assert verify(*base) == 1
        assert "status: expected 200" in capsys.readouterr().out
        header = ["--custom-header", "Authorization: Bearer good-token"]
        assert verify(*base, *header, "--custom-header", "X-Trace: t") == 0
        assert service.seen[-1]["headers"]["x-trace"] == "t"
        assert verify(*base, "--custom-header", "no colon here") == 2
    assert "--custom-header 'no colon here' must look like 'Name: value'" in (
        capsys.readouterr().err
    )


def test_a_failed_contract_exits_1_and_writes_both_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    service = UserService(broken=True)
    path = write(tmp_path, document(get_user()))
    with serve(service.app()) as url:
        code = verify(
            str(path),
            "--provider",
            PROVIDER,
            "--app",
            APP,
            "--provider-base-url",
            url,
            "--json",
            str(tmp_path / "r.json"),
            "--junit",
            str(tmp_path / "r.xml"),
        )
    assert code == 1
    assert json.loads((tmp_path / "r.json").read_text())["ok"] is False
    assert ET.parse(tmp_path / "r.xml").getroot().find("testsuite/testcase/failure") is not None


def test_could_not_run_exits_2_and_still_writes_the_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = verify(
        str(tmp_path / "missing.json"),
        "--provider",
        PROVIDER,
        "--app",
        APP,
        "--json",
        str(tmp_path / "r.json"),
        "--junit",
        str(tmp_path / "r.xml"),
    )
    assert code == 2
    err = capsys.readouterr().err
    assert err.strip().endswith("missing.json: no such file or directory")
    report = json.loads((tmp_path / "r.json").read_text())
    assert report["ok"] is False and "no such file or directory" in report["error"]
    assert ET.parse(tmp_path / "r.xml").getroot().find("testsuite/testcase/error") is not None


def test_a_provider_name_matching_no_pact_exits_2(
    mixed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert verify(str(mixed_file), "--provider", "Userz", "--app", APP) == 2
    assert "no pact is for provider 'Userz': the pacts given are for 'Users'" in (
        capsys.readouterr().err
    )


def test_a_misspelt_app_attribute_gets_a_suggestion(
    mixed_file: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    spec = "tests.provider.mixed_provider:verifer"
    assert verify(str(mixed_file), "--provider", PROVIDER, "--app", spec) == 2
    assert capsys.readouterr().err.strip() == (
        "accord: error: 'tests.provider.mixed_provider' has no attribute 'verifer' for --app; "
        "did you mean tests.provider.mixed_provider:verifier?"
    )


def test_ctrl_c_still_writes_the_reports(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    doc = {
        "consumer": {"name": "c"},
        "provider": {"name": PROVIDER},
        "interactions": [
            {"type": "Asynchronous/Messages", "description": d, "contents": {"content": {}}}
            for d in ("first", "second")
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    path = write(tmp_path, doc)
    report = tmp_path / "r.json"
    app = "tests.provider.interrupting_provider:verifier"
    code = verify(str(path), "--provider", PROVIDER, "--app", app, "--json", str(report))
    assert code == 130
    data = json.loads(report.read_text())
    assert data["interrupted"] is True and data["ok"] is False
    assert "interrupted" in capsys.readouterr().out


def test_publish_prints_what_it_published(
    tmp_path: Path, provider_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    from accord.broker import BackgroundServer, Settings

    consumer = f"UsersUI-{uuid.uuid4().hex[:8]}"
    (tmp_path / "pacts").mkdir()
    path = write(tmp_path / "pacts", document(get_user(), user_lookup(), consumer=consumer))
    database = f"sqlite:///{tmp_path / 'broker.sqlite3'}"
    with BackgroundServer(Settings(database_url=database)) as broker:
        published = main(
            ["publish", str(path), "-a", "1.0.0", "--branch", "main", "--broker-url", broker.url]
        )
        assert published == 0, capsys.readouterr()
        capsys.readouterr()
        code = verify(
            "--provider",
            PROVIDER,
            "--app",
            APP,
            "--provider-base-url",
            provider_url,
            "--broker-url",
            broker.url,
            "--consumer-version-selectors",
            '{"mainBranch": true}',
            "--provider-version",
            "2.0.0",
            "--publish",
        )
        out = capsys.readouterr().out
    assert code == 0, out
    line = next(x for x in out.splitlines() if "published" in x)
    assert line.strip().startswith(
        f"published success for {consumer} 1.0.0 (provider version 2.0.0): {broker.url}/"
    ), line


def test_named_transports_on_the_command_line(
    mixed_file: Path, provider_url: str, capsys: pytest.CaptureFixture[str]
) -> None:
    base = [str(mixed_file), "--provider", PROVIDER, "--app", APP]
    assert verify(*base, "--transport", f"http={provider_url}") == 0, capsys.readouterr().out
    assert verify(*base, "--transport", "pigeon=coop") == 2
    assert "unknown transport 'pigeon' (available: " in capsys.readouterr().err
    assert verify(*base, "--transport", "grpc") == 2
    assert "--transport 'grpc' must look like NAME=TARGET" in capsys.readouterr().err


def test_state_change_calls_match_the_official_verifiers(tmp_path: Path) -> None:
    """The same pact, server and state endpoint: accord's state-change requests are the
    official verifier's, body for body, and both pass.

    The Rust verifier applies no generator to the expected response (not even
    ``ProviderState``; accord injects state values there, as pact-jvm does), so this
    pact's response has none, to compare like with like.
    """
    from urllib.parse import urlsplit

    from tests.interop.support import run_official

    lookup = get_user()
    lookup["response"]["generators"] = {}
    lookup["response"]["body"]["content"]["id"] = 7
    path = write(tmp_path, document(lookup, create_user()))
    official, ours = UserService(), UserService()
    with serve(official.app()) as url:
        port = str(urlsplit(url).port)
        done = run_official(
            [
                "--no-colour",
                "--file",
                str(path),
                "--hostname",
                "127.0.0.1",
                "--port",
                port,
                "--state-change-url",
                f"{url}/_pact/state",
                "--state-change-teardown",
                "--provider-name",
                PROVIDER,
            ]
        )
    assert done.code == 0, done
    with serve(ours.app()) as url:
        args = [str(path), "--provider", PROVIDER, "--provider-base-url", url]
        assert verify(*args, "--state-change-url", f"{url}/_pact/state") == 0
    assert ours.state_calls == official.state_calls
    assert [s["path"] for s in ours.seen] == [s["path"] for s in official.seen]
