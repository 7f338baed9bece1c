"""V4/v4.feature from the Pact compatibility suite, run unedited."""

import pytest
from pytest_bdd import scenarios

from tests.compat.steps_http_consumer import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.support import feature


@pytest.fixture
def http_spec() -> str:
    """HTTP and message interactions share one V4 pact."""
    return "V4"


scenarios(feature("V4/v4.feature"))
