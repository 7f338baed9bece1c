"""Screenshots of the broker UI for the docs: ``.venv/bin/python scripts/ui_screenshots.py``.

Starts a broker on a throwaway SQLite database, publishes the UI tests' data over HTTP
(``tests/broker_ui/seed.py``), and saves full-page PNGs of the main pages to ``docs/``
with headless Chromium (``apt-get install chromium``).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from accord.broker import BackgroundServer, Settings  # noqa: E402
from tests.broker_ui import browser  # noqa: E402
from tests.broker_ui.seed import BILLING, USERS, seed  # noqa: E402

PAGES = {
    "broker-ui.png": "/ui",
    "broker-ui-pact.png": f"/ui/pacts/provider/{USERS}/consumer/{BILLING}/version/1.0.0",
    "broker-ui-matrix.png": f"/ui/matrix/provider/{USERS}/consumer/{BILLING}",
    "broker-ui-can-i-deploy.png": (
        "/ui/can-i-deploy?pacticipant=web-app&version=5.0.0&environment=production"
    ),
    "broker-ui-network.png": "/ui/network",
}


def main(out: Path = ROOT / "docs") -> None:
    problem = browser.missing()
    if problem:
        raise SystemExit(problem)
    with tempfile.TemporaryDirectory() as tmp:
        settings = Settings(database_url=f"sqlite:///{tmp}/broker.sqlite3")
        with BackgroundServer(settings) as server, sync_playwright() as playwright:
            seed(server.url)
            chromium = browser.launch(playwright)
            page = chromium.new_page(viewport={"width": 1280, "height": 800})
            for name, path in PAGES.items():
                page.goto(server.url + path)
                page.screenshot(path=str(out / name), full_page=True)
                print(out / name)
            chromium.close()


if __name__ == "__main__":
    main()
