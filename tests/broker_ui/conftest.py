"""One real broker per test session (SQLite in a temp dir) holding the data of
:mod:`tests.broker_ui.seed`, published over HTTP, and one headless Chromium to look at it.

Tests only read from this broker, so they can share it; a test that needs other data
starts its own. Chromium, by contrast, is started per test (see :func:`chromium`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

from tests.broker_ui import browser
from tests.broker_ui.seed import seed


@pytest.fixture(scope="session")
def ui_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    from accord.broker import BackgroundServer, Settings

    path = tmp_path_factory.mktemp("broker-ui") / "broker.sqlite3"
    with BackgroundServer(Settings(database_url=f"sqlite:///{path}")) as server:
        seed(server.url)
        yield server.url


@pytest.fixture
def chromium() -> Iterator[Browser]:
    """A fresh Chromium per test. Playwright's sync API runs an event loop on this thread
    while it is open; keeping it open across tests would break every later test in the same
    worker that calls ``asyncio.run`` (the verifier does), so it lives only as long as one
    test."""
    problem = browser.missing()
    if problem:
        pytest.fail(problem, pytrace=False)
    with sync_playwright() as playwright:
        launched = browser.launch(playwright)
        try:
            yield launched
        finally:
            launched.close()


@pytest.fixture
def ui_page(chromium: Browser) -> Iterator[Page]:
    context = chromium.new_context(viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    try:
        yield context.new_page()
    finally:
        context.close()
