"""The UI's routes over plain HTTP: status, content type, the text that matters, and that
the HAL API at ``/`` is untouched for every kind of API client."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from tests.broker_ui.seed import BILLING, EMAIL, PAYMENTS, USERS, WEB, Publisher, q

BROWSER_ACCEPT = (
    "text/html,application/xhtml+xml,application/xml;q=0.9,image/avif,image/webp,"
    "image/apng,*/*;q=0.8,application/signed-exchange;v=b3;q=0.7"
)


@pytest.fixture(scope="module")
def http(ui_broker: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=ui_broker, timeout=30) as client:
        yield client


def _html(response: httpx.Response, status: int = 200) -> str:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert "script-src" not in response.headers["content-security-policy"]
    assert "default-src 'none'" in response.headers["content-security-policy"]
    return response.text


# --- the HAL index stays JSON ---------------------------------------------------------------


@pytest.mark.parametrize(
    "accept",
    [
        "application/hal+json",
        "application/hal+json, application/json",
        "application/json",
        "*/*",
        None,
        "text/html;q=0.5, application/hal+json",
        "application/hal+json, text/html",
    ],
)
def test_api_clients_still_get_the_hal_index(http: httpx.Client, accept: str | None) -> None:
    headers = {} if accept is None else {"Accept": accept}
    response = http.get("/", headers=headers)
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/hal+json")
    links = response.json()["_links"]
    assert links["pb:publish-contracts"]["href"].endswith("/contracts/publish")
    assert "Accept" in response.headers["vary"]


@pytest.mark.parametrize("accept", ["text/html", BROWSER_ACCEPT])
def test_browsers_get_the_integrations_page_at_the_root(http: httpx.Client, accept: str) -> None:
    page = _html(http.get("/", headers={"Accept": accept}))
    assert "<h1>Integrations</h1>" in page
    head = http.head("/", headers={"Accept": accept})
    assert head.status_code == 200
    assert head.headers["content-type"] == "text/html; charset=utf-8"


def test_the_rest_of_the_api_ignores_html_accept(http: httpx.Client) -> None:
    response = http.get(
        f"/pacts/provider/{USERS}/consumer/{BILLING}/latest", headers={"Accept": BROWSER_ACCEPT}
    )
    assert response.status_code == 200
    assert response.json()["consumer"]["name"] == BILLING


# --- pages ---------------------------------------------------------------------------------


def test_the_index_lists_integrations(http: httpx.Client) -> None:
    page = _html(http.get("/ui"))
    for name in (BILLING, USERS, PAYMENTS, WEB, EMAIL):
        assert f">{name}</a>" in page
    assert page.count('class="row-failed"') == 1
    assert page.count('class="row-passed"') == 1
    assert page.count('class="row-unverified"') == 2
    assert f"/ui/matrix/provider/{USERS}/consumer/{WEB}" in page
    assert _html(http.get("/ui/")) == page


def test_the_index_can_show_one_application(http: httpx.Client) -> None:
    page = _html(http.get("/ui", params={"pacticipant": PAYMENTS}))
    assert page.count("<tr class=") == 1
    assert f"Showing the integrations of <strong>{PAYMENTS}</strong>" in page


def test_a_pact_page(http: httpx.Client) -> None:
    page = _html(http.get(f"/ui/pacts/provider/{USERS}/consumer/{BILLING}/version/1.0.0"))
    assert "a user created event" in page
    assert "a request for user 127" in page
    assert "a user deleted event" not in page  # only in 1.1.0
    assert "User with id 127 exists" in page
    assert "regex ^[^@]+@[^@]+$" in page
    assert "&#34;email&#34;: " in page or "&quot;email&quot;: " in page
    latest = _html(http.get(f"/ui/pacts/provider/{USERS}/consumer/{BILLING}/latest"))
    assert "a user deleted event" in latest


def test_raw_json_is_the_stored_pact(http: httpx.Client) -> None:
    response = http.get(f"/ui/pacts/provider/{PAYMENTS}/consumer/{BILLING}/version/1.0.0/raw")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/json; charset=utf-8"
    doc = response.json()
    assert doc["consumer"]["name"] == BILLING
    assert doc["interactions"][0]["type"] == "Synchronous/Messages"
    assert "_links" not in doc


def test_the_matrix_page(http: httpx.Client) -> None:
    page = _html(http.get(f"/ui/matrix/provider/{USERS}/consumer/{WEB}"))
    assert "Matrix: " in page
    assert "5.0.0" in page
    assert "2.3.0" in page
    assert 'class="row-failed"' in page
    assert "/verification-results/" in page


@pytest.mark.parametrize(
    ("pacticipant", "version", "verdict"),
    [(BILLING, "1.0.0", "yes"), (WEB, "5.0.0", "no"), (BILLING, "1.1.0", "unknown")],
)
def test_can_i_deploy_page(
    http: httpx.Client, pacticipant: str, version: str, verdict: str
) -> None:
    query = {"pacticipant": pacticipant, "version": version, "environment": "production"}
    page = _html(http.get("/ui/can-i-deploy", params=query))
    assert f'class="decision decision-{verdict}"' in page
    api = http.get("/can-i-deploy", params=query).json()
    assert {True: "yes", False: "no", None: "unknown"}[api["summary"]["deployable"]] == verdict
    for notice in api["notices"]:
        assert notice["text"] in page


def test_can_i_deploy_form_alone_and_with_mistakes(http: httpx.Client) -> None:
    form = _html(http.get("/ui/can-i-deploy"))
    assert '<select id="cid-pacticipant" name="pacticipant" required>' in form
    assert 'value="production"' in form
    assert "decision" not in form.split("</form>")[1]

    missing = _html(http.get("/ui/can-i-deploy", params={"pacticipant": BILLING}), 400)
    assert "Please give the version." in missing
    assert '<option value="1.1.0">' in missing  # versions of the chosen application

    unknown = _html(
        http.get(
            "/ui/can-i-deploy",
            params={"pacticipant": "nobody", "version": "1", "environment": "production"},
        ),
        400,
    )
    assert "Pacticipant nobody not found" in unknown


def test_the_network_page(http: httpx.Client) -> None:
    page = _html(http.get("/ui/network"))
    assert "<svg" in page
    assert page.count('class="node node-') == 5
    assert page.count('class="edge edge-') == 4
    assert f"{WEB} → {USERS}: failed" in page


def test_the_stylesheet(http: httpx.Client) -> None:
    page = _html(http.get("/ui"))
    href = page.split('rel="stylesheet" href="')[1].split('"')[0]
    response = http.get(href)
    assert response.status_code == 200
    assert response.headers["content-type"] == "text/css; charset=utf-8"
    assert "max-age" in response.headers["cache-control"]
    assert ".status-passed" in response.text
    assert http.get("/ui/static/other.css").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        f"/ui/pacts/provider/{USERS}/consumer/nobody/latest",
        f"/ui/pacts/provider/{USERS}/consumer/{BILLING}/version/9.9.9",
        f"/ui/pacts/provider/{EMAIL}/consumer/{BILLING}/latest",
        "/ui/matrix/provider/nobody/consumer/nothing",
    ],
)
def test_missing_things_are_html_404s(http: httpx.Client, path: str) -> None:
    page = _html(http.get(path), 404)
    assert "<h1>Not found</h1>" in page


def test_ui_routes_only_read() -> None:
    from accord.broker.routes import build_router

    router = build_router()
    for path in (
        "/",
        "/ui",
        "/ui/network",
        "/ui/can-i-deploy",
        "/ui/static/x",
        "/ui/matrix/provider/a/consumer/b",
    ):
        route, _ = router.match("GET", path)
        assert route.write is False, path


# --- what clients wrote is shown, never run ------------------------------------------------


def test_an_empty_broker_and_pact_content_that_tries_to_run_script(tmp_path: object) -> None:
    from pathlib import Path

    from accord.broker import BackgroundServer, Settings

    evil = '<script>alert("x")</script>'
    pact = {
        "consumer": {"name": f"c{evil}"},
        "provider": {"name": "p"},
        "interactions": [
            {
                "type": "Asynchronous/Messages",
                "description": f"an event {evil}",
                "providerStates": [{"name": evil, "params": {evil: evil}}],
                "contents": {"content": {evil: evil}, "contentType": "application/json"},
                "metadata": {evil: evil},
            }
        ],
        "metadata": {"pactSpecification": {"version": "4.0"}},
    }
    database = Path(str(tmp_path)) / "evil.sqlite3"
    with BackgroundServer(Settings(database_url=f"sqlite:///{database}")) as server:
        assert "No pacts yet" in _html(httpx.get(server.url + "/ui"))
        assert "No integrations yet" in _html(httpx.get(server.url + "/ui/network"))
        form = _html(httpx.get(server.url + "/ui/can-i-deploy"))
        assert "No environments are recorded yet" in form
        client = Publisher(server.url)
        try:
            client.publish(f"c{evil}", "1", "main", pact)
        finally:
            client.close()
        pages = [
            httpx.get(server.url + "/ui"),
            httpx.get(f"{server.url}/ui/pacts/provider/p/consumer/{q('c' + evil)}/latest"),
            httpx.get(server.url + "/ui/network"),
        ]
    for response in pages:
        text = _html(response)
        assert "<script>" not in text
        assert "&lt;script&gt;" in text
