"""Fixtures shared by the compatibility-suite step modules."""

from __future__ import annotations

import pytest

from tests.compat.support import World, require_suite


@pytest.fixture
def world() -> World:
    require_suite()
    return World()
