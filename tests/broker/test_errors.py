"""Bad input gets the right status and a JSON body; a failed write leaves nothing behind."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from accord.broker.settings import DEFAULT_MAX_BODY_BYTES
from tests.broker.support import BrokerClient, Names, b64, message_pact


def test_malformed_json_is_400_with_the_error(broker: BrokerClient) -> None:
    response = broker.http.post(
        "/contracts/publish",
        content=b'{"pacticipantName": ',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.headers["content-type"].startswith("application/hal+json")
    assert "invalid JSON" in response.json()["errors"]["body"][0]


def test_non_json_body_is_415(broker: BrokerClient) -> None:
    response = broker.http.post(
        "/contracts/publish", content=b"hello", headers={"Content-Type": "text/plain"}
    )
    assert response.status_code == 415


def test_publish_validation_reports_every_problem(broker: BrokerClient, names: Names) -> None:
    foo = names("Foo")
    response = broker.post(
        "/contracts/publish",
        {
            "pacticipantName": foo,
            "pacticipantVersionNumber": "1\n2",
            "contracts": [
                {
                    "consumerName": foo,
                    "providerName": "X",
                    "specification": "pact",
                    "contentType": "application/json",
                    "content": "%%%",
                },
                {
                    "consumerName": "Other",
                    "providerName": "X",
                    "content": b64(message_pact("Other", "X")),
                },
                {"consumerName": foo, "providerName": "Y", "content": b64(message_pact(foo, "Z"))},
                {
                    "consumerName": foo,
                    "providerName": "Y",
                    "content": b64({"consumer": {"name": foo}}),
                },
            ],
        },
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert errors["pacticipantVersionNumber"] == ["must be a single line"]
    problems = errors["contracts"]
    assert len(problems) == 4
    assert "base64" in problems[0]
    assert "must match pacticipantName" in problems[1]
    assert "does not match providerName" in problems[2]
    assert "provider" in problems[3]
    assert broker.get(f"/pacticipants/{foo}").status_code == 404


def test_put_pact_with_mismatched_names_is_400(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    response = broker.put(
        f"/pacts/provider/{bar}/consumer/{foo}/version/1", message_pact(foo, "Other")
    )
    assert response.status_code == 400
    assert "provider name" in response.json()["errors"]["pact"][0]


@pytest.mark.parametrize("chunked", [False, True], ids=["content-length", "streamed"])
def test_oversized_body_is_413(broker: BrokerClient, chunked: bool) -> None:
    payload = b"x" * (DEFAULT_MAX_BODY_BYTES + 1)

    def stream() -> Iterator[bytes]:
        for start in range(0, len(payload), 1 << 20):
            yield payload[start : start + (1 << 20)]

    content = stream() if chunked else payload
    response = broker.http.post(
        "/contracts/publish", content=content, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert "limit" in response.json()["error"]


def test_unknown_resources_are_hal_404s(broker: BrokerClient, names: Names) -> None:
    for path in (
        "/nothing/here",
        f"/pacticipants/{names('Ghost')}",
        f"/pacts/provider/{names('P')}/consumer/{names('C')}/latest",
        "/environments/nope",
    ):
        response = broker.get(path)
        assert response.status_code == 404, path
        assert response.headers["content-type"].startswith("application/hal+json")
        assert response.json()["error"]


def test_wrong_method_is_405(broker: BrokerClient) -> None:
    response = broker.http.delete("/contracts/publish")
    assert response.status_code == 405
    assert "POST" in response.headers["allow"]


def test_conflict_in_a_later_contract_undoes_the_earlier_ones(
    broker: BrokerClient, names: Names
) -> None:
    foo, bar, baz = names("Foo"), names("Bar"), names("Baz")
    broker.publish(foo, "1", [message_pact(foo, baz, "original")])
    broker.publish(
        foo,
        "1",
        [message_pact(foo, bar, "new"), message_pact(foo, baz, "changed")],
        branch="b",
        tags=["t"],
        expect=409,
    )
    assert broker.get(f"/pacts/provider/{bar}/consumer/{foo}/version/1").status_code == 404
    assert broker.get(f"/pacticipants/{bar}").status_code == 404
    assert broker.count_rows("tags", foo) == 0
    assert broker.count_rows("branches", foo) == 0
    assert broker.count_rows("pact_publications", foo) == 1


def test_failure_partway_through_a_write_leaves_no_partial_rows(
    broker: BrokerClient, names: Names, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The server runs in this process, so a store function can be made to blow up after
    the pacticipants, version, branch, tags, content and publication were written."""
    from accord.broker.store import pacts

    def explode(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(pacts, "_touch_integration", explode)
    foo, bar = names("Foo"), names("Bar")
    body = {
        "pacticipantName": foo,
        "pacticipantVersionNumber": "1",
        "branch": "main",
        "tags": ["dev"],
        "contracts": [
            {"consumerName": foo, "providerName": bar, "content": b64(message_pact(foo, bar))}
        ],
    }
    response = broker.post("/contracts/publish", body)
    assert response.status_code == 500
    assert response.json()["error"]
    monkeypatch.undo()
    assert (
        broker.scalar("SELECT count(*) FROM pacticipants WHERE name IN (:a, :b)", a=foo, b=bar) == 0
    )
    assert (
        broker.scalar(
            "SELECT count(*) FROM versions "
            "WHERE number = '1' AND pacticipant_id NOT IN (SELECT id FROM pacticipants)"
        )
        == 0
    )
    for table in (
        "versions",
        "pact_versions",
        "pact_publications",
        "tags",
        "branches",
        "integrations",
    ):
        assert broker.count_rows(table, foo) == 0, table
    # and the same request succeeds once the fault is gone
    assert broker.post("/contracts/publish", body).status_code == 200
    assert broker.count_rows("pact_publications", foo) == 1


def test_the_body_limit_is_configurable(database_url: str) -> None:
    from accord.broker import BackgroundServer, Settings

    with BackgroundServer(Settings(database_url=database_url, max_body_bytes=2000)) as server:
        small = httpx.post(f"{server.url}/contracts/publish", json={"x": "y" * 500})
        assert small.status_code == 400  # read and validated
        big = httpx.post(f"{server.url}/contracts/publish", json={"x": "y" * 3000})
        assert big.status_code == 413
