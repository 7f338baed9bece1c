"""Fixtures shared by the compatibility-suite step modules."""

from __future__ import annotations

import pytest

from tests.compat.support import World, require_suite

SUITE_TAGS = {
    "consumer": "compatibility-suite scenario tagged @consumer",
    "provider": "compatibility-suite scenario tagged @provider",
    "message": "compatibility-suite scenario tagged @message",
    "wip": "compatibility-suite scenario tagged @wip (work in progress upstream)",
    "SynchronousMessage": "compatibility-suite scenario tagged @SynchronousMessage",
}


def pytest_configure(config: pytest.Config) -> None:
    # pytest-bdd turns Gherkin tags into marks; register the suite's tags.
    for tag, text in SUITE_TAGS.items():
        config.addinivalue_line("markers", f"{tag}: {text}")


@pytest.fixture
def world() -> World:
    require_suite()
    return World()
