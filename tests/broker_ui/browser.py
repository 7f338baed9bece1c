"""Headless Chromium from the system (Debian's ``chromium`` package), for Playwright.

Playwright's own browser downloads are not used: CI installs ``chromium`` with apt and the
tests point Playwright at it. A missing browser is a failure with the fix in its message,
never a skip, so a CI image without Chromium cannot pass the UI tests silently.
"""

from __future__ import annotations

import os
from pathlib import Path

from playwright.sync_api import Browser, Playwright

CHROMIUM = os.environ.get("ACCORD_TEST_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
MISSING = (
    f"Chromium is not installed at {CHROMIUM}; the broker UI tests drive it with Playwright. "
    "Install it with `apt-get install chromium` (Debian/Ubuntu), or point "
    "ACCORD_TEST_CHROMIUM at a Chromium binary."
)


def missing() -> str | None:
    """Why Chromium cannot be used, or None when it can."""
    path = Path(CHROMIUM)
    return None if path.is_file() and os.access(path, os.X_OK) else MISSING


def launch(playwright: Playwright) -> Browser:
    return playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
