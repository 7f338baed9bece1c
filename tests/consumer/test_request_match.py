"""Choosing the interaction for a received request, without a server."""

from __future__ import annotations

from accord import Pact, match
from accord.consumer.request_match import RequestMatcher, received_request
from accord.model.pact import HttpInteraction


def interactions() -> list[HttpInteraction]:
    pact = Pact("c", "p")
    builders = [
        pact.upon_receiving("user by id").with_request(
            "GET", match.regex("/users/1", r"/users/\d+")
        ),
        pact.upon_receiving("user 7, v2").with_request("GET", "/users/7", query={"v": "2"}),
        pact.upon_receiving("user 7, v3").with_request("GET", "/users/7", query={"v": "3"}),
        pact.upon_receiving("create").with_request("POST", "/users", body={"name": "a"}),
    ]
    return [b.build() for b in builders]


def test_the_wire_request_is_decoded() -> None:
    request = received_request(
        "get",
        "/a%20b?x=1&x=2&empty=",
        [("Content-Type", "text/plain"), ("X-A", "1"), ("x-a", "2")],
        b"hello",
    )
    assert request.method == "GET" and request.path == "/a b"
    assert request.query == {"x": ["1", "2"], "empty": [""]}
    assert request.headers == {"Content-Type": ["text/plain"], "X-A": ["1"], "x-a": ["2"]}
    assert request.body is not None and request.body.content == "hello"
    json_body = received_request("POST", "/", [("content-type", "application/json")], b"{}")
    assert json_body.body is not None and json_body.body.content == b"{}"
    assert received_request("GET", "/", [], b"").body is None


def test_literal_paths_win_and_query_picks_between_them() -> None:
    matcher = RequestMatcher(interactions())
    v3 = matcher.choose(received_request("GET", "/users/7?v=3", [], b""))
    assert v3.interaction is not None and v3.interaction.description == "user 7, v3"
    # No query: neither literal one matches, so the path regex one does.
    plain = matcher.choose(received_request("GET", "/users/7", [], b""))
    assert plain.interaction is not None and plain.interaction.description == "user by id"


def test_a_miss_reports_the_nearest_interaction_on_the_same_path() -> None:
    matcher = RequestMatcher(interactions())
    json_type = [("Content-Type", "application/json")]
    miss = matcher.choose(received_request("POST", "/users", json_type, b'{"name": "b"}'))
    assert miss.interaction is None
    assert miss.nearest is not None and miss.nearest.description == "create"
    assert [m.path for m in miss.mismatches] == ["$.name"]
    unexpected = matcher.choose(received_request("DELETE", "/users", [], b""))
    assert unexpected.interaction is None and unexpected.nearest is None


def test_an_interaction_not_yet_matched_is_preferred() -> None:
    pact = Pact("c", "p")
    first = pact.upon_receiving("a").given("one").with_request("GET", "/x").build()
    second = pact.upon_receiving("a").given("two").with_request("GET", "/x").build()
    matcher = RequestMatcher([first, second])
    request = received_request("GET", "/x", [], b"")
    assert matcher.choose(request).interaction is first
    assert matcher.choose(request, {id(first)}).interaction is second
    assert matcher.choose(request, {id(first), id(second)}).interaction is first
