"""``pact.serve()``: a real HTTP/1.1 mock server, called with httpx over loopback."""

from __future__ import annotations

import json
import re
import socket
import ssl
from pathlib import Path

import httpx
import pytest

from accord import Pact, generate, match
from accord.errors import AccordError, MockServerMismatch
from accord.model.read import load_pact
from accord.model.write import V4


def new_pact(tmp_path: Path, spec: str = "V4") -> Pact:
    return Pact("web-ui", "users-api", spec=spec, pact_dir=tmp_path)


def user_lookup(pact: Pact) -> None:
    (
        pact.upon_receiving("a request for user 127")
        .given("User with id 127 exists", id=127)
        .with_request("GET", "/users/127", headers={"Accept": "application/json"})
        .will_respond_with(
            200,
            headers={"Content-Type": "application/json"},
            body={"id": match.integer(127), "name": match.like("Ada")},
        )
    )


# -- the happy path ----------------------------------------------------------------------


def test_a_matching_request_gets_the_response_and_enters_the_pact(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pact.serve() as server:
        assert re.fullmatch(r"http://127\.0\.0\.1:\d+", server.url)
        reply = httpx.get(f"{server.url}/users/127", headers={"Accept": "application/json"})
    assert reply.status_code == 200
    assert reply.headers["content-type"] == "application/json"
    assert reply.json() == {"id": 127, "name": "Ada"}
    [interaction] = pact.interactions
    assert interaction.description == "a request for user 127"
    written = load_pact(pact.write())
    assert [i.description for i in written.interactions] == ["a request for user 127"]


def test_keep_alive_connections_serve_several_requests(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    for index in range(5):
        (
            pact.upon_receiving(f"item {index}")
            .with_request("GET", f"/items/{index}")
            .will_respond_with(200, body={"index": index})
        )
    with pact.serve() as server, httpx.Client(base_url=server.url) as client:
        answers = [client.get(f"/items/{index}").json()["index"] for index in range(5)]
    assert answers == [0, 1, 2, 3, 4]
    assert len(pact.interactions) == 5


@pytest.mark.asyncio
async def test_async_with_and_an_async_client(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    async with pact.serve() as server, httpx.AsyncClient() as client:
        reply = await client.get(f"{server.url}/users/127", headers={"Accept": "application/json"})
    assert reply.json()["name"] == "Ada"
    assert len(pact.interactions) == 1


@pytest.mark.asyncio
async def test_async_with_raises_mismatches_on_exit(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pytest.raises(MockServerMismatch, match="missing request: GET /users/127"):
        async with pact.serve():
            pass


# -- failures ------------------------------------------------------------------------------


def test_a_mismatch_is_a_failed_assertion_naming_where_and_why(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pytest.raises(AssertionError) as info, pact.serve() as server:
        reply = httpx.get(f"{server.url}/users/127", headers={"Accept": "text/html"})
        assert reply.status_code == 500
        assert "did not match" in reply.json()["error"]
    error = info.value
    assert isinstance(error, MockServerMismatch) and isinstance(error, AccordError)
    first = str(error).splitlines()[0]
    assert "request GET /users/127 did not match 'a request for user 127'" in first
    assert "header Accept" in first and "text/html" in first
    assert "missing request: GET /users/127 ('a request for user 127')" in str(error)
    assert pact.interactions == []


def test_unexpected_requests_are_named_with_method_and_path(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pytest.raises(MockServerMismatch) as info, pact.serve() as server:
        httpx.get(f"{server.url}/users/127", headers={"Accept": "application/json"})
        assert httpx.delete(f"{server.url}/users/127").status_code == 500
        httpx.post(f"{server.url}/orders", json={})
    assert info.value.problems == [
        "unexpected request: DELETE /users/127",
        "unexpected request: POST /orders",
    ]
    # The matched interaction is proven, so it still joins the pact.
    assert [i.description for i in pact.interactions] == ["a request for user 127"]


def test_body_mismatches_name_the_json_path(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("create an order")
        .with_request("POST", "/orders", body={"sku": match.regex("A-1", r"[A-Z]-\d+"), "qty": 1})
        .will_respond_with(201)
    )
    with pytest.raises(MockServerMismatch) as info, pact.serve() as server:
        httpx.post(f"{server.url}/orders", json={"sku": "lower", "qty": 1})
    text = str(info.value)
    assert "body $.sku" in text and "lower" in text
    assert "missing request: POST /orders" in text


def test_the_best_of_several_interactions_on_one_path_is_reported(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("search by name")
        .with_request("GET", "/search", query={"name": "ada", "limit": "10"})
        .will_respond_with(200, body=["ada"])
    )
    (
        pact.upon_receiving("search by team")
        .with_request("GET", "/search", query={"team": "eng"})
        .will_respond_with(200, body=["eng"])
    )
    with pytest.raises(MockServerMismatch) as info, pact.serve() as server:
        assert httpx.get(f"{server.url}/search?team=eng").json() == ["eng"]
        httpx.get(f"{server.url}/search?name=ada&limit=20")
    [mismatch, missing] = info.value.problems
    assert mismatch.startswith("request GET /search did not match 'search by name'")
    assert "query limit" in mismatch and "'20'" in mismatch
    assert missing.startswith("missing request: GET /search ('search by name')")


def test_identical_requests_declared_twice_are_both_used(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    for state in ("a user exists", "another user exists"):
        pact.upon_receiving("get users").given(state).with_request(
            "GET", "/users"
        ).will_respond_with(200, body=[])
    with pact.serve() as server:
        httpx.get(f"{server.url}/users")
        httpx.get(f"{server.url}/users")
    assert len(pact.interactions) == 2


def test_an_exception_in_the_block_wins_and_nothing_joins_the_pact(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pytest.raises(ZeroDivisionError), pact.serve() as server:
        httpx.get(f"{server.url}/users/127", headers={"Accept": "application/json"})
        _ = 1 / 0
    assert pact.interactions == []


def test_unserved_interactions_are_left_out_of_the_file_with_a_warning(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pytest.warns(UserWarning, match="never matched by a request"):
        path = pact.write()
    assert load_pact(path).interactions == []


def test_a_busy_port_is_a_clear_error(tmp_path: Path) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        pact = new_pact(tmp_path)
        with pytest.raises(AccordError, match=f"could not listen on 127.0.0.1:{port}"):
            pact.serve(port=port).start()


def test_a_request_without_with_request_is_a_clear_error(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    pact.upon_receiving("half declared").will_respond_with(200)
    with pytest.raises(AccordError, match="'half declared' has no request"):
        pact.serve()


# -- matchers and generators in every position ------------------------------------------


def test_matchers_in_path_query_headers_body_and_status(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("an order lookup")
        .with_request(
            "GET",
            match.regex("/orders/1", r"/orders/\d+"),
            query={"expand": match.regex("items", r"items|customer"), "page": match.integer(1)},
            headers={"Authorization": match.regex("Bearer abc", r"Bearer \w+")},
        )
        .will_respond_with(
            match.status_code("success", 200),
            headers={"X-Trace": match.regex("t-1", r"t-\d+")},
            body={"id": match.integer(1), "lines": match.each_like({"sku": "A"}, min=2)},
        )
    )
    with pact.serve() as server:
        reply = httpx.get(
            f"{server.url}/orders/98765?expand=customer&page=7",
            headers={"Authorization": "Bearer xyz"},
        )
    assert reply.status_code == 200
    assert reply.headers["x-trace"] == "t-1"
    assert reply.json() == {"id": 1, "lines": [{"sku": "A"}, {"sku": "A"}]}
    request = load_pact(pact.write()).interactions[0].request  # type: ignore[attr-defined]
    rules = request.matching_rules
    assert rules.single("path").rules == [{"match": "regex", "regex": r"/orders/\d+"}]
    assert rules.keyed("query", "page").rules == [{"match": "integer"}]
    assert rules.keyed("header", "Authorization").rules[0]["match"] == "regex"


def test_a_path_regex_mismatch_makes_the_request_unexpected(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("an order lookup")
        .with_request("GET", match.regex("/orders/1", r"/orders/\d+"))
        .will_respond_with(200)
    )
    with (
        pytest.raises(MockServerMismatch, match="unexpected request: GET /orders/abc"),
        pact.serve() as server,
    ):
        httpx.get(f"{server.url}/orders/abc")


def test_generators_run_for_each_response_and_mock_server_url_points_here(
    tmp_path: Path,
) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("create a user")
        .with_request("POST", "/users", body={"name": "Ada"})
        .will_respond_with(
            201,
            headers={
                "Location": generate.mock_server_url(
                    r".*(/users/\d+)$", "http://localhost:8080/users/1"
                )
            },
            body={
                "id": generate.uuid(),
                "count": generate.random_int(100, 200),
                "self": generate.mock_server_url(r".*(/users/\d+)$", "http://x/users/1"),
                "when": generate.date(format="yyyy-MM-dd"),
            },
        )
    )
    with pact.serve() as server:
        reply = httpx.post(f"{server.url}/users", json={"name": "Ada"})
    body = reply.json()
    assert reply.status_code == 201
    assert reply.headers["location"] == f"{server.url}/users/1"
    assert body["self"] == f"{server.url}/users/1"
    assert 100 <= body["count"] <= 200
    assert re.fullmatch(r"[0-9a-f-]{36}", body["id"]) and body["id"] != "6ba7b810"
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", body["when"])
    # The pact keeps the examples and the generators, not the generated values.
    response = load_pact(pact.write()).interactions[0].response  # type: ignore[attr-defined]
    assert response.body.content["self"] == "http://x/users/1"
    assert response.generators.category("header")["Location"]["type"] == "MockServerURL"
    assert response.generators.category("body")["$.count"]["type"] == "RandomInt"


# -- body kinds ----------------------------------------------------------------------------


def test_text_bodies(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("a note")
        .with_request("PUT", "/notes/1", body="hello", content_type="text/plain")
        .will_respond_with(200, body="stored", content_type="text/plain; charset=utf-8")
    )
    with pact.serve() as server:
        reply = httpx.put(
            f"{server.url}/notes/1", content=b"hello", headers={"Content-Type": "text/plain"}
        )
    assert reply.text == "stored"
    assert reply.headers["content-type"] == "text/plain; charset=utf-8"


def test_a_text_body_with_a_regex_matcher(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("a greeting")
        .with_request("POST", "/greet", body=match.regex("hello 1", r"hello \d+"))
        .will_respond_with(204)
    )
    with pact.serve() as server:
        reply = httpx.post(
            f"{server.url}/greet", content=b"hello 42", headers={"Content-Type": "text/plain"}
        )
    assert reply.status_code == 204


XML = '<?xml version="1.0"?><order id="1"><line sku="A">2</line></order>'


def test_xml_bodies(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("an XML order")
        .with_request("POST", "/orders", body=XML, content_type="application/xml")
        .will_respond_with(201, body="<ok/>", content_type="application/xml")
    )
    expected = r"body \$\.order\.line\['@sku'\]: Expected 'A' but received 'B'"
    with pytest.raises(MockServerMismatch, match=expected), pact.serve() as server:
        bad = XML.replace('sku="A"', 'sku="B"')
        httpx.post(f"{server.url}/orders", content=bad, headers={"Content-Type": "application/xml"})
    with pact.serve() as server:
        reply = httpx.post(
            f"{server.url}/orders", content=XML, headers={"Content-Type": "application/xml"}
        )
    assert reply.status_code == 201 and reply.text == "<ok/>"
    assert reply.headers["content-type"] == "application/xml"


def test_form_bodies(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("a login form")
        .with_request(
            "POST",
            "/login",
            body={"user": "ada", "scope": ["read", "write"]},
            content_type="application/x-www-form-urlencoded",
        )
        .will_respond_with(302, headers={"Location": "/home"})
    )
    with pact.serve() as server:
        reply = httpx.post(
            f"{server.url}/login",
            data={"scope": ["read", "write"], "user": "ada"},
        )
    assert reply.status_code == 302 and reply.headers["location"] == "/home"
    written = load_pact(pact.write()).interactions[0].request  # type: ignore[attr-defined]
    assert written.body.content == "user=ada&scope=read&scope=write"


def test_a_form_field_mismatch_is_named(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("a login form")
        .with_request(
            "POST", "/login", body={"user": "ada"}, content_type="application/x-www-form-urlencoded"
        )
        .will_respond_with(200)
    )
    with (
        pytest.raises(MockServerMismatch, match="form post parameter 'user'"),
        pact.serve() as server,
    ):
        httpx.post(f"{server.url}/login", data={"user": "bob"})


def test_matchers_in_form_bodies_apply_to_each_value(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("a search form")
        .with_request(
            "POST",
            "/search",
            body={"q": match.like("ada"), "page": match.integer(1), "sort": "name"},
            content_type="application/x-www-form-urlencoded",
        )
        .will_respond_with(200)
    )
    form = {"q": "grace", "page": "7", "sort": "name"}
    with pytest.raises(MockServerMismatch) as info, pact.serve() as server:
        bad = httpx.post(f"{server.url}/search", data={**form, "page": "seven"})
        assert bad.status_code == 500
    assert "body $.page" in info.value.problems[0] and "seven" in info.value.problems[0]
    with pact.serve() as server:
        assert httpx.post(f"{server.url}/search", data=form).status_code == 200
    request = load_pact(pact.write()).interactions[0].request  # type: ignore[attr-defined]
    assert request.body.content == "q=ada&page=1&sort=name"
    assert request.matching_rules.category("body")["$.page"].rules == [{"match": "integer"}]


def test_generators_in_form_bodies_are_refused_clearly(tmp_path: Path) -> None:
    builder = new_pact(tmp_path).upon_receiving("a login form")
    with pytest.raises(AccordError, match="form field 'user': generators inside form bodies"):
        builder.with_request(
            "POST",
            "/login",
            body={"user": generate.random_string(5)},
            content_type="application/x-www-form-urlencoded",
        )
    with pytest.raises(AccordError, match="form field 'user': a form value must be a string"):
        builder.with_request(
            "POST",
            "/login",
            body={"user": {"nested": True}},
            content_type="application/x-www-form-urlencoded",
        )


PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256))


def test_binary_bodies(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("an upload")
        .with_request("PUT", "/files/1", body=PNG, content_type="image/png")
        .will_respond_with(200, body=b"\x00\x01\xff", content_type="application/octet-stream")
    )
    with pact.serve() as server:
        reply = httpx.put(
            f"{server.url}/files/1", content=PNG, headers={"Content-Type": "image/png"}
        )
    assert reply.content == b"\x00\x01\xff"
    request = load_pact(pact.write()).interactions[0].request  # type: ignore[attr-defined]
    assert request.body.content == PNG


def test_a_binary_body_matched_by_content_type(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("an image upload")
        .with_request("POST", "/images", body=match.content_type(PNG, "image/png"))
        .will_respond_with(201)
    )
    other_png = b"\x89PNG\r\n\x1a\n" + b"different pixels"
    with pact.serve() as server:
        reply = httpx.post(
            f"{server.url}/images",
            content=other_png,
            headers={"Content-Type": "application/octet-stream"},
        )
    assert reply.status_code == 201


# -- options -------------------------------------------------------------------------------


def test_cors_preflight_is_answered_and_responses_allow_the_origin(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    origin = "http://app.example"
    with pact.serve(cors=True) as server:
        preflight = httpx.options(
            f"{server.url}/users/127",
            headers={
                "Origin": origin,
                "Access-Control-Request-Method": "GET",
                "Access-Control-Request-Headers": "accept",
            },
        )
        reply = httpx.get(
            f"{server.url}/users/127", headers={"Accept": "application/json", "Origin": origin}
        )
    assert preflight.status_code == 204
    assert preflight.headers["access-control-allow-origin"] == origin
    assert preflight.headers["access-control-allow-methods"] == "GET"
    assert preflight.headers["access-control-allow-headers"] == "accept"
    assert reply.headers["access-control-allow-origin"] == origin
    assert len(pact.interactions) == 1


def test_without_cors_a_preflight_is_an_unexpected_request(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    with (
        pytest.raises(MockServerMismatch, match="unexpected request: OPTIONS /users/127"),
        pact.serve() as server,
    ):
        httpx.options(
            f"{server.url}/users/127",
            headers={"Origin": "http://a", "Access-Control-Request-Method": "GET"},
        )


def test_tls_serves_https_with_a_certificate_made_for_the_run(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pact.serve(tls=True) as server:
        assert server.url.startswith("https://127.0.0.1:")
        assert server.ca_path is not None and server.ca_path.read_text().startswith(
            "-----BEGIN CERTIFICATE-----"
        )
        with pytest.raises(httpx.ConnectError, match="CERTIFICATE_VERIFY_FAILED"):
            httpx.get(f"{server.url}/users/127")
        trusted = ssl.create_default_context(cafile=str(server.ca_path))
        reply = httpx.get(
            f"{server.url}/users/127", headers={"Accept": "application/json"}, verify=trusted
        )
        assert server.ssl_context is not None
        again = httpx.get(
            f"{server.url}/users/127",
            headers={"Accept": "application/json"},
            verify=server.ssl_context,
        )
        ca_path = server.ca_path
    assert reply.json()["name"] == "Ada" and again.status_code == 200
    assert not ca_path.exists()  # the throwaway CA is removed with the server


def test_a_body_over_the_limit_gets_413_and_fails_the_test(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("an upload")
        .with_request("POST", "/files", body=b"x", content_type="application/octet-stream")
        .will_respond_with(201)
    )
    with pytest.raises(MockServerMismatch) as info, pact.serve(max_body_size=1000) as server:
        reply = httpx.post(f"{server.url}/files", content=b"x" * 5000)
        assert reply.status_code == 413
        assert "limit of 1000 bytes" in reply.text
    assert "request body too large: POST /files" in info.value.problems[0]


def test_a_chunked_body_over_the_limit_gets_413(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)

    def chunks():  # type: ignore[no-untyped-def]
        for _ in range(10):
            yield b"y" * 500

    with (
        pytest.raises(MockServerMismatch, match="request body too large"),
        pact.serve(max_body_size=1000) as server,
    ):
        reply = httpx.post(f"{server.url}/files", content=chunks())
        assert reply.status_code == 413


def test_head_requests_get_headers_without_a_body(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    pact.upon_receiving("a head").with_request("HEAD", "/ping").will_respond_with(
        200, headers={"X-Up": "yes"}
    )
    with pact.serve() as server:
        reply = httpx.head(f"{server.url}/ping")
    assert reply.status_code == 200 and reply.headers["x-up"] == "yes" and reply.content == b""


def test_error_bodies_from_the_server_are_json(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    with pytest.raises(MockServerMismatch), pact.serve() as server:
        reply = httpx.get(f"{server.url}/nothing")
    assert reply.status_code == 500
    assert json.loads(reply.text) == {
        "error": "accord mock server: unexpected request GET /nothing"
    }


def test_spec_is_v4_by_default(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pact.serve() as server:
        httpx.get(f"{server.url}/users/127", headers={"Accept": "application/json"})
    assert load_pact(pact.write()).spec_version == V4


def test_a_client_waiting_for_100_continue_gets_it(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    pact.upon_receiving("an upload").with_request(
        "POST", "/files", body=b"abc", content_type="application/octet-stream"
    ).will_respond_with(201)
    with pact.serve() as server:
        port = int(server.url.rsplit(":", 1)[1])
        with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
            sock.sendall(
                b"POST /files HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                b"Content-Length: 3\r\nExpect: 100-continue\r\n\r\n"
            )
            assert sock.recv(1024).startswith(b"HTTP/1.1 100 ")
            sock.sendall(b"abc")
            assert sock.recv(1024).startswith(b"HTTP/1.1 201 ")


def test_the_server_stops_listening_on_exit(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    with pact.serve() as server:
        port = int(server.url.rsplit(":", 1)[1])
    with pytest.raises(ConnectionRefusedError):
        socket.create_connection(("127.0.0.1", port), timeout=5).close()


@pytest.mark.asyncio
async def test_a_plain_with_and_a_blocking_client_work_inside_an_async_test(
    tmp_path: Path,
) -> None:
    pact = new_pact(tmp_path)
    user_lookup(pact)
    with pact.serve() as server:
        reply = httpx.get(f"{server.url}/users/127", headers={"Accept": "application/json"})
    assert reply.status_code == 200 and len(pact.interactions) == 1


def test_request_generators_are_written_but_the_example_is_matched(tmp_path: Path) -> None:
    pact = new_pact(tmp_path)
    (
        pact.upon_receiving("a user by state id")
        .given("a user exists", id=5)
        .with_request(
            "GET",
            generate.provider_state("/users/${id}", "/users/5"),
            headers={"X-Request-Id": generate.uuid(example="00000000-0000-0000-0000-000000000000")},
        )
        .will_respond_with(200)
    )
    with pact.serve() as server:
        httpx.get(
            f"{server.url}/users/5",
            headers={"X-Request-Id": "00000000-0000-0000-0000-000000000000"},
        )
    request = load_pact(pact.write()).interactions[0].request  # type: ignore[attr-defined]
    assert request.generators.category("path")[""] == {
        "type": "ProviderState",
        "expression": "/users/${id}",
    }
    assert request.generators.category("header")["X-Request-Id"]["type"] == "Uuid"


def test_bad_parts_are_refused_where_they_are_declared(tmp_path: Path) -> None:
    builder = new_pact(tmp_path).upon_receiving("bad")
    with pytest.raises(AccordError, match=r"'bad': request: header 'X-N' must be a string"):
        builder.with_request("GET", "/", headers={"X-N": {"nested": 1}})  # type: ignore[dict-item]
    with pytest.raises(AccordError, match="status must be an HTTP status code, not 1000"):
        builder.will_respond_with(1000)
