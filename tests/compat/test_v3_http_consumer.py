"""V3/http_consumer.feature from the Pact compatibility suite, run unedited."""

import pytest
from pytest_bdd import scenarios

from tests.compat.steps_http_consumer import *  # noqa: F403 (pytest-bdd step fixtures)
from tests.compat.support import feature


@pytest.fixture
def http_spec() -> str:
    """The spec accord writes the scenarios' pacts in."""
    return "V3"


scenarios(feature("V3/http_consumer.feature"))
