"""Hostile input gets a 4xx with a reason, the same on SQLite and PostgreSQL, never a 500.

Every test runs against a real broker on each backend (the module-scoped ``broker`` fixture
is parametrized), so one expected status per case also proves the backends agree. The last
test sweeps every string in a valid request of every write route through long, NUL and
newline values, and asserts only that no answer is a 5xx.
"""

from __future__ import annotations

import base64
import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest

from accord.broker.limits import MAX_JSON_DEPTH, MAX_NAME_LENGTH
from tests.broker.support import BrokerClient, Names, b64, message_pact, q

TOO_LONG = "x" * (MAX_NAME_LENGTH + 1)
LONGEST = "y" * MAX_NAME_LENGTH


def publish_body(consumer: str, provider: str, version: str, content: str) -> dict[str, Any]:
    return {
        "pacticipantName": consumer,
        "pacticipantVersionNumber": version,
        "branch": "main",
        "tags": ["dev"],
        "contracts": [
            {
                "consumerName": consumer,
                "providerName": provider,
                "specification": "pact",
                "contentType": "application/json",
                "content": content,
            }
        ],
    }


def raw_content(text: str) -> str:
    return base64.b64encode(text.encode()).decode()


def errors_text(response: Any) -> str:
    """Everything the error body says, as one string to search for the reason."""
    return json.dumps(response.json())


# --- lengths ------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["pacticipantName", "pacticipantVersionNumber", "branch"])
def test_an_overlong_publish_field_is_400_naming_it(
    broker: BrokerClient, names: Names, field: str
) -> None:
    foo, bar = names("Foo"), names("Bar")
    body = publish_body(foo, bar, "1", b64(message_pact(foo, bar)))
    body[field] = TOO_LONG
    if field == "pacticipantName":
        body["contracts"][0]["consumerName"] = TOO_LONG
    response = broker.post("/contracts/publish", body)
    assert response.status_code == 400, response.text
    assert f"at most {MAX_NAME_LENGTH} characters" in response.json()["errors"][field][0]
    assert broker.get(f"/pacticipants/{q(foo)}").status_code == 404


def test_an_overlong_tag_or_provider_name_is_400(broker: BrokerClient, names: Names) -> None:
    foo = names("Foo")
    body = publish_body(foo, TOO_LONG, "1", b64(message_pact(foo, TOO_LONG)))
    body["tags"] = ["ok", TOO_LONG]
    response = broker.post("/contracts/publish", body)
    assert response.status_code == 400, response.text
    errors = response.json()["errors"]
    assert "at most 255" in errors["tags"][0]
    assert "providerName" in errors["contracts"][0]


def test_names_of_exactly_the_limit_are_stored_and_served(
    broker: BrokerClient, names: Names
) -> None:
    foo = names("Foo")
    provider = LONGEST[: -len(names.suffix)] + names.suffix
    broker.publish(foo, LONGEST, [message_pact(foo, provider)], branch=LONGEST, tags=[LONGEST])
    assert broker.pact(provider, foo, LONGEST)["provider"]["name"] == provider
    response = broker.get(f"/pacticipants/{q(foo)}/versions/{q(LONGEST)}/tags/{q(LONGEST)}")
    assert response.status_code == 200


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/pacticipants/{long}"),
        ("PUT", "/pacticipants/{long}"),
        ("PUT", "/pacticipants/{name}/versions/{long}"),
        ("PUT", "/pacticipants/{name}/versions/1/tags/{long}"),
        ("PUT", "/pacticipants/{name}/branches/{long}/versions/1"),
        ("PUT", "/pacticipants/{name}/labels/{long}"),
        ("GET", "/pacts/provider/{long}/consumer/{name}/latest"),
        ("GET", "/environments/{long}"),
    ],
)
def test_an_overlong_path_segment_is_400(
    broker: BrokerClient, names: Names, method: str, path: str
) -> None:
    url = path.format(long=q(TOO_LONG), name=q(names("Foo")))
    response = broker.http.request(method, url, json={})
    assert response.status_code == 400, response.text
    assert f"at most {MAX_NAME_LENGTH} characters" in errors_text(response)


def test_overlong_environment_and_instance_names_are_400(
    broker: BrokerClient, names: Names
) -> None:
    response = broker.post("/environments", {"name": TOO_LONG})
    assert response.status_code == 400
    assert "at most 255" in response.json()["errors"]["name"][0]
    response = broker.post("/environments", {"name": names("env"), "displayName": TOO_LONG})
    assert response.status_code == 400
    assert "displayName" in response.json()["errors"]
    foo = names("Foo")
    env = broker.environment(names("test"))
    broker.put(f"/pacticipants/{q(foo)}/versions/1", {})
    response = broker.post(
        f"/pacticipants/{q(foo)}/versions/1/deployed-versions/environment/{env}",
        {"applicationInstance": TOO_LONG},
    )
    assert response.status_code == 400
    assert "applicationInstance" in response.json()["errors"]


def test_an_overlong_query_value_is_a_4xx_not_a_500(broker: BrokerClient) -> None:
    response = broker.get(
        "/can-i-deploy",
        params={"pacticipant": TOO_LONG, "version": TOO_LONG, "environment": TOO_LONG},
    )
    assert 400 <= response.status_code < 500, response.text
    assert response.json()


# --- NUL, newlines, surrogates ----------------------------------------------------------------


def test_nul_in_a_path_segment_is_400(broker: BrokerClient, names: Names) -> None:
    response = broker.put(f"/pacticipants/{q(names('Foo'))}%00x", {})
    assert response.status_code == 400
    assert "control characters" in errors_text(response)


def test_nul_in_the_query_is_400(broker: BrokerClient) -> None:
    response = broker.get("/can-i-deploy?pacticipant=a%00b&version=1&environment=x")
    assert response.status_code == 400
    assert "NUL" in errors_text(response)


@pytest.mark.parametrize(
    "body",
    [
        '{"pacticipantName": "a\\u0000b", "pacticipantVersionNumber": "1", "contracts": []}',
        '{"pacticipantName\\u0000": "a", "pacticipantVersionNumber": "1", "contracts": []}',
    ],
    ids=["value", "key"],
)
def test_nul_anywhere_in_a_json_body_is_400(broker: BrokerClient, body: str) -> None:
    response = broker.http.post(
        "/contracts/publish", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"]["body"][0]


def test_nul_inside_the_published_pact_is_400(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    pact = json.dumps(message_pact(foo, bar, content={"text": "a\x00b"}))
    assert "\\u0000" in pact
    response = broker.post("/contracts/publish", publish_body(foo, bar, "1", raw_content(pact)))
    assert response.status_code == 400
    assert "NUL" in response.json()["errors"]["contracts"][0]


def test_an_escaped_backslash_before_u0000_is_not_a_nul(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    pact = message_pact(foo, bar, content={"path": "C:\\u0000"})
    broker.publish(foo, "1", [pact])
    assert broker.pact(bar, foo, "1")["messages"][0]["contents"] == {"path": "C:\\u0000"}


def test_a_lone_surrogate_is_400(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    text = json.dumps(message_pact(foo, bar, content={"t": "PLACEHOLDER"}))
    text = text.replace("PLACEHOLDER", "\\ud800")
    response = broker.post("/contracts/publish", publish_body(foo, bar, "1", raw_content(text)))
    assert response.status_code == 400
    assert "surrogate" in response.json()["errors"]["contracts"][0]
    # a proper pair is fine
    text = text.replace("\\ud800", "\\ud83d\\ude00")
    response = broker.post("/contracts/publish", publish_body(foo, bar, "1", raw_content(text)))
    assert response.status_code == 200, response.text
    assert broker.pact(bar, foo, "1")["messages"][0]["contents"] == {"t": "\U0001f600"}


@pytest.mark.parametrize("newline", ["%0A", "%0D"])
def test_a_name_with_a_newline_is_refused_in_the_path(
    broker: BrokerClient, names: Names, newline: str
) -> None:
    response = broker.put(f"/pacticipants/{q(names('Foo'))}{newline}evil", {})
    assert response.status_code == 400
    assert "control characters" in errors_text(response)


def test_a_name_with_a_newline_is_refused_in_a_body(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    evil = f"{foo}\nX-Injected: 1"
    response = broker.post(
        "/contracts/publish", publish_body(evil, bar, "1", b64(message_pact(evil, bar)))
    )
    assert response.status_code == 400
    assert "control characters" in response.json()["errors"]["pacticipantName"][0]
    response = broker.post("/pacticipants", {"name": evil})
    assert response.status_code == 400
    response = broker.post("/environments", {"name": "a\tb"})
    assert response.status_code == 400


# --- nesting, numbers -------------------------------------------------------------------------


def nested(depth: int) -> Any:
    value: Any = "leaf"
    for _ in range(depth):
        value = {"a": [value]}
    return value


def test_a_deeply_nested_body_is_400_not_a_recursion_error(broker: BrokerClient) -> None:
    body = "[" * 100_000 + "]" * 100_000
    response = broker.http.post(
        "/contracts/publish", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == 400
    assert f"nested deeper than {MAX_JSON_DEPTH}" in response.json()["errors"]["body"][0]


def test_a_deeply_nested_pact_is_400(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    text = json.dumps(message_pact(foo, bar, content={"x": "PLACEHOLDER"}))
    text = text.replace('"PLACEHOLDER"', "[" * 5000 + "]" * 5000)
    response = broker.post("/contracts/publish", publish_body(foo, bar, "1", raw_content(text)))
    assert response.status_code == 400
    assert "nested deeper" in response.json()["errors"]["contracts"][0]
    response = broker.http.put(
        f"/pacts/provider/{q(bar)}/consumer/{q(foo)}/version/1",
        content=text,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "nested deeper" in response.json()["errors"]["body"][0]


def test_a_pact_nested_within_the_limit_round_trips(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    content = nested(40)  # 80 levels of contents, within the pact's own levels
    broker.publish(foo, "1", [message_pact(foo, bar, content=content)])
    assert broker.pact(bar, foo, "1")["messages"][0]["contents"] == content


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e999", "-1e400"])
def test_non_finite_numbers_in_a_pact_are_refused_at_publish(
    broker: BrokerClient, names: Names, number: str
) -> None:
    foo, bar = names("Foo"), names("Bar")
    text = json.dumps(message_pact(foo, bar, content={"n": 0.5})).replace("0.5", number)
    response = broker.post("/contracts/publish", publish_body(foo, bar, "1", raw_content(text)))
    assert response.status_code == 400
    assert number.lstrip("-") in response.json()["errors"]["contracts"][0]
    response = broker.http.put(
        f"/pacts/provider/{q(bar)}/consumer/{q(foo)}/version/1",
        content=text,
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert broker.get(f"/pacticipants/{q(foo)}").status_code == 404


def test_non_finite_numbers_in_verification_results_are_refused(
    broker: BrokerClient, names: Names
) -> None:
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar)])
    href = broker.pact(bar, foo, "1")["_links"]["pb:publish-verification-results"]["href"]
    response = broker.http.post(
        href,
        content='{"success": true, "providerApplicationVersion": "2", "testResults": [NaN]}',
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert "NaN" in response.json()["errors"]["body"][0]


def test_a_huge_integer_is_400(broker: BrokerClient, names: Names) -> None:
    foo, bar = names("Foo"), names("Bar")
    text = json.dumps(message_pact(foo, bar, content={"n": 7})).replace("7", "9" * 5000)
    response = broker.post("/contracts/publish", publish_body(foo, bar, "1", raw_content(text)))
    assert response.status_code == 400
    assert "digits" in response.json()["errors"]["contracts"][0]


# --- the sweep: every string of every write, made hostile -------------------------------------


HOSTILE = {"long": TOO_LONG * 5, "nul": "a\x00b", "newline": "a\nb", "empty": ""}


def string_paths(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    if isinstance(value, str):
        yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            yield from string_paths(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from string_paths(item, (*path, index))


def replaced(value: Any, path: tuple[Any, ...], new: str) -> Any:
    out = copy.deepcopy(value)
    target = out
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = new
    return out


def write_requests(names: Names, env_uuid: str) -> list[tuple[str, str, dict[str, Any]]]:
    foo, bar = names("Foo"), names("Bar")
    pact = message_pact(foo, bar)
    pact_path = f"/pacts/provider/{q(bar)}/consumer/{q(foo)}/version/1"
    return [
        ("POST", "/contracts/publish", publish_body(foo, bar, "1", b64(pact))),
        ("PUT", pact_path, pact),
        (
            "POST",
            "/pacticipants",
            {
                "name": names("New"),
                "displayName": "d",
                "repositoryUrl": "https://example.com/r",
                "repositoryName": "r",
                "repositoryNamespace": "n",
                "mainBranch": "main",
            },
        ),
        ("PATCH", f"/pacticipants/{q(foo)}", {"displayName": "d", "mainBranch": "main"}),
        (
            "PUT",
            f"/pacticipants/{q(foo)}/versions/2",
            {"buildUrl": "https://ci/1", "branch": "b", "tags": ["t"]},
        ),
        ("PUT", f"/pacticipants/{q(foo)}/versions/1/tags/t2", {"name": "t2"}),
        ("PUT", f"/pacticipants/{q(foo)}/branches/b2/versions/1", {"name": "b2"}),
        ("POST", "/environments", {"name": names("env"), "displayName": "E", "contacts": []}),
        (
            "POST",
            f"/pacticipants/{q(foo)}/versions/1/deployed-versions/environment/{env_uuid}",
            {"applicationInstance": "blue"},
        ),
        (
            "POST",
            f"/pacts/provider/{q(bar)}/for-verification",
            {
                "consumerVersionSelectors": [
                    {"branch": "main", "consumer": foo},
                    {"tag": "dev", "latest": True, "fallbackTag": "x"},
                    {"deployedOrReleased": True, "environment": "production"},
                ],
                "providerVersionBranch": "main",
                "providerVersionTags": ["dev"],
                "includeWipPactsSince": "2020-01-01",
            },
        ),
    ]


def test_no_hostile_string_in_any_write_is_a_5xx(broker: BrokerClient, names: Names) -> None:
    env_uuid = broker.environment(names("sweep"))
    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar)])
    failures = []
    sent = 0
    for method, path, body in write_requests(names, env_uuid):
        for where in string_paths(body):
            for label, value in HOSTILE.items():
                response = broker.http.request(method, path, json=replaced(body, where, value))
                sent += 1
                if response.status_code >= 500 or not response.content:
                    failures.append(f"{method} {path} {where} <- {label}: {response.status_code}")
    pact = message_pact(foo, bar)
    for where in string_paths(pact):  # strings inside the published pact itself
        for label, value in HOSTILE.items():
            content = b64(replaced(pact, where, value))
            response = broker.post("/contracts/publish", publish_body(foo, bar, "3", content))
            sent += 1
            if response.status_code >= 500:
                failures.append(f"pact {where} <- {label}: {response.status_code}")
    assert failures == []
    assert sent > 150


ODD_VALUES = ["x", "9" * 30, "-1", "latest", "é✓", "a b", "%", "0" * 300, "1e999"]
QUERY_KEYS = [
    "pacticipant",
    "version",
    "environment",
    "to",
    "tag",
    "branch",
    "latest",
    "latestby",
    "limit",
    "name",
    "q[][pacticipant]",
    "q[][version]",
    "q[][latest]",
    "q[][tag]",
    "q[][branch]",
    "success[]",
    "pageNumber",
    "pageSize",
    "mainBranch",
    "consumer",
    "provider",
]


def test_no_odd_value_in_any_read_is_a_5xx(broker: BrokerClient, names: Names) -> None:
    """Every GET route, its placeholders and the usual query keys filled with odd values."""
    from accord.broker.routes import build_router

    foo, bar = names("Foo"), names("Bar")
    broker.publish(foo, "1", [message_pact(foo, bar)], branch="main", tags=["dev"])
    patterns = sorted({r.pattern for r in _routes(build_router()) if r.method == "GET"})
    failures = []
    sent = 0
    for pattern in patterns:
        for value in ODD_VALUES:
            filled = pattern
            for key in ("provider", "pacticipant"):
                filled = filled.replace("{" + key + "}", q(bar if key == "provider" else foo))
            filled = filled.replace("{consumer}", q(foo))
            while "{" in filled:
                start, end = filled.index("{"), filled.index("}")
                filled = filled[:start] + q(value) + filled[end + 1 :]
            query = [(key, value) for key in QUERY_KEYS]
            response = broker.http.get(filled, params=query)
            sent += 1
            if response.status_code >= 500:
                failures.append(f"GET {filled} ({value!r}): {response.status_code}")
    assert failures == []
    assert sent > 300


def _routes(router: Any) -> Iterator[Any]:
    stack = [router._root]
    while stack:
        node = stack.pop()
        yield from node.routes.values()
        stack.extend(node.literals.values())
        if node.param is not None:
            stack.append(node.param[1])
