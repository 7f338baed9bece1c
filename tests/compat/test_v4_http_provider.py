"""V4/http_provider.feature from the Pact compatibility suite, run unedited."""

import pytest
from pytest_bdd import scenarios

from tests.compat.steps_http_provider import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.support import feature


@pytest.fixture
def http_spec() -> str:
    """The spec the scenarios' pact files are written in."""
    return "V4"


scenarios(feature("V4/http_provider.feature"))
