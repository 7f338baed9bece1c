"""The UI as a person uses it: headless Chromium against a real broker with real pacts.

The browser sends its own ``Accept`` header, so opening ``/`` also proves the content
negotiation that keeps ``/`` JSON for API clients.
"""

from __future__ import annotations

import pytest
from playwright.sync_api import Locator, Page, expect

from tests.broker_ui import browser
from tests.broker_ui.seed import BILLING, EMAIL, PAYMENTS, USERS, WEB

RULE = "matching rule: "
"""Each rule's text starts with this for screen readers (visually hidden)."""
GENERATOR = "generator: "


def _interaction(page: Page, description: str) -> Locator:
    heading = page.get_by_role("heading", name=description, exact=True)
    return page.locator("article.interaction", has=heading)


def test_chromium_is_installed() -> None:
    """Says how to fix it (apt-get install chromium) instead of skipping the UI tests."""
    problem = browser.missing()
    if problem:
        pytest.fail(problem, pytrace=False)


def test_the_index_shows_every_integration_with_its_status(ui_broker: str, ui_page: Page) -> None:
    ui_page.goto(ui_broker + "/")
    expect(ui_page.get_by_role("heading", name="Integrations", level=1)).to_be_visible()
    rows = ui_page.locator("table.integrations tbody tr")
    expect(rows).to_have_count(4)
    expected = {
        (BILLING, PAYMENTS): ("1.1.0", "Passed"),
        (BILLING, USERS): ("1.1.0", "Unverified"),
        (EMAIL, BILLING): ("0.9.0", "Unverified"),
        (WEB, USERS): ("5.0.0", "Failed"),
    }
    for (consumer, provider), (version, status) in expected.items():
        row = rows.filter(
            has=ui_page.get_by_role("link", name=f"Pact between {consumer} and {provider}")
        )
        expect(row).to_have_count(1)
        expect(row.locator("td").nth(0)).to_have_text(consumer)
        expect(row.locator("td").nth(2)).to_have_text(provider)
        expect(row.locator(".version-number").first).to_have_text(version)
        expect(row.locator(".status")).to_contain_text(status)
    failed = rows.filter(has_text=WEB)
    expect(failed).to_contain_text(f"by {USERS} 2.3.0")
    expect(ui_page.locator(".summary")).to_contain_text("4 integrations")


def test_a_message_pact_page_is_readable(ui_broker: str, ui_page: Page) -> None:
    ui_page.goto(ui_broker + "/ui")
    ui_page.get_by_role("link", name=f"Pact between {BILLING} and {USERS}").click()
    expect(ui_page).to_have_url(
        f"{ui_broker}/ui/pacts/provider/{USERS}/consumer/{BILLING}/version/1.1.0"
    )
    expect(ui_page.get_by_role("heading", level=1)).to_have_text(f"{BILLING} → {USERS}")

    event = _interaction(ui_page, "a user created event")
    expect(event).to_be_visible()
    expect(event.locator(".kind").first).to_have_text("Message")
    state = event.locator(".states li")
    expect(state.locator(".state-name")).to_have_text("User with id 127 exists")
    expect(state.locator(".param").first).to_have_text("id = 127")
    expect(state.locator(".param").nth(1)).to_have_text("plan = gold")

    topic = event.locator("table.fields tr", has_text="topic")
    expect(topic).to_contain_text("users.v1")
    expect(topic.locator(".note-rule")).to_have_text(RULE + r"regex users\.v\d+")

    content = event.locator("table.json")
    email = content.locator("tr", has_text='"email"')
    expect(email.locator(".src")).to_have_text('  "email": "billy@example.com",')
    expect(email.locator(".note-rule")).to_have_text(RULE + "regex ^[^@]+@[^@]+$")
    expect(content.locator("tr", has_text='"id"').locator(".note-rule")).to_have_text(
        RULE + "integer"
    )
    expect(content.locator("tr", has_text='"name"').locator(".note-rule")).to_have_text(
        RULE + "any string"
    )
    expect(content.locator("tr", has_text='"roles"').locator(".note-rule")).to_have_text(
        RULE + "each item alike · min 1"
    )
    expect(content.locator("tr", has_text='"createdAt"').locator(".note-rule")).to_have_text(
        RULE + "datetime yyyy-MM-dd'T'HH:mm:ssX"
    )
    expect(content.locator("tr", has_text='"traceId"').locator(".note-generator")).to_have_text(
        GENERATOR + "⚙ uuid"
    )

    deleted = _interaction(ui_page, "a user deleted event")
    expect(deleted.locator("tr", has_text='"deletedAt"').locator(".note-rule")).to_have_text(
        RULE + "date yyyy-MM-dd"
    )

    http = _interaction(ui_page, "a request for user 127")
    expect(http.locator(".kind").first).to_have_text("HTTP")
    request = http.locator("section.part", has_text="Request")
    expect(request.locator(".part-line")).to_contain_text("GET /users/127")
    expect(request.locator(".part-line .note-rule")).to_have_text(RULE + r"regex ^/users/\d+$")
    response = http.locator("section.part").nth(1)
    expect(response.locator(".part-line")).to_contain_text("200")
    expect(response.locator("tr", has_text='"plan"').locator(".note-rule")).to_have_text(
        RULE + "regex gold|silver|bronze"
    )

    raw = ui_page.get_by_role("link", name="Raw JSON")
    expect(raw).to_have_attribute(
        "href", f"{ui_broker}/ui/pacts/provider/{USERS}/consumer/{BILLING}/version/1.1.0/raw"
    )
    raw.click()
    assert f'"name": "{BILLING}"' in ui_page.content()


def test_v3_message_and_sync_message_pacts_are_readable(ui_broker: str, ui_page: Page) -> None:
    ui_page.goto(f"{ui_broker}/ui/pacts/provider/{BILLING}/consumer/{EMAIL}/latest")
    invoice = _interaction(ui_page, "an invoice issued event")
    expect(invoice.locator(".state-name")).to_have_text("an invoice exists")
    expect(invoice.locator(".param")).to_have_text("invoiceId = INV-1")
    expect(invoice.locator("tr", has_text='"total"').locator(".note-rule")).to_have_text(
        RULE + "decimal"
    )
    expect(ui_page.locator(".facts")).to_contain_text("Pact 3.0.0")

    ui_page.goto(f"{ui_broker}/ui/pacts/provider/{PAYMENTS}/consumer/{BILLING}/latest")
    payment = _interaction(ui_page, "a payment request")
    expect(payment.locator(".kind").first).to_have_text("Sync message")
    expect(payment.locator(".part-title")).to_have_text(["Request message", "Response"])
    reply = payment.locator("section.part").nth(1)
    expect(reply.locator("tr", has_text='"status"').locator(".note-rule")).to_have_text(
        RULE + "regex accepted|rejected"
    )


def test_the_index_leads_to_the_matrix_of_a_pair(ui_broker: str, ui_page: Page) -> None:
    ui_page.goto(ui_broker + "/")
    ui_page.get_by_role("link", name=f"Matrix for {BILLING} and {USERS}").click()
    expect(ui_page).to_have_url(f"{ui_broker}/ui/matrix/provider/{USERS}/consumer/{BILLING}")
    rows = ui_page.locator("table.matrix tbody tr")
    expect(rows).to_have_count(2)
    verified = rows.filter(has_text="2.3.0")
    expect(verified).to_have_count(1)
    expect(verified.locator(".status")).to_contain_text("Passed")
    expect(verified).to_contain_text("1.0.0")
    expect(verified.locator(".badge-env")).to_contain_text("Production")
    expect(verified.locator(".badge-branch").first).to_contain_text("main")
    unverified = rows.filter(has_text="1.1.0")
    expect(unverified.locator(".status")).to_contain_text("Unverified")
    expect(unverified.locator(".badge-branch")).to_contain_text("feat/user-deletion")


def _ask(page: Page, base: str, pacticipant: str, version: str) -> Locator:
    page.goto(base + "/ui/can-i-deploy")
    page.get_by_label("Application").select_option(pacticipant)
    page.get_by_label("Version").fill(version)
    page.get_by_label("Environment").select_option("production")
    page.get_by_role("button", name="Check").click()
    return page.locator("section.decision")


def test_can_i_deploy_answers_from_the_form(ui_broker: str, ui_page: Page) -> None:
    yes = _ask(ui_page, ui_broker, BILLING, "1.0.0")
    expect(yes.get_by_role("heading")).to_have_text(
        f"✓ Yes: {BILLING} 1.0.0 can be deployed to production"
    )
    expect(yes.locator(".reasons")).to_contain_text(
        "All required verification results are published and successful"
    )
    expect(ui_page.locator("table.matrix tbody tr")).to_have_count(2)

    no = _ask(ui_page, ui_broker, WEB, "5.0.0")
    expect(no).to_have_class("decision decision-no")
    expect(no.get_by_role("heading")).to_contain_text(f"No: {WEB} 5.0.0 must not be deployed")
    expect(no.locator(".reason-error")).to_contain_text(
        f"The verification for the pact between version 5.0.0 of {WEB}"
    )

    unknown = _ask(ui_page, ui_broker, BILLING, "1.1.0")
    expect(unknown).to_have_class("decision decision-unknown")
    expect(unknown.locator(".reason-error")).to_contain_text("There is no verified pact between")


def test_the_network_graph_draws_everyone(ui_broker: str, ui_page: Page) -> None:
    ui_page.goto(ui_broker + "/ui/network")
    graph = ui_page.get_by_role("img", name="Network of 5 applications")
    expect(graph).to_be_visible()
    expect(graph.locator(".node")).to_have_count(5)
    expect(graph.locator(".edge")).to_have_count(4)
    expect(graph.locator(".edge-failed")).to_have_count(1)
    graph.locator(".node", has_text=WEB).click()
    expect(ui_page).to_have_url(f"{ui_broker}/ui?pacticipant={WEB}")
    expect(ui_page.locator("table.integrations tbody tr")).to_have_count(1)
